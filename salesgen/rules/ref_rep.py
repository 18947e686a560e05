"""Owners, team members, activity reps, approvers and assigners are reps of the roster.

The roster is `reps:` in salesgen.yaml. A rep who left stays in the roster with
`active: false`, so that history still resolves.

Passing:

```yaml
owner: zhang-jiaqiang
team: {presales: zeng-xueming}
```

Failing:

```yaml
owner: zhang-jq   # ref-rep: not in salesgen.yaml reps
```
"""
from __future__ import annotations

import difflib
from ..i18n import T

from ..yamlsource import one_line

ID = "ref-rep"
SEVERITY = "error"
SCOPE = "split"  # check_deals: per deal, as SCOPE 'deal'; check_rest: the customers and the configuration


def rep_references(data):
    """(path, rep id) of every rep reference in a deal or customer document."""
    if isinstance(data.get("owner"), str):
        yield ("owner",), data["owner"]
    assigned = data.get("assigned")
    if isinstance(assigned, dict) and isinstance(assigned.get("by"), str):
        yield ("assigned", "by"), assigned["by"]
    for role, rep in (data.get("team") or {}).items():
        yield ("team", role), rep
    for i, activity in enumerate(data.get("activities") or ()):
        if activity.get("who"):
            yield ("activities", i, "who"), activity["who"]
    for i, approval in enumerate(data.get("approvals") or ()):
        yield ("approvals", i, "approver"), approval["approver"]
    for i, waiver in enumerate(data.get("waivers") or ()):
        yield ("waivers", i, "approved_by"), waiver["approved_by"]


def check(ctx):
    yield from check_rest(ctx)
    yield from check_deals(ctx)


def check_rest(ctx):
    """The customers' references."""
    yield from _check(ctx, ctx.repo.customers.values())


def check_deals(ctx):
    yield from _check(ctx, ctx.repo.deals.values())


def _check(ctx, items):
    reps = ctx.config.reps
    known = None
    for item in items:
        for path, rep in rep_references(item.raw):
            if rep not in reps:
                known = known or sorted(reps)
                guess = difflib.get_close_matches(rep, known, n=1)
                hint = T("Did you mean '{guess}'?", guess=one_line(guess[0])) if guess else \
                    T("Add the rep to `reps:` in salesgen.yaml.")
                yield ctx.problem(ID, item.file, path, T("unknown rep '{rep}'", rep=one_line(rep)), hint)
