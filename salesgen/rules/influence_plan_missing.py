"""A late-stage deal has an influence strategy for every opposed decision maker or evaluator.

Table 4-6 sets out a strategy (公关策略) for a person in the buying team who is not on
our side in three steps: their personal motives (个人动机), the route that can
influence them (影响路线: personal relations, formal, informal or external
organizational relations, figure 4-5), and the route and key points of the approach
(公关路线及公关要点). Record them as a stakeholder's `strategy: {motives, route,
actions}`; the deal page shows them. A strategy is worth writing for every neutral or
opposed decision maker or evaluator; once the deal is in a stage whose funnel state is
`best` (project evaluation and negotiation), an opponent among them without one is
warned about, on that stakeholder.

Passing:

```yaml
stage: evaluation
stakeholders:
  - contact: temp-wang-lei
    role: decision_maker
    attitude: opponent
    strategy:
      motives: 担心投资回报期过长，个人重视稳妥
      route: 通过其信任的财务总监（正式组织关系）
      actions: 艾雪与财务总监共同汇报投资回收测算，提供一厂案例数据
```

Failing:

```yaml
stage: evaluation
stakeholders:
  - {contact: temp-wang-lei, role: decision_maker, attitude: opponent}   # influence-plan-missing
```
"""
from __future__ import annotations

from .no_decision_maker import contact_name
from ..i18n import T

ID = "influence-plan-missing"
SEVERITY = "warning"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)

ROLES = ("decision_maker", "evaluator")
LATE_FUNNEL = "best"


def check(ctx):
    for deal, stage in ctx.open_deals():
        if stage.funnel != LATE_FUNNEL:
            continue
        for index, holder in enumerate(deal.stakeholders):
            if holder.get("role") in ROLES and holder.get("attitude") == "opponent" and not holder.get("strategy"):
                role = T("decision maker") if holder["role"] == "decision_maker" else T("evaluator")
                yield ctx.at_deal(ID, deal, ("stakeholders", index, "contact"),
                                  T("{role} {name} opposes us and has no influence strategy, with the deal in "
                                    "'{stage}'", role=role, name=contact_name(ctx, deal, holder['contact']),
                                    stage=ctx.config.label(stage.label)),
                                  T("Add `strategy: {motives: <their personal motives>, route: <who or what can "
                                    "influence them>, actions: <our route and key points>}` to the stakeholder "
                                    "(table 4-6)."))
