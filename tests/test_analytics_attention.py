"""The manager's questions: quota attainment, closing this month, slipped, days in stage, overdue promises.

Expected figures are worked out by hand from the fixture deals (or, for the example, from
the raw YAML with PyYAML), never from ``salesgen.analytics``.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from salesgen.analytics import attention
from salesgen.model import Deal
from salesgen.repository import load_repository

from test_analytics_funnel import config, make_deal, own_value, raw_example  # noqa: F401

AS_OF = dt.date(2026, 11, 20)


def ids(rows) -> list[str]:
    return [getattr(r, "deal", r[0] if isinstance(r, tuple) else None).id for r in rows]


# --------------------------------------------------------------------------- quota attainment


def test_attainment_counts_won_deals_of_the_as_of_year_only(config):  # noqa: F811
    """li-lei has a 5,000,000 CNY quota in the default config; han-meimei and zhang-wei have none."""
    deals = [make_deal("w-may", "won", [("won", "2026-05-01")], amount=1_000_000),
             make_deal("w-usd", "won", [("won", "2026-01-01")], amount=100_000, currency="USD"),  # 710,000 CNY
             make_deal("w-contract", "won", [("won", "2027-01-03")], amount=999,
                       contract={"date": "2026-12-31", "value": 250_000}),  # signed in 2026 at the contract value
             make_deal("w-last-year", "won", [("won", "2025-12-31")], amount=9_000_000),
             make_deal("w-next-year", "won", [("won", "2027-01-01")], amount=7_000_000),
             make_deal("open", "negotiation", amount=3_000_000),
             make_deal("lost", "lost", [("lost", "2026-06-01")], amount=4_000_000),
             make_deal("other-rep", "won", [("won", "2026-06-01")], amount=8_000_000, owner="han-meimei")]
    rows = {r.rep.id: r for r in attention.quota_attainment(deals, config, AS_OF)}
    assert set(rows) == {"li-lei"}  # reps without a quota are left out
    li = rows["li-lei"]
    won = Decimal(1_000_000) + Decimal(710_000) + Decimal(250_000)
    assert li.quota == Decimal(5_000_000) and li.year == 2026
    assert li.won.total == won
    assert li.ratio == won / Decimal(5_000_000)
    assert [d.id for d, _ in li.deals] == ["w-contract", "w-may", "w-usd"]  # newest first
    assert attention.team_attainment(rows.values()) == (won, Decimal(5_000_000))


def test_attainment_on_the_year_boundaries(config):  # noqa: F811
    deals = [make_deal("jan-1", "won", [("won", "2026-01-01")], amount=10),
             make_deal("dec-31", "won", [("won", "2026-12-31")], amount=20),
             make_deal("dec-31-before", "won", [("won", "2025-12-31")], amount=40)]
    li = attention.quota_attainment(deals, config, dt.date(2026, 1, 1))[0]
    assert li.won.total == Decimal(30)
    li = attention.quota_attainment(deals, config, dt.date(2025, 12, 31))[0]
    assert li.won.total == Decimal(40) and li.year == 2025


def test_a_quota_in_a_currency_without_a_rate_has_no_ratio(config):  # noqa: F811
    reps = dict(config.reps)
    reps["li-lei"] = dataclasses.replace(reps["li-lei"], quota_currency="JPY")
    li = attention.quota_attainment([make_deal("w", "won", [("won", "2026-05-01")])],
                                    dataclasses.replace(config, reps=reps), AS_OF)[0]
    assert li.quota is None and li.ratio is None and li.won.total == Decimal(100)
    assert attention.team_attainment([li]) == (Decimal(0), Decimal(0))


# --------------------------------------------------------------------------- closing this month and slipped


def test_closing_this_month_is_the_as_of_month_of_open_deals(config):  # noqa: F811
    deals = [make_deal("nov-1", "demo", expected_close="2026-11-01"),
             make_deal("nov-30", "demo", expected_close="2026-11-30"),
             make_deal("oct-31", "demo", expected_close="2026-10-31"),
             make_deal("dec-1", "demo", expected_close="2026-12-01"),
             make_deal("nov-2025", "demo", expected_close="2025-11-15"),
             make_deal("won-nov", "won", [("won", "2026-11-10")], expected_close="2026-11-15")]
    assert ids(attention.closing_this_month(deals, config, AS_OF)) == ["nov-1", "nov-30"]


def test_slipped_starts_the_day_after_the_expected_close(config):  # noqa: F811
    deals = [make_deal("today", "demo", expected_close="2026-11-20"),
             make_deal("yesterday", "demo", expected_close="2026-11-19"),
             make_deal("long-ago", "visit", expected_close="2026-08-01"),
             make_deal("won-late", "won", [("won", "2026-11-01")], expected_close="2026-10-01"),
             make_deal("lost-late", "lost", [("lost", "2026-11-01")], expected_close="2026-10-01")]
    rows = attention.slipped(deals, config, AS_OF)
    assert ids(rows) == ["long-ago", "yesterday"]
    assert [r.days_late for r in rows] == [111, 1]


# --------------------------------------------------------------------------- days in stage


def test_days_in_stage_count_from_the_last_stage_entry(config):  # noqa: F811
    deals = [make_deal("moved", "visit", [("planning", "2026-09-01"), ("visit", "2026-11-10")]),
             make_deal("today", "demo", [("planning", "2026-09-01"), ("visit", "2026-10-01"), ("demo", "2026-11-20")]),
             make_deal("old", "planning", [("planning", "2026-05-04")]),
             make_deal("no-history", "planning", created="2026-10-21"),
             make_deal("no-date", "planning"),
             make_deal("won", "won", [("won", "2026-01-01")])]
    rows = attention.days_in_stage(deals, config, AS_OF)
    assert [(r.deal.id, r.days) for r in rows] == [("old", 200), ("no-history", 30), ("moved", 10), ("today", 0)]
    assert rows[0].since == dt.date(2026, 5, 4)


def test_days_in_stage_of_the_example_match_the_files(example_repo):
    raw_config, raw_deals, stages = raw_example(example_repo)
    expected = {}
    for deal in raw_deals:
        if stages[(deal["pipeline"], deal["stage"])].get("outcome"):
            continue
        history = deal.get("stage_history") or []
        since = history[-1]["date"] if history else deal.get("created")
        if since is not None:
            expected[deal["id"]] = (AS_OF - since).days
    repo = load_repository(example_repo)
    rows = attention.days_in_stage(repo.deals.values(), repo.config, AS_OF)
    assert {r.deal.id: r.days for r in rows} == expected
    assert [r.days for r in rows] == sorted(expected.values(), reverse=True)


# --------------------------------------------------------------------------- overdue promises


def promised(ident, stage, promises, date="2026-11-01", **extra) -> Deal:
    return make_deal(ident, stage, activities=[{"date": date, "type": "call", "summary": "call",
                                                "promises": promises}], **extra)


def test_a_promise_is_overdue_from_the_day_after_it_was_due(config):  # noqa: F811
    deals = [promised("a", "demo", [{"text": "due today", "due": "2026-11-20", "done": False},
                                    {"text": "due yesterday", "due": "2026-11-19", "done": False},
                                    {"text": "done in time", "due": "2026-11-10", "done": "2026-11-10"},
                                    {"text": "done today", "due": "2026-11-10", "done": "2026-11-20"},
                                    {"text": "done after as-of", "due": "2026-11-10", "done": "2026-11-21"},
                                    {"text": "no done key", "due": "2026-11-01"},
                                    "plain text, never overdue"]),
             promised("lost", "lost", [{"text": "on a lost deal", "due": "2026-11-01", "done": False}],
                      stage_history=[{"stage": "lost", "date": "2026-11-05"}]),
             promised("future", "demo", [{"text": "made at a planned contact", "due": "2026-11-01"}],
                      date="2026-11-25")]
    rows = attention.overdue_promises(deals, config, AS_OF)
    assert [(r.deal.id, r.text, r.days_overdue) for r in rows] == [
        ("a", "no done key", 19), ("a", "done after as-of", 10), ("a", "due yesterday", 1)]
    assert rows[-1].due == dt.date(2026, 11, 19) and rows[-1].activity.date == dt.date(2026, 11, 1)

