"""A new interest account is assigned to its account manager by the head of the sales centre (figure 1-3).

The text creates an interest customer (兴趣客户) with the head of the sales centre
(营销中心经理) as its account manager; the head (营销中心总经理) then reviews it,
changes the account manager and assigns the customer (审核，修改帐户经理，分配客户).
salesgen records that step on the customer as `assigned: {by, date}`. On an account of
type `interest`, `by` is a rep holding one of the roles under `interest_accounts:
assigned_by:` in salesgen.yaml (default `executive`), not the account's own `owner`,
and with the company on that day; `date` is on or after the day the account was
created (`since:`) and not after the as-of date. Once the account moves on (intent,
customer) the record is history and no longer checked.

Passing:

```yaml
# customers/hengchuan.yaml; zhao-wei holds the role executive
type: interest
owner: chen-ming
since: 2026-06-03
assigned: {by: zhao-wei, date: 2026-06-04}
```

Failing:

```yaml
type: interest
owner: chen-ming
since: 2026-06-03
assigned: {by: chen-ming, date: 2026-06-04}   # account-assignment: assigned by its own owner
```
"""
from __future__ import annotations

import datetime as dt

from ..i18n import T
from ..yamlsource import one_line

ID = "account-assignment"
SEVERITY = "error"
SCOPE = "customers"  # reads the customers and the configuration, never a deal
READS = ("assigned",)

INTEREST = "interest"  # the account type the text assigns (兴趣客户)


def interest_accounts(ctx):
    """Customers of type `interest`."""
    return (c for c in ctx.repo.customers.values() if c.type == INTEREST)


def roles_text(roles: tuple) -> str:
    return " or ".join(roles)


def check(ctx):
    config = ctx.config
    for customer in interest_accounts(ctx):
        assigned = customer.raw.get("assigned")
        if not isinstance(assigned, dict) or "by" not in assigned or "date" not in assigned:
            continue  # none, or one that lost a value to its schema problem: that problem is the message
        by, date = assigned["by"], dt.date.fromisoformat(assigned["date"])
        rep = config.reps.get(by)
        if rep is None:
            continue  # ref-rep reports an unknown rep
        roles = roles_text(config.account_assigner_roles)
        if by == customer.owner:
            yield _at(ctx, customer, "by",
                      T("the account is assigned by its own owner '{rep}'", rep=one_line(by)),
                      T("An assignment hands the account from the head of the sales centre to an account manager: "
                        "set `owner:` to the rep it was assigned to, or remove `assigned:` while the head keeps it."))
        elif not config.holds_role(by, config.account_assigner_roles):
            yield _at(ctx, customer, "by",
                      T("the account is assigned by '{rep}' ({name}), who holds no role that assigns new accounts "
                        "({roles})", rep=one_line(by), name=one_line(rep.name), roles=roles),
                      T("Set `by:` to the rep who reviewed and assigned the account, one with the role {roles} "
                        "in salesgen.yaml (`interest_accounts: assigned_by:`).", roles=roles))
        elif rep.left is not None and date > rep.left:
            yield _at(ctx, customer, "by",
                      T("the account is assigned on {date} by '{rep}' ({name}), who had left on {left}",
                        date=date, rep=one_line(by), name=one_line(rep.name), left=rep.left),
                      T("Correct the date, or record the assignment by the rep with the role {roles} who made it.",
                        roles=roles))
        since = customer.raw.get("since")
        if since is not None and date < dt.date.fromisoformat(since):
            yield _at(ctx, customer, "date",
                      T("the account is assigned on {date}, before it was created on {since}", date=date, since=since),
                      T("An account is assigned after it is created: correct `assigned: date:` or `since:`."))
        elif date > ctx.as_of:
            yield _at(ctx, customer, "date",
                      T("the account is assigned on {date}, after the as-of date {as_of}", date=date, as_of=ctx.as_of),
                      T("Record an assignment once it is made: correct the date, or check --as-of and `as_of:` "
                        "in salesgen.yaml."))


def _at(ctx, customer, key: str, message: str, hint: str):
    return ctx.problem(ID, customer.file, ("assigned", key), message, hint)
