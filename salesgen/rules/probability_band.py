"""A probability override stays inside its funnel state's band, or says why it does not.

A deal's `probability: {value, reason}` replaces its stage's default win probability in
every forecast. The band of a funnel state is the lowest to the highest default
probability of the open stages of the pipeline in that state (in the default project
pipeline: prospecting 10-20 %, in funnel 30-50 %, best 70-90 %). An override inside the
band of the deal's stage needs no reason; one outside it needs a `reason:` (a number
that contradicts where the deal stands must be explained). Closed deals are not checked:
won counts 100 % and lost 0 % whatever the override says.

Passing:

```yaml
stage: evaluation            # funnel state best: 70-90 %
probability: {value: 80}
```

Failing:

```yaml
stage: evaluation
probability: {value: 95}     # probability-band: outside 70-90 % without a reason
```
"""
from __future__ import annotations
from ..i18n import T

ID = "probability-band"
SEVERITY = "error"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)


def band(pipeline, funnel: str) -> tuple[int, int]:
    """(lowest, highest) default probability of the pipeline's open stages in funnel state ``funnel``."""
    values = [s.probability for s in pipeline.open_stages if s.funnel == funnel]
    return min(values), max(values)


FUNNEL = {"prospecting": T("prospecting"), "in_funnel": T("in funnel"), "best": T("best")}


def check(ctx):
    for deal, stage in ctx.open_deals():
        override = deal.get("probability")
        if not override or override.get("reason"):
            continue
        low, high = band(ctx.pipeline_of(deal), stage.funnel)
        value = override["value"]
        if not low <= value <= high:
            yield ctx.at_deal(ID, deal, ("probability", "value"),
                              T("the probability override {value} % is outside {low}-{high} %, the band of the "
                                "funnel state '{funnel}' of stage '{stage}'", value=value, low=low, high=high,
                                funnel=FUNNEL.get(stage.funnel, stage.funnel), stage=ctx.config.label(stage.label)),
                              T("Add `reason:` to `probability:` saying why {value} % fits, use a value in "
                                "{low}-{high} %, or remove the override to use the stage's {default} %.",
                                value=value, low=low, high=high, default=stage.probability))
