"""The weekly review (周报, the "1" of 1-15-30): per rep, this week's work, progress and problems.

The text asks that every week each rep walks through every deal in their funnel: what
was done this week, what progressed, what problems there are (本周做了哪些工作，有什么
进展，存在哪些问题). Here, for each open deal a rep owns:

- work: the activities dated in the week (anyone on the team);
- progress: the stage entries and the evidence records dated in the week;
- problems: the 1-15-30 status (follow-up or intent judgment overdue, a planned
  contact passed), the buying centre's red flags, and overdue promises;
- promises (call log: 对客户的承诺, 需完成工作, 完成时间): made this week, still open,
  or kept this week; one with a ``due`` date before ``as_of`` that is not done is overdue.

The week is the seven days ending on ``as_of`` (the review day and the six before it),
so a review held on any weekday covers a whole week. Deals the rep closed in the week
are listed apart (won or lost this week).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable

from ..config import Config, Stage
from ..model import Activity, Customer, Deal, Promise, StageEntry, to_date
from .cadence import ReviewItem, review_item
from .funnel import known
from .stakeholders import red_flags

WEEK_DAYS = 7


def week_bounds(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the review week: the seven days ending on ``as_of``."""
    return as_of - dt.timedelta(days=WEEK_DAYS - 1), as_of


@dataclass(frozen=True)
class PromiseItem:
    deal: Deal
    activity: Activity  # where it was made
    promise: Promise
    overdue: bool
    done_this_week: bool
    done_on: dt.date | None  # the day it was kept, if on or before as_of


@dataclass
class WeeklyDeal:
    deal: Deal
    stage: Stage
    review: ReviewItem  # the 1-15-30 status
    work: list = field(default_factory=list)  # Activity, dated in the week, oldest first
    moves: list = field(default_factory=list)  # StageEntry, dated in the week
    evidence: list = field(default_factory=list)  # (date, criterion id, ref) dated in the week
    flags: list = field(default_factory=list)  # (code, contact id): stakeholders.red_flags
    promises: list = field(default_factory=list)  # PromiseItem

    @property
    def overdue_promises(self) -> list[PromiseItem]:
        return [p for p in self.promises if p.overdue]

    @property
    def has_problems(self) -> bool:
        return self.review.needs_attention or bool(self.flags) or bool(self.overdue_promises)


@dataclass
class RepWeek:
    rep: str
    start: dt.date
    end: dt.date
    deals: list = field(default_factory=list)  # WeeklyDeal, most urgent first (the 1-15-30 order)
    closed: list = field(default_factory=list)  # (Deal, Stage, StageEntry): won or lost in the week

    @property
    def activities(self) -> int:
        return sum(len(d.work) for d in self.deals)

    @property
    def moves(self) -> int:
        return sum(len(d.moves) for d in self.deals)

    @property
    def evidence(self) -> int:
        return sum(len(d.evidence) for d in self.deals)

    @property
    def overdue_promises(self) -> int:
        return sum(len(d.overdue_promises) for d in self.deals)


def promises_of(deal: Deal, as_of: dt.date) -> list[PromiseItem]:
    """Promises worth reviewing on ``as_of``: made in the week, still open with a due date, or kept in the week."""
    start, end = week_bounds(as_of)
    items = []
    for activity in deal.activities:
        if activity.date > end:
            continue  # a planned contact: nothing promised there yet
        for promise in activity.promise_items():
            made_this_week = activity.date >= start
            done_this_week = promise.done is not None and start <= promise.done <= end
            still_open = promise.due is not None and promise.open_on(as_of)
            if made_this_week or done_this_week or still_open:
                done_on = promise.done if not promise.open_on(as_of) else None
                items.append(PromiseItem(deal, activity, promise, promise.overdue(as_of), done_this_week, done_on))
    items.sort(key=lambda p: (not p.overdue, p.promise.due or dt.date.max, p.activity.date))
    return items


def weekly_deal(deal: Deal, stage: Stage, customer: Customer | None, config: Config, as_of: dt.date) -> WeeklyDeal:
    start, end = week_bounds(as_of)
    work = sorted((a for a in deal.activities if start <= a.date <= end), key=lambda a: (a.date, a.index))
    moves = [e for e in deal.stage_history if start <= e.date <= end]
    evidence = [(to_date(r["date"]), r["criterion"], r.get("ref") or "")
                for r in deal.get("evidence") or () if start <= to_date(r["date"]) <= end]
    return WeeklyDeal(deal, stage, review_item(deal, stage, config, as_of), work, moves, sorted(evidence),
                      red_flags(deal, customer) if deal.stakeholders else [], promises_of(deal, as_of))


def weekly_review(deals: Iterable[Deal], customers: dict, config: Config, as_of: dt.date) -> dict[str, RepWeek]:
    """owner rep id -> their week: open deals (most urgent first) and the deals closed in the week."""
    start, end = week_bounds(as_of)
    weeks: dict[str, RepWeek] = {}
    for deal, stage in known(deals, config):
        opened = deal.opened_on()
        if opened is not None and opened > as_of:
            continue  # not opened yet on the review day
        week = weeks.setdefault(deal.owner, RepWeek(deal.owner, start, end))
        if stage.outcome is None:
            week.deals.append(weekly_deal(deal, stage, customers.get(deal.customer), config, as_of))
            continue
        entry = _closing_entry(deal, stage)
        if entry is not None and start <= entry.date <= end:
            week.closed.append((deal, stage, entry))
    for week in weeks.values():
        week.deals.sort(key=lambda d: (not d.review.needs_attention, not d.has_problems,
                                       min(d.review.follow_up_due, d.review.intent_due), d.deal.id))
    return {rep: week for rep, week in weeks.items() if week.deals or week.closed}


def _closing_entry(deal: Deal, stage: Stage) -> StageEntry | None:
    entries = [e for e in deal.stage_history if e.stage == stage.id]
    return max(entries, key=lambda e: (e.date, e.index)) if entries else None
