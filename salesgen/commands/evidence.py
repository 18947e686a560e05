"""`salesgen evidence DEAL CRITERION`: record that an exit criterion is met, and say which gate it opens."""
from __future__ import annotations

import click

from ..i18n import T
from .common import as_of_option, fail_usage, lang_option, load_or_exit, root_option, say, styled
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
@lang_option
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
    from ..editing.gates import (any_of, approve_command, approvers, computed_need, gate_status, left_stage_on,
                                 next_stage)
    from ..editing.moves import MoveError, find_deal
    from ..model import Deal
    from .editflow import commit_changes, report_left
    from .log import _ask_date

    repo, as_of = load_or_exit(root, as_of)
    try:
        deal = find_deal(repo, deal_ref)
    except MoveError as error:
        fail_usage(error)
    pipeline = repo.config.pipelines.get(deal.pipeline)
    if pipeline is None:
        fail_usage(T("{file}: unknown pipeline '{pipeline}'; run `salesgen lint`", file=deal.file,
                     pipeline=deal.pipeline))
    criteria = pipeline.criteria()
    criterion = criteria.get(criterion_id)
    if criterion is None:
        fail_usage(T("'{criterion}' is not an exit criterion of pipeline '{pipeline}'{guess} (`salesgen show {deal}` "
                     "lists them)", criterion=criterion_id, pipeline=pipeline.id,
                     guess=did_you_mean(criterion_id, criteria), deal=deal.id))
    if criterion.kind == "approval":
        command = approve_command(deal, criterion, repo.config, date_ or str(as_of)).split("   #")[0]
        who = approvers(criterion, deal, repo.config)
        roles = any_of(criterion.approver_roles) or T("a role")
        fail_usage(T("'{criterion}' is an approval, met by an internal approval, not by evidence: `{command}` (by a "
                     "rep holding {roles}: {reps}; never the owner {owner})", criterion=criterion.id, command=command,
                     roles=roles, reps=", ".join(who), owner=deal.owner) if who else
                   T("'{criterion}' is an approval, met by an internal approval, not by evidence: `{command}` (by "
                     "a rep holding {roles}; never the owner {owner})", criterion=criterion.id, command=command,
                     roles=roles, owner=deal.owner))
    if criterion.kind != "evidence" and not criterion.evidence_accepted:
        fail_usage(T("'{criterion}' is computed from the deal's data, not recorded as evidence: it is met when "
                     "{need} (`salesgen show {deal}` gives the command)", criterion=criterion.id,
                     need=computed_need(criterion), deal=deal.id))
    when = _ask_date(date_, "--date", T("Date (YYYY-MM-DD)"), default=as_of)
    if when > as_of:
        fail_usage(T("--date {date} is after the as-of date {as_of}: evidence records what has happened; record it on "
                     "the day, or pass a later --as-of", date=when, as_of=as_of))
    left = left_stage_on(deal, pipeline, criterion.stage)
    if left is not None and when > left:
        fail_usage(T("--date {date} is after {deal} left stage '{stage}' on {left}: evidence of '{criterion}' must be "
                     "dated on or before that day (the gate was passed then)", date=when, deal=deal.id,
                     stage=criterion.stage, left=left, criterion=criterion.id))
    kind = choose(kind, KINDS, "--kind", T("Kind"), what=T("evidence kind"))
    ref = ask_text(ref, "--ref", T("Ref (the document, meeting or person that shows it)"))
    already = evaluate(deal, repo.customers.get(deal.customer), criterion, as_of, repo.config)
    record = {"criterion": criterion.id, "date": when, "kind": kind, "ref": ref}
    try:
        document = EditableDocument.read(root / deal.file, deal.file)
        document.append(("evidence",), record)
    except EditError as error:
        fail_usage(error)
    left_problems = commit_changes(root, as_of, {deal.file: document.to_bytes()},
                                   T("record evidence of {criterion} on {deal}", criterion=criterion.id, deal=deal.id),
                                   dry_run=dry_run)
    if dry_run:
        return
    done = dict(criterion=styled(criterion.id, bold=True), deal=deal.id, date=when, file=deal.file)
    say(T("Recorded evidence of {criterion} on {deal} dated {date} ({file}). It was already met; this adds a "
          "record.", **done) if already.met else
        T("Recorded evidence of {criterion} on {deal} dated {date} ({file}).", **done))
    after = Deal.from_document(document.data, deal.file)
    target = next_stage(pipeline, after)
    if target is not None:
        statuses = gate_status(after, repo.customers.get(deal.customer), pipeline, target, as_of, repo.config)
        missing = [s.criterion.id for s in statuses if not s.met]
        if not missing:
            say(T("All exit criteria before '{stage}' are met: `salesgen move {deal} {stage}`", stage=target.id,
                  deal=deal.id))
        else:
            say(T("Still missing before '{stage}' ({n}): {criteria} (`salesgen show {deal}` says how to record each)",
                  stage=target.id, n=len(missing), criteria=", ".join(missing), deal=deal.id))
    report_left(left_problems)

