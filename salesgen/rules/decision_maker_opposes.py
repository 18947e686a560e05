"""No decision maker in the buying centre opposes us (red flag).

A stakeholder with `role: decision_maker` and `attitude: opponent` can stop the deal
at any stage. The warning stays until the attitude changes, or the deal closes; a plan
to change it belongs in the stakeholder's `plan:` (强化客户关系计划).
Open deals are checked.

Passing:

```yaml
stakeholders:
  - {contact: temp-wang-lei, role: decision_maker, attitude: neutral, closeness: distant}
```

Failing:

```yaml
stakeholders:
  - {contact: temp-wang-lei, role: decision_maker, attitude: opponent}   # decision-maker-opposes
```
"""
from __future__ import annotations

from .no_decision_maker import contact_name
from ..i18n import T

ID = "decision-maker-opposes"
SEVERITY = "warning"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)
READS = ("stakeholders",)


def check(ctx):
    for deal, _stage in ctx.open_deals():
        for index, holder in enumerate(deal.stakeholders):
            if holder.get("role") != "decision_maker" or holder.get("attitude") != "opponent":
                continue
            hint = T("Find out why (their job concerns and personal needs), win them over through a "
                     "supporter they trust, and write the actions in the stakeholder's `plan:`.")
            if holder.get("plan"):
                hint = T("{hint} A `plan:` is recorded; carry it out and update the attitude.", hint=hint)
            yield ctx.at_deal(ID, deal, ("stakeholders", index, "attitude"),
                              T("decision maker {name} opposes us", name=contact_name(ctx, deal, holder['contact'])),
                              hint)
