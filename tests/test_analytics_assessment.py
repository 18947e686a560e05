"""Attractiveness x feasibility, and the red flags of a buying centre."""
from __future__ import annotations

from decimal import Decimal

from salesgen.analytics.assessment import assess
from salesgen.analytics.stakeholders import merged_roles, red_flags
from salesgen.model import Customer

from test_analytics_funnel import make_deal


def test_means_and_quadrant():
    deal = make_deal("a", "demo", assessment={"attractiveness": {"price": 8, "cost": 6, "value": 9},
                                              "feasibility": {"resources": 6, "capability": 8, "competition": 8,
                                                              "customer": 8}})
    got = assess(deal)
    assert got.attractiveness == Decimal("7.7") and got.feasibility == Decimal("7.5")
    assert got.quadrant == "pursue"
    assert got.scores["attractiveness.price"] == 8


def test_quadrants_split_at_the_midpoint():
    def quadrant(a, f):
        return assess(make_deal("a", "demo", assessment={"attractiveness": {"price": a},
                                                         "feasibility": {"capability": f}})).quadrant
    assert (quadrant(9, 2), quadrant(2, 9), quadrant(5, 5), quadrant(6, 6)) == \
        ("develop", "opportunistic", "avoid", "pursue")


def test_without_scores_there_is_no_quadrant():
    assert assess(make_deal("a", "demo")).quadrant is None
    assert assess(make_deal("a", "demo", assessment={"attractiveness": {"price": 5}})).quadrant is None


CUSTOMER = Customer.from_document({"id": "acme", "name": "Acme", "type": "interest", "owner": "li-lei", "contacts": [
    {"id": "boss", "name": "Boss", "level": "decision"},
    {"id": "buyer", "name": "Buyer", "reports_to": "boss"},
    {"id": "gone", "name": "Gone", "reports_to": "boss", "left": "2026-10-01"}]}, "customers/acme.yaml")


def test_red_flags():
    deal = make_deal("a", "demo", stakeholders=[
        {"contact": "boss", "role": "decision_maker", "attitude": "opponent", "closeness": "distant"},
        {"contact": "buyer", "handler": True, "attitude": "neutral", "evaluation_team": True},
        {"contact": "gone", "role": "user", "attitude": "opponent", "influence": "low"}])
    assert red_flags(deal, CUSTOMER) == [("opponent_powerful", "boss"), ("decision_maker_distant", "boss"),
                                         ("handler_not_supporter", "buyer"), ("opponent", "gone"), ("left", "gone")]
    bare = make_deal("b", "demo", stakeholders=[{"contact": "buyer", "evaluation_team": True}])
    assert red_flags(bare, CUSTOMER) == [("no_handler", ""), ("no_decision_maker", ""), ("evaluator_unknown", "buyer")]


def test_merged_roles_prefer_the_largest_deal():
    small = make_deal("s", "demo", amount=10, stakeholders=[{"contact": "boss", "attitude": "opponent"}])
    big = make_deal("b", "demo", amount=1000, stakeholders=[{"contact": "boss", "attitude": "supporter"},
                                                            {"contact": "buyer", "attitude": "neutral"}])
    assert merged_roles([small, big]) == {"boss": {"contact": "boss", "attitude": "supporter"},
                                          "buyer": {"contact": "buyer", "attitude": "neutral"}}
