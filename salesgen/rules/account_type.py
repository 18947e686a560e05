"""A customer's account type agrees with its deals, in both directions (EIS 账户类型, figure 1-3).

Accounts move organization -> interest -> intent -> customer. A known organization
(组织) becomes an interest customer (兴趣客户) when the call finds interest (evidence for
`interest_confirmed` on one of its deals), an intent customer (意向客户) when a sales
project for it is approved (an `approvals:` record of kind `project_initiation`: the
evidence alone is not the approval), and a customer (客户) when a deal is won; all
dated on or before the as-of date. So the type may be neither lower nor higher than
the deals show: an account with a won deal is `customer`, and only then; one with an
open approved deal is at least `intent`, and `intent` needs an approved project (after
a lost deal the account may stay `intent` or move back); one whose open or won deal
has interest confirmed is at least `interest` (the interest itself may be recorded on
the account from the first call, before any deal is opened, so `interest` needs no
deal). Reported on the customer's `type`.

The text creates a new interest account with the sales centre's manager as its account
manager until the account is reviewed and assigned (审核，修改帐户经理，分配客户): the
`owner` is whoever holds the account now, a rep of the roster, and `assigned:` records
who assigned it and when (rules account-assignment and account-unassigned); an owner
who left is reported by handover-pending until the account is assigned again.

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
from dataclasses import dataclass
from ..i18n import T

from ..yamlsource import one_line

ID = "account-type"
SEVERITY = "error"
SCOPE = "whole"  # collect (per part of the files) then judge (once): see engine_parts
COLLECTS = "deals"  # facts of the deals the model holds (the first file of an id), see engine_parts

INITIATION_APPROVAL = "project_initiation"  # approval kind (deal schema)
INITIATION_CRITERION = "project_initiation_approved"  # criterion id (salesgen/method/METHOD.md)
INTEREST_CRITERION = "interest_confirmed"  # criterion id


def initiation_date(deal, as_of):
    """The first date the deal's sales project was approved (an approval record), or None."""
    dates = [d for a in deal.get("approvals") or () if a["kind"] == INITIATION_APPROVAL
             if (d := dt.date.fromisoformat(a["date"])) <= as_of]
    return min(dates) if dates else None


def interest_date(deal, as_of):
    """The first date the customer's interest was confirmed on the deal, or None."""
    dates = [d for d, _ in deal.evidence_of(INTEREST_CRITERION) if d <= as_of]
    return min(dates) if dates else None


@dataclass(frozen=True, slots=True)
class DealFacts:
    """What the rule needs of one deal of known stage (``collect``; the deals may come in parts)."""

    file: str
    deal: str  # id
    customer: str
    outcome: str | None
    partial: bool
    initiation: dt.date | None  # initiation_date
    interest: dt.date | None  # interest_date


def check(ctx):
    yield from judge(ctx, collect(ctx))


def collect(ctx, documents=()) -> list:
    """The facts of the deals of ``ctx`` (``documents``: unused, see engine_parts)."""
    return [DealFacts(deal.file, deal.id, deal.customer, stage.outcome, deal.partial,
                      initiation_date(deal, ctx.as_of), interest_date(deal, ctx.as_of))
            for deal, stage in ctx.known_deals()]


def judge(ctx, facts) -> list:
    """The problems of every customer of ``ctx`` from the facts of all deals, in the deals' file order."""
    by_customer: dict = {}
    for fact in facts:
        by_customer.setdefault(fact.customer, []).append(fact)
    return [problem for customer in ctx.repo.customers.values()
            for problem in _check_customer(ctx, customer, by_customer.get(customer.id, ()))]


def _check_customer(ctx, customer, deals):
    if any(deal.partial for deal in deals):
        return  # judged from a deal with data left out for its own problem: that problem is the message
    won = [deal for deal in deals if deal.outcome == "won"]
    approved = [(deal, deal.initiation) for deal in deals if deal.initiation is not None]
    kind = customer.type
    if won and kind != "customer":
        names = ", ".join(f"'{one_line(d.deal)}'" for d in won[:3]) + (", ..." if len(won) > 3 else "")
        yield _problem(ctx, customer, T("the account has won deals {names} but its type is '{kind}'",
                                        names=names, kind=one_line(kind)) if len(won) > 1 else
                       T("the account has won deal {names} but its type is '{kind}'", names=names, kind=one_line(kind)),
                       T("Set `type: customer`: an account becomes a customer (客户) when a deal is won."))
        return
    if kind == "customer" and not won:
        yield _problem(ctx, customer, T("the type is 'customer' but none of the account's deals is won"),
                       T("Record the signed deal under deals/ with a won stage, or set the type back to "
                         "'intent' (a sales project was approved) or 'interest'."))
        return
    open_approved = [(d, date) for d, date in approved if d.outcome is None]
    if open_approved and kind in ("organization", "interest"):
        deal, date = min(open_approved, key=lambda item: item[1])
        yield _problem(ctx, customer, T("the sales project of open deal '{deal}' was approved on {date}, "
                                        "but the account type is '{kind}'", deal=one_line(deal.deal), date=date, kind=one_line(kind)),
                       T("Set `type: intent`: an account becomes an intent customer (意向客户) when a sales project "
                         "for it is approved."))
    elif kind == "intent" and not approved:
        yield _problem(ctx, customer, T("the type is 'intent' but no deal of the account has an approved sales "
                                        "project (project initiation)"),
                       T("Record the approval on the deal (`approvals: - {{kind: {kind}, date, "
                         "approver}}`), or set the type to 'interest'.", kind=INITIATION_APPROVAL))
    elif kind == "organization":
        live = [(d, d.interest) for d in deals if d.outcome != "lost" and d.interest is not None]
        if live:
            deal, date = min(live, key=lambda item: item[1])
            yield _problem(ctx, customer, T("the customer's interest was confirmed on deal '{deal}' on {date}, "
                                            "but the account type is 'organization'", deal=one_line(deal.deal), date=date),
                           T("Set `type: interest`: an organization whose interest is confirmed is an interest "
                             "customer (兴趣客户)."))


def _problem(ctx, customer, message, hint):
    return ctx.problem(ID, customer.file, ("type",), message, hint)
