"""The sales funnel: per pipeline and stage, per funnel state, and stage-to-stage conversion.

Funnel states come from the pipeline definition (``funnel:`` of each stage):
prospecting (客户搜寻), in_funnel (进入漏斗), best (最佳状态) for open deals; closed for
won and lost.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable

from ..config import Config, Pipeline, Stage
from ..model import Deal
from .money import Totals
from .probability import probability, stage_of, value, weighted

OPEN_STATES = ("prospecting", "in_funnel", "best")


@dataclass
class Bucket:
    """Count, amount and weighted amount of a group of deals, per currency."""

    count: int = 0
    amount: Totals = field(default_factory=Totals)
    weighted: Totals = field(default_factory=Totals)
    used: set = field(default_factory=set)  # the win probabilities (percent) the weighted amount used

    def add(self, deal: Deal, stage: Stage) -> None:
        self.count += 1
        self.amount.add(deal.currency, value(deal, stage))
        self.weighted.add(deal.currency, weighted(deal, stage))
        self.used.add(probability(deal, stage))

    def probability_text(self, default: int) -> str:
        """The probability the row's weighted amount used: the stage's, one override, or the range of them."""
        if not self.used:
            return str(default)
        low, high = min(self.used), max(self.used)
        return str(low) if low == high else f"{low}-{high}"


@dataclass
class StageRow:
    pipeline: Pipeline
    stage: Stage
    bucket: Bucket


def known(deals: Iterable[Deal], config: Config) -> Iterable[tuple[Deal, Stage]]:
    """(deal, stage) for deals whose pipeline and stage exist (others are lint errors)."""
    for deal in deals:
        stage = stage_of(deal, config)
        if stage is not None:
            yield deal, stage


def open_deals(deals: Iterable[Deal], config: Config) -> Iterable[tuple[Deal, Stage]]:
    return ((d, s) for d, s in known(deals, config) if s.outcome is None)


def by_stage(deals: Iterable[Deal], config: Config) -> dict[str, list[StageRow]]:
    """pipeline id -> one row per stage (closing stages included), in pipeline order."""
    rows = {pid: [StageRow(p, s, Bucket()) for s in p.stages] for pid, p in config.pipelines.items()}
    index = {(pid, row.stage.id): row for pid, stage_rows in rows.items() for row in stage_rows}
    for deal, stage in known(deals, config):
        index[(deal.pipeline, stage.id)].bucket.add(deal, stage)
    return rows


def by_state(deals: Iterable[Deal], config: Config) -> dict[str, Bucket]:
    """Open deals per funnel state (prospecting, in_funnel, best), across pipelines."""
    states = {state: Bucket() for state in OPEN_STATES}
    for deal, stage in open_deals(deals, config):
        states.setdefault(stage.funnel, Bucket()).add(deal, stage)
    return states


def open_totals(deals: Iterable[Deal], config: Config) -> Bucket:
    """All open deals: the open pipeline (amount) and the weighted pipeline."""
    bucket = Bucket()
    for deal, stage in open_deals(deals, config):
        bucket.add(deal, stage)
    return bucket


@dataclass(frozen=True)
class Conversion:
    """Of the deals that entered ``stage``, how many went on to a later stage (not lost)."""

    stage: Stage
    next_stage: Stage
    entered: int
    advanced: int

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.advanced) / Decimal(self.entered) if self.entered else None


def reached(deal: Deal, as_of: dt.date) -> set[str]:
    """Stages the deal has been in: its stage history up to ``as_of``, and its current stage."""
    return {e.stage for e in deal.stage_history if e.date <= as_of} | {deal.stage}


def conversion(deals: Iterable[Deal], pipeline: Pipeline, as_of: dt.date) -> list[Conversion]:
    """Stage-to-stage conversion along the open stages of ``pipeline``, from stage history.

    A deal counts as entered for every stage it has been in; it advanced from a stage when
    it has also been in any later stage of the pipeline other than a lost stage (so a
    skipped stage does not break the chain, and a deal still sitting in the stage counts
    as not yet advanced).
    """
    order = [s for s in pipeline.stages if s.outcome != "lost"]
    position = {s.id: i for i, s in enumerate(order)}
    entered = [0] * len(order)
    advanced = [0] * len(order)
    for deal in deals:
        if deal.pipeline != pipeline.id:
            continue
        positions = sorted(position[s] for s in reached(deal, as_of) if s in position)
        if not positions:
            continue
        furthest = positions[-1]
        for p in positions:
            entered[p] += 1
            if p < furthest:
                advanced[p] += 1
    return [Conversion(order[i], order[i + 1], entered[i], advanced[i])
            for i in range(len(order) - 1) if order[i].outcome is None]
