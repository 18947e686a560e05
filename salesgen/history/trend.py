"""The forecast of a period as it stood at each past week, and how accurate it was once the period closed.

The forecast of a period is what ``analytics.forecast`` computes on the deals as they
were at the end of a week: closed (won in the period) plus the weighted open deals
expected to close in it, in the reporting currency. Accuracy of a closed period: the
forecast N weeks before its last day against what closed in it (the won deals of the
period as they stand at the end of the history).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..analytics import forecast
from ..analytics.money import convert
from ..config import Config

ZERO = Decimal(0)


@dataclass
class Point:
    week_end: dt.date
    closed: Decimal
    weighted_open: Decimal
    unconverted: dict

    @property
    def forecast(self) -> Decimal:
        return self.closed + self.weighted_open


_DEALS: dict = {}  # id(state) -> (state, Deal): a state unchanged for weeks becomes one Deal


def _deal(state, file: str):
    known = _DEALS.get(id(state))
    if known is None or known[0] is not state:
        known = _DEALS[id(state)] = (state, state.to_deal(file))
    return known[1]


def _may_count(state, config: Config, start: dt.date, end: dt.date) -> bool:
    """Whether ``forecast.window`` could count the deal: won (its close date is its own), or open closing inside."""
    pipeline = config.pipelines.get(state.pipeline)
    stage = pipeline.stage(state.stage) if pipeline else None
    if stage is None or stage.outcome == "lost":
        return False
    return stage.outcome == "won" or start <= state.expected_close <= end


_COUNTS: dict = {}  # (id(state), start, end) -> (state, _may_count): weeks share their unchanged states


def _counts(state, config: Config, start: dt.date, end: dt.date) -> bool:
    key = (id(state), start, end)
    known = _COUNTS.get(key)
    if known is None or known[0] is not state or known[2] is not config:
        known = _COUNTS[key] = (state, _may_count(state, config, start, end), config)
    return known[1]


def figures(snapshot: dict, config: Config, start: dt.date, end: dt.date, owner: str | None = None) -> Point:
    deals = [_deal(state, file) for state, file in snapshot.values()
             if _counts(state, config, start, end) and (owner is None or state.owner == owner)]
    row = forecast.window(deals, config, start, end)
    closed = convert(row["closed"].amount, config.currency, config.rates)
    weighted: dict = {}
    for cat in ("pipeline", "best_case", "commit"):
        for currency, amount in row[cat].weighted.items():
            weighted[currency] = weighted.get(currency, ZERO) + amount
    open_ = convert(weighted, config.currency, config.rates)
    unconverted = dict(closed.unconverted)
    for currency, amount in open_.unconverted.items():
        unconverted[currency] = unconverted.get(currency, ZERO) + amount
    return Point(dt.date.min, closed.total, open_.total, unconverted)


def trend(snapshots: list, ends: list, config: Config, start: dt.date, end: dt.date,
          owner: str | None = None) -> list[Point]:
    points = []
    for week_end, snapshot in zip(ends, snapshots):
        point = figures(snapshot, config, start, end, owner)
        point.week_end = week_end
        points.append(point)
    return points


@dataclass
class Accuracy:
    period: str
    owner: str | None  # None: the whole team
    weeks_before: int
    forecast: Decimal | None  # None when history does not reach back that far
    actual: Decimal

    @property
    def ratio(self) -> Decimal | None:
        if self.forecast is None or not self.actual:
            return None
        return self.forecast / self.actual


def accuracy(snapshots: list, ends: list, final: dict, config: Config, period: str, start: dt.date,
             end: dt.date, weeks: tuple = (1, 4, 8), owners: tuple = (None,)) -> list[Accuracy]:
    rows = []
    for owner in owners:
        actual = figures(final, config, start, end, owner).closed
        for n in weeks:
            cut = end - dt.timedelta(days=7 * n)
            index = max((i for i, e in enumerate(ends) if e <= cut), default=None)
            value = None if index is None else figures(snapshots[index], config, start, end, owner).forecast
            rows.append(Accuracy(period, owner, n, value, actual))
    return rows
