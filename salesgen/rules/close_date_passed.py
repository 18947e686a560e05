"""An open deal's expected close date has not passed.

`expected_close` drives the forecast by period. A deal still open after that date is
forecast in a period that is already over: either the customer's date moved, or the
deal should be closed as won or lost. Dates are compared with the as-of date.

Passing:

```yaml
# as of 2026-11-20
stage: negotiation
expected_close: 2026-12-15
```

Failing:

```yaml
# as of 2026-11-20
stage: negotiation
expected_close: 2026-10-31   # close-date-passed: 20 days ago
```
"""
from __future__ import annotations
from ..i18n import T

from ..yamlsource import one_line

ID = "close-date-passed"
SEVERITY = "warning"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)


def check(ctx):
    label = ctx.label
    for deal, stage in ctx.open_deals():
        if deal.expected_close >= ctx.as_of:
            continue
        days = (ctx.as_of - deal.expected_close).days
        values = {"date": deal.expected_close, "days": days, "stage": label(stage.label), "stage_id": one_line(stage.id)}
        yield ctx.at_deal(ID, deal, ("expected_close",),
                          T("the expected close date {date} passed {days} days ago and the deal is still open "
                            "in stage '{stage}' ({stage_id})", **values) if days != 1 else
                          T("the expected close date {date} passed {days} day ago and the deal is still open "
                            "in stage '{stage}' ({stage_id})", **values),
                          T("Set `expected_close` to the date the customer now plans to sign, or close the deal "
                            "(won with its contract, or lost with a lost_reason)."))
