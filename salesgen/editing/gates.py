"""Where a deal stands at its next stage gate: pure functions over the loaded data (no I/O).

Used by `salesgen evidence` (which gate the new record opens) and `salesgen show`
(what is missing, and the command that records each missing criterion).
"""
from __future__ import annotations

import datetime as dt

from ..config import Criterion, Pipeline, Stage
from ..criteria import NAMED_CHECKS, CriterionStatus, evaluate, required_before
from ..model import Customer, Deal


def next_stage(pipeline: Pipeline, deal: Deal) -> Stage | None:
    """The open stage after the deal's, else the won stage after the last open one; None for a closed deal."""
    current = pipeline.stage(deal.stage)
    if current is None or current.outcome is not None:
        return None
    later = [s for s in pipeline.stages[current.index + 1:] if s.outcome != "lost"]
    return later[0] if later else None


def gate_status(deal: Deal, customer: Customer | None, pipeline: Pipeline, target: Stage,
                as_of: dt.date) -> list[CriterionStatus]:
    return [evaluate(deal, customer, c, as_of) for c in required_before(pipeline, target)]


def left_stage_on(deal: Deal, stage_id: str) -> dt.date | None:
    """The day the deal last left ``stage_id`` (the date of the stage_history entry after it), or None."""
    if deal.stage == stage_id:
        return None
    history = deal.stage_history
    left = None
    for entry, following in zip(history, history[1:]):
        if entry.stage == stage_id:
            left = following.date
    return left


def computed_need(criterion: Criterion) -> str:
    """What data meets a computed criterion, one sentence."""
    if criterion.check:
        text = (NAMED_CHECKS[criterion.check].__doc__ or criterion.check).strip().splitlines()[0].rstrip(".")
        return text
    return "the deal matches the criterion's `schema:` in salesgen.yaml"


RECORDS = {  # named check -> the command(s) that record the data it reads
    "scorecard_filled": "salesgen set customer {customer} evaluation.FACTOR SCORE   # the seven factors, 1-10",
    "handler_reached": "salesgen stakeholder {deal} CONTACT --handler --closeness frequent",
    "visit_booked": "salesgen log {deal} --type visit --date YYYY-MM-DD --summary \"...\"",
    "buying_process_mapped": "salesgen set customer {customer} buying_process --append \"{{step: ...}}\"",
    "org_chart": "salesgen new contact ID --customer {customer} --department ... --reports-to ...",
    "roles_attitudes": "salesgen stakeholder {deal} CONTACT --role ROLE --attitude ATTITUDE --closeness CLOSENESS",
    "price_as_range": "salesgen set deal {deal} quote '{{low: 900000, high: 1100000}}'",
    "decision_makers_known": "salesgen stakeholder {deal} CONTACT --role decision_maker",
    "evaluation_attitudes": "salesgen stakeholder {deal} CONTACT --evaluation-team --attitude ATTITUDE",
}


def how_to_record(deal: Deal, criterion: Criterion) -> str:
    """The exact command that would meet ``criterion`` for ``deal``."""
    evidence = (f"salesgen evidence {deal.id} {criterion.id} --date YYYY-MM-DD --kind document "
                f"--ref \"...\"")
    if criterion.kind == "evidence":
        return evidence
    if criterion.check in RECORDS:
        command = RECORDS[criterion.check].format(deal=deal.id, customer=deal.customer)
    else:
        command = f"salesgen set deal {deal.id} KEY VALUE   # so that the deal matches the criterion's schema"
    return command + (f"\nor: {evidence}" if criterion.evidence_accepted else "")
