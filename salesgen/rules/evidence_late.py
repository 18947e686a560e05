"""Evidence must precede the move: an exit criterion is met by the day the deal left its stage.

"What is said is done, what is done is seen": a stage's milestone is reached *before*
the deal moves on. The day a deal left stage S is the date of the first
`stage_history` entry after S that is further along the pipeline (a skip counts, a
move to lost does not). Every exit criterion of S must be met by then: its earliest
evidence record (or, for an approval criterion, its earliest valid approval) dated
after that day does not meet the gate and is reported here, on that record's date
(evidence recorded on the very day the deal moved is in time). Evidence dated after the
as-of date is the stage gate's business. A deal without a stage history, or whose
history is out of order (stage-history reports it), is not checked.
Like any rule it can be waived for one criterion: `waivers: - {rule: evidence-late,
criterion: <id>, reason, approved_by, until}`.

Passing:

```yaml
stage: negotiation
stage_history:
  - {stage: evaluation, date: 2026-09-01}
  - {stage: negotiation, date: 2026-10-15}
evidence:
  - {criterion: preferred_supplier, date: 2026-10-15, ref: 评估结果通知}   # the day it moved: in time
```

Failing:

```yaml
stage: negotiation
stage_history:
  - {stage: evaluation, date: 2026-09-01}
  - {stage: negotiation, date: 2026-10-15}
evidence:
  - {criterion: preferred_supplier, date: 2026-10-16, ref: 评估结果通知}   # evidence-late: a day after it moved
```
"""
from __future__ import annotations

from ..criteria import Env, approval_of
from ..model import to_date
from .stage_history import stage_ranks
from ..i18n import T

ID = "evidence-late"
SEVERITY = "error"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)


def left_on(deal, pipeline, ranks) -> dict:
    """stage id -> the day the deal first went past that stage (open stages it entered or skipped)."""
    result: dict = {}
    furthest = None
    for entry in deal.stage_history:
        rank = ranks.get(entry.stage)
        if rank is None:
            continue
        if furthest is not None and rank > furthest:
            for stage in pipeline.open_stages[furthest:rank]:
                result.setdefault(stage.id, entry.date)
        furthest = rank if furthest is None else max(furthest, rank)
    return result


def _chronological(deal) -> bool:
    dates = [entry.date for entry in deal.stage_history]
    return dates == sorted(dates)


def check(ctx):
    tables: dict = {}
    env = Env(ctx.as_of, ctx.config)
    for deal, stage in ctx.known_deals():
        if not deal.stage_history or stage.outcome == "lost" or not _chronological(deal):
            continue  # a history out of order is stage-history's problem: lateness cannot be judged
        pipeline = ctx.pipeline_of(deal)
        ranks = tables.get(pipeline.id)
        if ranks is None:
            ranks = tables[pipeline.id] = stage_ranks(pipeline)
        for stage_id, left in left_on(deal, pipeline, ranks).items():
            for criterion in pipeline.stage(stage_id).exit:
                problem = _late(ctx, env, deal, pipeline, criterion, left)
                if problem is not None:
                    yield problem


def _late(ctx, env, deal, pipeline, criterion, left):
    if criterion.kind == "approval":
        index = approval_of(deal, criterion, env)
        if index is None:
            return None
        date, path = to_date(deal.raw["approvals"][index]["date"]), ("approvals", index, "date")
    else:
        records = [(date, index) for date, index in deal.evidence_of(criterion.id) if date <= ctx.as_of]
        if not records or criterion.kind == "computed" and not _needs_evidence(ctx, env, deal, criterion):
            return None
        date, index = min(records)
        path = ("evidence", index, "date")
    if date <= left:
        return None
    what = T("approval") if criterion.kind == "approval" else T("evidence")
    label = ctx.config.label
    stage = pipeline.stage(criterion.stage)
    return ctx.at_deal(
        ID, deal, path,
        T("the {what} for '{criterion}' ({criterion_id}) is dated {date}, after the deal left "
          "'{stage}' ({stage_id}) on {left}", what=what, criterion=label(criterion.label),
          criterion_id=criterion.id, date=date, stage=label(stage.label), stage_id=stage.id, left=left),
        T("A gate is met only by what was done before the move: if the date is wrong, correct it; if the deal "
          "moved too early, say so with a waiver (`waivers: - {{rule: {rule}, criterion: {criterion_id}, reason, "
          "approved_by, until}}`).", rule=ID, criterion_id=criterion.id), subject=criterion.id)


def _needs_evidence(ctx, env, deal, criterion) -> bool:
    """A computed criterion relies on its evidence only when the data does not meet it."""
    from ..criteria import evaluate

    status = evaluate(deal, ctx.customer_of(deal), criterion, ctx.as_of, ctx.config)
    return status.how == "evidence"
