"""`salesgen move`: move a deal to another stage once the stage gate lets it through."""
from __future__ import annotations

import sys

import click

from .common import (as_of_option, fail_usage, lint_files, load_with_progress, report_configuration, root_option,
                     styled, use_color)
from .completion import complete_deals, complete_stages


@click.command()
@click.argument("deal_ref", metavar="DEAL", shell_complete=complete_deals)
@click.argument("stage_id", metavar="STAGE", shell_complete=complete_stages)
@root_option
@as_of_option("Date of the move, recorded in stage_history (YYYY-MM-DD); the gate is checked as of it. "
              "Default: as_of in salesgen.yaml, else today.")
@click.option("--reason", help="Why: required to skip a stage, move back or reopen a closed deal (recorded on the "
                               "stage_history entry); for lost, the note of the lost reason.")
@click.option("--lost-reason", "lost_code", metavar="CODE",
              help="Moving to lost: the reason code, one of lost_reasons in salesgen.yaml.")
@click.option("--promote-customer", "promote", is_flag=True,
              help="Moving to won: also set the customer's `type:` to customer (an account with a won deal is a "
                   "customer), in the same all-or-nothing change.")
@click.option("--dry-run", is_flag=True, help="Check the gate and print the change; write nothing.")
def move(deal_ref, stage_id, root, as_of, reason, lost_code, promote, dry_run):
    """Move DEAL (an id or a file) to STAGE, if the stage gate is met.

    The exit criteria of every open stage before STAGE must be met (or waived by a
    valid stage-gate waiver). Then `stage` is replaced and an entry appended to
    `stage_history`, dated with the as-of date; nothing else in the file changes.
    Moving to lost needs no gate but a lost reason. Before writing, the whole of
    `salesgen lint` runs on the repository as the move would leave it: the move is
    refused if the deal's file would have any error (team roles the stage needs, the
    contract of a won deal...) or its customer's file a new one (its account type).
    With --promote-customer a move to won also sets the customer's `type: customer`;
    both files change together or neither does. Exit code: 0 moved, 1 refused (what
    is missing is listed), 2 usage error.

    \b
    Examples:
      salesgen move temp-capacity-expansion won --promote-customer
      salesgen move acme-line visit --as-of 2026-11-20
      salesgen move acme-line design --reason "客户招标提前，方案演示与正式方案合并"
      salesgen move acme-line lost --lost-reason competitor --reason "客户选择了进口品牌"
      salesgen move deals/acme-line.yaml visit --dry-run
    """
    from ..editing import EditError, WriteError, write_all
    from ..editing.moves import MoveError, find_deal, plan_move, promote_customer

    repo, as_of = load_with_progress(root, as_of)
    try:
        deal = find_deal(repo, deal_ref)
        plan = plan_move(repo, deal, stage_id, as_of, reason=reason, lost_code=lost_code)
        if promote and plan.target.outcome != "won":
            raise MoveError(f"--promote-customer is for a move to won; '{plan.target.id}' is not one")
        promotion = promote_customer(repo, deal, plan.target) if promote and plan.allowed else None
    except (MoveError, EditError) as error:
        fail_usage(str(error))
    label = repo.config.label
    source = f"'{label(plan.source.label)}' ({plan.source.id})" if plan.source else f"'{deal.stage}'"
    target = f"'{label(plan.target.label)}' ({plan.target.id})"
    _print_gate(plan, label)
    if not plan.allowed:
        missing = len(plan.missing)
        click.echo(f"salesgen: cannot move {deal.id} from {source} to {target}: {missing} exit "
                   f"criteri{'a are' if missing != 1 else 'on is'} not met", err=True)
        sys.exit(1)
    customer = repo.customers.get(deal.customer)
    changes = {deal.file: plan.document.to_bytes()}
    if promotion:
        changes[promotion[0]] = promotion[1].to_bytes()
    root, deal_id, deal_file, won = repo.root, deal.id, deal.file, plan.target.outcome == "won"
    customer_file = customer.file if customer else None
    del repo, plan, deal, customer  # the check below loads the repository again: do not hold two in memory
    after = _lint_as_moved(root, as_of, changes, customer_file)
    blocking = _blocking(root, as_of, after, changes, customer_file, won)
    moved = f"{deal_id} from {source} to {target} on {as_of}"
    if blocking:
        from ..output import FORMATTERS

        click.echo("The move would leave problems that `salesgen lint` rejects:")
        click.echo(FORMATTERS["text"](blocking, color=use_color()), nl=False)
        click.echo(f"salesgen: cannot move {moved}: {len(blocking)} lint error{'s' * (len(blocking) != 1)} in "
                   "the moved files (listed above); nothing was written", err=True)
        sys.exit(1)
    if dry_run:
        click.echo(f"Would move {moved}" + (f" and set {promotion[0]} type: {promotion[2]} -> customer"
                                            if promotion else "") + " (dry run: nothing written).")
        return
    try:
        write_all({root / file: data for file, data in changes.items()}, root)
    except WriteError as error:
        fail_usage(str(error))
    click.echo(f"Moved {moved} ({deal_file}).")
    if promotion:
        click.echo(f"Set {promotion[0]} type: {promotion[2]} -> customer (an account with a won deal is a customer).")
    problems = [p for p in after if p.file in (deal_file, customer_file)]
    if problems:
        from ..output import FORMATTERS

        click.echo("Now reported by salesgen lint for this deal and its customer:")
        click.echo(FORMATTERS["text"](problems, color=use_color()), nl=False)


def _lint_as_moved(root, as_of, changes: dict, customer_file) -> list:
    """Every problem `salesgen lint` would report in the deal's and customer's files after the move."""
    from ..cache import LintCache
    from ..editing.preview import lint_as_if
    from ..repository import ConfigurationError

    try:
        result = lint_as_if(root, as_of, changes, LintCache(root).reader)
    except ConfigurationError as error:
        report_configuration(error.problems)
    wanted = set(changes) | {customer_file}
    return [p for p in result.problems if p.file in wanted]


def _blocking(root, as_of, after: list, changes: dict, customer_file, won: bool) -> list:
    """Errors the move must not leave: any in a file it writes, a new one in the customer's file it does not."""
    import dataclasses

    from ..editing.preview import errors_in, new_problems

    blocking = errors_in(after, changes)
    untouched = errors_in(after, [customer_file]) if customer_file not in changes else []
    if untouched:  # compare with the customer's errors as they are now (the disk is not written yet)
        blocking += new_problems(untouched, errors_in(lint_files(root, as_of, [customer_file]), [customer_file]))
    return [dataclasses.replace(p, hint=f"{p.hint} Or move with --promote-customer to set it in the same change.")
            if won and p.rule == "account-type" and p.file == customer_file else p for p in blocking]


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
