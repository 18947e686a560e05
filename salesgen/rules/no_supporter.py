"""Past its first stage, a deal has at least one supporter in the buying centre (red flag).

Someone inside the customer who wants us to win (`attitude: supporter`) tells us how
the customer buys and argues for us when we are not in the room. An open deal that
has left the pipeline's first stage and has no supporter at all is at risk.

Passing:

```yaml
stage: visit
stakeholders:
  - {contact: temp-li-hua, handler: true, attitude: supporter}
```

Failing:

```yaml
stage: visit
stakeholders:   # no-supporter: nobody has attitude supporter
  - {contact: temp-li-hua, handler: true, attitude: neutral}
```
"""
from __future__ import annotations
from ..i18n import T, join
from ..vocabulary import ATTITUDES

ID = "no-supporter"
SEVERITY = "warning"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)
READS = ("stakeholders",)


def check(ctx):
    label = ctx.label
    for deal, stage in ctx.open_deals():
        if stage.index == 0:
            continue
        if any(s.get("attitude") == "supporter" for s in deal.stakeholders):
            continue
        attitudes = [s.get("attitude") or "unknown" for s in deal.stakeholders]
        seen = (join(T("{n} {attitude}", n=attitudes.count(a), attitude=ATTITUDES.get(a, a))
                     for a in dict.fromkeys(attitudes)) if attitudes else T("no stakeholders"))
        path = ("stakeholders",) if "stakeholders" in deal.raw else ("stage",)
        yield ctx.at_deal(ID, deal, path,
                          T("no supporter in the buying centre ({seen}) while the deal is in stage '{stage}'",
                            seen=seen, stage=label(stage.label)),
                          T("Build a supporter, usually the handler: record who backs us under `stakeholders:` with "
                            "`attitude: supporter`, and plan how to win one over (`plan:`)."),
                          key="stakeholders" in deal.raw)
