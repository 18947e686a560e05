"""Replay the history: the state of every deal and customer after each commit, and at chosen instants.

``load_history(root)`` runs `git log` once, reads each distinct blob once (or takes it
from the cache), and returns a ``History``: the commits, oldest first, and each commit's
changed paths with their parsed states. ``History.replay()`` walks the commits and
yields, after each one, the deals by id; ``snapshots()`` gives the state at the end of
chosen days (the end of each ISO week by default).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from . import git
from .states import Broken, CustomerState, DealState, StateCache, state_of


@dataclass(slots=True)
class BrokenVersion:
    """A file that lint would reject at some commit: reported as data, never a crash."""

    commit: str
    date: dt.date
    author: str
    file: str
    line: int
    rule: str
    message: str


@dataclass
class History:
    root: Path
    commits: list = field(default_factory=list)  # git.Commit, oldest first
    states: dict = field(default_factory=dict)  # blob sha -> state (per kind, see _key)
    parsed: int = 0  # blobs parsed in this run (the rest came from the cache)
    note: str | None = None  # why there is no history ("no commits yet"), when empty

    @property
    def empty(self) -> bool:
        return not self.commits

    def state(self, kind: str, sha: str):
        return self.states[_key(kind, sha)]

    def replay(self) -> Iterator[tuple[git.Commit, dict, dict]]:
        """After each commit: (commit, deals id -> (DealState, file), changed deal ids -> (state, file) before).

        The deals dict is the replayer's own, updated in place by the next step.
        """
        replayer = Replayer(self)
        for commit in self.commits:
            before = replayer.apply(commit)
            yield commit, replayer.deals, before

    def broken(self) -> list[BrokenVersion]:
        """Every (commit, file) whose new version lint would reject, in history order."""
        found = []
        for commit in self.commits:
            for path, kind, sha in commit.changes:
                state = self.state(kind, sha) if sha else None
                if isinstance(state, Broken):
                    found.append(BrokenVersion(commit.sha, commit.day, commit.author, path, state.line, state.rule,
                                               state.message))
        return found

    def customers_at_end(self) -> dict:
        files: dict = {}
        for commit in self.commits:
            for path, kind, sha in commit.changes:
                if kind == "customer":
                    state = self.state(kind, sha) if sha else None
                    if isinstance(state, CustomerState):
                        files[path] = state
                    else:
                        files.pop(path, None)
        return {s.id: s for _, s in sorted(files.items(), reverse=True)}


class Replayer:
    """The deals after each applied commit. Two files with one id: the first path wins, as in lint."""

    def __init__(self, history: History) -> None:
        self.history = history
        self.files: dict[str, DealState] = {}  # path -> valid deal state
        self.paths: dict[str, set] = {}  # deal id -> paths holding it
        self.deals: dict[str, tuple] = {}  # deal id -> (DealState, path)

    def apply(self, commit: git.Commit) -> dict:
        """Apply one commit; return the previous (state, path) (or None) of every deal it touched."""
        touched = set()
        for path, kind, sha in commit.changes:
            if kind != "deal":
                continue
            new = self.history.state(kind, sha) if sha else None
            if isinstance(new, Broken):
                continue  # a version lint rejects: the deal stays as it last was (the version is reported)
            old = self.files.pop(path, None)
            if old is not None:
                touched.add(old.id)
                self.paths[old.id].discard(path)
            if isinstance(new, DealState):
                self.files[path] = new
                self.paths.setdefault(new.id, set()).add(path)
                touched.add(new.id)
        before = {}
        for ident in touched:
            before[ident] = self.deals.get(ident)
            paths = self.paths.get(ident)
            if paths:
                first = min(paths)
                self.deals[ident] = (self.files[first], first)
            else:
                self.deals.pop(ident, None)
                self.paths.pop(ident, None)
        return before


def _key(kind: str, sha: str) -> str:
    return f"{kind[0]}{sha}"


def load_history(root: Path, *, use_cache: bool = True, until: str = "HEAD", progress=None) -> History:
    """The history below ``root``; an empty History (with ``note``) when there is none.

    Raises ``git.HistoryError`` for a shallow clone or a failing git. ``progress`` (a
    ``progress.Progress``) counts the file versions parsed, those the cache lacks.
    """
    root = Path(root)
    try:
        commits = git.commits(root, until)
    except git.NoHistory as why:
        return History(root, note=git.reason(why))
    history = History(root, commits)
    cache = StateCache(root, enabled=use_cache)
    wanted: dict[str, tuple] = {}  # key -> (sha, first path, kind)
    for commit in commits:
        for path, kind, sha in commit.changes:
            if sha:
                key = _key(kind, sha)
                if key not in history.states and key not in wanted:
                    cached = cache.get(key)
                    if cached is not None:
                        history.states[key] = cached
                    else:
                        wanted[key] = (sha, path, kind)
    if wanted:
        from ..repository import collector_paused

        with collector_paused():
            items = list(wanted.items())
            if progress is not None:
                progress.total = len(items)
            blobs = git.read_blobs(root, [sha for _, (sha, _, _) in items])
            for (key, (sha, path, kind)), (_, data) in zip(items, blobs):
                state = state_of(data, path, kind)
                history.states[key] = state
                cache.put(key, state)
                history.parsed += 1
                if progress is not None:
                    progress.advance()
        cache.save()
    return history


def weekly_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """The Sundays closing each ISO week from the week of ``first`` to the week of ``last``."""
    end = first + dt.timedelta(days=6 - first.weekday())
    ends = []
    while True:
        ends.append(end)
        if end >= last:
            return ends
        end += dt.timedelta(days=7)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def snapshots(history: History, ends: list[dt.date]) -> list[dict]:
    """Deals by id (id -> (DealState, file)) at the end of each day in ``ends`` (sorted).

    The state at the end of a day is the one after the last commit (first-parent order)
    whose committer date is on or before that day.
    """
    result: list[dict] = []
    replayer = Replayer(history)
    commits = iter(history.commits)
    pending = next(commits, None)
    for end in ends:
        while pending is not None and pending.day <= end:
            replayer.apply(pending)
            pending = next(commits, None)
        result.append(dict(replayer.deals))
    return result
