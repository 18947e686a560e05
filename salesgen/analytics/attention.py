"""The manager's first questions, relative to ``as_of``: each answer is the list of deals behind it.

- **Quota attainment** (任务完成率) per rep: the value of the deals they won in the calendar
  year of ``as_of`` (signed on the forecast's close date: contract date, else the day they
  entered the won stage) over their yearly quota, in the reporting currency. Reps without
  a quota are left out; won deals in other years do not count.
- **Closing this month** (本月预计成交): open deals whose ``expected_close`` falls in the month
  of ``as_of`` (including days already past).
- **Slipped** (延期): open deals whose ``expected_close`` is before ``as_of`` (a close date
  equal to ``as_of`` has not slipped yet). A deal file records only today's expected close,
  so a close date that was *pushed* later is seen only in the git history, not here.
- **Days in stage** (在当前阶段天数): per open deal, days from its last ``stage_history``
  entry up to ``as_of`` (without a history, from ``created``), longest first.
- **Overdue follow-ups** (逾期跟进): the 1-15-30 review's deals needing attention
  (``cadence.needing_follow_up``).
- **Overdue promises** (逾期承诺): promises made at an activity up to ``as_of`` that are
  overdue by ``Promise.overdue`` (``due`` before ``as_of``, not done by then), as the
  ``promise-overdue`` rule reports them; a plain-text promise never is; lost deals are left out.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from ..config import Config, Rep, Stage
from ..model import Activity, Deal
from .cadence import ReviewItem, needing_follow_up
from .forecast import close_date
from .funnel import known, open_deals
from .money import Converted, Totals, convert, rate
from .periods import year_bounds
from .probability import value

__all__ = ["Attainment", "StageAge", "Slip", "OverduePromise", "quota_attainment", "team_attainment",
           "closing_this_month", "slipped", "days_in_stage", "overdue_follow_ups", "overdue_promises"]


@dataclass(frozen=True)
class Attainment:
    """One rep's year: won value against the yearly quota (both in the reporting currency)."""

    rep: Rep
    year: int
    quota: Decimal | None  # None when the quota's currency has no rate
    won: Converted
    deals: tuple  # (Deal, signed date) of the won deals counted, newest first

    @property
    def ratio(self) -> Decimal | None:
        return self.won.total / self.quota if self.quota else None


def quota_attainment(deals: Iterable[Deal], config: Config, as_of: dt.date) -> list[Attainment]:
    """Every rep with a yearly quota, in roster order: won in the year of ``as_of`` / quota."""
    start, end = year_bounds(as_of)
    won: dict[str, list[tuple[Deal, Stage, dt.date]]] = {}
    for deal, stage in known(deals, config):
        if stage.outcome == "won":
            signed = close_date(deal, stage)
            if start <= signed <= end:
                won.setdefault(deal.owner, []).append((deal, stage, signed))
    rows = []
    for rep in config.reps.values():
        if rep.quota_amount is None:
            continue
        factor = rate(rep.quota_currency or config.currency, config.currency, config.rates)
        mine = sorted(won.get(rep.id, []), key=lambda r: (r[2], r[0].id), reverse=True)
        totals = Totals.of((deal.currency, value(deal, stage)) for deal, stage, _ in mine)
        rows.append(Attainment(rep, as_of.year, rep.quota_amount * factor if factor is not None else None,
                               convert(totals, config.currency, config.rates),
                               tuple((deal, signed) for deal, _, signed in mine)))
    return rows


def team_attainment(rows: Iterable[Attainment]) -> tuple[Decimal, Decimal]:
    """(won, quota) summed over the reps whose quota converts: the team's attainment is won / quota."""
    won, quota = Decimal(0), Decimal(0)
    for row in rows:
        if row.quota is not None:
            won += row.won.total
            quota += row.quota
    return won, quota


def closing_this_month(deals: Iterable[Deal], config: Config, as_of: dt.date) -> list[tuple[Deal, Stage]]:
    """Open deals expected to close in the calendar month of ``as_of``, by expected close date."""
    rows = [(d, s) for d, s in open_deals(deals, config)
            if (d.expected_close.year, d.expected_close.month) == (as_of.year, as_of.month)]
    return sorted(rows, key=lambda r: (r[0].expected_close, r[0].id))


@dataclass(frozen=True)
class Slip:
    deal: Deal
    stage: Stage
    days_late: int  # days since the expected close date passed


def slipped(deals: Iterable[Deal], config: Config, as_of: dt.date) -> list[Slip]:
    """Open deals whose expected close date is before ``as_of``, longest overdue first."""
    rows = [Slip(d, s, (as_of - d.expected_close).days) for d, s in open_deals(deals, config)
            if d.expected_close < as_of]
    return sorted(rows, key=lambda r: (-r.days_late, r.deal.id))


@dataclass(frozen=True)
class StageAge:
    deal: Deal
    stage: Stage
    since: dt.date
    days: int


def stage_entered(deal: Deal, as_of: dt.date) -> dt.date | None:
    """The day the deal entered its current stage: the last stage_history entry up to ``as_of``, else ``created``."""
    entries = [e for e in deal.stage_history if e.date <= as_of]
    if entries:
        return max(entries, key=lambda e: (e.date, e.index)).date
    return deal.created if deal.created is not None and deal.created <= as_of else None


def days_in_stage(deals: Iterable[Deal], config: Config, as_of: dt.date) -> list[StageAge]:
    """Open deals with the days they have been in their stage, longest first (deals with no date left out)."""
    rows = []
    for deal, stage in open_deals(deals, config):
        since = stage_entered(deal, as_of)
        if since is not None:
            rows.append(StageAge(deal, stage, since, (as_of - since).days))
    return sorted(rows, key=lambda r: (-r.days, r.deal.id))


def overdue_follow_ups(deals: Iterable[Deal], config: Config, as_of: dt.date) -> list[ReviewItem]:
    """Open deals past their 15-day follow-up, 30-day intent judgment or planned contact (1-15-30)."""
    return needing_follow_up(deals, config, as_of)


@dataclass(frozen=True)
class OverduePromise:
    deal: Deal
    activity: Activity
    text: str
    due: dt.date
    days_overdue: int


def overdue_promises(deals: Iterable[Deal], config: Config, as_of: dt.date) -> list[OverduePromise]:
    """Promises due before ``as_of`` and not done by then, on deals that are not lost; most overdue first."""
    rows = []
    for deal, stage in known(deals, config):
        if stage.outcome == "lost":
            continue
        for activity in deal.activities:
            if activity.date > as_of:
                continue
            for promise in activity.promise_items():
                if promise.overdue(as_of):
                    rows.append(OverduePromise(deal, activity, promise.text, promise.due, (as_of - promise.due).days))
    return sorted(rows, key=lambda r: (-r.days_overdue, r.deal.id, r.activity.index))
