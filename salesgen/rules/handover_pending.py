"""Work still held by a rep who left is flagged for handover (离职交接).

When a rep leaves (`active: false` in the roster), every customer they own and every
open deal they own or work on must move to a successor, so nothing leaves with them.
`salesgen handover --from REP --to REP` does it in one step.

Passing:

```yaml
owner: zhang-jiaqiang   # active
```

Failing:

```yaml
owner: liu-yang   # handover-pending: liu-yang left on 2026-10-31
```
"""
from __future__ import annotations
from ..i18n import T

from ..yamlsource import one_line

ID = "handover-pending"
SEVERITY = "warning"
SCOPE = "split"  # check_deals: per deal, as SCOPE 'deal'; check_rest: the customers and the configuration


ROLES = {"owner": T("owner"), "presales": T("presales"), "consultant": T("consultant"),
         "executive": T("executive"), "commercial": T("commercial"), "finance": T("finance"), "legal": T("legal"),
         "implementation": T("implementation")}


def check(ctx):
    yield from check_rest(ctx)
    yield from check_deals(ctx)


def check_rest(ctx):
    """The accounts a rep who left still owns."""
    reps = ctx.config.reps
    for customer in ctx.repo.customers.values():
        rep = reps.get(customer.owner)
        if rep is not None and not rep.active:
            yield ctx.problem(ID, customer.file, ("owner",),
                              T("account owner '{rep}' has left; the account awaits handover", rep=one_line(rep.id)),
                              T("Run `salesgen handover --from {rep} --to <successor>`.", rep=rep.id))


def check_deals(ctx):
    reps = ctx.config.reps
    for deal, _stage in ctx.open_deals():
        roles = [("owner", deal.owner)] + [(role, rep) for role, rep in deal.team.items()]
        for role, rep_id in roles:
            rep = reps.get(rep_id)
            if rep is not None and not rep.active:
                path = ("owner",) if role == "owner" else ("team", role)
                yield ctx.at_deal(ID, deal, path, T("{role} '{rep}' has left; this open deal awaits handover",
                                                    role=ROLES.get(role, role), rep=one_line(rep.id)),
                                  T("Run `salesgen handover --from {rep} --to <successor>`.", rep=rep.id))
