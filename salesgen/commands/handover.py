"""`salesgen handover`: the departure handover (离职交接) of a rep's accounts and open deals."""
from __future__ import annotations

import sys

import click

from ..i18n import Message, T
from .common import (as_of_option, fail_usage, lang_option, lint_files, load_with_progress, problem_list,
                     root_option, say, styled, tr)
from .completion import complete_reps


@click.command()
@click.option("--from", "from_id", required=True, metavar="REP", shell_complete=complete_reps, help="The rep who hands over (usually one who left).")
@click.option("--to", "to_id", required=True, metavar="REP", shell_complete=complete_reps, help="The successor: an active rep of the roster.")
@click.option("--dry-run", is_flag=True, help="Print what would move; change nothing.")
@root_option
@as_of_option("Date of the handover, recorded on each deal's handover activity (YYYY-MM-DD). "
              "Default: as_of in salesgen.yaml, else today.")
@lang_option
def handover(from_id, to_id, dry_run, root, as_of):
    """Move every account and open deal of a rep to a successor.

    Customers the rep owns, and in every open deal the owner and each team role the
    rep holds, move to the successor; each moved deal gets a `handover` activity.
    Closed (won or lost) deals and past records (activity `who`, approvers) stay as
    they are: they are history. Only the changed values are edited: comments, blank
    lines, key order and quoting stay as they were; every file is replaced atomically.
    Exit code: 0 done, 1 some files mentioning the rep could not be read and were
    left alone, 2 usage error (unknown rep, inactive successor...).

    \b
    Examples:
      salesgen handover --from liu-yang --to chen-ming --dry-run
      salesgen handover --from liu-yang --to chen-ming
      salesgen handover --from liu-yang --to chen-ming --as-of 2026-11-20 --root ../pipeline
    """
    from ..editing import EditError, WriteError, write_all
    from ..editing.handover import HandoverError, plan_handover

    repo, as_of = load_with_progress(root, as_of)
    try:
        plan = plan_handover(repo, from_id, to_id, as_of)
    except (HandoverError, EditError) as error:
        fail_usage(error)
    _print_plan(plan, dry_run)
    if plan.files and not dry_run:
        try:
            write_all({repo.root / change.file: change.document.to_bytes() for change in plan.files}, repo.root)
        except WriteError as error:
            fail_usage(error)
        files, successor, skipped = [change.file for change in plan.files], plan.successor.id, bool(plan.skipped)
        root = repo.root
        del repo, plan  # the lint below loads the repository again: do not hold two in memory
        _print_after(root, as_of, files, successor)
        sys.exit(1 if skipped else 0)
    sys.exit(1 if plan.skipped else 0)


def _print_plan(plan, dry_run: bool) -> None:
    source, successor = plan.source, plan.successor
    who = dict(source=source.id, source_name=source.name, successor=successor.id, successor_name=successor.name,
               date=plan.as_of)
    say(T("Handover from {source} ({source_name}) to {successor} ({successor_name}) on {date} (dry run: nothing "
          "written)", **who) if dry_run else
        T("Handover from {source} ({source_name}) to {successor} ({successor_name}) on {date}", **who))
    width = max((len(change.file) for change in plan.files), default=0)
    for change in plan.files:
        changed = tr(T(", ")).join(tr(c) if isinstance(c, Message) else c for c in change.changes)  # keys stay
        click.echo(f"  {styled(change.file.ljust(width), bold=True)}  {changed}")
    for deal in plan.kept:
        click.echo(f"  {deal.file.ljust(width)}  "
                   + tr(T("kept: {stage} (closed deals stay with {rep})", stage=deal.stage, rep=source.id)))
    customers = sum(1 for c in plan.files if c.kind == "customer")
    deals = len(plan.files) - customers
    if plan.files:
        counts = dict(customers=_count(customers, T("1 customer"), T("{n} customers")),
                      deals=_count(deals, T("1 open deal"), T("{n} open deals")), successor=successor.id)
        say(T("Would move {customers} and {deals} to {successor}.", **counts) if dry_run else
            T("Moved {customers} and {deals} to {successor}.", **counts))
    else:
        say(T("{rep} owns no account or open deal: nothing to move.", rep=source.id))
    for warning in plan.warnings:
        say(T("warning: {warning}", warning=warning), err=True, fg="yellow")
    for file in plan.skipped:
        say(T("warning: {file} mentions {rep} but does not pass its checks, so it was not changed: fix it (salesgen "
              "lint) and run the handover again", file=file, rep=source.id), err=True, fg="yellow")


def _count(n: int, one, many):
    """``one`` (a T message) for 1, else ``many`` with ``n``."""
    return one if n == 1 else T(many.template, n=n)


def _print_after(root, as_of, files: list, successor: str) -> None:
    """What `salesgen lint` still reports in the moved files: the successor's to-do list."""
    problems = lint_files(root, as_of, files)
    if problems:
        say(T("Still reported by salesgen lint in the moved files (now {rep}'s):", rep=successor))
        click.echo(problem_list(problems), nl=False)
    else:
        say(T("The moved files lint clean."))
