"""What changed: deal events per commit (who, when), and the weekly pipeline waterfall.

Events compare a deal's state before and after each commit that touched it:
``new``, ``removed``, ``advanced`` / ``moved_back`` (stage order of the pipeline),
``won``, ``lost``, ``reopened``, ``close_pushed`` / ``close_pulled``, ``amount_up`` /
``amount_down``, ``owner_changed``, ``pipeline_changed``. Each carries the commit, its
author and day: the same list is the field-level audit trail of a deal.

The waterfall of a week compares the state at the end of the week before with the
state at the end of the week: open pipeline at the start + new + reopened + increases
- decreases - won - lost - removed = open pipeline at the end, exactly (Decimal in the
reporting currency; a deal in a currency without a rate counts as 0 and is listed apart).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable

from ..analytics.money import rate
from ..config import Config, Stage
from .states import DealState

ZERO = Decimal(0)
EVENT_KINDS = ("new", "advanced", "moved_back", "won", "lost", "reopened", "close_pushed", "close_pulled",
               "amount_up", "amount_down", "owner_changed", "pipeline_changed", "removed")
AUDIT_FIELDS = ("stage", "amount", "expected_close", "owner", "pipeline")


@dataclass(frozen=True, slots=True)
class Event:
    commit: str
    author: str
    email: str
    day: dt.date
    deal: str
    kind: str
    field: str  # stage | amount | expected_close | owner | pipeline | file
    old: str | None
    new: str | None
    owner: str  # the deal's owner after the change (before, for a removal)
    pipeline: str


def stage_of(state: DealState, config: Config) -> Stage | None:
    pipeline = config.pipelines.get(state.pipeline)
    return pipeline.stage(state.stage) if pipeline else None


def is_open(state: DealState | None, config: Config) -> bool:
    if state is None:
        return False
    stage = stage_of(state, config)
    return stage is not None and stage.outcome is None


def compare(old: DealState | None, new: DealState | None, config: Config) -> list[tuple[str, str, str | None, str | None]]:
    """(kind, field, old value, new value) of every change from ``old`` to ``new``."""
    if old is None and new is None:
        return []
    if old is None:
        return [("new", "file", None, new.stage)]
    if new is None:
        return [("removed", "file", old.stage, None)]
    found = []
    if old.pipeline != new.pipeline:
        found.append(("pipeline_changed", "pipeline", old.pipeline, new.pipeline))
    if old.stage != new.stage or old.pipeline != new.pipeline:
        kind = _stage_move(old, new, config)
        if kind:
            found.append((kind, "stage", old.stage, new.stage))
    if new.expected_close != old.expected_close:
        kind = "close_pushed" if new.expected_close > old.expected_close else "close_pulled"
        found.append((kind, "expected_close", old.expected_close.isoformat(), new.expected_close.isoformat()))
    if new.amount != old.amount or new.currency != old.currency:
        up = _converted(new, config) > _converted(old, config) if new.currency != old.currency else new.amount > old.amount
        found.append(("amount_up" if up else "amount_down", "amount", f"{old.amount} {old.currency}",
                      f"{new.amount} {new.currency}"))
    if new.owner != old.owner:
        found.append(("owner_changed", "owner", old.owner, new.owner))
    return found


def _stage_move(old: DealState, new: DealState, config: Config) -> str | None:
    before, after = stage_of(old, config), stage_of(new, config)
    if after is not None and after.outcome in ("won", "lost"):
        return after.outcome if before is None or before.outcome != after.outcome else None
    if before is not None and before.outcome in ("won", "lost"):
        return "reopened"
    if before is None or after is None or old.pipeline != new.pipeline:
        return "advanced" if before is None else None  # an unknown stage is a lint error; a pipeline move is its own event
    if after.index == before.index:
        return None
    return "advanced" if after.index > before.index else "moved_back"


def _converted(state: DealState, config: Config) -> Decimal:
    factor = rate(state.currency, config.currency, config.rates)
    return state.amount * factor if factor is not None else ZERO


def events(history, config: Config) -> list[Event]:
    """Every event of every commit, in history order."""
    found = []
    for commit, deals, before in history.replay():
        for ident in sorted(before):
            old = before[ident][0] if before[ident] else None
            now = deals.get(ident)
            new = now[0] if now else None
            latest = new or old
            for kind, what, a, b in compare(old, new, config):
                found.append(Event(commit.sha, commit.author, commit.email, commit.day, ident, kind, what, a, b,
                                   latest.owner, latest.pipeline))
    return found


# -- the waterfall --------------------------------------------------------------------------------

WATERFALL_LINES = ("new", "reopened", "increases", "decreases", "won", "lost", "removed")
SIGN = {"new": 1, "reopened": 1, "increases": 1, "decreases": -1, "won": -1, "lost": -1, "removed": -1}


@dataclass
class Waterfall:
    start: dt.date  # first day of the week
    end: dt.date  # last day
    currency: str
    open_start: Decimal = ZERO
    open_end: Decimal = ZERO
    lines: dict = field(default_factory=lambda: {k: ZERO for k in WATERFALL_LINES})  # positive amounts
    counts: dict = field(default_factory=lambda: {k: 0 for k in WATERFALL_LINES})
    unconverted: dict = field(default_factory=dict)  # currency -> open amount at the end without a rate

    def adds_up(self) -> bool:
        return self.open_start + sum(SIGN[k] * v for k, v in self.lines.items()) == self.open_end


def open_value(state: DealState | None, config: Config) -> Decimal:
    """The deal's open pipeline value in the reporting currency (0 when closed, unknown or without a rate)."""
    return _converted(state, config) if is_open(state, config) else ZERO


def waterfall(before: dict, after: dict, config: Config, start: dt.date, end: dt.date,
              keep=None, open_start: Decimal | None = None) -> Waterfall:
    """From the deals at the start (id -> (state, file)) to the deals at the end; ``keep(state)`` filters.

    Entries that are the same object in both snapshots are unchanged deals (the replay
    shares them): they add to both ends and to no line. ``open_start``, when given, is
    the open total of ``before`` (the previous week's ``open_end``).
    """
    result = Waterfall(start, end, config.currency)
    if keep is None:
        result.open_start = open_total(before, config) if open_start is None else open_start
        result.open_end = result.open_start
        idents = [i for i in before.keys() | after.keys() if before.get(i) is not after.get(i)]
        for state, _ in after.values():
            _note_unconverted(result, state, config)
    else:
        idents = before.keys() | after.keys()
    for ident in idents:
        old = before.get(ident, (None,))[0]
        new = after.get(ident, (None,))[0]
        if keep is not None:
            if not ((old is not None and keep(old)) or (new is not None and keep(new))):
                continue
            # a deal that leaves the group (another owner) is removed from it, and the reverse
            old = old if old is not None and keep(old) else None
            new = new if new is not None and keep(new) else None
            result.open_start += open_value(old, config)
            result.open_end += open_value(new, config)
            _note_unconverted(result, new, config)
        else:
            result.open_end += open_value(new, config) - open_value(old, config)
        a, b = open_value(old, config), open_value(new, config)
        was_open, now_open = is_open(old, config), is_open(new, config)
        if not was_open and now_open:
            stage = stage_of(old, config) if old is not None else None
            line = "reopened" if stage is not None and stage.outcome else "new"
            _add(result, line, b)
        elif was_open and now_open:
            if b > a:
                _add(result, "increases", b - a)
            elif b < a:
                _add(result, "decreases", a - b)
        elif was_open:
            stage = stage_of(new, config) if new is not None else None
            line = stage.outcome if stage is not None and stage.outcome else "removed"
            _add(result, line, a)
    return result


def open_total(deals: dict, config: Config) -> Decimal:
    """The open pipeline of a snapshot in the reporting currency (deals without a rate count 0)."""
    return sum((_open_value_cached(state, config) for state, _ in deals.values()), ZERO)


_OPEN: dict = {}  # id(state) -> (state, open value): deals unchanged for weeks are valued once


def _open_value_cached(state: DealState, config: Config) -> Decimal:
    known = _OPEN.get(id(state))
    if known is None or known[0] is not state or known[2] is not config:
        known = _OPEN[id(state)] = (state, open_value(state, config), config)
    return known[1]


def _note_unconverted(result: Waterfall, state: DealState | None, config: Config) -> None:
    if state is not None and state.currency != config.currency and state.currency not in config.rates \
            and is_open(state, config):
        result.unconverted[state.currency] = result.unconverted.get(state.currency, ZERO) + state.amount


def _add(result: Waterfall, line: str, amount: Decimal) -> None:
    result.lines[line] += amount
    result.counts[line] += 1


def weekly_waterfalls(history, config: Config, since: dt.date, until: dt.date, keep=None) -> list[Waterfall]:
    """One waterfall per ISO week from the week of ``since`` to the week of ``until``."""
    from .reader import snapshots, week_start, weekly_ends

    ends = weekly_ends(since, until)
    states = snapshots(history, [ends[0] - dt.timedelta(days=7)] + [min(end, until) for end in ends])  # nothing after until
    result = []
    for i, end in enumerate(ends):
        previous = result[-1].open_end if result and keep is None else None
        result.append(waterfall(states[i], states[i + 1], config, week_start(end), end, keep, previous))
    return result


def in_range(found: Iterable[Event], since: dt.date, until: dt.date) -> list[Event]:
    return [e for e in found if since <= e.day <= until]
