"""A deal's win probability (stage default or a reasoned override) and weighted value."""
from __future__ import annotations

from decimal import Decimal

from ..config import Config, Stage
from ..model import Deal


def stage_of(deal: Deal, config: Config) -> Stage | None:
    """The deal's stage in its pipeline, or None when the pipeline or stage is unknown."""
    pipeline = config.pipelines.get(deal.pipeline)
    return pipeline.stage(deal.stage) if pipeline else None


def probability(deal: Deal, stage: Stage) -> int:
    """Percent: the deal's override when it has one, else the stage default.

    A closed stage is certain: won is 100 and lost is 0 whatever the override says.
    """
    if stage.outcome == "won":
        return 100
    if stage.outcome == "lost":
        return 0
    return deal.probability_override if deal.probability_override is not None else stage.probability


def value(deal: Deal, stage: Stage) -> Decimal:
    """The deal's amount; for a won deal the signed contract value when it is recorded."""
    if stage.outcome == "won":
        contract = deal.get("contract") or {}
        if contract.get("value") is not None:
            return Decimal(contract["value"])
    return deal.amount


def weighted(deal: Deal, stage: Stage) -> Decimal:
    """Value times probability (exact Decimal)."""
    return value(deal, stage) * probability(deal, stage) / Decimal(100)
