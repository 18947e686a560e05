"""A promise made to the customer with a due date is done by that date.

The call log (电话记录表) records what we promised the customer (对客户的承诺), the work
it needs (需完成工作) and when it is due (完成时间). A promise is written under the
activity where it was made, with `due` and, once kept, `done` (the day it was done). It
is overdue from the day after `due` while `done` is missing, false, or later than the
as-of date: the customer is waiting, and the weekly review (周报) lists it. A promise
due on the as-of date itself is not overdue yet. Plain-text promises (no `due`) are
never checked, nor promises on lost deals.

Passing:

```yaml
# as of 2026-11-20
activities:
  - date: 2026-11-10
    type: visit
    summary: 现场调研
    promises:
      - {text: 提交初步产能测算, due: 2026-11-20, done: false}   # due today: not overdue yet
      - {text: 发送参考案例, due: 2026-11-15, done: 2026-11-14}
```

Failing:

```yaml
# as of 2026-11-20
activities:
  - date: 2026-11-10
    type: visit
    summary: 现场调研
    promises:
      - {text: 提交初步产能测算, due: 2026-11-19, done: false}   # promise-overdue: 1 day overdue
```
"""
from __future__ import annotations

from ..yamlsource import one_line
from ..i18n import T

ID = "promise-overdue"
SEVERITY = "warning"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)


def check(ctx):
    as_of = ctx.as_of
    for deal, stage in ctx.known_deals():
        if stage.outcome == "lost":
            continue
        for activity in deal.activities:
            if activity.date > as_of:
                continue  # a planned contact: its promises are not made yet
            for promise in activity.promise_items():
                if not promise.overdue(as_of):
                    continue
                days = (as_of - promise.due).days
                values = {"text": one_line(promise.text), "made": activity.date, "due": promise.due, "days": days}
                yield ctx.at_deal(ID, deal, ("activities", activity.index, "promises", promise.index),
                                  T("the promise '{text}' made on {made} was due {due} and is not done "
                                    "({days} days overdue)", **values) if days != 1 else
                                  T("the promise '{text}' made on {made} was due {due} and is not done "
                                    "({days} day overdue)", **values),
                                  T("Keep it and record `done: <date>`, or agree a new date with the customer "
                                    "and change `due`."))
