"""`salesgen handover`: the departure handover (离职交接) of a rep's accounts and open deals."""
from __future__ import annotations

import sys

import click

from .common import as_of_option, fail_usage, lint_files, load_with_progress, root_option, styled
from .completion import complete_reps


@click.command()
@click.option("--from", "from_id", required=True, metavar="REP", shell_complete=complete_reps, help="The rep who hands over (usually one who left).")
@click.option("--to", "to_id", required=True, metavar="REP", shell_complete=complete_reps, help="The successor: an active rep of the roster.")
@click.option("--dry-run", is_flag=True, help="Print what would move; change nothing.")
@root_option
@as_of_option("Date of the handover, recorded on each deal's handover activity (YYYY-MM-DD). "
              "Default: as_of in salesgen.yaml, else today.")
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
        fail_usage(str(error))
    _print_plan(plan, dry_run)
    if plan.files and not dry_run:
        try:
            write_all({repo.root / change.file: change.document.to_bytes() for change in plan.files}, repo.root)
        except WriteError as error:
            fail_usage(str(error))
        files, successor, skipped = [change.file for change in plan.files], plan.successor.id, bool(plan.skipped)
        root = repo.root
        del repo, plan  # the lint below loads the repository again: do not hold two in memory
        _print_after(root, as_of, files, successor)
        sys.exit(1 if skipped else 0)
    sys.exit(1 if plan.skipped else 0)


def _print_plan(plan, dry_run: bool) -> None:
    source, successor = plan.source, plan.successor
    verb = "Would move" if dry_run else "Moved"
    click.echo(f"Handover from {source.id} ({source.name}) to {successor.id} ({successor.name}) on {plan.as_of}"
               + (" (dry run: nothing written)" if dry_run else ""))
    width = max((len(change.file) for change in plan.files), default=0)
    for change in plan.files:
        click.echo(f"  {styled(change.file.ljust(width), bold=True)}  {', '.join(change.changes)}")
    for deal in plan.kept:
        click.echo(f"  {deal.file.ljust(width)}  kept: {deal.stage} (closed deals stay with {source.id})")
    customers = sum(1 for c in plan.files if c.kind == "customer")
    deals = len(plan.files) - customers
    click.echo(f"{verb} {customers} customer{'s' * (customers != 1)} and {deals} open deal{'s' * (deals != 1)} "
               f"to {successor.id}." if plan.files else f"{source.id} owns no account or open deal: nothing to move.")
    for warning in plan.warnings:
        click.echo(styled(f"warning: {warning}", fg="yellow"), err=True)
    for file in plan.skipped:
        click.echo(styled(f"warning: {file} mentions {source.id} but does not pass its checks, so it was not "
                          "changed: fix it (salesgen lint) and run the handover again", fg="yellow"), err=True)


def _print_after(root, as_of, files: list, successor: str) -> None:
    """What `salesgen lint` still reports in the moved files: the successor's to-do list."""
    from ..output import FORMATTERS
    from .common import use_color

    problems = lint_files(root, as_of, files)
    if problems:
        click.echo(f"Still reported by salesgen lint in the moved files (now {successor}'s):")
        click.echo(FORMATTERS["text"](problems, color=use_color()), nl=False)
    else:
        click.echo("The moved files lint clean.")
