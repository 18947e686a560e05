"""An interest account owned by an account manager records who assigned it (figure 1-3).

A new interest customer (兴趣客户) is held by the head of the sales centre (营销中心经理)
until the head (营销中心总经理) reviews it and assigns it to an account manager. So an
account of type `interest` whose `owner` holds none of the roles under
`interest_accounts: held_by:` in salesgen.yaml (default `executive`) says who assigned
it and when, as `assigned: {by, date}` (checked by account-assignment). An interest
account the head still owns awaits review and needs nothing. A warning by default, so
that a repository written before this rule keeps passing its gate: set
`account-unassigned: error` under `rules:` to make it block.

Passing:

```yaml
# customers/hengchuan.yaml; zhao-wei holds the role executive
type: interest
owner: chen-ming
assigned: {by: zhao-wei, date: 2026-06-04}
```

Failing:

```yaml
type: interest
owner: chen-ming   # account-unassigned: nobody recorded assigning it to chen-ming
```
"""
from __future__ import annotations

from ..i18n import T
from ..yamlsource import one_line
from .account_assignment import interest_accounts, roles_text

ID = "account-unassigned"
SEVERITY = "warning"
SCOPE = "customers"  # reads the customers and the configuration, never a deal
READS = ("assigned",)


def check(ctx):
    config = ctx.config
    assigners = [rep.id for rep in config.reps.values()
                 if rep.active and config.holds_role(rep.id, config.account_assigner_roles)]
    for customer in interest_accounts(ctx):
        owner = customer.owner
        if ("assigned" in customer.raw or owner not in config.reps
                or config.holds_role(owner, config.account_holder_roles)):
            continue  # recorded, an unknown rep (ref-rep), or held by the head of the sales centre: pending review
        roles, held = roles_text(config.account_assigner_roles), roles_text(config.account_holder_roles)
        if assigners:
            hint = T("Add `assigned: {{by: <rep>, date: YYYY-MM-DD}}`: the rep with the role {roles} (such as "
                     "{example}) who reviewed the account and assigned it to '{rep}', and the day; or, while it "
                     "awaits review, make its owner a rep with the role {held}.", example=one_line(assigners[0]),
                     roles=roles, rep=one_line(owner), held=held)
        else:
            hint = T("Nobody in the roster holds the role {roles} that assigns new accounts: give it to the head of "
                     "sales under `reps:` in salesgen.yaml, then add `assigned: {{by: <rep>, date: YYYY-MM-DD}}` "
                     "(who assigned the account to '{rep}', and the day).", roles=roles, rep=one_line(owner))
        yield ctx.problem(ID, customer.file, ("owner",),
                          T("the interest account is owned by '{rep}', but nobody is recorded assigning it",
                            rep=one_line(owner)), hint)
