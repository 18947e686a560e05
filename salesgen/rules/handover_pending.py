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

from ..yamlsource import one_line

ID = "handover-pending"
SEVERITY = "warning"


def check(ctx):
    reps = ctx.config.reps
    for customer in ctx.repo.customers.values():
        rep = reps.get(customer.owner)
        if rep is not None and not rep.active:
            yield ctx.problem(ID, customer.file, ("owner",),
                              f"account owner '{one_line(rep.id)}' has left; the account awaits handover",
                              f"Run `salesgen handover --from {rep.id} --to <successor>`.")
    for deal, _stage in ctx.open_deals():
        roles = [("owner", deal.owner)] + [(role, rep) for role, rep in deal.team.items()]
        for role, rep_id in roles:
            rep = reps.get(rep_id)
            if rep is not None and not rep.active:
                path = ("owner",) if role == "owner" else ("team", role)
                yield ctx.at_deal(ID, deal, path, f"{role} '{one_line(rep.id)}' has left; this open deal awaits handover",
                                  f"Run `salesgen handover --from {rep.id} --to <successor>`.")
