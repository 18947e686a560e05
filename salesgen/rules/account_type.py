"""A customer's account type agrees with its deals (EIS 账户类型).

Accounts move organization -> interest -> intent -> customer. An account becomes an
intent customer (意向客户) when a sales project for it is approved (an approval of kind
`project_initiation`, or evidence for the `project_initiation_approved` criterion,
dated on or before the as-of date), and a customer (客户) when a deal is won. So:
an account with a won deal is `customer`, and only then; an account with an open
approved deal is at least `intent`; and `intent` needs a deal whose project was approved
(after a lost deal the account may stay `intent` or move back). Reported on the
customer's `type`.

Passing:

```yaml
# customers/temp.yaml; deals/temp-press-line.yaml (stage: demo) has
#   approvals: [{kind: project_initiation, date: 2026-07-20, approver: zhao-wei}]
type: intent
```

Failing:

```yaml
# customers/temp.yaml; deals/temp-press-line.yaml (stage: demo) has
#   approvals: [{kind: project_initiation, date: 2026-07-20, approver: zhao-wei}]
type: interest   # account-type: the sales project was approved, so it is an intent customer
```
"""
from __future__ import annotations

import datetime as dt

from ..yamlsource import one_line

ID = "account-type"
SEVERITY = "error"

INITIATION_APPROVAL = "project_initiation"  # approval kind (deal schema)
INITIATION_CRITERION = "project_initiation_approved"  # criterion id (DOMAIN.md)


def initiation_date(deal, as_of):
    """The first date the deal's sales project was approved, or None."""
    dates = [d for a in deal.get("approvals") or () if a["kind"] == INITIATION_APPROVAL
             if (d := dt.date.fromisoformat(a["date"])) <= as_of]
    dates += [d for d, _ in deal.evidence_of(INITIATION_CRITERION) if d <= as_of]
    return min(dates) if dates else None


def check(ctx):
    by_customer: dict = {}
    for deal, stage in ctx.known_deals():
        by_customer.setdefault(deal.customer, []).append((deal, stage))
    for customer in ctx.repo.customers.values():
        yield from _check_customer(ctx, customer, by_customer.get(customer.id, ()))


def _check_customer(ctx, customer, deals):
    won = [deal for deal, stage in deals if stage.outcome == "won"]
    approved = [(deal, stage, date) for deal, stage in deals
                if (date := initiation_date(deal, ctx.as_of)) is not None]
    kind = customer.type
    if won and kind != "customer":
        names = ", ".join(f"'{one_line(d.id)}'" for d in won[:3]) + (", ..." if len(won) > 3 else "")
        yield _problem(ctx, customer, f"the account has won deal{'s' * (len(won) > 1)} {names} but its type is "
                       f"'{one_line(kind)}'", "Set `type: customer`: an account becomes a customer (客户) when a deal is won.")
        return
    if kind == "customer" and not won:
        yield _problem(ctx, customer, "the type is 'customer' but none of the account's deals is won",
                       "Record the signed deal under deals/ with a won stage, or set the type back to "
                       "'intent' (a sales project was approved) or 'interest'.")
        return
    open_approved = [(d, date) for d, stage, date in approved if stage.outcome is None]
    if open_approved and kind in ("organization", "interest"):
        deal, date = min(open_approved, key=lambda item: item[1])
        yield _problem(ctx, customer, f"the sales project of open deal '{one_line(deal.id)}' was approved on {date}, "
                       f"but the account type is '{one_line(kind)}'",
                       "Set `type: intent`: an account becomes an intent customer (意向客户) when a sales project "
                       "for it is approved.")
    elif kind == "intent" and not approved:
        yield _problem(ctx, customer, "the type is 'intent' but no deal of the account has an approved sales "
                       "project (project initiation)",
                       f"Record the approval on the deal (`approvals: - {{kind: {INITIATION_APPROVAL}, date, "
                       f"approver}}` and evidence for {INITIATION_CRITERION}), or set the type to 'interest'.")


def _problem(ctx, customer, message, hint):
    return ctx.problem(ID, customer.file, ("type",), message, hint)
