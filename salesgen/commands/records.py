"""Small editing commands for the records a deal needs on its way to won, so nobody hand-edits YAML.

`stakeholder` (the buying centre), `team` (deal team roles), `approve` (internal
approvals) and `set` (any other value: the customer's scorecard or buying process, a
price range, competitors, the contract). Each changes only what it names, keeps every
other byte, lints the result before writing, and refuses an edit that adds an error.
"""
from __future__ import annotations

import datetime as dt

import click

from ..i18n import T
from .common import as_of_option, fail_usage, lang_option, load_or_exit, root_option, say, styled
from .completion import complete_contacts, complete_customers, complete_deals, complete_reps
from .prompting import choose, did_you_mean

ROLES = ("initiator", "designer", "decision_maker", "user", "evaluator")
ATTITUDES = ("supporter", "neutral", "opponent")
CLOSENESS = ("close", "frequent", "distant", "none")
INFLUENCE = ("high", "medium", "low")
TEAM_ROLES = ("presales", "consultant", "executive", "commercial", "finance", "legal", "implementation")
APPROVALS = ("project_initiation", "quote", "contract_review")
OWNED_BY_COMMANDS = {"stage": "salesgen move", "stage_history": "salesgen move", "activities": "salesgen log",
                     "evidence": "salesgen evidence", "id": T("a rename (not supported: ids are referenced)"),
                     "approvals": "salesgen approve", "stakeholders": "salesgen stakeholder",
                     "contacts": "salesgen new contact"}


def _choices(values):
    return lambda ctx, param, incomplete: [v for v in values if v.startswith(incomplete)]


def _deal(repo, ref):
    from ..editing.moves import MoveError, find_deal

    try:
        return find_deal(repo, ref)
    except MoveError as error:
        fail_usage(error)


def _document(root, file):
    from ..editing import EditableDocument, EditError

    try:
        return EditableDocument.read(root / file, file)
    except EditError as error:
        fail_usage(error)


def set_path(document, path: tuple, value) -> None:
    """Set ``path`` to ``value``, creating the missing mappings on the way (as one new key)."""
    from ..editing import EditError

    try:
        for depth in range(len(path) - 1):
            if document.get(path[: depth + 1]) is None:
                nested = value
                for part in reversed(path[depth + 1:]):
                    nested = {part: nested}
                document.set(path[: depth + 1], nested)
                return
        document.set(path, value)
    except EditError as error:
        fail_usage(error)


def _finish(root, as_of, document, what, dry_run: bool, done) -> None:
    """``what`` names the edit and ``done`` says it was made: T messages, said in the user's language."""
    from .editflow import commit_changes, report_left

    if not document.changed:
        say(T("Nothing to change: {what} is already recorded.", what=what))
        return
    left = commit_changes(root, as_of, {document.file: document.to_bytes()}, what, dry_run=dry_run)
    if not dry_run:
        say(done)
        report_left(left)


dry_run_option = click.option("--dry-run", is_flag=True, help="Check and print the change; write nothing.")


@click.command("stakeholder")
@click.argument("deal_ref", metavar="DEAL", shell_complete=complete_deals)
@click.argument("contact", metavar="CONTACT", shell_complete=complete_contacts)
@click.option("--role", metavar="ROLE", shell_complete=_choices(ROLES), help=f"Buying role: {', '.join(ROLES)}.")
@click.option("--attitude", metavar="ATTITUDE", shell_complete=_choices(ATTITUDES),
              help=f"Attitude towards us: {', '.join(ATTITUDES)}.")
@click.option("--closeness", metavar="LEVEL", shell_complete=_choices(CLOSENESS),
              help=f"How close we are: {', '.join(CLOSENESS)}.")
@click.option("--influence", metavar="LEVEL", shell_complete=_choices(INFLUENCE), help="high, medium or low.")
@click.option("--handler/--not-handler", default=None, help="This person handles the purchase (经手人).")
@click.option("--evaluation-team/--not-evaluation-team", "evaluation", default=None,
              help="Member of the customer's evaluation team.")
@dry_run_option
@root_option
@as_of_option()
@lang_option
def stakeholder(deal_ref, contact, role, attitude, closeness, influence, handler, evaluation, dry_run, root, as_of):
    """Add CONTACT to DEAL's buying centre (`stakeholders:`), or update what is known about them.

    \b
    Examples:
      salesgen stakeholder acme-line acme-buyer --role initiator --attitude supporter --closeness frequent --handler
      salesgen stakeholder acme-line acme-boss --role decision_maker --evaluation-team --attitude neutral
    """
    repo, as_of = load_or_exit(root, as_of)
    deal = _deal(repo, deal_ref)
    customer = repo.customers.get(deal.customer)
    contact = choose(contact, list(customer.contacts) if customer else [], "CONTACT", T("Contact"),
                     what=T("contact of {customer} (add one with `salesgen new contact`)", customer=deal.customer))
    fields = {"role": choose(role, ROLES, "--role", T("Role"), what=T("buying role"), required=False)
              if role else None,
              "handler": handler,
              "attitude": choose(attitude, ATTITUDES, "--attitude", T("Attitude"), what=T("attitude"),
                                 required=False) if attitude else None,
              "closeness": choose(closeness, CLOSENESS, "--closeness", T("Closeness"), what=T("closeness"),
                                  required=False) if closeness else None,
              "influence": choose(influence, INFLUENCE, "--influence", T("Influence"), what=T("influence"),
                                  required=False) if influence else None,
              "evaluation_team": evaluation}
    fields = {k: v for k, v in fields.items() if v is not None}
    document = _document(root, deal.file)
    index = next((i for i, s in enumerate(deal.stakeholders) if s.get("contact") == contact), None)
    if index is None:
        set_or_append = {"contact": contact, **fields}
        try:
            document.append(("stakeholders",), set_or_append)
        except Exception as error:  # EditError: one line
            fail_usage(error)
        done = T("Added {contact} to the buying centre of {deal}.", contact=contact, deal=styled(deal.id, bold=True))
    else:
        for key, value in fields.items():
            set_path(document, ("stakeholders", index, key), value)
        done = T("Updated {contact} in the buying centre of {deal}.", contact=contact,
                 deal=styled(deal.id, bold=True))
    _finish(root, as_of, document, T("record {contact} as a stakeholder of {deal}", contact=contact, deal=deal.id),
            dry_run, done)


@click.command("team")
@click.argument("deal_ref", metavar="DEAL", shell_complete=complete_deals)
@click.argument("role", metavar="ROLE", shell_complete=_choices(TEAM_ROLES))
@click.argument("rep", metavar="REP", shell_complete=complete_reps)
@dry_run_option
@root_option
@as_of_option()
@lang_option
def team(deal_ref, role, rep, dry_run, root, as_of):
    """Put REP on DEAL's team in ROLE (presales, consultant, executive, commercial, finance, legal, implementation).

    \b
    Examples:
      salesgen team acme-line presales wang-xing
      salesgen team acme-line executive zhao-wei
    """
    repo, as_of = load_or_exit(root, as_of)
    deal = _deal(repo, deal_ref)
    role = choose(role, TEAM_ROLES, "ROLE", T("Role"), what=T("team role"))
    reps = [r.id for r in repo.config.reps.values() if r.active]
    rep = choose(rep, reps, "REP", T("Rep"), what=T("active rep"))
    document = _document(root, deal.file)
    set_path(document, ("team", role), rep)
    _finish(root, as_of, document, T("set the {role} of {deal} to {rep}", role=role, deal=deal.id, rep=rep), dry_run,
            T("Set the {role} of {deal} to {rep}.", role=role, deal=styled(deal.id, bold=True), rep=rep))


@click.command("approve")
@click.argument("deal_ref", metavar="DEAL", shell_complete=complete_deals)
@click.argument("kind", metavar="KIND", shell_complete=_choices(APPROVALS))
@click.option("--by", "approver", metavar="REP", shell_complete=complete_reps,
              help="The rep who approved (not the deal's owner).")
@click.option("--date", "date_", metavar="YYYY-MM-DD", help="When. Default: the as-of date.")
@click.option("--ref", help="The approval form or document.")
@dry_run_option
@root_option
@as_of_option()
@lang_option
def approve(deal_ref, kind, approver, date_, ref, dry_run, root, as_of):
    """Record an internal approval of DEAL: project_initiation, quote or contract_review.

    Checked against the approval criteria of the deal's pipeline (refused, exit 2,
    nothing written): the kind must be one a criterion asks for, the approver an
    active rep who holds one of that criterion's roles (`roles:` in salesgen.yaml)
    and not the deal's owner (four eyes), the date not after the as-of date nor after
    the deal left the criterion's stage (the day it left is still in time).

    \b
    Examples:
      salesgen approve acme-line project_initiation --by zhao-wei --ref "立项申请 P-2026-07"
      salesgen approve acme-line quote --by zhao-wei --date 2026-12-01
    """
    from ..editing.gates import any_of, approvers, left_stage_on
    from .log import parse_date

    repo, as_of = load_or_exit(root, as_of)
    deal = _deal(repo, deal_ref)
    pipeline = repo.config.pipelines.get(deal.pipeline)
    if pipeline is None:
        fail_usage(T("{file}: unknown pipeline '{pipeline}'; run `salesgen lint`", file=deal.file,
                     pipeline=deal.pipeline))
    wanted = {c.approval: c for c in pipeline.criteria().values() if c.kind == "approval"}
    kind = choose(kind, list(wanted) or APPROVALS, "KIND", T("Kind"),
                  what=T("approval kind of pipeline '{pipeline}'", pipeline=pipeline.id))
    criterion = wanted.get(kind)
    if criterion is None:
        fail_usage(T("pipeline '{pipeline}' has no approval criterion of kind '{kind}'; nothing to approve",
                     pipeline=pipeline.id, kind=kind))
    reps = [r.id for r in repo.config.reps.values() if r.active]
    approver = choose(approver, reps, "--by", T("Approved by (rep id)"), what=T("active rep"))
    roles = any_of(criterion.approver_roles)
    holders = approvers(criterion, deal, repo.config)
    may = T("; it may be approved by {reps}", reps=", ".join(holders)) if holders else \
        T("; no other rep holds {roles}: give one `roles:` in salesgen.yaml", roles=roles)
    if approver == deal.owner:
        fail_usage(T("--by {rep} owns {deal}: nobody approves their own deal ({criterion}){may}", rep=approver,
                     deal=deal.id, criterion=criterion.id, may=may))
    if criterion.approver_roles and not set(repo.config.reps[approver].roles) & set(criterion.approver_roles):
        fail_usage(T("--by {rep} does not hold {roles}, the roles that approve '{kind}' ({criterion}){may}",
                     rep=approver, roles=roles, kind=kind, criterion=criterion.id, may=may))
    when = parse_date(date_, "--date") if date_ else as_of
    if when > as_of:
        fail_usage(T("--date {date} is after the as-of date {as_of}: record an approval once it is given", date=when,
                     as_of=as_of))
    left = left_stage_on(deal, pipeline, criterion.stage)
    if left is not None and when > left:
        fail_usage(T("--date {date} is after {deal} left stage '{stage}' on {left}: the approval of '{criterion}' "
                     "must be dated on or before that day (the gate was passed then)", date=when, deal=deal.id,
                     stage=criterion.stage, left=left, criterion=criterion.id))
    record: dict = {"kind": kind, "date": when, "approver": approver}
    if ref:
        record["ref"] = ref
    document = _document(root, deal.file)
    try:
        document.append(("approvals",), record)
    except Exception as error:  # EditError
        fail_usage(error)
    _finish(root, as_of, document, T("record the {kind} approval of {deal}", kind=kind, deal=deal.id), dry_run,
            T("Recorded the {kind} approval of {deal} by {rep} on {date}.", kind=kind, deal=styled(deal.id, bold=True),
              rep=approver, date=when))


def _contact_index(customer, contact: str) -> int:
    """The position of ``contact`` in the customer's `contacts:` list (a usage error when it is not there)."""
    ids = [entry.get("id") if isinstance(entry, dict) else None for entry in customer.raw.get("contacts") or ()]
    if contact not in ids:
        fail_usage(T("no contact '{contact}' in {file}{guess} (add one with `salesgen new contact`)", contact=contact,
                     file=customer.file, guess=did_you_mean(contact, [i for i in ids if i])))
    return ids.index(contact)


def _parse_value(text: str):
    import yaml

    try:
        return yaml.safe_load(text) if text.strip() else ""
    except yaml.YAMLError as error:
        fail_usage(T("VALUE {value} is not a YAML value ({problem}); quote text, write lists as [a, b] and mappings "
                     "as {{k: v}}", value=repr(text[:60]), problem=getattr(error, "problem", None) or error))


@click.command("set", short_help="Set one value of a deal or customer (scorecard, buying process, contract...).")
@click.argument("kind", type=click.Choice(["deal", "customer"]))
@click.argument("ident", metavar="ID", shell_complete=lambda c, p, i: (
    complete_deals if c.params.get("kind") == "deal" else complete_customers)(c, p, i))
@click.argument("key", metavar="KEY")
@click.argument("value", metavar="VALUE")
@click.option("--append", is_flag=True, help="Append VALUE to the list at KEY (created when missing).")
@dry_run_option
@root_option
@as_of_option()
@lang_option
def set_value(kind, ident, key, value, append, dry_run, root, as_of):
    """Set KEY (dotted, e.g. evaluation.credit) of a deal or customer to VALUE (YAML: 8, text, [a, b], {k: v}).

    For the records that have no command of their own: a customer's scorecard and
    buying process, a deal's price range, competitors, contract, and what is known
    about an existing contact (`contacts.CONTACT-ID.KEY`, e.g. the title or
    motives.personality a decision maker needs). Stage, activities, evidence,
    approvals, stakeholders and new contacts have their own commands and are refused
    here. Only that value changes; the result must lint.

    \b
    Examples:
      salesgen set customer acme evaluation.credit 8
      salesgen set customer acme buying_process --append "{step: 技术部提出需求}"
      salesgen set customer acme contacts.acme-li.motives.personality "果断，重结果"
      salesgen set deal acme-line quote "{low: 450000, high: 520000}"
      salesgen set deal acme-line competitors --append "{name: 进口品牌, strengths: 品牌, weaknesses: 交期}"
    """
    repo, as_of = load_or_exit(root, as_of)
    if kind == "deal":
        file = _deal(repo, ident).file
    else:
        customer = repo.customers.get(ident)
        if customer is None:
            fail_usage(T("no customer '{id}'{guess}", id=ident, guess=did_you_mean(ident, repo.customers)))
        file = customer.file
    path = tuple(int(part) if part.isdigit() else part for part in key.split("."))
    if kind == "customer" and len(path) > 2 and path[0] == "contacts" and isinstance(path[1], str) \
            and path[2] != "id":
        path = ("contacts", _contact_index(repo.customers[ident], path[1])) + path[2:]
    elif not all(path) or path[0] in OWNED_BY_COMMANDS and not (kind == "customer" and path[0] == "stage"):
        owner = OWNED_BY_COMMANDS.get(path[0])
        fail_usage(T("'{key}' is not set with `salesgen set`; use {command}", key=key, command=owner) if owner else
                   T("'{key}' is not set with `salesgen set`", key=key))
    parsed = _parse_value(value)
    document = _document(root, file)
    if append:
        from ..editing import EditError

        try:
            if document.get(path) is None and len(path) > 1:
                set_path(document, path, [parsed])
            else:
                document.append(path, parsed)
        except EditError as error:
            fail_usage(error)
    else:
        set_path(document, path, parsed)
    _finish(root, as_of, document, T("set {key} of {file}", key=key, file=file), dry_run,
            T("Set {key} in {file}.", key=key, file=styled(file, bold=True)))
