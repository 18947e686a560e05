"""`salesgen move`: move a deal to another stage once the stage gate lets it through."""
from __future__ import annotations

import sys

import click

from .common import as_of_option, fail_usage, lint_files, load_with_progress, root_option, styled, use_color


@click.command()
@click.argument("deal_ref", metavar="DEAL")
@click.argument("stage_id", metavar="STAGE")
@root_option
@as_of_option("Date of the move, recorded in stage_history (YYYY-MM-DD); the gate is checked as of it. "
              "Default: as_of in salesgen.yaml, else today.")
@click.option("--reason", help="Why: required to skip a stage, move back or reopen a closed deal (recorded on the "
                               "stage_history entry); for lost, the note of the lost reason.")
@click.option("--lost-reason", "lost_code", metavar="CODE",
              help="Moving to lost: the reason code, one of lost_reasons in salesgen.yaml.")
@click.option("--dry-run", is_flag=True, help="Check the gate and print the change; write nothing.")
def move(deal_ref, stage_id, root, as_of, reason, lost_code, dry_run):
    """Move DEAL (an id or a file) to STAGE, if the stage gate is met.

    The exit criteria of every open stage before STAGE must be met (or waived by a
    valid stage-gate waiver). Then `stage` is replaced and an entry appended to
    `stage_history`, dated with the as-of date; nothing else in the file changes.
    Moving to lost needs no gate but a lost reason. Exit code: 0 moved, 1 refused
    (the gate is not met: the missing criteria are listed), 2 usage error.

    \b
    Examples:
      salesgen move temp-capacity-expansion won
      salesgen move acme-line visit --as-of 2026-11-20
      salesgen move acme-line design --reason "客户招标提前，方案演示与正式方案合并"
      salesgen move acme-line lost --lost-reason competitor --reason "客户选择了进口品牌"
      salesgen move deals/acme-line.yaml visit --dry-run
    """
    from ..editing import EditError, WriteError, write_atomic
    from ..editing.moves import MoveError, find_deal, plan_move

    repo, as_of = load_with_progress(root, as_of)
    try:
        deal = find_deal(repo, deal_ref)
        plan = plan_move(repo, deal, stage_id, as_of, reason=reason, lost_code=lost_code)
    except (MoveError, EditError) as error:
        fail_usage(str(error))
    label = repo.config.label
    source = f"'{label(plan.source.label)}' ({plan.source.id})" if plan.source else f"'{deal.stage}'"
    target = f"'{label(plan.target.label)}' ({plan.target.id})"
    if not plan.allowed:
        _print_gate(plan, label)
        missing = len(plan.missing)
        click.echo(f"salesgen: cannot move {deal.id} from {source} to {target}: {missing} exit "
                   f"criteri{'a are' if missing != 1 else 'on is'} not met", err=True)
        sys.exit(1)
    _print_gate(plan, label)
    if dry_run:
        click.echo(f"Would move {deal.id} from {source} to {target} on {as_of} (dry run: nothing written).")
        return
    try:
        write_atomic(repo.root / deal.file, plan.document.to_bytes())
    except WriteError as error:
        fail_usage(str(error))
    click.echo(f"Moved {deal.id} from {source} to {target} on {as_of} ({deal.file}).")
    customer = repo.customers.get(deal.customer)
    files = [deal.file] + ([customer.file] if customer else [])
    root = repo.root
    del repo, plan, deal, customer  # the lint below loads the repository again: do not hold two in memory
    problems = lint_files(root, as_of, files)
    if problems:
        from ..output import FORMATTERS

        click.echo("Now reported by salesgen lint for this deal and its customer:")
        click.echo(FORMATTERS["text"](problems, color=use_color()), nl=False)


def _print_gate(plan, label) -> None:
    from ..editing.moves import what_is_missing

    if not plan.gate:
        return
    met = sum(1 for item in plan.gate if item.status.met)
    click.echo(f"Stage gate for '{label(plan.target.label)}': {met} of {len(plan.gate)} exit criteria met")
    for item in plan.gate:
        criterion = item.criterion
        name = f"{criterion.id} ({label(criterion.label)}, stage {item.stage.id})"
        if item.status.met:
            continue
        if item.waiver is not None:
            click.echo(f"  {styled('waived', fg='yellow')}  {name}: until {item.waiver['until']} "
                       f"({item.waiver['reason']})")
        else:
            description = label(criterion.description).strip().rstrip(".")
            needed = what_is_missing(plan.deal, criterion)
            click.echo(f"  {styled('missing', fg='red', bold=True)} {name}: "
                       + (f"{description}; {needed}" if description else needed))
