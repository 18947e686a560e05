"""The quote is approved before the customer sees it, and an agreed price has its approval first.

Figure 1-4 orders the work 组织报价审批 -> 向客户提交商务报价 -> 中标?: the internal
quote approval (报价审批) comes before the commercial quote reaches the customer, and a
changed price needs a new approval before it is agreed. So, once a deal has a quote
approval (`approvals:` of kind `quote`): the day the commercial quote was submitted
(`quote.submitted`) and the day the terms were agreed (evidence for `terms_agreed`)
each need a quote approval dated on or before it. Reported on the submission date or
on the terms evidence. (A deal with no quote approval at all is the stage gate's
business, once the deal is past the stage that needs one.)

Passing:

```yaml
quote: {low: 1100000, high: 1300000, date: 2026-06-05, submitted: 2026-08-25}
approvals:
  - {kind: quote, date: 2026-08-25, approver: ouyang-hua}
evidence:
  - {criterion: terms_agreed, date: 2026-11-05, ref: 合同条款}
```

Failing:

```yaml
quote: {low: 1100000, high: 1300000, date: 2026-06-05, submitted: 2026-08-24}   # quote-order: before its approval
approvals:
  - {kind: quote, date: 2026-08-25, approver: ouyang-hua}
evidence:
  - {criterion: terms_agreed, date: 2026-08-20, ref: 合同条款}   # quote-order: agreed before any approval
```
"""
from __future__ import annotations

from ..model import to_date
from ..i18n import T

ID = "quote-order"
SEVERITY = "error"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)

QUOTE_APPROVAL = "quote"
TERMS_CRITERION = "terms_agreed"


def check(ctx):
    for deal, stage in ctx.known_deals():
        approvals = sorted(to_date(a["date"]) for a in deal.get("approvals") or () if a["kind"] == QUOTE_APPROVAL)
        if not approvals:
            continue
        first = approvals[0]
        submitted = to_date((deal.get("quote") or {}).get("submitted"))
        if submitted is not None and submitted < first:
            yield ctx.at_deal(ID, deal, ("quote", "submitted"),
                              T("the commercial quote was submitted to the customer on {submitted}, before its "
                                "approval on {first}", submitted=submitted, first=first),
                              T("The quote is approved (报价审批) before it goes to the customer: correct the date "
                                "that is wrong, or record the approval that came first."))
        for date, index in deal.evidence_of(TERMS_CRITERION):
            if date < first:
                yield ctx.at_deal(ID, deal, ("evidence", index, "date"),
                                  T("the terms (price) were agreed on {date}, before the quote approval on {first}",
                                    date=date, first=first),
                                  T("An agreed price needs its quote approval first (a changed price, a new "
                                    "approval): correct the date that is wrong, or record the approval given "
                                    "before."))
