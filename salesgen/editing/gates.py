"""Where a deal stands at its next stage gate: pure functions over the loaded data (no I/O).

Used by `salesgen evidence` (which gate the new record opens) and `salesgen show`
(what is missing, and the command that records each missing criterion).
"""
from __future__ import annotations

import datetime as dt

from ..config import Config, Criterion, Pipeline, Stage
from ..criteria import CriterionStatus, evaluate, handler_contact, required_before
from ..i18n import N_, Message, T, any_of, join  # any_of: the editing commands import it from here
from ..model import Customer, Deal
from ..rules.stage_gate import needed_data


def next_stage(pipeline: Pipeline, deal: Deal) -> Stage | None:
    """The open stage after the deal's, else the won stage after the last open one; None for a closed deal."""
    current = pipeline.stage(deal.stage)
    if current is None or current.outcome is not None:
        return None
    later = [s for s in pipeline.stages[current.index + 1:] if s.outcome != "lost"]
    return later[0] if later else None


def gate_status(deal: Deal, customer: Customer | None, pipeline: Pipeline, target: Stage,
                as_of: dt.date, config: Config | None = None) -> list[CriterionStatus]:
    """Each criterion the deal must meet to be in ``target``, evaluated as the linter does (with the config:
    the scorecard threshold and the roster's roles count)."""
    return [evaluate(deal, customer, c, as_of, config) for c in required_before(pipeline, target)]


def left_stage_on(deal: Deal, pipeline: Pipeline, stage_id: str) -> dt.date | None:
    """The day the deal first went past ``stage_id`` (as the evidence-late rule counts it), or None.

    Evidence or an approval dated that day is in time; a day later is late.
    """
    from ..rules.evidence_late import left_on
    from ..rules.stage_history import stage_ranks

    dates = [entry.date for entry in deal.stage_history]
    if dates != sorted(dates):
        return None  # stage-history reports it; lateness cannot be judged
    return left_on(deal, pipeline, stage_ranks(pipeline)).get(stage_id)


def approvers(criterion: Criterion, deal: Deal, config: Config | None) -> list[str]:
    """Active reps other than the deal's owner who hold one of the criterion's approver roles."""
    if config is None:
        return []
    return [r.id for r in config.reps.values()
            if r.active and r.id != deal.owner and set(r.roles) & set(criterion.approver_roles)]


def approve_command(deal: Deal, criterion: Criterion, config: Config | None, date: str = "YYYY-MM-DD") -> Message:
    """The `salesgen approve` line that meets an approval criterion, with who may approve it as a comment."""
    who = approvers(criterion, deal, config)
    rep = who[0] if len(who) == 1 else "REP"
    roles = any_of(criterion.approver_roles) or T("any role")
    command = f"salesgen approve {deal.id} {criterion.approval} --by {rep} --date {date} --ref \"...\""
    if who:
        return T("{command}   # by a rep holding {roles} ({holders}), not the owner {owner}", command=command,
                 roles=roles, holders=", ".join(who), owner=deal.owner)
    return T("{command}   # by a rep holding {roles} (nobody in the roster: add `roles:` to a rep in salesgen.yaml), "
             "not the owner {owner}", command=command, roles=roles, owner=deal.owner)


def computed_need(criterion: Criterion) -> Message:
    """What data meets a computed criterion, one sentence starting in lower case."""
    if criterion.check:
        return Message(needed_data(criterion.check))  # a msgid of the catalogue (the check's docstring)
    return T("the deal matches the criterion's `schema:` in salesgen.yaml")


SEVEN_FACTORS = N_("the seven factors, 1-10")
RECORDS = {  # named check -> the command(s) that record the data it reads, each with its comment (a msgid)
    "scorecard_filled": [("salesgen set customer {customer} evaluation.FACTOR SCORE", SEVEN_FACTORS)],
    "target_fit": [("salesgen set customer {customer} evaluation.FACTOR SCORE",
                    N_("the seven factors, 1-10; the weighted score must reach scorecard_threshold ({threshold})"))],
    "handler_reached": [("salesgen stakeholder {deal} CONTACT --handler --closeness frequent", None)],
    "visit_booked": [("salesgen log {deal} --type visit --contact {handler} --date YYYY-MM-DD --summary \"...\"",
                      None)],
    "buying_process_mapped": [("salesgen set customer {customer} buying_process --append \"{{step: ...}}\"", None)],
    "org_chart": [("salesgen new contact ID --customer {customer} --department ... --reports-to ...", None)],
    "roles_attitudes": [("salesgen stakeholder {deal} CONTACT --role ROLE --attitude ATTITUDE --closeness CLOSENESS",
                         None)],
    "price_as_range": [("salesgen set deal {deal} quote '{{low: 900000, high: 1100000}}'", None)],
    "decision_makers_known": [("salesgen stakeholder {deal} CONTACT --role decision_maker", None),
                              ("salesgen set customer {customer} contacts.CONTACT.title \"...\"", N_("the position")),
                              ("salesgen set customer {customer} contacts.CONTACT.motives.personality \"...\"", None)],
    "evaluation_attitudes": [("salesgen stakeholder {deal} CONTACT --evaluation-team --attitude ATTITUDE", None)],
    "competitor_analysis": [("salesgen set deal {deal} competitors --append "
                             "\"{{name: ..., strengths: ..., weaknesses: ...}}\"", None)],
}


def how_to_record(deal: Deal, criterion: Criterion, config: Config | None = None,
                  customer: Customer | None = None) -> Message:
    """The exact command that would meet ``criterion`` for ``deal`` (several lines when it takes several); the
    commands stay as they are in every language, their comments translate."""
    evidence = (f"salesgen evidence {deal.id} {criterion.id} --date YYYY-MM-DD --kind document "
                f"--ref \"...\"")
    if criterion.kind == "evidence":
        return Message(evidence)
    if criterion.kind == "approval":
        return approve_command(deal, criterion, config)
    lines = []
    if criterion.check in RECORDS:
        handlers = [s["contact"] for s in handler_contact(deal, customer)]
        threshold = config.scorecard_threshold if config is not None else "scorecard_threshold"
        values = dict(deal=deal.id, customer=deal.customer, handler=handlers[0] if handlers else "HANDLER")
        for command, comment in RECORDS[criterion.check]:
            command = command.format(**values)
            lines.append(T("{command}   # {comment}", command=command,
                           comment=Message(comment, (("threshold", threshold),) if "{threshold}" in comment else ()))
                         if comment else command)
    else:
        command = f"salesgen set deal {deal.id} KEY VALUE"
        lines.append(T("{command}   # so that the deal matches the criterion's schema", command=command))
    if criterion.evidence_accepted:
        lines.append(T("or: {command}", command=evidence))
    return join(lines, "\n")
