"""Exit criteria: whether a deal meets one, and how (computed from data, or evidenced).

A criterion in the pipeline definition is ``computed`` (a named check below, or a JSON
Schema fragment over the deal document), ``evidence`` (a record under the deal's
``evidence`` with that criterion id, dated on or before the as-of date) or ``approval``
(an internal approval under ``approvals:``, by someone other than the owner who holds a
role the criterion names: evidence alone does not meet it).
Used by the stage-gate rule, the deal page's exit checklist and ``salesgen move``.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass
from typing import Callable, NamedTuple

from .config import Config, Criterion, Pipeline, Stage
from .model import Customer, Deal, to_date

SCORECARD_FACTORS = ("scale_position", "profitability", "investment", "credit", "project_scale",
                     "project_value", "priority")


@dataclass(frozen=True)
class Env:
    """What a named check may need beyond the deal and its customer: the date and the configuration."""

    as_of: dt.date
    config: Config | None = None


def scorecard_filled(deal: Deal, customer: Customer | None, env: Env) -> bool:
    """The customer's evaluation scorecard has all seven factors."""
    return customer is not None and all(f in customer.evaluation for f in SCORECARD_FACTORS)


def target_fit(deal: Deal, customer: Customer | None, env: Env) -> bool:
    """The customer's evaluation scorecard is complete and its weighted score reaches `scorecard_threshold`."""
    from .analytics.scorecard import scorecard

    if customer is None or env.config is None:
        return False
    card = scorecard(customer.evaluation, env.config.weights)
    return card.total is not None and card.total >= env.config.scorecard_threshold


def handler_contact(deal: Deal, customer: Customer | None):
    """The handler stakeholders whose contact is still at the customer (no `left:` date)."""
    for holder in deal.stakeholders:
        if holder.get("handler"):
            contact = customer.contacts.get(holder["contact"]) if customer is not None else None
            if contact is None or not contact.raw.get("left"):
                yield holder


def handler_reached(deal: Deal, customer: Customer | None, env: Env) -> bool:
    """A stakeholder still at the customer is marked as the handler (经手人) and has been in contact with us."""
    return any(s.get("closeness", "none") != "none" for s in handler_contact(deal, customer))


def visit_booked(deal: Deal, customer: Customer | None, env: Env) -> bool:
    """A visit (past or planned) is recorded under `activities:` with the handler among its contacts."""
    handlers = {s["contact"] for s in handler_contact(deal, customer)}
    return any(a.type == "visit" and handlers.intersection(a.contacts) for a in deal.activities)


def buying_process_mapped(deal: Deal, customer: Customer | None, env: Env) -> bool:
    """The customer's internal buying process is recorded (customer `buying_process`)."""
    return customer is not None and bool(customer.raw.get("buying_process"))


def org_chart(deal: Deal, customer: Customer | None, env: Env) -> bool:
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


def roles_attitudes(deal: Deal, customer: Customer | None, env: Env) -> bool:
    """Every stakeholder has a buying role, an attitude and a closeness (table 5-9)."""
    return bool(deal.stakeholders) and all(
        s.get("role") and s.get("attitude") and s.get("closeness") for s in deal.stakeholders)


def price_as_range(deal: Deal, customer: Customer | None, env: Env) -> bool:
    """Any price given is a range (low < high) or a researched quote."""
    quote = deal.get("quote")
    if not quote:
        return True
    if quote.get("researched"):
        return True
    low, high = quote.get("low"), quote.get("high")
    return low is not None and high is not None and low < high


def _filled(text) -> bool:
    return isinstance(text, str) and bool(text.strip())


def decision_makers_known(deal: Deal, customer: Customer | None, env: Env) -> bool:
    """Every decision maker on the deal has a job title (position) and a personality (`motives.personality`)."""
    makers = [s for s in deal.stakeholders if s.get("role") == "decision_maker"]
    if not makers or customer is None:
        return False
    for holder in makers:
        contact = customer.contacts.get(holder["contact"])
        if contact is None or not _filled(contact.title):
            return False
        if not _filled((contact.raw.get("motives") or {}).get("personality")):
            return False
    return True


def evaluation_attitudes(deal: Deal, customer: Customer | None, env: Env) -> bool:
    """The evaluation team is known (evaluation_team: true) and each member's attitude is recorded."""
    team = [s for s in deal.stakeholders if s.get("evaluation_team")]
    return bool(team) and all(s.get("attitude") for s in team)


def competitor_analysis(deal: Deal, customer: Customer | None, env: Env) -> bool:
    """At least one competitor is analysed under `competitors:`, each with real (not blank) strengths and weaknesses."""
    competitors = deal.get("competitors") or ()
    return bool(competitors) and all(_filled(c.get("strengths")) and _filled(c.get("weaknesses"))
                                     for c in competitors)


NAMED_CHECKS: dict[str, Callable[[Deal, Customer | None, Env], bool]] = {
    f.__name__: f for f in (scorecard_filled, target_fit, handler_reached, visit_booked, buying_process_mapped,
                            org_chart, roles_attitudes, price_as_range, decision_makers_known,
                            evaluation_attitudes, competitor_analysis)
}

# What each named check reads: top-level keys of the deal, and "customer.<key>" of the customer's file.
NAMED_CHECK_READS: dict[str, tuple[str, ...]] = {
    "scorecard_filled": ("customer.evaluation",), "target_fit": ("customer.evaluation",),
    "handler_reached": ("stakeholders", "customer.contacts"),
    "visit_booked": ("activities", "stakeholders", "customer.contacts"),
    "buying_process_mapped": ("customer.buying_process",),
    "org_chart": ("stakeholders", "customer.contacts"), "roles_attitudes": ("stakeholders",),
    "price_as_range": ("quote",), "decision_makers_known": ("stakeholders", "customer.contacts"),
    "evaluation_attitudes": ("stakeholders",), "competitor_analysis": ("competitors",),
}


def reads(criterion: Criterion) -> set | None:
    """The keys a criterion's verdict depends on (see NAMED_CHECK_READS); None when it may read any."""
    keys = set()
    if criterion.kind in ("evidence", "approval") or criterion.evidence_accepted:
        keys.add("evidence")
    if criterion.kind == "approval":
        keys.add("approvals")
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


def approval_of(deal: Deal, criterion: Criterion, env: Env) -> int | None:
    """The index in `approvals:` of the first valid approval for an approval criterion, or None.

    Valid: of the criterion's approval kind, dated on or before the as-of date, by a rep
    of the roster who holds one of the criterion's roles. An approval by the deal's owner,
    or by a rep after they left, is the four-eyes rule's problem (one mistake, one
    message): it is not reported again as a missing approval.
    """
    records = deal.get("approvals") or ()
    reps = env.config.reps if env.config is not None else {}
    best = None
    for index, record in enumerate(records):
        if record["kind"] != criterion.approval:
            continue
        date = to_date(record["date"])
        rep = reps.get(record["approver"])
        if date > env.as_of or rep is None:
            continue
        own = record["approver"] == deal.owner  # approval-four-eyes reports it: not a second message here
        if not own and criterion.approver_roles and not set(rep.roles) & set(criterion.approver_roles):
            continue
        if best is None or date < to_date(records[best]["date"]):
            best = index
    return best


class CriterionStatus(NamedTuple):  # a tuple: the stage gate makes one per deal and criterion, 100,000 at 10,000 deals
    criterion: Criterion
    met: bool
    how: str  # computed | evidence | missing
    evidence_index: int | None = None  # position in the deal's evidence list
    approval_index: int | None = None  # position in the deal's approvals list (kind: approval)


@functools.lru_cache(maxsize=256)
def _fragment_validator(fragment_json: str):
    from .schemas import fragment_checker

    return fragment_checker(json.loads(fragment_json))


def evaluate(deal: Deal, customer: Customer | None, criterion: Criterion, as_of: dt.date,
             config: Config | None = None) -> CriterionStatus:
    env = Env(as_of, config)
    if criterion.kind == "approval":
        index = approval_of(deal, criterion, env)
        evidence = deal.evidenced(criterion.id, as_of) if index is not None else None
        return CriterionStatus(criterion, index is not None, "approval" if index is not None else "missing",
                               evidence, index)
    if criterion.kind == "evidence":
        index = deal.evidenced(criterion.id, as_of)
        return CriterionStatus(criterion, index is not None, "evidence" if index is not None else "missing", index)
    met = True
    if criterion.check:
        met = NAMED_CHECKS[criterion.check](deal, customer, env)
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


def checklist(deal: Deal, customer: Customer | None, pipeline: Pipeline, as_of: dt.date,
              config: Config | None = None) -> list[tuple]:
    """(stage, [CriterionStatus]) for every open stage of the pipeline, for pages and `move`."""
    return [(s, [evaluate(deal, customer, c, as_of, config) for c in s.exit])
            for s in pipeline.stages if s.outcome is None]
