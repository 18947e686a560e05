"""Lint the repository as an edit would leave it, before a byte is written.

``lint_as_if(root, as_of, changes)`` runs the real checks (``engine.lint``, every rule,
levels and waivers) on the repository with ``changes`` ({relative file: new bytes})
read in place of those files. Whatever `salesgen lint` would say after the edit, it
says now, so an editing command can refuse instead of leaving a file lint rejects.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..engine import LintResult, lint
from ..problem import Problem, Severity
from ..repository import Reader, check_bytes, read_document


def overlay_reader(changes: dict, base: Reader = read_document) -> Reader:
    """A reader that sees ``changes`` ({relative file: bytes}) instead of what is on disk for those files."""
    def reader(root: Path, rel: str, kind: str, path: Path):
        data = changes.get(rel)
        return base(root, rel, kind, path) if data is None else check_bytes(data, rel, kind)

    return reader


def lint_as_if(root: Path, as_of: dt.date, changes: dict, base: Reader = read_document) -> LintResult:
    """What `salesgen lint` would report once ``changes`` are written (raises ConfigurationError like lint)."""
    return lint(root, as_of, reader=overlay_reader(changes, base))


def errors_in(problems, files) -> list[Problem]:
    wanted = set(files)
    return [p for p in problems if p.file in wanted and p.severity is Severity.ERROR]


def new_problems(after, before) -> list[Problem]:
    """Problems of ``after`` that ``before`` does not have (same file, rule and message; lines may move)."""
    seen: dict = {}
    for p in before:
        key = (p.file, p.rule, p.message)
        seen[key] = seen.get(key, 0) + 1
    found = []
    for p in after:
        key = (p.file, p.rule, p.message)
        if seen.get(key):
            seen[key] -= 1
        else:
            found.append(p)
    return found
