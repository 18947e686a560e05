"""Stakeholders and activity contacts are contacts *of the deal's customer*.

A buying centre is made of the customer's people. A stakeholder pointing at a contact
of another customer, or at no contact at all, is a mistake.

Passing:

```yaml
# deal of customer temp
stakeholders:
  - {contact: temp-wang-lei, role: decision_maker}
```

Failing:

```yaml
stakeholders:
  - {contact: acme-zhou-min, role: user}   # ref-contact: a contact of another customer
```
"""
from __future__ import annotations
from ..i18n import T

from ..yamlsource import one_line

ID = "ref-contact"
SEVERITY = "error"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)


def check(ctx):
    for deal in ctx.repo.deals.values():
        customer = ctx.customer_of(deal)
        if customer is None:
            continue  # ref-customer reports it
        known = customer.contacts
        for index, holder in enumerate(deal.stakeholders):
            if holder["contact"] not in known:  # the path is made only for a problem: 200,000 references at 10,000 deals
                problem = _check(ctx, deal, customer, holder["contact"], ("stakeholders", index, "contact"))
                if problem:
                    yield problem
        for activity in deal.activities:
            for c_index, contact in enumerate(activity.contacts):
                if contact not in known:
                    problem = _check(ctx, deal, customer, contact, ("activities", activity.index, "contacts", c_index))
                    if problem:
                        yield problem


def _check(ctx, deal, customer, contact_id, path):
    if contact_id in customer.contacts or ("contact", contact_id) in ctx.repo.unbuilt:
        return None  # a contact left out for its own problems is reported in its customer's file
    other = ctx.repo.contacts.get(contact_id)
    if other is not None:
        return ctx.at_deal(ID, deal, path,
                           T("contact '{contact}' belongs to customer '{other}', not '{customer}'",
                             contact=one_line(contact_id), other=one_line(other.customer), customer=one_line(customer.id)),
                           T("Use a contact of {customer} (listed in {file}).", customer=customer.id,
                             file=customer.file))
    return ctx.at_deal(ID, deal, path, T("unknown contact '{contact}' for customer '{customer}'",
                                         contact=one_line(contact_id), customer=one_line(customer.id)),
                       T("Add the person to `contacts:` in {file}, or fix the id.", file=customer.file))
