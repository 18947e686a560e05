"""Process KPIs of the method ("watch the result, weigh the process"): milestones per rep.

A rep is assessed on the milestones their deals reached in a period, read from the
stage history: entering a stage means the milestone of the stage before it was reached
(entering ``visit`` = the customer is interested and a visit is booked, entering
``demo`` = the handler accepted the preliminary proposal, entering ``won`` = contract).
Two more come from other records: a *new prospect* is a deal opened in the period, and
a *handler reached* is the first activity with a contact marked as the deal's handler.
Milestones count for the deal's current owner.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Sequence

from ..config import Config, Pipeline
from ..model import Deal

NEW_PROSPECTS = "new_prospects"
HANDLERS_REACHED = "handlers_reached"


@dataclass(frozen=True)
class Column:
    """One KPI: its key, and the stage whose entry counts (None for the two record-based ones)."""

    key: str
    stage: str | None = None
    pipeline: str | None = None


def columns(pipeline: Pipeline) -> list[Column]:
    """The KPIs of a pipeline: new prospects, handlers reached, then one per stage after the first (lost excluded)."""
    cols = [Column(NEW_PROSPECTS), Column(HANDLERS_REACHED)]
    cols += [Column(f"{pipeline.id}:{s.id}", s.id, pipeline.id) for s in pipeline.stages[1:] if s.outcome != "lost"]
    return cols


def handler_reached_on(deal: Deal) -> dt.date | None:
    """The date of the first activity that reached a contact marked as the deal's handler."""
    handlers = {s["contact"] for s in deal.stakeholders if s.get("handler")}
    dates = [a.date for a in deal.activities if handlers.intersection(a.contacts)]
    return min(dates, default=None)


def milestones(deals: Iterable[Deal], config: Config, start: dt.date, end: dt.date) -> dict[str, dict[str, int]]:
    """rep id -> KPI key -> number of milestones reached between ``start`` and ``end`` (inclusive).

    Keys are ``new_prospects``, ``handlers_reached`` and ``<pipeline>:<stage>`` (deals that
    entered that stage). A deal entering the same stage twice in the period counts once.
    """
    return milestones_by_period(deals, config, [(start, end)])[0]


def milestones_by_period(deals: Iterable[Deal], config: Config,
                         periods: Sequence[tuple[dt.date, dt.date]]) -> list[dict[str, dict[str, int]]]:
    """``milestones`` of each (start, end) of ``periods``, in their order: each deal is read once for all."""
    tables: list[dict[str, dict[str, int]]] = [{} for _ in periods]

    def count(table: dict, rep: str, key: str) -> None:
        row = table.setdefault(rep, {})
        row[key] = row.get(key, 0) + 1

    for deal in deals:
        pipeline = config.pipelines.get(deal.pipeline)
        if pipeline is None:
            continue
        first = deal.opened_on()
        reached = handler_reached_on(deal)
        first_stage = pipeline.stages[0].id
        entries = []  # (date, stage id) of the entries that are milestones: not the first stage, not lost
        for entry in deal.stage_history:
            stage = pipeline.stage(entry.stage) if entry.stage != first_stage else None
            if stage is not None and stage.outcome != "lost":
                entries.append((entry.date, entry.stage))
        for table, (start, end) in zip(tables, periods):
            if first is not None and start <= first <= end:
                count(table, deal.owner, NEW_PROSPECTS)
            if reached is not None and start <= reached <= end:
                count(table, deal.owner, HANDLERS_REACHED)
            for stage_id in {stage_id for date, stage_id in entries if start <= date <= end}:
                count(table, deal.owner, f"{pipeline.id}:{stage_id}")
    return tables
