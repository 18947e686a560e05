"""A won deal records its contract: signing date, value, and a payment schedule that sums to the value.

Closing duties of the won stage (签约成交): the contract's date (on or before the as-of
date), its value, and the agreed payment schedule (合同回款约定) whose amounts add up
exactly to the contract value. Amounts are compared as exact decimals.

Passing:

```yaml
stage: won
contract:
  date: 2026-10-18
  value: 1180000
  ref: KING-2026-031
  payments:
    - {due: 2026-10-31, amount: 354000, milestone: 预付款 30%}
    - {due: 2027-01-31, amount: 708000, milestone: 验收款 60%}
    - {due: 2027-10-31, amount: 118000, milestone: 质保金 10%}
```

Failing:

```yaml
stage: won
contract:
  date: 2026-10-18
  value: 1180000
  payments:             # closing-won: the payments sum to 1062000, 118000 short of the value
    - {due: 2026-10-31, amount: 354000}
    - {due: 2027-01-31, amount: 708000}
```
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from ..i18n import T

ID = "closing-won"
SEVERITY = "error"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)
READS = ("contract",)

_CONTRACT_EXAMPLE = ("`contract: {date: YYYY-MM-DD, value: <amount>, ref: <contract number>, payments: "
                     "[{due: YYYY-MM-DD, amount: <amount>, milestone: <text>}, ...]}`")


def check(ctx):
    for deal, stage in ctx.known_deals():
        if stage.outcome != "won":
            continue
        contract = deal.get("contract")
        if not contract:
            yield ctx.at_deal(ID, deal, ("stage",), T("the deal is won but has no `contract`"),
                              T("Add {example} to {file}.", example=_CONTRACT_EXAMPLE, file=deal.file))
            continue
        yield from _check_contract(ctx, deal, contract)


def _check_contract(ctx, deal, contract):
    if not contract.get("date"):
        yield ctx.at_deal(ID, deal, ("contract",), T("the won deal's contract has no signing date"),
                          T("Add `date: YYYY-MM-DD` (the day it was signed) under `contract:`."), key=True)
    elif (signed := dt.date.fromisoformat(contract["date"])) > ctx.as_of:
        yield ctx.at_deal(ID, deal, ("contract", "date"),
                          T("the contract is signed on {signed}, after the as-of date {as_of}", signed=signed,
                            as_of=ctx.as_of),
                          T("A deal is won once the contract is signed: correct the date, or keep the deal in "
                            "its negotiation stage until then."))
    value = contract.get("value")
    if value is None:
        yield ctx.at_deal(ID, deal, ("contract",), T("the won deal's contract has no value"),
                          T("Add `value: <amount>` (the signed contract value) under `contract:`."), key=True)
    payments = contract.get("payments") or ()
    if not payments:
        yield ctx.at_deal(ID, deal, ("contract",), T("the won deal's contract has no payment schedule"),
                          T("Add the agreed payments (合同回款约定) under `contract:` as `payments: - {due: "
                            "YYYY-MM-DD, amount: <amount>, milestone: <text>}`; they must add up to the value."),
                          key=True)
        return
    if value is None:
        return
    value = Decimal(str(value))
    total = sum((Decimal(str(p["amount"])) for p in payments), Decimal(0))
    if total != value:
        difference = value - total
        values = {"n": len(payments), "total": total, "gap": abs(difference), "value": value}
        yield ctx.at_deal(ID, deal, ("contract", "payments"),
                          T("the {n} payments sum to {total}, {gap} short of the contract value {value}", **values)
                          if difference > 0 else
                          T("the {n} payments sum to {total}, {gap} more than the contract value {value}", **values),
                          T("Correct the payment amounts (or the contract value) so that they add up exactly."),
                          key=True)
