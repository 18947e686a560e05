"""The audit trail of a deal (who changed its stage, amount, close date or owner, in which commit),
and the deals that changed in the last week.

Both are views of ``movement.events``: git blame at the level of the fields that matter.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from .movement import Event

TRAIL_FIELDS = ("file", "stage", "amount", "expected_close", "owner", "pipeline")


def trails(found: Iterable[Event]) -> dict[str, list[Event]]:
    """deal id -> its events, oldest first."""
    by_deal: dict[str, list[Event]] = {}
    for event in found:
        if event.field in TRAIL_FIELDS:
            by_deal.setdefault(event.deal, []).append(event)
    return by_deal


def changed_since(found: Iterable[Event], as_of: dt.date, days: int = 7) -> dict[str, list[Event]]:
    """deal id -> its events of the ``days`` days up to ``as_of`` (inclusive)."""
    start = as_of - dt.timedelta(days=days - 1)
    recent: dict[str, list[Event]] = {}
    for event in found:
        if start <= event.day <= as_of:
            recent.setdefault(event.deal, []).append(event)
    return recent
