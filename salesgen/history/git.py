"""The git plumbing history needs: one `git log` for the commits, one `git cat-file --batch` for the blobs.

Plain git through subprocess, no library: git is already required (the repository
lives in it), `git log --raw` lists every changed blob of every commit in one call
and `git cat-file --batch` streams blob contents through one process, so each
distinct file version is read once whatever the number of commits that contain it.
"""
from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from ..i18n import T

FOLDERS = ("deals", "customers")
SUFFIXES = (".yaml", ".yml")
ZERO_SHA = "0" * 40
SHALLOW_HINT = T("the repository is a shallow clone, so its history is cut off: fetch the full history "
                 "(git fetch --unshallow; in CI set fetch-depth: 0 for actions/checkout, GIT_DEPTH: 0 for GitLab)")


class NoHistory(Exception):
    """Not a git repository, or no commit yet: there is no history to read (not an error for the site)."""


class HistoryError(Exception):
    """History exists but cannot be read (a shallow clone, git missing or failing): a usage error.

    Its argument (and NoHistory's) is a catalogue message: ``reason(error)`` keeps it translatable."""


def reason(error: Exception):
    """What an exception of this module says, as the message it was raised with (``str()`` would make it
    plain English text)."""
    return error.args[0] if error.args and isinstance(error.args[0], str) else str(error)


@dataclass(slots=True)
class Commit:
    sha: str
    author: str
    email: str
    authored: dt.datetime
    committed: dt.datetime
    changes: list = field(default_factory=list)  # (path relative to the root, kind, blob sha or None if deleted)

    @property
    def day(self) -> dt.date:
        """The commit's calendar day, in the committer's own time zone."""
        return self.committed.date()


def _run(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise HistoryError(T("git is not installed (history is read from git)")) from None
    if check and done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = reason[-1] if reason else f"git exited with {done.returncode}"
        if "not a git repository" in reason:
            raise NoHistory(T("{root} is not a git repository", root=root))
        raise HistoryError(T("git {command} failed: {reason}", command=args[0], reason=reason))
    return done


def commits(root: Path, until: str = "HEAD") -> list[Commit]:
    """First-parent commits of ``until`` that changed deals/ or customers/ below ``root``, oldest first."""
    root = Path(root)
    shallow = _run(root, "rev-parse", "--is-shallow-repository").stdout.strip()
    if _run(root, "rev-parse", "--verify", "--quiet", f"{until}^{{commit}}", check=False).returncode != 0:
        raise NoHistory(T("no commits yet"))
    if shallow == b"true":
        raise HistoryError(SHALLOW_HINT)
    out = _run(root, "log", "--first-parent", "--reverse", "--diff-merges=first-parent", "--raw", "--no-abbrev",
               "--no-renames", "-z", "--relative", "--format=%x01%H%x1f%an%x1f%ae%x1f%aI%x1f%cI", until,
               "--", *FOLDERS).stdout
    return list(parse_log(out.decode("utf-8", "surrogateescape")))


def parse_log(text: str) -> Iterator[Commit]:
    for chunk in text.split("\x01")[1:]:
        header, _, rest = chunk.partition("\0")
        sha, author, email, authored, committed = header.split("\x1f")
        commit = Commit(sha, author, email, dt.datetime.fromisoformat(authored), dt.datetime.fromisoformat(committed))
        tokens = rest.split("\0")
        for meta, path in zip(tokens[0::2], tokens[1::2]):
            meta = meta.strip()
            if not meta.startswith(":"):
                continue
            fields = meta[1:].split(" ")
            kind = kind_of(path)
            if kind is None:
                continue
            new = fields[3]
            gone = new == ZERO_SHA or fields[1] in ("000000", "120000", "160000")  # deleted, a link, a submodule
            commit.changes.append((path, kind, None if gone else new))
        yield commit


def kind_of(path: str) -> str | None:
    """deal | customer for a data file (as `discover` finds them: no dot files or folders), else None."""
    parts = path.split("/")
    if len(parts) < 2 or parts[0] not in FOLDERS or not parts[-1].endswith(SUFFIXES):
        return None
    if any(p.startswith(".") for p in parts[1:]):
        return None
    return "deal" if parts[0] == "deals" else "customer"


def read_blobs(root: Path, shas: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    """(sha, content) of each blob, through one `git cat-file --batch` process."""
    wanted = list(shas)
    if not wanted:
        return
    process = subprocess.Popen(["git", "-C", str(root), "cat-file", "--batch"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    import threading

    def feed():
        try:
            for sha in wanted:
                process.stdin.write(sha.encode() + b"\n")
            process.stdin.close()
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    out = process.stdout
    try:
        for sha in wanted:
            header = out.readline().split()
            if len(header) < 3:  # "<sha> missing"
                yield sha, None
                continue
            size = int(header[2])
            data = out.read(size)
            out.read(1)  # the newline after the content
            yield sha, data
    finally:
        writer.join()
        out.close()
        process.wait()
