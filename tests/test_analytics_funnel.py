"""Funnel analytics: per pipeline and stage, per funnel state, stage-to-stage conversion.

Figures over the example repository are checked against a computation from the raw
YAML (PyYAML, own arithmetic); conversion is checked on hand-made histories.
"""
from __future__ import annotations

import datetime as dt
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from salesgen.analytics import funnel
from salesgen.analytics.probability import probability, value, weighted
from salesgen.config import load_config
from salesgen.model import Deal
from salesgen.repository import load_repository

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "salesgen" / "data" / "default-config.yaml"
AS_OF = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    root = tmp_path_factory.mktemp("config")
    shutil.copy(DEFAULT_CONFIG, root / "salesgen.yaml")
    loaded, problems = load_config(root)
    assert loaded is not None, problems
    return loaded


def make_deal(ident, stage, history=(), amount=100, currency="CNY", pipeline="project", **extra) -> Deal:
    doc = {"id": ident, "name": ident, "customer": "acme", "owner": "li-lei", "pipeline": pipeline, "stage": stage,
           "amount": amount, "currency": currency, "expected_close": "2026-12-31",
           "stage_history": [{"stage": s, "date": d} for s, d in history], **extra}
    return Deal.from_document(doc, f"deals/{ident}.yaml")


def raw_example(root: Path):
    config = yaml.safe_load((root / "salesgen.yaml").read_text(encoding="utf-8"))
    deals = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((root / "deals").rglob("*.yaml"))]
    stages = {(p["id"], s["id"]): s for p in config["pipelines"] for s in p["stages"]}
    return config, deals, stages


def own_value(deal: dict, stage: dict) -> Decimal:
    if stage.get("outcome") == "won" and (deal.get("contract") or {}).get("value") is not None:
        return Decimal(str(deal["contract"]["value"]))
    return Decimal(str(deal["amount"]))


def own_percent(deal: dict, stage: dict) -> int:
    if stage.get("outcome") == "won":
        return 100
    if stage.get("outcome") == "lost":
        return 0
    return (deal.get("probability") or {}).get("value", stage["probability"])


def test_by_stage_matches_the_files(example_repo):
    raw_config, raw_deals, stages = raw_example(example_repo)
    expected = defaultdict(lambda: [0, defaultdict(Decimal), defaultdict(Decimal)])
    for deal in raw_deals:
        stage = stages[(deal["pipeline"], deal["stage"])]
        row = expected[(deal["pipeline"], deal["stage"])]
        row[0] += 1
        row[1][deal["currency"]] += own_value(deal, stage)
        row[2][deal["currency"]] += own_value(deal, stage) * own_percent(deal, stage) / 100
    repo = load_repository(example_repo)
    rows = funnel.by_stage(repo.deals.values(), repo.config)
    assert list(rows) == [p["id"] for p in raw_config["pipelines"]]
    seen = 0
    for pid, stage_rows in rows.items():
        assert [r.stage.id for r in stage_rows] == [s["id"] for p in raw_config["pipelines"] if p["id"] == pid
                                                     for s in p["stages"]]
        for row in stage_rows:
            count, amount, weight = expected.get((pid, row.stage.id), (0, {}, {}))
            assert row.bucket.count == count, (pid, row.stage.id)
            assert dict(row.bucket.amount) == dict(amount), (pid, row.stage.id)
            assert dict(row.bucket.weighted) == dict(weight), (pid, row.stage.id)
            seen += row.bucket.count
    assert seen == len(raw_deals) > 10


def test_funnel_states_hold_open_deals_only(example_repo):
    raw_config, raw_deals, stages = raw_example(example_repo)
    expected = defaultdict(lambda: [0, defaultdict(Decimal)])
    for deal in raw_deals:
        stage = stages[(deal["pipeline"], deal["stage"])]
        if stage.get("outcome"):
            continue
        expected[stage["funnel"]][0] += 1
        expected[stage["funnel"]][1][deal["currency"]] += Decimal(str(deal["amount"]))
    repo = load_repository(example_repo)
    states = funnel.by_state(repo.deals.values(), repo.config)
    assert list(states) == ["prospecting", "in_funnel", "best"]
    for state, bucket in states.items():
        assert bucket.count == expected[state][0]
        assert dict(bucket.amount) == dict(expected[state][1])
    total = funnel.open_totals(repo.deals.values(), repo.config)
    assert total.count == sum(e[0] for e in expected.values())


def test_probability_override_and_closed_stages(config):
    pipeline = config.pipelines["project"]
    open_deal = make_deal("a", "demo", probability={"value": 65, "reason": "framework agreement"}, amount=1000)
    assert probability(open_deal, pipeline.stage("demo")) == 65
    assert weighted(open_deal, pipeline.stage("demo")) == Decimal(650)
    plain = make_deal("b", "demo", amount=1000)
    assert probability(plain, pipeline.stage("demo")) == 40
    won = make_deal("c", "won", amount=1000, contract={"value": 900, "date": "2026-10-01"},
                    probability={"value": 10, "reason": "stale"})
    assert probability(won, pipeline.stage("won")) == 100
    assert value(won, pipeline.stage("won")) == Decimal(900)  # booked at the contract value
    lost = make_deal("d", "lost", amount=1000)
    assert weighted(lost, pipeline.stage("lost")) == 0


def test_currencies_are_never_added_together(config):
    deals = [make_deal("a", "demo", amount=100, currency="CNY"), make_deal("b", "demo", amount=10, currency="USD"),
             make_deal("c", "demo", amount=7, currency="JPY")]
    bucket = funnel.open_totals(deals, config)
    assert dict(bucket.amount) == {"CNY": Decimal(100), "USD": Decimal(10), "JPY": Decimal(7)}


def test_unknown_pipeline_or_stage_is_left_out(config):
    deals = [make_deal("a", "demo"), make_deal("b", "nowhere"), make_deal("c", "demo", pipeline="nope")]
    assert funnel.open_totals(deals, config).count == 1


HISTORIES = {
    # straight on, now in proposal
    "a": ("proposal", [("planning", "2026-01-05"), ("visit", "2026-02-01"), ("proposal", "2026-03-01")]),
    # lost after the visit: the lost stage is not an advance
    "b": ("lost", [("planning", "2026-01-05"), ("visit", "2026-02-01"), ("lost", "2026-03-01")]),
    # skipped the visit: planning advanced, visit never entered
    "c": ("proposal", [("planning", "2026-01-05"), ("proposal", "2026-02-01")]),
    # still in planning
    "d": ("planning", [("planning", "2026-11-01")]),
    # won: every stage it went through advanced
    "e": ("won", [("planning", "2026-01-05"), ("visit", "2026-02-01"), ("proposal", "2026-03-01"),
                  ("demo", "2026-04-01"), ("design", "2026-05-01"), ("evaluation", "2026-06-01"),
                  ("negotiation", "2026-07-01"), ("won", "2026-08-01")]),
    # an entry dated after as_of does not count yet; the current stage always does
    "f": ("visit", [("planning", "2026-10-01"), ("visit", "2026-11-10"), ("proposal", "2027-01-01")]),
}


def test_conversion_from_stage_history(config):
    deals = [make_deal(k, stage, history) for k, (stage, history) in HISTORIES.items()]
    rows = {c.stage.id: c for c in funnel.conversion(deals, config.pipelines["project"], AS_OF)}
    assert list(rows) == ["planning", "visit", "proposal", "demo", "design", "evaluation", "negotiation"]
    assert rows["planning"].next_stage.id == "visit"
    assert (rows["planning"].entered, rows["planning"].advanced) == (6, 5)  # all but d
    assert (rows["visit"].entered, rows["visit"].advanced) == (4, 2)  # a, b, e, f entered; a and e went on
    assert (rows["proposal"].entered, rows["proposal"].advanced) == (3, 1)  # a, c, e; only e went on
    assert (rows["negotiation"].entered, rows["negotiation"].advanced) == (1, 1)
    assert rows["visit"].rate == Decimal(2) / Decimal(4)
    assert funnel.conversion([], config.pipelines["project"], AS_OF)[0].rate is None
