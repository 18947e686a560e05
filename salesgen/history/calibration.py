"""Honest probabilities from history: how often a deal that reached a stage was won, and how long stages last.

For each open stage of a pipeline: the deals seen (in git history) in that stage or a
later open stage, whose outcome is known now (won or lost), and the share of them won,
with a Wilson 95 % interval beside the configured probability. A deal first committed
already closed reached no stage that history saw. Fewer than ``SMALL_SAMPLE`` deals is
said to be a small sample.

Days in stage: each stay seen in history, from the commit that put the deal in the
stage (or the stage's ``stage_history`` day, for a deal first seen in it) to the
commit that moved it on. Median and 90th percentile (nearest rank) of finished stays.
An open deal that has sat in its stage longer than the 90th percentile is rotting,
judged only when at least ``SMALL_SAMPLE`` stays finished.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from ..config import Config
from .movement import stage_of

SMALL_SAMPLE = 10
Z95 = 1.959963984540054


def wilson(won: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a share won/n (0..1); (0, 1) when n is 0."""
    if n == 0:
        return 0.0, 1.0
    p = won / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    denominator = 1 + z * z / n
    return max(0.0, (centre - spread) / denominator), min(1.0, (centre + spread) / denominator)


def nearest_rank(values: list, share: float):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def median(values: list) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return float(ordered[middle]) if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


@dataclass
class StageCalibration:
    pipeline: str
    stage: str
    configured: int  # percent
    reached: int  # deals seen in it or later, outcome known
    won: int
    low: float
    high: float
    stays: list = field(default_factory=list)  # finished stays, days

    @property
    def share(self) -> float | None:
        return self.won / self.reached if self.reached else None

    @property
    def small(self) -> bool:
        return self.reached < SMALL_SAMPLE

    @property
    def median_days(self) -> float | None:
        return median(self.stays) if self.stays else None

    @property
    def p90_days(self) -> int | None:
        return nearest_rank(self.stays, 0.9) if self.stays else None

    @property
    def stays_small(self) -> bool:
        return len(self.stays) < SMALL_SAMPLE


@dataclass
class Rotting:
    deal: str
    file: str
    owner: str
    pipeline: str
    stage: str
    days: int
    p90: int


@dataclass
class Calibration:
    stages: list  # StageCalibration, pipeline and stage order
    rotting: list  # Rotting, longest first
    current: dict  # deal id -> (stage, entered day) of open deals now

    def of(self, pipeline: str, stage: str) -> StageCalibration | None:
        return next((s for s in self.stages if s.pipeline == pipeline and s.stage == stage), None)


def calibrate(history, config: Config, as_of: dt.date) -> Calibration:
    reached: dict[str, set] = {}  # deal id -> {(pipeline, stage index)} of open stages seen
    stays: dict[tuple, list] = {}
    entered: dict[str, tuple] = {}  # deal id -> ((pipeline, stage), day entered)
    final: dict = {}
    for commit, deals, before in history.replay():
        for ident in before:
            now = deals.get(ident)
            state = now[0] if now else None
            place = None
            if state is not None:
                stage = stage_of(state, config)
                if stage is not None:
                    place = (state.pipeline, stage.id)
                    if stage.outcome is None:
                        reached.setdefault(ident, set()).add((state.pipeline, stage.index))
            previous = entered.get(ident)
            if previous is not None and previous[0] == place:
                continue
            if previous is not None:
                stays.setdefault(previous[0], []).append((commit.day - previous[1]).days)
            if place is None:
                entered.pop(ident, None)
            else:
                day = commit.day
                if before[ident] is None:  # first seen: the file may say when it entered
                    recorded = [d for s, d in state.stage_history if s == state.stage]
                    if recorded:
                        day = min(day, dt.date.fromisoformat(recorded[-1]))
                entered[ident] = (place, day)
        final = deals
    outcome = {}
    for ident, (state, _) in final.items():
        stage = stage_of(state, config)
        if stage is not None and stage.outcome:
            outcome[ident] = stage.outcome
    rows = []
    for pipeline in config.pipelines.values():
        for stage in pipeline.open_stages:
            known = [ident for ident, seen in reached.items()
                     if ident in outcome and any(p == pipeline.id and i >= stage.index for p, i in seen)]
            won = sum(1 for ident in known if outcome[ident] == "won")
            low, high = wilson(won, len(known))
            rows.append(StageCalibration(pipeline.id, stage.id, stage.probability, len(known), won, low, high,
                                         stays.get((pipeline.id, stage.id), [])))
    table = Calibration(rows, [], {})
    for ident, (state, file) in final.items():
        stage = stage_of(state, config)
        if stage is None or stage.outcome or ident not in entered:
            continue
        day = entered[ident][1]
        table.current[ident] = (stage.id, day)
        row = table.of(state.pipeline, stage.id)
        days = (as_of - day).days
        if row is not None and not row.stays_small and days > row.p90_days:
            table.rotting.append(Rotting(ident, file, state.owner, state.pipeline, stage.id, days, row.p90_days))
    table.rotting.sort(key=lambda r: (-r.days, r.deal))
    return table


def rotting_of(root, config: Config, as_of: dt.date) -> dict:
    """deal id -> Rotting for the repository at ``root``; {} without a readable history (never raises)."""
    from . import git
    from .reader import load_history

    try:
        history = load_history(root)
    except git.HistoryError:
        return {}
    if history.empty:
        return {}
    return {r.deal: r for r in calibrate(history, config, as_of).rotting}
