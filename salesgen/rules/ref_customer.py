"""A deal's `customer` names a customer file that exists.

Passing:

```yaml
# deals/temp-press-line.yaml, with customers/temp.yaml present
customer: temp
```

Failing:

```yaml
customer: tempp   # ref-customer: no customers/tempp.yaml
```
"""
from __future__ import annotations

import difflib
from ..i18n import T

from ..yamlsource import one_line

ID = "ref-customer"
SEVERITY = "error"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)


def check(ctx):
    known = None  # sorted once there is something to guess from (the deals may come in many parts)
    for deal in ctx.repo.deals.values():
        if deal.customer not in ctx.repo.customers and ("customer", deal.customer) not in ctx.repo.unbuilt:
            known = known or sorted(ctx.repo.customers)
            guess = difflib.get_close_matches(deal.customer, known, n=1)
            hint = (T("Did you mean '{guess}'?", guess=one_line(guess[0])) if guess else
                    T("Create customers/<id>.yaml with `salesgen new customer`."))
            yield ctx.at_deal(ID, deal, ("customer",), T("unknown customer '{customer}'", customer=one_line(deal.customer)), hint)
