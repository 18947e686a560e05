"""The customer's buying process does not lag our seller stage by more than `alignment_gap` stages.

Each seller stage is aligned with a stage of the customer's internal buying process
(`buyer_stage` of the stage, in the pipeline's `buyer_stages` order). When the deal's
recorded `buyer_stage` is further behind the one our stage expects than
`alignment_gap` (salesgen.yaml, default 1) allows, we are selling ahead of the
customer: the stage is probably overstated, or the buyer stage is out of date.
Open deals with a recorded `buyer_stage` are checked.

Passing:

```yaml
# alignment_gap: 1
stage: evaluation             # expects preferred_supplier
buyer_stage: tender_shortlist # one buyer stage behind
```

Failing:

```yaml
# alignment_gap: 1
stage: evaluation             # expects preferred_supplier
buyer_stage: project_approved # buyer-alignment: three buyer stages behind
```
"""
from __future__ import annotations
from ..i18n import T

ID = "buyer-alignment"
SEVERITY = "warning"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)
READS = ("buyer_stage",)


def check(ctx):
    gap = ctx.config.alignment_gap
    for deal, stage in ctx.open_deals():
        if deal.buyer_stage is None or stage.buyer_stage is None:
            continue
        pipeline = ctx.pipeline_of(deal)
        expected = pipeline.buyer_index(stage.buyer_stage)
        actual = pipeline.buyer_index(deal.buyer_stage)
        if expected is None or actual is None:  # ref-pipeline reports an unknown buyer stage
            continue
        lag = expected - actual
        if lag <= gap:
            continue
        total = len(pipeline.buyer_stages)
        label = ctx.label
        buyer_labels = dict(pipeline.buyer_stages)
        yield ctx.at_deal(
            ID, deal, ("buyer_stage",),
            T("the customer is at buyer stage '{buyer}' ({actual} of {total}) while our stage '{stage}' "
              "expects '{expected_stage}' ({expected} of {total}): {lag} stages behind, more than the allowed {gap}",
              buyer=label(buyer_labels[deal.buyer_stage]), actual=actual + 1, total=total, stage=label(stage.label),
              expected_stage=label(buyer_labels[stage.buyer_stage]), expected=expected + 1, lag=lag, gap=gap),
            T("If the customer has moved on, update `buyer_stage`; otherwise move `stage` back to where the "
              "customer is, with a `reason:` in stage_history."))
