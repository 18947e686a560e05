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

ID = "no-supporter"
SEVERITY = "warning"
READS = ("stakeholders",)


def check(ctx):
    label = ctx.label
    for deal, stage in ctx.open_deals():
        if stage.index == 0:
            continue
        if any(s.get("attitude") == "supporter" for s in deal.stakeholders):
            continue
        attitudes = [s.get("attitude") or "unknown" for s in deal.stakeholders]
        seen = ", ".join(f"{attitudes.count(a)} {a}" for a in dict.fromkeys(attitudes)) or "no stakeholders"
        path = ("stakeholders",) if "stakeholders" in deal.raw else ("stage",)
        yield ctx.at_deal(ID, deal, path,
                          f"no supporter in the buying centre ({seen}) while the deal is in stage "
                          f"'{label(stage.label)}'",
                          "Build a supporter, usually the handler: record who backs us under `stakeholders:` with "
                          "`attitude: supporter`, and plan how to win one over (`plan:`).",
                          key="stakeholders" in deal.raw)
