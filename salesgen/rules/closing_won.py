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

ID = "closing-won"
SEVERITY = "error"
READS = ("contract",)

_CONTRACT_EXAMPLE = ("`contract: {date: YYYY-MM-DD, value: <amount>, ref: <contract number>, payments: "
                     "[{due: YYYY-MM-DD, amount: <amount>, milestone: <text>}, ...]}`")


def check(ctx):
    for deal, stage in ctx.known_deals():
        if stage.outcome != "won":
            continue
        contract = deal.get("contract")
        if not contract:
            yield ctx.at_deal(ID, deal, ("stage",), "the deal is won but has no `contract`",
                              f"Add {_CONTRACT_EXAMPLE} to {deal.file}.")
            continue
        yield from _check_contract(ctx, deal, contract)


def _check_contract(ctx, deal, contract):
    if not contract.get("date"):
        yield ctx.at_deal(ID, deal, ("contract",), "the won deal's contract has no signing date",
                          "Add `date: YYYY-MM-DD` (the day it was signed) under `contract:`.", key=True)
    elif (signed := dt.date.fromisoformat(contract["date"])) > ctx.as_of:
        yield ctx.at_deal(ID, deal, ("contract", "date"),
                          f"the contract is signed on {signed}, after the as-of date {ctx.as_of}",
                          "A deal is won once the contract is signed: correct the date, or keep the deal in "
                          "its negotiation stage until then.")
    value = contract.get("value")
    if value is None:
        yield ctx.at_deal(ID, deal, ("contract",), "the won deal's contract has no value",
                          "Add `value: <amount>` (the signed contract value) under `contract:`.", key=True)
    payments = contract.get("payments") or ()
    if not payments:
        yield ctx.at_deal(ID, deal, ("contract",), "the won deal's contract has no payment schedule",
                          "Add the agreed payments (合同回款约定) under `contract:` as `payments: - {due: "
                          "YYYY-MM-DD, amount: <amount>, milestone: <text>}`; they must add up to the value.",
                          key=True)
        return
    if value is None:
        return
    value = Decimal(str(value))
    total = sum((Decimal(str(p["amount"])) for p in payments), Decimal(0))
    if total != value:
        difference = value - total
        gap = f"{difference} short of" if difference > 0 else f"{-difference} more than"
        yield ctx.at_deal(ID, deal, ("contract", "payments"),
                          f"the {len(payments)} payments sum to {total}, {gap} the contract value {value}",
                          "Correct the payment amounts (or the contract value) so that they add up exactly.",
                          key=True)
