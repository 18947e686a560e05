"""The stage history is chronological, not in the future, ends at `stage`, and explains skips and moves back.

`stage_history` lists every stage the deal entered, oldest first. Its dates may not be
after the as-of date nor before the deal was `created`, each entry is on or after the
one before, and the last entry is the deal's current `stage`. A deal normally moves one
stage at a time: starting past the first stage, skipping a stage, moving back to an
earlier stage, or reopening a closed deal needs a `reason:` on that entry. Moving to the
lost stage is allowed from anywhere (the close request gives its own `lost_reason`).
An empty history is not checked.

Passing:

```yaml
stage: demo
stage_history:
  - {stage: planning, date: 2026-05-06}
  - {stage: visit, date: 2026-05-20}
  - {stage: demo, date: 2026-07-01, reason: 客户招标提前，初步方案与技术交流合并进行}
```

Failing:

```yaml
stage: design           # stage-history: stage_history ends with 'demo'
stage_history:
  - {stage: planning, date: 2026-05-06}
  - {stage: proposal, date: 2026-05-20}   # stage-history: skips 'visit' without a reason
  - {stage: demo, date: 2026-05-10}       # stage-history: before the entry above it
```
"""
from __future__ import annotations

import functools
from ..i18n import T, join

from ..yamlsource import one_line

ID = "stage-history"
SEVERITY = "error"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)
READS = ("stage_history", "created")


def stage_ranks(pipeline) -> dict:
    """stage id -> position in the forward order (open stages, then won); lost stages -> None."""
    ranks = {}
    open_count = 0
    for stage in pipeline.stages:
        if stage.outcome is None:
            ranks[stage.id] = open_count
            open_count += 1
    for stage in pipeline.stages:
        if stage.outcome is not None:
            ranks[stage.id] = open_count if stage.outcome == "won" else None
    return ranks


def check(ctx):
    orders: dict = {}  # pipeline id -> (ranks, open stages in order); once per pipeline
    for deal, stage in ctx.known_deals():
        if not deal.stage_history:
            continue
        pipeline = ctx.pipeline_of(deal)
        order = orders.get(pipeline.id)
        if order is None:
            order = orders[pipeline.id] = (stage_ranks(pipeline), pipeline.open_stages)
        yield from _check_deal(ctx, deal, pipeline, *order)


def _check_deal(ctx, deal, pipeline, ranks, open_stages):
    label = functools.partial(_name, ctx, pipeline)
    previous = None
    for entry in deal.stage_history:
        at_date = ("stage_history", entry.index, "date")
        at_entry = ("stage_history", entry.index, "stage")
        if entry.date > ctx.as_of:
            yield ctx.at_deal(ID, deal, at_date,
                              T("entered {stage} on {date}, after the as-of date {as_of}", stage=label(entry.stage),
                                date=entry.date, as_of=ctx.as_of),
                              T("Record a stage only once the deal has entered it; planned moves belong in "
                                "`activities:` as next_step/next_date."))
        if deal.created is not None and entry.date < deal.created:
            yield ctx.at_deal(ID, deal, at_date,
                              T("entered {stage} on {date}, before the deal was created on {created}",
                                stage=label(entry.stage), date=entry.date, created=deal.created),
                              T("Correct the date, or set `created` to the day the deal was opened."))
        if previous is not None and entry.date < previous.date:
            yield ctx.at_deal(ID, deal, at_date,
                              T("entered {stage} on {date}, before the entry above it ({previous} on {previous_date})",
                                stage=label(entry.stage), date=entry.date, previous=label(previous.stage),
                                previous_date=previous.date),
                              T("Keep stage_history oldest first, and check both dates."))
        if entry.stage in ranks:  # an unknown stage is reported by ref-pipeline
            problem = _transition(ctx, deal, previous, entry, ranks, open_stages, label)
            if problem is not None:
                yield problem
            previous = entry
    last = deal.stage_history[-1]
    if last.stage != deal.stage:
        yield ctx.at_deal(ID, deal, ("stage",),
                          T("stage is {stage} but stage_history ends with {last} (entered {date})",
                            stage=label(deal.stage), last=label(last.stage), date=last.date),
                          T("Append `- {{stage: {stage}, date: <the day it moved>}}` to stage_history, "
                            "or correct `stage`.", stage=deal.stage))


def _transition(ctx, deal, previous, entry, ranks, open_stages, label):
    """The problem with moving from ``previous`` (None: the first entry) into ``entry``, if any."""
    if entry.reason:
        return None
    where = ("stage_history", entry.index, "stage")
    rank = ranks[entry.stage]
    if rank is None:  # moving to lost is always allowed
        return None
    if previous is None:
        if rank > 0:
            skipped = join(label(s.id) for s in open_stages[:rank])
            return ctx.at_deal(ID, deal, where,
                               T("the history starts at {stage} on {date}, skipping {skipped}, without a reason",
                                 stage=label(entry.stage), date=entry.date, skipped=skipped), _reason_hint())
        return None
    before = ranks[previous.stage]
    if before is None or before >= len(open_stages):
        return ctx.at_deal(ID, deal, where,
                           T("reopened from {previous} to {stage} on {date} without a reason",
                             previous=label(previous.stage), stage=label(entry.stage), date=entry.date),
                           T("Add `reason:` to this stage_history entry saying why the closed deal was reopened."))
    if rank == before:
        return ctx.at_deal(ID, deal, where,
                           T("entered {stage} again on {date}, already in it since {since}",
                             stage=label(entry.stage), date=entry.date, since=previous.date),
                           T("Remove the repeated entry (or add `reason:` if the deal really left and came back)."))
    if rank < before:
        return ctx.at_deal(ID, deal, where,
                           T("moved back from {previous} to {stage} on {date} without a reason",
                             previous=label(previous.stage), stage=label(entry.stage), date=entry.date),
                           T("Add `reason:` to this stage_history entry saying why the deal moved back."))
    if rank > before + 1:
        skipped = join(label(s.id) for s in open_stages[before + 1:rank])
        return ctx.at_deal(ID, deal, where,
                           T("moved from {previous} to {stage} on {date}, skipping {skipped}, without a reason",
                             previous=label(previous.stage), stage=label(entry.stage), date=entry.date,
                             skipped=skipped), _reason_hint())
    return None


def _reason_hint() -> str:
    return T("Add `reason:` to this stage_history entry saying why, or record the stages in between.")


def _name(ctx, pipeline, stage_id: str) -> str:
    stage = pipeline.stage(stage_id)
    return T("'{label}' ({id})", label=ctx.config.label(stage.label), id=one_line(stage_id)) if stage else f"'{one_line(stage_id)}'"
