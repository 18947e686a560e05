"""The 1-15-30 review (1、15、30法则) of each rep's open deals, relative to ``as_of``.

Every week (1) each rep walks through every open deal; a deal must be followed up
within ``follow_up_days`` (15) of its last activity, and the customer's intent must be
judged (an activity with ``intent``) at least every ``intent_days`` (30). A deal with no
activity yet counts from the day it was opened (``created``, else its first stage entry).
A handover record that reached nobody at the customer is not a follow-up
(``Activity.follows_up``).
The dates agree with the ``cadence-follow-up`` and ``cadence-intent`` rules: a follow-up
or judgment is due on the day the limit is reached, and missed from that day on.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from ..config import Config, Stage
from ..model import Activity, Deal
from .funnel import open_deals


@dataclass(frozen=True)
class ReviewItem:
    deal: Deal
    stage: Stage
    as_of: dt.date
    last_activity: Activity | None  # the last follow-up (Activity.follows_up)
    days_since: int | None  # days since the last follow-up (None: none yet)
    next_step: str | None  # from the latest activity that names one
    next_date: dt.date | None  # the earliest planned contact: a next_date or a future activity
    follow_up_due: dt.date
    intent: str | None  # the last intent judged
    intent_due: dt.date

    @property
    def follow_up_overdue(self) -> bool:
        return self.as_of >= self.follow_up_due

    @property
    def intent_overdue(self) -> bool:
        return self.as_of >= self.intent_due

    @property
    def next_date_passed(self) -> bool:
        return self.next_date is not None and self.next_date < self.as_of

    @property
    def needs_attention(self) -> bool:
        return self.follow_up_overdue or self.intent_overdue or self.next_date_passed


def review_item(deal: Deal, stage: Stage, config: Config, as_of: dt.date) -> ReviewItem:
    past = [a for a in deal.activities if a.date <= as_of]
    last = deal.last_follow_up(as_of)
    judged = [a for a in past if a.intent]
    last_intent = max(judged, key=lambda a: (a.date, a.index)) if judged else None
    start = deal.opened_on()
    follow_from = last.date if last else (start or as_of)
    intent_from = last_intent.date if last_intent else (start or (min(a.date for a in past) if past else as_of))
    with_step = [a for a in past if a.next_step or a.next_date]
    latest_step = max(with_step, key=lambda a: (a.date, a.index)) if with_step else None
    planned = [a.date for a in deal.activities if a.date > as_of]
    if latest_step is not None and latest_step.next_date is not None and (last is None or latest_step.next_date > last.date):
        planned.append(latest_step.next_date)  # still pending: no contact since the date it names
    return ReviewItem(
        deal, stage, as_of, last, (as_of - last.date).days if last else None,
        latest_step.next_step if latest_step else None, min(planned, default=None),
        follow_from + dt.timedelta(days=config.follow_up_days),
        last_intent.intent if last_intent else None,
        intent_from + dt.timedelta(days=config.intent_days))


def review_list(deals: Iterable[Deal], config: Config, as_of: dt.date) -> dict[str, list[ReviewItem]]:
    """owner rep id -> their open deals' review items, most urgent first."""
    lists: dict[str, list[ReviewItem]] = {}
    for deal, stage in open_deals(deals, config):
        lists.setdefault(deal.owner, []).append(review_item(deal, stage, config, as_of))
    for items in lists.values():
        items.sort(key=urgency)
    return lists


def urgency(item: ReviewItem) -> tuple:
    """Deals needing attention first, then by the earliest due date, then by id."""
    return (not item.needs_attention, min(item.follow_up_due, item.intent_due), item.deal.id)


def needing_follow_up(deals: Iterable[Deal], config: Config, as_of: dt.date) -> list[ReviewItem]:
    """Every open deal that misses its 15-day follow-up, its 30-day intent judgment or a planned contact."""
    items = [item for items in review_list(deals, config, as_of).values() for item in items if item.needs_attention]
    return sorted(items, key=urgency)
