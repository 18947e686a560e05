"""The end of every editing command: lint the repository as the edit would leave it, then write or refuse.

An edit is refused, with nothing written and exit code 1, when it would add an error
that `salesgen lint` reports in a file it writes. Errors the file already had do not
block, so a rep can still record a visit on a deal with an old problem; but the file
still does not lint, so they are listed after the write and the command exits 1 too.
Files are written all together or not at all (journal).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import fail_usage, lint_files, report_configuration, use_color


def commit_changes(root: Path, as_of, changes: dict, what: str, *, dry_run: bool = False) -> list:
    """Write ``changes`` ({relative file: bytes}) unless they add a lint error; the problems left in them."""
    from ..cache import LintCache
    from ..editing import WriteError, write_all
    from ..editing.preview import errors_in, lint_as_if, new_problems
    from ..output import FORMATTERS
    from ..repository import ConfigurationError

    before = lint_files(root, as_of, list(changes))
    try:
        result = lint_as_if(root, as_of, changes, LintCache(root).reader)
    except ConfigurationError as error:
        report_configuration(error.problems)
    after = [p for p in result.problems if p.file in changes]
    blocking = new_problems(errors_in(after, changes), errors_in(before, changes))
    if blocking:
        click.echo(f"The change would leave problems that `salesgen lint` rejects:")
        click.echo(FORMATTERS["text"](blocking, color=use_color()), nl=False)
        click.echo(f"salesgen: cannot {what}: {len(blocking)} lint error{'s' * (len(blocking) != 1)} "
                   "(listed above); nothing was written", err=True)
        sys.exit(1)
    if dry_run:
        click.echo(f"Would {what} (dry run: nothing written).")
        return after
    try:
        write_all({root / file: data for file, data in changes.items()}, root)
    except WriteError as error:
        fail_usage(str(error))
    return after


def report_left(problems: list) -> None:
    """The errors still reported in the written files (ones the edit did not cause)."""
    from ..output import FORMATTERS
    from ..problem import Severity

    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        click.echo("Still reported by salesgen lint in this file (not caused by this change):")
        click.echo(FORMATTERS["text"](errors, color=use_color()), nl=False)
        click.echo(f"salesgen: the change was written, but the file still does not lint: {len(errors)} "
                   f"error{'s' * (len(errors) != 1)} it already had (listed above)", err=True)
        sys.exit(1)
