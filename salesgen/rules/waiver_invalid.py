"""A waiver is approved by an active rep other than the owner, names a known rule, and has not expired.

A deal may carry `waivers` for a problem the team accepts for a while (a gate criterion
that cannot be evidenced yet, a deliberately quiet deal). While a waiver is valid the
problem it covers is reported as a warning marked "waived"; once `until` passes, the
problem is an error again and so is the expired waiver, so it is renewed or removed.

Passing:

```yaml
owner: zhang-jiaqiang
waivers:
  - rule: stage-gate
    criterion: exec_ack
    reason: 客户高层出差，12月初补签确认
    approved_by: zhao-wei
    until: 2026-12-10
```

Failing:

```yaml
owner: zhang-jiaqiang
waivers:
  - rule: stage-gate
    reason: 先放一放
    approved_by: zhang-jiaqiang   # waiver-invalid: the owner cannot approve their own waiver
    until: 2026-01-31             # waiver-invalid: expired
```
"""
from __future__ import annotations

import datetime as dt
from ..i18n import T

from ..yamlsource import one_line

ID = "waiver-invalid"
SEVERITY = "error"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)


def waiver_is_valid(ctx, deal, waiver) -> bool:
    return not list(_faults(ctx, deal, waiver))


def _faults(ctx, deal, waiver):
    from . import REGISTRY

    if waiver["rule"] not in REGISTRY:
        yield "rule", T("waiver names unknown rule '{rule}'", rule=one_line(waiver["rule"])), \
            T("See `salesgen rules` for rule ids.")
    approver = waiver["approved_by"]
    if not ctx.rep_is_active(approver):
        yield "approved_by", T("waiver approver '{approver}' is not an active rep", approver=one_line(approver)), \
            T("A waiver is approved by an active manager from the roster.")
    elif approver == deal.owner:
        yield "approved_by", T("the deal's owner cannot approve their own waiver (four eyes)"), \
            T("Ask a manager to approve it and put their rep id in approved_by.")
    until = dt.date.fromisoformat(waiver["until"])
    if until < ctx.as_of:
        yield "until", T("waiver expired on {until}", until=until), \
            T("Renew it with a new `until` and approval, or fix the problem and remove it.")


def check(ctx):
    for deal in ctx.repo.deals.values():
        for index, waiver in enumerate(deal.get("waivers") or ()):
            for key, message, hint in _faults(ctx, deal, waiver):
                yield ctx.at_deal(ID, deal, ("waivers", index, key), message, hint)
