"""`salesgen fix`: safe, mechanical fixes for what lint reports, shown as a diff, written with --apply."""
from __future__ import annotations

import difflib
import os
import sys

import click

from ..i18n import T
from .common import as_of_option, fail_usage, lang_option, load_or_exit, report_configuration, root_option, say


@click.command("fix")
@click.option("--apply", "apply_", is_flag=True, help="Write the fixes (default: only show them).")
@root_option
@as_of_option()
@lang_option
def fix(apply_, root, as_of):
    """Show (and with --apply make) the safe, mechanical fixes for what `salesgen lint` reports.

    Only: the account type the rules require (an account with a won deal is a
    customer; one with an approved open project at least intent), a currency code in
    the wrong case (cny -> CNY), a file name that differs from its id (the file is
    renamed), and quotes around a value YAML would misread (ref: 0755). It never
    guesses a business fact: a missing amount, date or name stays missing. The diff
    comes first; with --apply the changed files are written together (atomically,
    refused if they would not lint), then renames are made. Exit code: 0, or 1 when
    --apply was refused, 2 usage error.

    \b
    Examples:
      salesgen fix
      salesgen fix --apply
    """
    from ..editing.fixes import account_type_fix, plan_fixes
    from ..engine import lint as run_lint
    from ..repository import ConfigurationError

    repo, as_of = load_or_exit(root, as_of)
    try:
        problems = run_lint(root, as_of).problems
    except ConfigurationError as error:
        report_configuration(error.problems)
    kinds = {d.file: d.kind for d in repo.documents if d.kind in ("deal", "customer")}
    account_types = {}
    for p in problems:
        if p.rule == "account-type":
            found = account_type_fix(repo, as_of, p)
            if found:
                account_types[p.file] = found
    fixes, left = plan_fixes(root, problems, kinds, account_types)
    edits = [f for f in fixes if f.new_bytes is not None]
    renames = [f for f in fixes if f.rename_to is not None]
    for f in edits:
        old = (root / f.file).read_text(encoding="utf-8")
        click.echo("".join(difflib.unified_diff(old.splitlines(keepends=True),
                                                f.new_bytes.decode("utf-8").splitlines(keepends=True),
                                                f"a/{f.file}", f"b/{f.file}")), nl=False)
    for f in renames:
        say(T("rename {file} -> {target}", file=f.file, target=f.rename_to))
    if not fixes:
        say(T("Nothing to fix mechanically."))
    elif not apply_:
        say(T("1 fix shown; run `salesgen fix --apply` to make it.") if len(fixes) == 1 else
            T("{n} fixes shown; run `salesgen fix --apply` to make them.", n=len(fixes)))
    if apply_ and fixes:
        _apply(root, as_of, edits, renames)
    if left:
        say(T("1 problem needs a person (not mechanical): see `salesgen lint`.") if len(left) == 1 else
            T("{n} problems need a person (not mechanical): see `salesgen lint`.", n=len(left)))


def _apply(root, as_of, edits, renames) -> None:
    from .editflow import commit_changes

    if edits:
        commit_changes(root, as_of, {f.file: f.new_bytes for f in edits},
                       T("apply 1 fix") if len(edits) == 1 else T("apply {n} fixes", n=len(edits)))
    for f in renames:
        target = root / f.rename_to
        if target.exists():
            fail_usage(T("cannot rename {file}: {target} exists", file=f.file, target=f.rename_to))
        try:
            os.rename(root / f.file, target)  # atomic within one folder
        except OSError as error:
            fail_usage(T("cannot rename {file}: {reason}", file=f.file, reason=error.strerror or error))
    applied = len(edits) + len(renames)
    say(T("Applied 1 fix.") if applied == 1 else T("Applied {n} fixes.", n=applied), bold=True)
