"""Every history figure at once (movement, waterfalls, forecast trend and accuracy, calibration).

What the benchmark measures, and a one-call entry for tools: ``all_figures(root, as_of)``.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path


def all_figures(root: Path, as_of: dt.date, *, use_cache: bool = True) -> dict:
    from ..analytics.periods import quarter, quarter_bounds
    from ..config import load_config
    from . import calibration, movement, trend
    from .reader import load_history, snapshots, weekly_ends

    config, _ = load_config(root)
    history = load_history(root, use_cache=use_cache)
    if history.empty:
        return {"commits": 0}
    first = history.commits[0].day
    found = movement.events(history, config)
    ends = weekly_ends(first, as_of)
    states = snapshots(history, [ends[0] - dt.timedelta(days=7)] + ends)
    waterfalls = []
    for i, week_end in enumerate(ends):
        previous = waterfalls[-1].open_end if waterfalls else None
        waterfalls.append(movement.waterfall(states[i], states[i + 1], config, week_end - dt.timedelta(days=6),
                                             week_end, open_start=previous))
    start, end = quarter_bounds(as_of)
    points = trend.trend(states[1:], ends, config, start, end)
    accuracy = []
    day = quarter_bounds(first)[1] + dt.timedelta(days=1)
    while quarter_bounds(day)[1] < as_of:
        q_start, q_end = quarter_bounds(day)
        q_ends = [e for e in ends if e <= q_end]
        accuracy += trend.accuracy(states[1:len(q_ends) + 1], q_ends, states[-1], config, quarter(q_start), q_start,
                                   q_end)
        day = q_end + dt.timedelta(days=1)
    table = calibration.calibrate(history, config, as_of)
    return {"commits": len(history.commits), "parsed": history.parsed, "events": len(found),
            "waterfalls": waterfalls, "trend": points, "accuracy": accuracy, "calibration": table}
