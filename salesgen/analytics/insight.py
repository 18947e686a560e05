"""What to learn at each buying stage (机会分析, tables 4-1, 4-3, 4-4, 4-7 and 4-8), and what is known.

Each buyer stage of a pipeline lists under ``learn:`` the information to collect while
the customer is in it (信息收集范围): its basics and scorecard (4-1); the project's
requirements, value, competitors, size and budget, decision process and purchase
schedule (4-3); the customer's organization, buying team and key people (4-4); the
purchase criteria on five dimensions (企业资质、产品/方案、服务、价格、项目管理), the
competitors' strength and their relations with the customer (4-7); the specific
criteria of the tender and the tender team (4-8). A deal records what it learned under
``buyer_insight:``; some items are also known from data kept elsewhere (the scorecard,
the competitor table, the org chart...). Pure: no I/O, no clock.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..config import Pipeline, Stage
from ..model import Customer, Deal

# The five dimensions of the customer's purchase criteria (table 4-7).
CRITERIA_DIMENSIONS = ("qualification", "solution", "service", "price", "project_management")


def _filled(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _scorecard(deal: Deal, customer: Customer | None) -> bool:
    from ..criteria import SCORECARD_FACTORS

    return customer is not None and all(f in customer.evaluation for f in SCORECARD_FACTORS)


def _org_structure(deal: Deal, customer: Customer | None) -> bool:
    if customer is None or not deal.stakeholders:
        return False
    return all((c := customer.contacts.get(s["contact"])) is not None and c.department
               and (c.reports_to or c.level == "decision") for s in deal.stakeholders)


def _key_people(deal: Deal, customer: Customer | None) -> bool:
    makers = [s for s in deal.stakeholders if s.get("role") == "decision_maker"]
    return bool(makers) and all(s.get("concerns") or s.get("attitude") for s in makers)


# Items that data kept elsewhere can show as known (the deal's own record wins).
FROM_DATA: dict[str, Callable[[Deal, Customer | None], bool]] = {
    "customer_basics": _scorecard,
    "competitors": lambda deal, customer: bool(deal.get("competitors")),
    "budget": lambda deal, customer: bool(deal.evidence.get("budget_known")),
    "decision_process": lambda deal, customer: customer is not None and bool(customer.raw.get("buying_process")),
    "org_structure": _org_structure,
    "buying_team": lambda deal, customer: any(s.get("evaluation_team") for s in deal.stakeholders),
    "key_people": _key_people,
    "competitor_strength": lambda deal, customer: any(_filled(c.get("strengths"))
                                                       for c in deal.get("competitors") or ()),
}


@dataclass(frozen=True)
class LearnItem:
    id: str
    label: dict
    known: bool
    value: str | None  # what the deal recorded, if anything
    from_data: bool  # known from data kept elsewhere (scorecard, competitor table, org chart...)
    parts: tuple = ()  # purchase_criteria: (dimension, text or None) for each of the five dimensions


def current_buyer_stage(deal: Deal, stage: Stage | None) -> str | None:
    """The customer's buying stage: the deal's `buyer_stage`, else the one its seller stage aligns with."""
    return deal.buyer_stage or (stage.buyer_stage if stage is not None else None)


def learn_status(deal: Deal, customer: Customer | None, pipeline: Pipeline, buyer_stage: str | None) -> list:
    """What to learn at ``buyer_stage`` and, for each item, whether the deal knows it."""
    items = []
    insight = deal.get("buyer_insight") or {}
    for item_id, label in pipeline.learn.get(buyer_stage, ()):
        recorded = insight.get(item_id)
        parts: tuple = ()
        if item_id == "purchase_criteria":
            recorded = recorded or {}
            parts = tuple((dim, recorded.get(dim) if _filled(recorded.get(dim)) else None)
                          for dim in CRITERIA_DIMENSIONS)
            known = all(text is not None for _, text in parts)
            items.append(LearnItem(item_id, label, known, None, False, parts))
            continue
        value = recorded if _filled(recorded) else None
        from_data = value is None and item_id in FROM_DATA and FROM_DATA[item_id](deal, customer)
        items.append(LearnItem(item_id, label, value is not None or from_data, value, from_data))
    return items
