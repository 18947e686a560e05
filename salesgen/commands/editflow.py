"""The end of every editing command: lint the repository as the edit would leave it, then write or refuse.

An edit is refused, with nothing written and exit code 1, when it would add an error
that `salesgen lint` reports in a file it writes. Errors the file already had do not
block, so a rep can still record a visit on a deal with an old problem; but the file
still does not lint, so they are listed after the write and the command exits 1 too.
Files are written all together or not at all (journal). Every line is said in the
user's language; file:line and rule ids read the same in every language.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..i18n import T
from .common import fail_usage, lint_files, problem_list, report_configuration, say


def commit_changes(root: Path, as_of, changes: dict, what, *, dry_run: bool = False) -> list:
    """Write ``changes`` ({relative file: bytes}) unless they add a lint error; the problems left in them.

    ``what`` names the edit in a T message ("log a visit on acme-line dated ...")."""
    from ..cache import LintCache
    from ..editing import WriteError, write_all
    from ..editing.preview import errors_in, lint_as_if, new_problems
    from ..repository import ConfigurationError

    before = lint_files(root, as_of, list(changes))
    try:
        result = lint_as_if(root, as_of, changes, LintCache(root).reader)
    except ConfigurationError as error:
        report_configuration(error.problems)
    after = [p for p in result.problems if p.file in changes]
    blocking = new_problems(errors_in(after, changes), errors_in(before, changes))
    if blocking:
        say(T("The change would leave problems that `salesgen lint` rejects:"))
        click.echo(problem_list(blocking), nl=False)
        say(T("salesgen: cannot {what}: 1 lint error (listed above); nothing was written", what=what)
            if len(blocking) == 1 else
            T("salesgen: cannot {what}: {n} lint errors (listed above); nothing was written", what=what,
              n=len(blocking)), err=True)
        sys.exit(1)
    if dry_run:
        say(T("Would {what} (dry run: nothing written).", what=what))
        return after
    try:
        write_all({root / file: data for file, data in changes.items()}, root)
    except WriteError as error:
        fail_usage(error)
    return after


def report_left(problems: list) -> None:
    """The errors still reported in the written files (ones the edit did not cause)."""
    from ..problem import Severity

    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        say(T("Still reported by salesgen lint in this file (not caused by this change):"))
        click.echo(problem_list(errors), nl=False)
        say(T("salesgen: the change was written, but the file still does not lint: 1 error it already had (listed "
              "above)") if len(errors) == 1 else
            T("salesgen: the change was written, but the file still does not lint: {n} errors it already had "
              "(listed above)", n=len(errors)), err=True)
        sys.exit(1)
