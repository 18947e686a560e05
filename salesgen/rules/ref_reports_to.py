"""`reports_to` names another contact of the same customer, and the org chart has no cycle.

Passing:

```yaml
contacts:
  - {id: temp-liu-gm, name: 刘志远}
  - {id: temp-wang-plant, name: 王磊, reports_to: temp-liu-gm}
```

Failing:

```yaml
contacts:
  - {id: temp-a, name: 甲, reports_to: temp-b}
  - {id: temp-b, name: 乙, reports_to: temp-a}   # ref-reports-to: a cycle
```
"""
from __future__ import annotations
from ..i18n import T

from ..yamlsource import one_line

ID = "ref-reports-to"
SEVERITY = "error"
SCOPE = "customers"  # reads the customers and the configuration, never a deal


def check(ctx):
    for customer in ctx.repo.customers.values():
        contacts = customer.contacts
        for contact in contacts.values():
            boss = contact.reports_to
            path = ("contacts", contact.index, "reports_to")
            if boss is None or ("contact", boss) in ctx.repo.unbuilt:
                continue  # a manager left out for their own problems is reported where they are
            if boss == contact.id:
                yield ctx.problem(ID, customer.file, path, T("contact '{contact}' reports to itself",
                                                             contact=one_line(contact.id)),
                                  T("Name the person's manager, or remove reports_to for the top of the org chart."))
            elif boss not in contacts:
                where = ctx.repo.contacts.get(boss)
                yield ctx.problem(ID, customer.file, path,
                                  T("'{contact}' reports to '{boss}', who is not a contact of this customer "
                                    "(a contact of '{other}')", contact=one_line(contact.id), boss=one_line(boss), other=one_line(where.customer))
                                  if where else
                                  T("'{contact}' reports to '{boss}', who is not a contact of this customer",
                                    contact=one_line(contact.id), boss=one_line(boss)),
                                  T("reports_to must name a contact in this file's `contacts:`."))
        yield from _cycles(ctx, customer)


def _cycles(ctx, customer):
    contacts = customer.contacts
    done: set = set()
    for start in contacts:
        chain, node = [], start
        while node in contacts and node not in done and node not in chain:
            chain.append(node)
            node = contacts[node].reports_to
        cycle = chain[chain.index(node):] if node in chain else []
        done.update(chain)
        if len(cycle) > 1:  # a one-person loop is reported as "reports to itself"
            first = min(cycle, key=lambda c: contacts[c].index)
            yield ctx.problem(ID, customer.file, ("contacts", contacts[first].index, "reports_to"),
                              T("reports_to forms a cycle: {chain}", chain=" -> ".join(one_line(c) for c in cycle + [cycle[0]])),
                              T("Someone in this chain must report to a person outside it (or to no one)."))
