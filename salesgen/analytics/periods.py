"""Calendar periods: months (2026-11) and quarters (2026-Q4)."""
from __future__ import annotations

import datetime as dt


def month(date: dt.date) -> str:
    return f"{date.year}-{date.month:02d}"


def quarter(date: dt.date) -> str:
    return f"{date.year}-Q{(date.month - 1) // 3 + 1}"


def quarter_bounds(date: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the quarter containing ``date``."""
    first_month = (date.month - 1) // 3 * 3 + 1
    start = dt.date(date.year, first_month, 1)
    return start, next_quarter_start(date) - dt.timedelta(days=1)


def next_quarter_start(date: dt.date) -> dt.date:
    first_month = (date.month - 1) // 3 * 3 + 1
    return dt.date(date.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)


def year_bounds(date: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(date.year, 1, 1), dt.date(date.year, 12, 31)


GRANULARITY = {"month": month, "quarter": quarter}
