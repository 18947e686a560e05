"""The forecast: by expected close period, by category, weighted and unweighted, per rep.

Categories follow the funnel state of the deal's stage (the method's mapping):
prospecting = pipeline, in_funnel = best case, best = commit, won = closed. Lost deals
are not forecast. Open deals fall in the period of ``expected_close``; won deals in the
period they were signed (``contract.date``, else the day they entered the won stage,
else ``expected_close``).

Rep quotas are yearly: a rep is compared with the calendar year of the as-of date
(closed in that year, and open deals expected to close in it), not with a prorated share.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable

from ..config import Config, Rep, Stage
from ..model import Deal
from .funnel import Bucket, known
from .money import Converted, convert, rate
from .periods import GRANULARITY, year_bounds

CATEGORIES = ("pipeline", "best_case", "commit", "closed")
CATEGORY_OF_STATE = {"prospecting": "pipeline", "in_funnel": "best_case", "best": "commit"}


def category(stage: Stage) -> str | None:
    """The forecast category of a stage (None for lost, and for an unknown funnel state)."""
    if stage.outcome == "won":
        return "closed"
    if stage.outcome == "lost":
        return None
    return CATEGORY_OF_STATE.get(stage.funnel)


def close_date(deal: Deal, stage: Stage) -> dt.date:
    """When the deal closes (open: expected) or closed (won: signed)."""
    if stage.outcome == "won":
        contract = deal.get("contract") or {}
        if contract.get("date"):
            return dt.date.fromisoformat(contract["date"])
        entries = [e.date for e in deal.stage_history if e.stage == stage.id]
        if entries:
            return max(entries)
    return deal.expected_close


def categorized(deals: Iterable[Deal], config: Config) -> Iterable[tuple[Deal, Stage, str, dt.date]]:
    for deal, stage in known(deals, config):
        cat = category(stage)
        if cat is not None:
            yield deal, stage, cat, close_date(deal, stage)


def empty_row() -> dict:
    return {c: Bucket() for c in CATEGORIES}


def by_period(deals: Iterable[Deal], config: Config, granularity: str = "month") -> dict[str, dict[str, Bucket]]:
    """period key (``2026-11`` or ``2026-Q4``) -> category -> Bucket, periods in order."""
    key: Callable[[dt.date], str] = GRANULARITY[granularity]
    table: dict[str, dict[str, Bucket]] = {}
    for deal, stage, cat, date in categorized(deals, config):
        table.setdefault(key(date), empty_row())[cat].add(deal, stage)
    return dict(sorted(table.items()))


def window(deals: Iterable[Deal], config: Config, start: dt.date, end: dt.date) -> dict[str, Bucket]:
    """category -> Bucket of the deals closing between ``start`` and ``end`` (inclusive)."""
    row = empty_row()
    for deal, stage, cat, date in categorized(deals, config):
        if start <= date <= end:
            row[cat].add(deal, stage)
    return row


@dataclass
class RepForecast:
    """One rep's year: closed, open by category, against the yearly quota (all in ``currency``)."""

    rep: Rep
    year: int
    currency: str
    row: dict  # category -> Bucket (native currencies)
    quota: Decimal | None  # in ``currency``; None when the rep has none or it cannot be converted
    closed: Converted
    weighted_open: Converted  # open deals closing in the year, weighted
    unweighted_open: Converted

    @property
    def forecast(self) -> Decimal:
        """Closed plus the weighted open deals of the year."""
        return self.closed.total + self.weighted_open.total

    @property
    def attainment(self) -> Decimal | None:
        return self.closed.total / self.quota if self.quota else None

    @property
    def forecast_attainment(self) -> Decimal | None:
        return self.forecast / self.quota if self.quota else None

    @property
    def complete(self) -> bool:
        return self.closed.complete and self.weighted_open.complete


def by_rep(deals: Iterable[Deal], config: Config, as_of: dt.date) -> list[RepForecast]:
    """Every rep with a quota or a deal in the year of ``as_of``, in roster order."""
    start, end = year_bounds(as_of)
    rows: dict[str, dict] = {}
    for deal, stage, cat, date in categorized(deals, config):
        if start <= date <= end:
            rows.setdefault(deal.owner, empty_row())[cat].add(deal, stage)
    base = config.currency
    result = []
    for rep in config.reps.values():
        if rep.quota_amount is None and rep.id not in rows:
            continue
        row = rows.get(rep.id, empty_row())
        quota = None
        if rep.quota_amount is not None:
            factor = rate(rep.quota_currency or base, base, config.rates)
            quota = rep.quota_amount * factor if factor is not None else None
        weighted_open, unweighted_open = {}, {}
        for cat in ("pipeline", "best_case", "commit"):
            for currency, amount in row[cat].weighted.items():
                weighted_open[currency] = weighted_open.get(currency, Decimal(0)) + amount
            for currency, amount in row[cat].amount.items():
                unweighted_open[currency] = unweighted_open.get(currency, Decimal(0)) + amount
        result.append(RepForecast(
            rep, as_of.year, base, row, quota,
            convert(row["closed"].amount, base, config.rates),
            convert(weighted_open, base, config.rates),
            convert(unweighted_open, base, config.rates)))
    return result


def in_reporting_currency(totals: dict, config: Config) -> Converted:
    """``totals`` summed in the reporting currency (``config.currency``) where rates allow."""
    return convert(totals, config.currency, config.rates)
