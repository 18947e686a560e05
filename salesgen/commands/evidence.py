"""`salesgen evidence DEAL CRITERION`: record that an exit criterion is met, and say which gate it opens."""
from __future__ import annotations

import click

from .common import as_of_option, fail_usage, load_or_exit, root_option, styled
from .completion import complete_criteria, complete_deals
from .prompting import ask_text, choose, did_you_mean

KINDS = ("document", "meeting", "form", "email", "person", "other")


@click.command("evidence")
@click.argument("deal_ref", metavar="DEAL", shell_complete=complete_deals)
@click.argument("criterion_id", metavar="CRITERION", shell_complete=complete_criteria)
@click.option("--date", "date_", metavar="YYYY-MM-DD", help="When it was shown. Default: the as-of date.")
@click.option("--kind", metavar="KIND", help=f"What shows it: {', '.join(KINDS)}.",
              shell_complete=lambda c, p, i: [k for k in KINDS if k.startswith(i)])
@click.option("--ref", help="The document, meeting or person that shows it (e.g. 拜访报告 V-2026-031).")
@click.option("--dry-run", is_flag=True, help="Check and print what would be recorded; write nothing.")
@root_option
@as_of_option("The day the gate is evaluated as of, and the default --date. "
              "Default: as_of in salesgen.yaml, else today.")
def evidence(deal_ref, criterion_id, date_, kind, ref, dry_run, root, as_of):
    """Record evidence that DEAL meets exit criterion CRITERION (appended to `evidence:`).

    Refused (nothing written, exit 2): a criterion that is not in the deal's
    pipeline (with the closest id), a criterion computed from data (the message
    says what data meets it), an approval criterion (the message gives the
    `salesgen approve` command), a date after the as-of date, or a date after the
    deal left the criterion's stage (the day it left is still in time).
    Afterwards it says which stage gate is now open (`salesgen move ...`) or what is
    still missing. Like every editing command it keeps the rest of the file byte for
    byte and refuses an edit that would add a lint error (exit 1).

    \b
    Examples:
      salesgen evidence acme-line interest_confirmed --kind meeting --ref "电话邀约记录 2026-11-18"
      salesgen evidence acme-line visit_report --date 2026-11-25 --kind document --ref "拜访报告 V-031"
    """
    from ..criteria import evaluate
    from ..editing import EditableDocument, EditError
    from ..editing.gates import approve_command, approvers, computed_need, gate_status, left_stage_on, next_stage
    from ..editing.moves import MoveError, find_deal
    from ..model import Deal
    from .editflow import commit_changes, report_left
    from .log import _ask_date

    repo, as_of = load_or_exit(root, as_of)
    try:
        deal = find_deal(repo, deal_ref)
    except MoveError as error:
        fail_usage(str(error))
    pipeline = repo.config.pipelines.get(deal.pipeline)
    if pipeline is None:
        fail_usage(f"{deal.file}: unknown pipeline '{deal.pipeline}'; run `salesgen lint`")
    criteria = pipeline.criteria()
    criterion = criteria.get(criterion_id)
    if criterion is None:
        fail_usage(f"'{criterion_id}' is not an exit criterion of pipeline '{pipeline.id}'"
                   f"{did_you_mean(criterion_id, criteria)} (`salesgen show {deal.id}` lists them)")
    if criterion.kind == "approval":
        command = approve_command(deal, criterion, repo.config, date_ or str(as_of)).split("   #")[0]
        who = approvers(criterion, deal, repo.config)
        fail_usage(f"'{criterion.id}' is an approval, met by an internal approval, not by evidence: `{command}` "
                   f"(by a rep holding {' or '.join(criterion.approver_roles) or 'a role'}"
                   f"{': ' + ', '.join(who) if who else ''}; never the owner {deal.owner})")
    if criterion.kind != "evidence" and not criterion.evidence_accepted:
        fail_usage(f"'{criterion.id}' is computed from the deal's data, not recorded as evidence: it is met when "
                   f"{_lower(computed_need(criterion))} (`salesgen show {deal.id}` gives the command)")
    when = _ask_date(date_, "--date", "Date (YYYY-MM-DD)", default=as_of)
    if when > as_of:
        fail_usage(f"--date {when} is after the as-of date {as_of}: evidence records what has happened; "
                   "record it on the day, or pass a later --as-of")
    left = left_stage_on(deal, pipeline, criterion.stage)
    if left is not None and when > left:
        fail_usage(f"--date {when} is after {deal.id} left stage '{criterion.stage}' on {left}: evidence of "
                   f"'{criterion.id}' must be dated on or before that day (the gate was passed then)")
    kind = choose(kind, KINDS, "--kind", "Kind", what="evidence kind")
    ref = ask_text(ref, "--ref", "Ref (the document, meeting or person that shows it)")
    already = evaluate(deal, repo.customers.get(deal.customer), criterion, as_of, repo.config)
    record = {"criterion": criterion.id, "date": when, "kind": kind, "ref": ref}
    try:
        document = EditableDocument.read(root / deal.file, deal.file)
        document.append(("evidence",), record)
    except EditError as error:
        fail_usage(str(error))
    left_problems = commit_changes(root, as_of, {deal.file: document.to_bytes()},
                                   f"record evidence of {criterion.id} on {deal.id}", dry_run=dry_run)
    if dry_run:
        return
    click.echo(f"Recorded evidence of {styled(criterion.id, bold=True)} on {deal.id} dated {when} ({deal.file})."
               + (" It was already met; this adds a record." if already.met else ""))
    after = Deal.from_document(document.data, deal.file)
    target = next_stage(pipeline, after)
    if target is not None:
        statuses = gate_status(after, repo.customers.get(deal.customer), pipeline, target, as_of, repo.config)
        missing = [s.criterion.id for s in statuses if not s.met]
        if not missing:
            click.echo(f"All exit criteria before '{target.id}' are met: "
                       f"`salesgen move {deal.id} {target.id}`")
        else:
            click.echo(f"Still missing before '{target.id}' ({len(missing)}): {', '.join(missing)} "
                       f"(`salesgen show {deal.id}` says how to record each)")
    report_left(left_problems)


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]
