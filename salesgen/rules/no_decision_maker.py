"""From the demo on, the buying centre names a decision maker (red flag).

A deal that reaches the stage whose exit needs the real decision makers known (the
stage with the `decision_makers_known` criterion or check, by default `demo`) and
still has no stakeholder with `role: decision_maker` is being sold to people who cannot
say yes. Open deals are checked; the stage gate then makes it an error once the deal
moves past that stage.

Passing:

```yaml
stage: demo
stakeholders:
  - {contact: temp-li-hua, role: evaluator, handler: true, attitude: supporter}
  - {contact: temp-wang-lei, role: decision_maker, attitude: neutral}
```

Failing:

```yaml
stage: demo
stakeholders:   # no-decision-maker: nobody has role decision_maker
  - {contact: temp-li-hua, role: evaluator, handler: true, attitude: supporter}
```
"""
from __future__ import annotations
from ..i18n import T

from ..yamlsource import one_line

ID = "no-decision-maker"
SEVERITY = "warning"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)
READS = ("stakeholders",)

CRITERION = "decision_makers_known"  # a named check in salesgen.criteria; the criterion id (METHOD.md)


def first_stage_index(pipeline) -> int | None:
    """Index of the first stage whose exit needs decision makers known, or None (the rule does not apply)."""
    for stage in pipeline.stages:
        if any(c.id == CRITERION or c.check == CRITERION for c in stage.exit):
            return stage.index
    return None


def contact_name(ctx, deal, contact_id: str) -> str:
    """'王磊 (temp-wang-lei)', or the id alone for an unknown contact."""
    customer = ctx.customer_of(deal)
    contact = customer.contacts.get(contact_id) if customer else None
    return f"{one_line(contact.name)} ({one_line(contact_id)})" if contact else one_line(contact_id)


def check(ctx):
    starts: dict = {}  # pipeline id -> first stage index; once per pipeline
    label = ctx.label
    for deal, stage in ctx.open_deals():
        pipeline = ctx.pipeline_of(deal)
        if pipeline.id not in starts:
            starts[pipeline.id] = first_stage_index(pipeline)
        start = starts[pipeline.id]
        if start is None or stage.index < start:
            continue
        if any(s.get("role") == "decision_maker" for s in deal.stakeholders):
            continue
        count = len(deal.stakeholders)
        path = ("stakeholders",) if "stakeholders" in deal.raw else ("stage",)
        yield ctx.at_deal(ID, deal, path,
                          T("no decision maker is known in the buying centre ({count} stakeholders, none with "
                            "role decision_maker) while the deal is in stage '{stage}'", count=count,
                            stage=label(stage.label)) if count != 1 else
                          T("no decision maker is known in the buying centre ({count} stakeholder, none with "
                            "role decision_maker) while the deal is in stage '{stage}'", count=count,
                            stage=label(stage.label)),
                          T("Find out who really decides (ask the handler) and add them under `stakeholders:` with "
                            "`role: decision_maker`, their attitude and closeness."),
                          key="stakeholders" in deal.raw)
