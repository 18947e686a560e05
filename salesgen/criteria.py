"""Exit criteria: whether a deal meets one, and how (computed from data, or evidenced).

A criterion in the pipeline definition is either ``computed`` (a named check below, or
a JSON Schema fragment over the deal document) or ``evidence`` (a record under the
deal's ``evidence`` with that criterion id, dated on or before the as-of date).
Used by the stage-gate rule, the deal page's exit checklist and ``salesgen move``.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass
from typing import Callable

from .config import Criterion, Pipeline, Stage
from .model import Customer, Deal

SCORECARD_FACTORS = ("scale_position", "profitability", "investment", "credit", "project_scale",
                     "project_value", "priority")


def scorecard_filled(deal: Deal, customer: Customer | None) -> bool:
    """The customer's evaluation scorecard has all seven factors."""
    return customer is not None and all(f in customer.evaluation for f in SCORECARD_FACTORS)


def handler_reached(deal: Deal, customer: Customer | None) -> bool:
    """A stakeholder is marked as the handler (经手人) and has been in contact with us."""
    return any(s.get("handler") and s.get("closeness", "none") != "none" for s in deal.stakeholders)


def visit_booked(deal: Deal, customer: Customer | None) -> bool:
    """An activity of type visit is recorded (past or planned)."""
    return any(a.type == "visit" for a in deal.activities)


def buying_process_mapped(deal: Deal, customer: Customer | None) -> bool:
    """The customer's internal buying process is recorded (customer `buying_process`)."""
    return customer is not None and bool(customer.raw.get("buying_process"))


def org_chart(deal: Deal, customer: Customer | None) -> bool:
    """Every stakeholder is placed in the org chart: department, and a manager unless at decision level."""
    if customer is None or not deal.stakeholders:
        return False
    for holder in deal.stakeholders:
        contact = customer.contacts.get(holder["contact"])
        if contact is None or not contact.department:
            return False
        if contact.reports_to is None and contact.level != "decision":
            return False
    return True


def roles_attitudes(deal: Deal, customer: Customer | None) -> bool:
    """Every stakeholder has a buying role, an attitude and a closeness (table 5-9)."""
    return bool(deal.stakeholders) and all(
        s.get("role") and s.get("attitude") and s.get("closeness") for s in deal.stakeholders)


def price_as_range(deal: Deal, customer: Customer | None) -> bool:
    """Any price given is a range (low < high) or a researched quote."""
    quote = deal.get("quote")
    if not quote:
        return True
    if quote.get("researched"):
        return True
    low, high = quote.get("low"), quote.get("high")
    return low is not None and high is not None and low < high


def decision_makers_known(deal: Deal, customer: Customer | None) -> bool:
    """At least one stakeholder has the buying role decision_maker."""
    return any(s.get("role") == "decision_maker" for s in deal.stakeholders)


def evaluation_attitudes(deal: Deal, customer: Customer | None) -> bool:
    """The evaluation team is known (evaluation_team: true) and each member's attitude is recorded."""
    team = [s for s in deal.stakeholders if s.get("evaluation_team")]
    return bool(team) and all(s.get("attitude") for s in team)


NAMED_CHECKS: dict[str, Callable[[Deal, Customer | None], bool]] = {
    f.__name__: f for f in (scorecard_filled, handler_reached, visit_booked, buying_process_mapped, org_chart,
                            roles_attitudes, price_as_range, decision_makers_known, evaluation_attitudes)
}

# What each named check reads: top-level keys of the deal, and "customer.<key>" of the customer's file.
NAMED_CHECK_READS: dict[str, tuple[str, ...]] = {
    "scorecard_filled": ("customer.evaluation",), "handler_reached": ("stakeholders",),
    "visit_booked": ("activities",), "buying_process_mapped": ("customer.buying_process",),
    "org_chart": ("stakeholders", "customer.contacts"), "roles_attitudes": ("stakeholders",),
    "price_as_range": ("quote",), "decision_makers_known": ("stakeholders",),
    "evaluation_attitudes": ("stakeholders",),
}


def reads(criterion: Criterion) -> set | None:
    """The keys a criterion's verdict depends on (see NAMED_CHECK_READS); None when it may read any."""
    keys = set()
    if criterion.kind == "evidence" or criterion.evidence_accepted:
        keys.add("evidence")
    if criterion.check:
        if criterion.check not in NAMED_CHECK_READS:
            return None
        keys.update(NAMED_CHECK_READS[criterion.check])
    if criterion.schema is not None:
        fragment = criterion.schema
        if not isinstance(fragment, dict) or set(fragment) - {"type", "properties", "required"}:
            return None
        keys.update(fragment.get("properties") or ())
        keys.update(fragment.get("required") or ())
    return keys


@dataclass(frozen=True)
class CriterionStatus:
    criterion: Criterion
    met: bool
    how: str  # computed | evidence | missing
    evidence_index: int | None = None  # position in the deal's evidence list


@functools.lru_cache(maxsize=256)
def _fragment_validator(fragment_json: str):
    from .schemas import fragment_checker

    return fragment_checker(json.loads(fragment_json))


def evaluate(deal: Deal, customer: Customer | None, criterion: Criterion, as_of: dt.date) -> CriterionStatus:
    if criterion.kind == "evidence":
        index = deal.evidenced(criterion.id, as_of)
        return CriterionStatus(criterion, index is not None, "evidence" if index is not None else "missing", index)
    met = True
    if criterion.check:
        met = NAMED_CHECKS[criterion.check](deal, customer)
    if met and criterion.schema is not None:
        fragment = json.dumps(criterion.schema, sort_keys=True, default=str)
        met = _fragment_validator(fragment).is_valid(deal.raw)
    if met:
        return CriterionStatus(criterion, True, "computed")
    if criterion.evidence_accepted:
        index = deal.evidenced(criterion.id, as_of)
        if index is not None:
            return CriterionStatus(criterion, True, "evidence", index)
    return CriterionStatus(criterion, False, "missing")


def required_before(pipeline: Pipeline, stage: Stage) -> list[Criterion]:
    """Exit criteria of every open stage before ``stage`` (what a deal in ``stage`` must meet)."""
    if stage.outcome == "lost":
        return []
    return [c for s in pipeline.stages[: stage.index] if s.outcome is None for c in s.exit]


def checklist(deal: Deal, customer: Customer | None, pipeline: Pipeline, as_of: dt.date) -> list[tuple]:
    """(stage, [CriterionStatus]) for every open stage of the pipeline, for pages and `move`."""
    return [(s, [evaluate(deal, customer, c, as_of) for c in s.exit]) for s in pipeline.stages if s.outcome is None]
