"""The buying centre of a deal (table 5-9): who is who, and the red flags a manager should see.

A red flag is ``(code, contact id)``; ``contact id`` is empty for flags about the deal as a
whole. Codes: no_handler, no_decision_maker, opponent, opponent_powerful,
decision_maker_distant, handler_not_supporter, evaluator_unknown, left.
"""
from __future__ import annotations

from ..model import Customer, Deal

WEAK_CLOSENESS = ("distant", "none")


def red_flags(deal: Deal, customer: Customer | None) -> list[tuple[str, str]]:
    flags: list[tuple[str, str]] = []
    holders = deal.stakeholders
    if not any(s.get("handler") for s in holders):
        flags.append(("no_handler", ""))
    if not any(s.get("role") == "decision_maker" for s in holders):
        flags.append(("no_decision_maker", ""))
    for s in holders:
        cid = s["contact"]
        contact = customer.contacts.get(cid) if customer else None
        powerful = s.get("influence") == "high" or s.get("role") == "decision_maker"
        if s.get("attitude") == "opponent":
            flags.append(("opponent_powerful" if powerful else "opponent", cid))
        if s.get("role") == "decision_maker" and s.get("closeness", "none") in WEAK_CLOSENESS:
            flags.append(("decision_maker_distant", cid))
        if s.get("handler") and s.get("attitude") not in (None, "supporter"):
            flags.append(("handler_not_supporter", cid))
        if s.get("evaluation_team") and not s.get("attitude"):
            flags.append(("evaluator_unknown", cid))
        if contact is not None and contact.raw.get("left"):
            flags.append(("left", cid))
    return flags


def merged_roles(deals: list[Deal]) -> dict[str, dict]:
    """contact id -> the stakeholder record from the largest of ``deals`` that lists the contact.

    "Largest" compares amounts as numbers whatever their currency: it only picks which
    record to show, it is never summed.
    """
    merged: dict[str, dict] = {}
    for deal in sorted(deals, key=lambda d: (-d.amount, d.id)):
        for s in deal.stakeholders:
            merged.setdefault(s["contact"], s)
    return merged
