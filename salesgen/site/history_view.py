"""What the site shows of the git history: computed once per build, empty (with a reason) without one.

The Changes page, the "changed since last week" markers, the rotting markers and each
deal's audit trail all read this one object (``SiteData.history``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config

WEEKS_SHOWN = 4
TREND_WEEKS = 13


@dataclass
class SiteHistory:
    note: str | None = None  # i18n key of why there is nothing to show; None when there is history
    detail: str = ""
    commits: int = 0
    events: list = field(default_factory=list)
    this_week: list = field(default_factory=list)  # events of the 7 days up to as_of, newest first
    weeks: list = field(default_factory=list)  # (week start, Counter of kinds, authors), newest first
    waterfalls: list = field(default_factory=list)
    trend: list = field(default_factory=list)  # trend.Point of this quarter
    trend_period: str = ""
    calibration: object = None
    rotting: dict = field(default_factory=dict)  # deal id -> Rotting
    trails: dict = field(default_factory=dict)  # deal id -> [Event]
    changed: dict = field(default_factory=dict)  # deal id -> [Event] of the last 7 days
    broken: list = field(default_factory=list)

    @classmethod
    def of(cls, root: Path, config: Config, as_of: dt.date, enabled: bool = True) -> "SiteHistory":
        from collections import Counter

        from ..analytics.periods import quarter, quarter_bounds
        from ..history import audit, calibration, git, movement, trend
        from ..history.reader import load_history, snapshots, week_start, weekly_ends

        if not enabled:
            return cls(note="hist.disabled")
        try:
            history = load_history(root)
        except git.HistoryError as error:
            return cls(note="hist.unreadable", detail=git.reason(error))  # a message, shown translated
        if history.empty:
            return cls(note="hist.none", detail=history.note or "")
        found = [e for e in movement.events(history, config) if e.day <= as_of]
        view = cls(commits=len(history.commits), events=found)
        view.changed = audit.changed_since(found, as_of)
        view.this_week = sorted((e for events in view.changed.values() for e in events),
                                key=lambda e: (e.day, e.deal), reverse=True)
        view.trails = audit.trails(found)
        first_week = week_start(as_of) - dt.timedelta(days=7 * (WEEKS_SHOWN - 1))
        for index in range(WEEKS_SHOWN):
            start = first_week + dt.timedelta(days=7 * index)
            inside = [e for e in found if start <= e.day <= start + dt.timedelta(days=6)]
            view.weeks.append((start, Counter(e.kind for e in inside), sorted({e.author for e in inside})))
        view.weeks.reverse()
        view.waterfalls = movement.weekly_waterfalls(history, config, first_week, as_of)
        start, end = quarter_bounds(as_of)
        view.trend_period = quarter(start)
        ends = [e for e in weekly_ends(max(history.commits[0].day, as_of - dt.timedelta(days=7 * TREND_WEEKS)), as_of)]
        view.trend = trend.trend(snapshots(history, ends), ends, config, start, end)
        view.calibration = calibration.calibrate(history, config, as_of)
        view.rotting = {r.deal: r for r in view.calibration.rotting}
        view.broken = [b for b in history.broken() if b.date <= as_of][-20:]
        return view
