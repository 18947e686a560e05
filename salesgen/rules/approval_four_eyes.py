"""Internal approvals are given by an active rep other than the deal's owner (four eyes).

Project initiation (销售项目立项), quote approval (报价审批) and contract review (合同评审)
are recorded under `approvals:` with kind, date and approver. The approver must have
been an active rep on the approval date (a rep who left approves nothing after their
`left` date) and may not be the deal's owner: nobody approves their own deal. When a
`handover` activity is dated on or after an approval, the owner may have changed since,
so the owner comparison is skipped for that approval.

Passing:

```yaml
owner: zhang-jiaqiang
approvals:
  - {kind: quote, date: 2026-11-03, approver: zhao-wei, ref: 报价审批表 Q-2026-118}
```

Failing:

```yaml
owner: zhang-jiaqiang
approvals:
  - {kind: quote, date: 2026-11-03, approver: zhang-jiaqiang}   # approval-four-eyes: the owner approved
```
"""
from __future__ import annotations

import datetime as dt
from ..i18n import T

from ..yamlsource import one_line

ID = "approval-four-eyes"
SEVERITY = "error"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)
READS = ("approvals",)

_KINDS = {"project_initiation": T("project initiation"), "quote": T("quote approval"),
          "contract_review": T("contract review")}


def check(ctx):
    reps = ctx.config.reps
    for deal in ctx.repo.deals.values():
        approvals = deal.get("approvals")
        if not approvals:
            continue
        handovers = [a.date for a in deal.activities if a.type == "handover"]
        for index, approval in enumerate(approvals):
            approver = approval["approver"]
            rep = reps.get(approver)
            if rep is None:
                continue  # ref-rep reports an unknown rep
            date = dt.date.fromisoformat(approval["date"])
            kind = _KINDS.get(approval["kind"], approval["kind"])
            path = ("approvals", index, "approver")
            if approver == deal.owner and not any(h >= date for h in handovers):
                yield ctx.at_deal(ID, deal, path,
                                  T("the {kind} of {date} is approved by the deal's owner '{approver}' ({name})",
                                    kind=kind, date=date, approver=one_line(approver), name=one_line(rep.name)),
                                  T("Nobody approves their own deal: have a manager approve it and put their rep "
                                    "id in `approver`."))
            elif not rep.active and (rep.left is None or date > rep.left):
                when = T("had left on {date}", date=rep.left) if rep.left else T("is not an active rep")
                hint = (T("Have an active manager approve it again.") if rep.left else
                        T("If the approval was given before {approver} left, record their `left:` date in the "
                          "roster in salesgen.yaml; otherwise have an active manager approve it again.",
                          approver=one_line(approver)))
                yield ctx.at_deal(ID, deal, path,
                                  T("the {kind} of {date} is approved by '{approver}' ({name}), who {when}",
                                    kind=kind, date=date, approver=one_line(approver), name=one_line(rep.name), when=when),
                                  hint)
