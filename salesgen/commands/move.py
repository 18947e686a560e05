"""`salesgen move`: move a deal to another stage once the stage gate lets it through."""
from __future__ import annotations

import sys

import click

from ..i18n import T
from .common import (as_of_option, fail_usage, lang_option, lint_files, load_with_progress, problem_list,
                     report_configuration, root_option, say, styled, tr)
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
@lang_option
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
            raise MoveError(T("--promote-customer is for a move to won; '{stage}' is not one", stage=plan.target.id))
        promotion = promote_customer(repo, deal, plan.target) if promote and plan.allowed else None
    except (MoveError, EditError) as error:
        fail_usage(error)
    label = repo.config.label
    source = T("'{label}' ({stage})", label=label(plan.source.label), stage=plan.source.id) if plan.source \
        else f"'{deal.stage}'"
    target = T("'{label}' ({stage})", label=label(plan.target.label), stage=plan.target.id)
    _print_gate(plan, label)
    if not plan.allowed:
        missing = len(plan.missing)
        say(T("salesgen: cannot move {deal} from {source} to {target}: 1 exit criterion is not met", deal=deal.id,
              source=source, target=target) if missing == 1 else
            T("salesgen: cannot move {deal} from {source} to {target}: {n} exit criteria are not met", deal=deal.id,
              source=source, target=target, n=missing), err=True)
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
    moved = T("{deal} from {source} to {target} on {date}", deal=deal_id, source=source, target=target, date=as_of)
    if blocking:
        say(T("The move would leave problems that `salesgen lint` rejects:"))
        click.echo(problem_list(blocking), nl=False)
        say(T("salesgen: cannot move {moved}: 1 lint error in the moved files (listed above); nothing was written",
              moved=moved) if len(blocking) == 1 else
            T("salesgen: cannot move {moved}: {n} lint errors in the moved files (listed above); nothing was "
              "written", moved=moved, n=len(blocking)), err=True)
        sys.exit(1)
    if dry_run:
        say(T("Would move {moved} and set {file} type: {old} -> customer (dry run: nothing written).", moved=moved,
              file=promotion[0], old=promotion[2]) if promotion else
            T("Would move {moved} (dry run: nothing written).", moved=moved))
        return
    try:
        write_all({root / file: data for file, data in changes.items()}, root)
    except WriteError as error:
        fail_usage(error)
    say(T("Moved {moved} ({file}).", moved=moved, file=deal_file))
    if promotion:
        say(T("Set {file} type: {old} -> customer (an account with a won deal is a customer).", file=promotion[0],
              old=promotion[2]))
    problems = [p for p in after if p.file in (deal_file, customer_file)]
    if problems:
        say(T("Now reported by salesgen lint for this deal and its customer:"))
        click.echo(problem_list(problems), nl=False)


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
    return [dataclasses.replace(p, hint=T("{hint} Or move with --promote-customer to set it in the same change.",
                                          hint=p.hint))
            if won and p.rule == "account-type" and p.file == customer_file else p for p in blocking]


def _print_gate(plan, label) -> None:
    from ..editing.moves import what_is_missing

    if not plan.gate:
        return
    met = sum(1 for item in plan.gate if item.status.met)
    say(T("Stage gate for '{label}': {met} of {total} exit criteria met", label=label(plan.target.label), met=met,
          total=len(plan.gate)))
    for item in plan.gate:
        criterion = item.criterion
        name = T("{criterion} ({label}, stage {stage})", criterion=criterion.id, label=label(criterion.label),
                 stage=item.stage.id)
        if item.status.met:
            continue
        if item.waiver is not None:
            click.echo("  " + styled(tr(T("waived")), fg="yellow") + "  "
                       + tr(T("{name}: until {date} ({reason})", name=name, date=item.waiver["until"],
                              reason=item.waiver["reason"])))
        else:
            description = _description(label(criterion.description))
            needed = what_is_missing(plan.deal, criterion)
            click.echo("  " + styled(tr(T("missing")), fg="red", bold=True) + " "
                       + tr(T("{name}: {description}; {needed}", name=name, description=description, needed=needed)
                            if description else T("{name}: {needed}", name=name, needed=needed)))


def _description(text):
    """A criterion's description without its full stop, still in every language the configuration gives."""
    from ..i18n import Localized

    if isinstance(text, Localized):
        return Localized(text.strip().rstrip("."), tuple((k, v.strip().rstrip("。.")) for k, v in text.variants))
    return text.strip().rstrip(".")
