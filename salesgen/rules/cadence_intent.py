"""An open deal without an intent judgment for `intent_days` days is overdue (the 30 of 1-15-30).

The 1-15-30 rule: 30 days after a deal is walked through, the customer's intent must
be judged from what the follow-ups found. The judgment is recorded as `intent:` (high,
medium, low or none) on a dated activity. When `intent_days` (salesgen.yaml `cadence:`,
default 30) or more days have passed since the last judgment (or, without any, since
the deal was opened: `created`, else its first stage_history date, else its first
activity), the judgment is overdue. Days count to the as-of date; activities dated
after it do not count. Won and lost deals are not checked.

Passing:

```yaml
# as of 2026-11-20, intent_days: 30
activities:
  - {date: 2026-11-02, type: visit, summary: 客户确认年内立项, intent: high}
```

Failing:

```yaml
# as of 2026-11-20, intent_days: 30
activities:
  - {date: 2026-09-15, type: visit, summary: 客户确认年内立项, intent: high}  # cadence-intent: 66 days ago
  - {date: 2026-11-10, type: call, summary: 约下次拜访}
```
"""
from __future__ import annotations
from ..i18n import T
from ..vocabulary import INTENT


ID = "cadence-intent"
SEVERITY = "error"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)
READS = ("activities", "created", "stage_history")

_HINT = T("Judge the customer's intent from the recent follow-ups and record it as `intent: high|medium|low|none` "
          "on the activity where it was judged (a review or a call).")


def check(ctx):
    limit = ctx.config.intent_days
    as_of = ctx.as_of
    for deal, stage in ctx.open_deals():
        opened = deal.opened_on()
        if opened is not None and opened > as_of:
            continue  # the deal did not exist yet
        judged = deal.last_intent(as_of)
        if judged is not None:
            days = (as_of - judged.date).days
            if days >= limit:
                yield ctx.at_deal(ID, deal, ("activities", judged.index, "intent"),
                                  T("the customer's intent was last judged {days} days ago ({intent}, on "
                                    "{date}); it must be judged every {limit} days", days=days,
                                    intent=INTENT.get(judged.intent, judged.intent), date=judged.date, limit=limit),
                                  _HINT)
            continue
        path = deal.opened_path()
        if opened is None:
            past = [a for a in deal.activities if a.date <= as_of]
            if not past:
                continue  # nothing to count from; cadence-follow-up reports the missing activity
            first = min(past, key=lambda a: a.date)
            opened, path = first.date, ("activities", first.index, "date")
        days = (as_of - opened).days
        if days >= limit:
            yield ctx.at_deal(ID, deal, path,
                              T("no intent judgment recorded in the {days} days since the deal was opened on "
                                "{opened}; it must be judged every {limit} days", days=days, opened=opened,
                                limit=limit), _HINT)
