"""Forecast analytics: periods, categories from funnel states, per rep against quota, money conversion."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest

from salesgen.analytics import forecast, periods
from salesgen.analytics.money import Totals, convert
from salesgen.repository import load_repository

from test_analytics_funnel import config, make_deal, own_percent, own_value, raw_example  # noqa: F401

AS_OF = dt.date(2026, 11, 20)
CATEGORY = {"prospecting": "pipeline", "in_funnel": "best_case", "best": "commit"}


def own_category_and_date(deal: dict, stage: dict):
    if stage.get("outcome") == "lost":
        return None
    if stage.get("outcome") == "won":
        contract = deal.get("contract") or {}
        entries = [e["date"] for e in deal.get("stage_history", []) if e["stage"] == stage["id"]]
        return "closed", contract.get("date") or (max(entries) if entries else deal["expected_close"])
    return CATEGORY[stage["funnel"]], deal["expected_close"]


@pytest.mark.parametrize("granularity, key", [
    ("quarter", lambda d: f"{d.year}-Q{(d.month - 1) // 3 + 1}"),
    ("month", lambda d: f"{d.year}-{d.month:02d}"),
])
def test_by_period_matches_the_files(example_repo, granularity, key):
    _, raw_deals, stages = raw_example(example_repo)
    expected = defaultdict(lambda: defaultdict(lambda: [0, defaultdict(Decimal), defaultdict(Decimal)]))
    for deal in raw_deals:
        stage = stages[(deal["pipeline"], deal["stage"])]
        found = own_category_and_date(deal, stage)
        if found is None:
            continue
        cell = expected[key(found[1])][found[0]]
        cell[0] += 1
        cell[1][deal["currency"]] += own_value(deal, stage)
        cell[2][deal["currency"]] += own_value(deal, stage) * own_percent(deal, stage) / 100
    repo = load_repository(example_repo)
    table = forecast.by_period(repo.deals.values(), repo.config, granularity)
    assert list(table) == sorted(expected)
    for period, row in table.items():
        assert list(row) == ["pipeline", "best_case", "commit", "closed"]
        for cat, bucket in row.items():
            count, amount, weight = expected[period].get(cat, (0, {}, {}))
            assert (bucket.count, dict(bucket.amount), dict(bucket.weighted)) == (count, dict(amount), dict(weight)), \
                (period, cat)


def test_categories_follow_the_funnel_state(config):
    pipeline = config.pipelines["project"]
    got = {s.id: forecast.category(s) for s in pipeline.stages}
    assert got == {"planning": "pipeline", "visit": "pipeline", "proposal": "best_case", "demo": "best_case",
                   "design": "best_case", "evaluation": "commit", "negotiation": "commit", "won": "closed",
                   "lost": None}


def test_won_deals_count_when_signed(config):
    signed = make_deal("a", "won", [("won", "2026-06-30")], contract={"date": "2026-07-02", "value": 80})
    entered = make_deal("b", "won", [("negotiation", "2026-03-01"), ("won", "2026-04-15")])
    neither = make_deal("c", "won")
    dates = {d.id: forecast.close_date(d, config.pipelines["project"].stage("won")) for d in (signed, entered, neither)}
    assert dates == {"a": dt.date(2026, 7, 2), "b": dt.date(2026, 4, 15), "c": dt.date(2026, 12, 31)}
    table = forecast.by_period([signed, entered], config, "quarter")
    assert dict(table["2026-Q3"]["closed"].amount) == {"CNY": Decimal(80)}
    assert dict(table["2026-Q2"]["closed"].amount) == {"CNY": Decimal(100)}


def test_window_takes_the_deals_closing_in_it(config):
    deals = [make_deal("in", "evaluation", expected_close="2026-12-31"),
             make_deal("out", "evaluation", expected_close="2027-01-01")]
    start, end = periods.quarter_bounds(AS_OF)
    row = forecast.window(deals, config, start, end)
    assert row["commit"].count == 1 and row["commit"].weighted == {"CNY": Decimal(70)}


def test_rep_against_the_yearly_quota(config):
    """li-lei has a 5,000,000 CNY quota in the default config; han-meimei has none."""
    deals = [make_deal("w", "won", [("won", "2026-05-01")], amount=1_000_000),
             make_deal("w-last-year", "won", [("won", "2025-12-31")], amount=9_000_000),
             make_deal("o", "negotiation", amount=100_000, currency="USD"),  # 90% of 710,000 CNY
             make_deal("next-year", "negotiation", amount=3_000_000, expected_close="2027-01-15")]
    reps = {r.rep.id: r for r in forecast.by_rep(deals, config, AS_OF)}
    li = reps["li-lei"]
    assert li.quota == Decimal(5_000_000) and li.currency == "CNY" and li.year == 2026
    assert li.closed.total == Decimal(1_000_000)
    assert li.weighted_open.total == Decimal("100000") * Decimal("7.1") * Decimal("0.9")
    assert li.forecast == Decimal(1_000_000) + Decimal(639_000)
    assert li.attainment == Decimal("0.2")
    assert li.forecast_attainment == Decimal(1_639_000) / Decimal(5_000_000)
    assert "han-meimei" not in reps  # no quota and no deal


def test_a_currency_without_a_rate_is_kept_apart(config):
    no_rates = dataclasses.replace(config, rates={})
    deals = [make_deal("cny", "won", [("won", "2026-05-01")], amount=500),
             make_deal("usd", "won", [("won", "2026-05-02")], amount=70, currency="USD")]
    li = next(r for r in forecast.by_rep(deals, no_rates, AS_OF) if r.rep.id == "li-lei")
    assert li.closed.total == Decimal(500)
    assert li.closed.unconverted == {"USD": Decimal(70)}
    assert not li.complete


def test_convert_only_with_configured_rates():
    totals = Totals.of([("CNY", Decimal(100)), ("USD", Decimal(10)), ("JPY", Decimal(1000)), ("CNY", Decimal(1))])
    converted = convert(totals, "CNY", {"USD": Decimal("7.1")})
    assert converted.total == Decimal(101) + Decimal(71)
    assert converted.unconverted == {"JPY": Decimal(1000)}
    assert convert({}, "CNY", {}).total == 0


@pytest.mark.parametrize("date, key, bounds, following", [
    (dt.date(2026, 1, 1), "2026-Q1", (dt.date(2026, 1, 1), dt.date(2026, 3, 31)), dt.date(2026, 4, 1)),
    (dt.date(2026, 11, 20), "2026-Q4", (dt.date(2026, 10, 1), dt.date(2026, 12, 31)), dt.date(2027, 1, 1)),
    (dt.date(2024, 2, 29), "2024-Q1", (dt.date(2024, 1, 1), dt.date(2024, 3, 31)), dt.date(2024, 4, 1)),
    (dt.date(2026, 9, 30), "2026-Q3", (dt.date(2026, 7, 1), dt.date(2026, 9, 30)), dt.date(2026, 10, 1)),
])
def test_quarters(date, key, bounds, following):
    assert periods.quarter(date) == key
    assert periods.quarter_bounds(date) == bounds
    assert periods.next_quarter_start(date) == following
