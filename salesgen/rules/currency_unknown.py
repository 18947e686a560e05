"""Currencies are ISO 4217 codes that exist.

A deal's `currency` (which is also the currency of its contract value, payments and
competitor prices), the reporting `currency`, the codes under `rates:` and every quota's
currency in salesgen.yaml are checked against the ISO 4217 list (the CLDR data that
the Babel library ships). `RMB`, `人民币` or `US$` are what people say, not codes: an
amount in one of them is summed on its own and never reaches a converted total. The
hint names the code that was probably meant. A mistake in salesgen.yaml is a
configuration error (exit code 2).

Passing:

```yaml
amount: 1200000
currency: CNY
```

Failing:

```yaml
amount: 1200000
currency: RMB   # currency-unknown: did you mean CNY?
```
"""
from __future__ import annotations

from .. import currencies
from ..yamlsource import one_line
from ..i18n import T

ID = "currency-unknown"
SEVERITY = "error"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)


def message(code: str) -> str:
    return T("'{code}' is not an ISO 4217 currency code", code=one_line(code))


def check(ctx):
    for deal in ctx.repo.deals.values():
        if not currencies.is_known(deal.currency):
            yield ctx.at_deal(ID, deal, ("currency",), message(deal.currency), currencies.hint(deal.currency))
