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
from ..i18n import T

ID = "currency-no-rate"
SEVERITY = "warning"
SCOPE = "split"  # check_deals: per deal, as SCOPE 'deal'; check_rest: the customers and the configuration


def _has_rate(ctx, code: str) -> bool:
    return code == ctx.config.currency or code in ctx.config.rates


def _hint(code: str, base: str) -> str:
    return T("Add `{code}: <{base} per 1 {code}>` under `rates:` in salesgen.yaml.", code=code, base=base)


def check(ctx):
    yield from check_deals(ctx)
    yield from check_rest(ctx)


def check_deals(ctx):
    base = ctx.config.currency
    for deal, stage in ctx.known_deals():
        code = deal.currency
        if stage.outcome == "lost" or _has_rate(ctx, code) or not currencies.is_known(code):
            continue  # an unknown code is currency-unknown's
        yield ctx.at_deal(ID, deal, ("currency",),
                          T("the amount in {code} is left out of the {base} closed, forecast and quota totals: "
                            "no rate from {code}", code=code, base=base) if stage.outcome == "won" else
                          T("the amount in {code} is left out of the {base} pipeline, forecast and quota totals: "
                            "no rate from {code}", code=code, base=base),
                          _hint(code, base))


def check_rest(ctx):
    """The reps' quotas in salesgen.yaml."""
    base = ctx.config.currency
    config = ctx.config
    for index, rep in enumerate(config.raw.get("reps") or ()):
        code = (rep.get("quota") or {}).get("currency")
        if code is None or _has_rate(ctx, code) or not currencies.is_known(code):
            continue
        path = ("reps", index, "quota", "currency")
        line, column = locate(config.raw, path)
        yield Problem(config.path, line, column, ID,
                      T("the quota of '{rep}' in {code} is left out of quota attainment in {base}: "
                        "no rate from {code}", rep=rep["id"], code=code, base=base), _hint(code, base), path=path)
