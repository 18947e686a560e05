"""A lost deal gives a lost reason from the configured list (结项申请).

Closing a deal as lost needs a close request with the reason, so the team learns from
it: `lost_reason.code` is one of `lost_reasons` in salesgen.yaml (any code, when that
list is empty), with an optional `note` and the `winner`.

Passing:

```yaml
stage: lost
lost_reason: {code: competitor, winner: 德国某机床厂, note: 客户坚持进口品牌}
```

Failing:

```yaml
stage: lost
lost_reason: {code: too_expensive}   # closing-lost: not a configured lost reason (did you mean price?)
```
"""
from __future__ import annotations

import difflib
from ..i18n import T

from ..yamlsource import one_line

ID = "closing-lost"
SEVERITY = "error"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)
READS = ("lost_reason",)


def check(ctx):
    reasons = ctx.config.lost_reasons
    codes = ", ".join(one_line(code) for code in sorted(reasons))
    for deal, stage in ctx.known_deals():
        if stage.outcome != "lost":
            continue
        lost = deal.get("lost_reason")
        if not lost:
            choice = T("one of: {codes}", codes=codes) if reasons else T("a short reason code")
            yield ctx.at_deal(ID, deal, ("stage",), T("the deal is lost but gives no `lost_reason`"),
                              T("Add `lost_reason: {{code: <code>, note: <what happened>, winner: <who won>}}` "
                                "with code {choice}.", choice=choice))
            continue
        code = lost["code"]
        if reasons and code not in reasons:
            guess = difflib.get_close_matches(code, list(reasons), n=1)
            yield ctx.at_deal(ID, deal, ("lost_reason", "code"),
                              T("'{code}' is not a lost reason configured in salesgen.yaml", code=one_line(code)),
                              T("Did you mean '{guess}'? Or use one of: {codes}. New codes go under `lost_reasons:` "
                                "in salesgen.yaml.", guess=one_line(guess[0]), codes=codes) if guess else
                              T("Use one of: {codes}. New codes go under `lost_reasons:` in salesgen.yaml.",
                                codes=codes))
