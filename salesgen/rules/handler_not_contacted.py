"""The handler (经手人) has been contacted: an activity lists them (red flag).

The handler is the person who actually handles the purchase and leads us into the
next stage. A stakeholder marked `handler: true` who appears in no activity's
`contacts` dated on or before the as-of date has never been reached, whatever the
closeness says ("what is done is seen"). Open deals are checked.

Passing:

```yaml
stakeholders:
  - {contact: temp-li-hua, handler: true, closeness: frequent}
activities:
  - {date: 2026-08-20, type: call, contacts: [temp-li-hua], summary: 电话邀约，约定拜访}
```

Failing:

```yaml
stakeholders:
  - {contact: temp-li-hua, handler: true, closeness: frequent}   # handler-not-contacted
activities:
  - {date: 2026-08-20, type: call, contacts: [temp-zhao-qiang], summary: 前台转接，未联系到经手人}
```
"""
from __future__ import annotations

from .no_decision_maker import contact_name
from ..yamlsource import one_line
from ..i18n import T

ID = "handler-not-contacted"
SEVERITY = "warning"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)
READS = ("activities", "stakeholders")


def check(ctx):
    as_of = ctx.as_of
    for deal, _stage in ctx.open_deals():
        handlers = [(i, s["contact"]) for i, s in enumerate(deal.stakeholders) if s.get("handler")]
        if not handlers:
            continue
        reached = {c for a in deal.activities if a.date <= as_of for c in a.contacts}
        for index, contact in handlers:
            if contact in reached:
                continue
            closeness = deal.stakeholders[index].get("closeness")
            name = contact_name(ctx, deal, contact)
            yield ctx.at_deal(ID, deal, ("stakeholders", index, "contact"),
                              T("handler {name} has never been contacted: no activity lists them although "
                                "closeness is '{closeness}'", name=name, closeness=one_line(closeness))
                              if closeness and closeness != "none" else
                              T("handler {name} has never been contacted: no activity lists them", name=name),
                              T("Reach the handler and log it under `activities:` with `contacts: [{contact}]`.",
                                contact=one_line(contact)))
