"""Every currency in use has a rate into the reporting currency.

Amounts in two currencies are never added without a rate. A deal in a currency that
has no entry under `rates:` in salesgen.yaml is left out of every total in the
reporting currency (pipeline, forecast, quota attainment; reports list it apart), and
so is a quota in such a currency: the warning says which totals miss it. Lost deals
are in no total and are not reported.

Passing:

```yaml
# salesgen.yaml: currency: CNY, rates: {USD: 7.1}
amount: 300000
currency: USD
```

Failing:

```yaml
# salesgen.yaml: currency: CNY, rates: {USD: 7.1}
amount: 40000000
currency: JPY   # currency-no-rate: left out of the CNY totals
```
"""
from __future__ import annotations

from .. import currencies
from ..problem import Problem
from ..yamlsource import locate

ID = "currency-no-rate"
SEVERITY = "warning"


def _has_rate(ctx, code: str) -> bool:
    return code == ctx.config.currency or code in ctx.config.rates


def _hint(code: str, base: str) -> str:
    return f"Add `{code}: <{base} per 1 {code}>` under `rates:` in salesgen.yaml."


def check(ctx):
    base = ctx.config.currency
    for deal, stage in ctx.known_deals():
        code = deal.currency
        if stage.outcome == "lost" or _has_rate(ctx, code) or not currencies.is_known(code):
            continue  # an unknown code is currency-unknown's
        totals = "closed, forecast and quota" if stage.outcome == "won" else "pipeline, forecast and quota"
        yield ctx.at_deal(ID, deal, ("currency",),
                          f"the amount in {code} is left out of the {base} {totals} totals: no rate from {code}",
                          _hint(code, base))
    config = ctx.config
    for index, rep in enumerate(config.raw.get("reps") or ()):
        code = (rep.get("quota") or {}).get("currency")
        if code is None or _has_rate(ctx, code) or not currencies.is_known(code):
            continue
        path = ("reps", index, "quota", "currency")
        line, column = locate(config.raw, path)
        yield Problem(config.path, line, column, ID,
                      f"the quota of '{rep['id']}' in {code} is left out of quota attainment in {base}: "
                      f"no rate from {code}", _hint(code, base), path=path)
