"""A follow-up is due once an open deal has had no activity for `follow_up_days` days (the 15 of 1-15-30).

The 1-15-30 rule (1、15、30法则): every funnel deal is walked through each week, and 15
days later the same deal is followed up again. When `follow_up_days` (salesgen.yaml
`cadence:`, default 15) or more days have passed since the deal's last activity, a
follow-up is due. Days count to the as-of date (`--as-of`, else `as_of:` in
salesgen.yaml, else today); activities dated after it do not count. A deal without any
activity counts from `created`, else from its first stage_history date. Won and lost
deals are not checked, nor deals created after the as-of date. A `type: handover`
activity without `contacts` (what `salesgen handover` records) is internal: it does not
reset the clock; one that reached the customer does.

Passing:

```yaml
# as of 2026-11-20, follow_up_days: 15
stage: demo
activities:
  - {date: 2026-11-10, type: call, summary: 与王磊确认演示议程}
```

Failing:

```yaml
# as of 2026-11-20, follow_up_days: 15
stage: demo
activities:
  - {date: 2026-10-30, type: call, summary: 与王磊确认演示议程}   # cadence-follow-up: 21 days ago
```
"""
from __future__ import annotations
from ..i18n import T
from ..vocabulary import activity_type

from ..yamlsource import one_line

ID = "cadence-follow-up"
SEVERITY = "warning"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)
READS = ("activities", "created", "stage_history")


_HINT = T("Follow the deal up with the customer and log it under `activities:` (date, type, who, "
          "contacts, summary, next_step, next_date).")


def check(ctx):
    limit = ctx.config.follow_up_days
    as_of = ctx.as_of
    for deal, stage in ctx.open_deals():
        opened = deal.opened_on()
        if opened is not None and opened > as_of:
            continue  # the deal did not exist yet
        last = deal.last_follow_up(as_of)
        if last is None:
            if opened is None:
                yield ctx.at_deal(ID, deal, ("stage",), T("no activity recorded and no `created` date"),
                                  T("Log the latest contact under `activities:` (date, type, summary), "
                                    "and set `created` to the day the deal was opened."))
            elif (as_of - opened).days >= limit:
                yield ctx.at_deal(ID, deal, deal.opened_path(),
                                  T("no activity recorded in the {days} days since the deal was opened on "
                                    "{opened}; a follow-up is due every {limit} days",
                                    days=(as_of - opened).days, opened=opened, limit=limit),
                                  _HINT)
            continue
        days = (as_of - last.date).days
        if days < limit:
            continue
        hint = _HINT
        if last.next_date is not None and last.next_date < as_of:
            hint = (T("{hint} The next contact '{step}' was planned for {date}.", hint=_HINT, step=one_line(last.next_step),
                      date=last.next_date) if last.next_step else
                    T("{hint} The next contact was planned for {date}.", hint=_HINT, date=last.next_date))
        yield ctx.at_deal(ID, deal, ("activities", last.index, "date"),
                          T("no activity for {days} days (last: {type} on {date}); a follow-up is due "
                            "every {limit} days", days=days, type=activity_type(last.type), date=last.date,
                            limit=limit),
                          hint)
