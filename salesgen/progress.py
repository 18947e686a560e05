"""Progress of long work: a bar with an honest estimate on a terminal, one line at the end elsewhere.

    with Progress(T("Checking files"), total=len(files), unit=T("files")) as progress:
        for path in files:
            ...
            progress.advance()

On a terminal (and not in CI) nothing is drawn during the first ``delay`` seconds, so quick
runs stay quiet; after that a bar shows the count, the share done and the time left. The
estimate is the rate measured since the first item finished (start-up work before it does
not count) applied to what is left, and it is shown only once a few items are done: a
bar never opens with a fifteen-minute estimate for a thirty-second job. When the stream is
not a terminal, or ``CI`` is set, nothing is drawn while the work runs and ``close`` writes
one line: the label, the count and the time taken (``summary`` may be a function of the
count and the seconds that words it in the user's language, or False when the caller
prints a summary of its own; with ``summary_after``, work quicker than that many seconds
writes none, as it draws no bar).
"""
from __future__ import annotations

import os
import sys
import time
from typing import Callable, TextIO

WIDTH = 24


def interactive(stream: TextIO) -> bool:
    """True when ``stream`` is a terminal a person watches (not CI, not a pipe or a file)."""
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def clock_text(seconds: float) -> str:
    """``0:07``, ``2:05``, ``1:02:05``."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Counts work done out of ``total`` and shows it as the module docstring says."""

    def __init__(self, label: str, total: int, unit: str = "", *, stream: TextIO | None = None,
                 live: bool | None = None, summary: "bool | Callable[[int, float], str]" = True, delay: float = 1.0,
                 clock: Callable[[], float] = time.monotonic, summary_after: float = 0.0) -> None:
        self.label, self.total, self.unit = label, max(0, total), unit
        self.stream = stream if stream is not None else sys.stderr
        self.live = interactive(self.stream) if live is None else live
        self.summary, self.delay, self.clock = summary, delay, clock
        self.summary_after = summary_after  # work quicker than this writes no summary either
        self.done = 0
        self.started = clock()
        self.first_at: float | None = None  # when the first item finished: the estimate's origin
        self.drawn_at: float | None = None
        self.closed = False

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, exc_type, *exc) -> bool:
        self.close(summary=exc_type is None)  # work that failed half way has nothing to sum up
        return False

    @property
    def elapsed(self) -> float:
        return self.clock() - self.started

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.first_at is None:
            self.first_at = self.clock()
        if self.live:
            now = self.clock()
            if now - self.started >= self.delay and (self.drawn_at is None or now - self.drawn_at >= 0.1
                                                       or self.done >= self.total):
                self.drawn_at = now
                self._draw(now)

    def update(self, done: int) -> None:
        """Set the count to ``done`` (for callers that report a position, not steps)."""
        if done > self.done:
            self.advance(done - self.done)

    def remaining(self, now: float | None = None) -> float | None:
        """Seconds left at the rate since the first item, or None while too little is known."""
        now = self.clock() if now is None else now
        if self.first_at is None or self.done < 2 or self.total <= self.done:
            return None if self.total > self.done else 0.0
        rate = (self.done - 1) / max(now - self.first_at, 1e-9)
        return (self.total - self.done) / rate if rate > 0 else None

    def line(self, now: float | None = None) -> str:
        """The bar as drawn on a terminal."""
        now = self.clock() if now is None else now
        share = self.done / self.total if self.total else 1.0
        filled = int(WIDTH * min(share, 1.0))
        left = self.remaining(now)
        eta = f"  -{clock_text(left)}" if left is not None and self.done < self.total else ""
        return (f"{self.label} [{'#' * filled}{'-' * (WIDTH - filled)}] "
                f"{self.done:,}/{self.total:,} {self.unit} {share:4.0%}{eta}")

    def _draw(self, now: float) -> None:
        self.stream.write("\r\x1b[2K" + self.line(now))
        self.stream.flush()

    def close(self, summary: bool = True) -> None:
        """Clear the bar; then, unless ``summary`` is False, the summary line (see the module docstring)."""
        if self.closed:
            return
        self.closed = True
        if self.live and self.drawn_at is not None:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
        if self.summary and summary and self.elapsed >= self.summary_after:
            text = (self.summary(self.done, self.elapsed) if callable(self.summary)
                    else f"{self.label}: {self.done:,} {self.unit} in {self.elapsed:.1f} s".replace("  ", " "))
            self.stream.write(text + "\n")
            self.stream.flush()
