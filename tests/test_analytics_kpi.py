"""Process KPIs: milestones per rep and period, from stage history and activities."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import yaml

from salesgen.analytics import kpi
from salesgen.repository import load_repository

from test_analytics_funnel import config, make_deal  # noqa: F401

START, END = dt.date(2026, 7, 1), dt.date(2026, 9, 30)


def test_milestones_in_a_period(config):  # noqa: F811
    deals = [
        make_deal("a", "demo", [("planning", "2026-06-20"), ("visit", "2026-07-02"), ("proposal", "2026-08-01"),
                                ("demo", "2026-10-02")], created="2026-06-20",
                  stakeholders=[{"contact": "x", "handler": True}],
                  activities=[{"date": "2026-06-25", "type": "call", "summary": "s", "contacts": ["y"]},
                              {"date": "2026-07-03", "type": "visit", "summary": "s", "contacts": ["x"]}]),
        make_deal("b", "lost", [("planning", "2026-07-10"), ("lost", "2026-08-10")], created="2026-07-10"),
        make_deal("c", "visit", [("planning", "2026-07-05"), ("visit", "2026-07-20"), ("planning", "2026-08-01"),
                                 ("visit", "2026-09-01")], owner="han-meimei"),
    ]
    got = kpi.milestones(deals, config, START, END)
    assert got["li-lei"] == {"new_prospects": 1, "handlers_reached": 1, "project:visit": 1, "project:proposal": 1}
    # c entered visit twice in the period: one milestone; lost is not a milestone
    assert got["han-meimei"] == {"new_prospects": 1, "project:visit": 1}


def test_columns_follow_the_pipeline(config):  # noqa: F811
    keys = [c.key for c in kpi.columns(config.pipelines["project"])]
    assert keys == ["new_prospects", "handlers_reached", "project:visit", "project:proposal", "project:demo",
                    "project:design", "project:evaluation", "project:negotiation", "project:won"]


def entries_in_files(root, start: dt.date, end: dt.date) -> Counter:
    """(owner, "<pipeline>:<stage>") -> deals that entered that stage between start and end, read from the YAML."""
    counts = Counter()
    for path in (root / "deals").rglob("*.yaml"):
        deal = yaml.safe_load(path.read_text(encoding="utf-8"))
        entered = {e["stage"] for e in deal.get("stage_history", []) if start <= e["date"] <= end}
        for stage in entered - {"planning", "lead", "lost"}:
            counts[(deal["owner"], f"{deal['pipeline']}:{stage}")] += 1
    return counts


def stage_counts(table: dict) -> Counter:
    return Counter({(rep, key): n for rep, row in table.items() for key, n in row.items()
                    if key not in ("new_prospects", "handlers_reached")})


def test_stage_entries_match_the_files(example_repo):
    counts = entries_in_files(example_repo, dt.date(2026, 1, 1), END)
    repo = load_repository(example_repo)
    got = kpi.milestones(repo.deals.values(), repo.config, dt.date(2026, 1, 1), END)
    assert stage_counts(got) == counts and sum(counts.values()) > 10


def test_several_periods_at_once_count_each_period_as_the_files_say(example_repo):
    periods = [(dt.date(2026, 1, 1), dt.date(2026, 3, 31)), (dt.date(2026, 4, 1), END), (dt.date(2026, 1, 1), END)]
    repo = load_repository(example_repo)
    tables = kpi.milestones_by_period(repo.deals.values(), repo.config, periods)
    assert len(tables) == 3
    for table, (start, end) in zip(tables, periods):
        assert stage_counts(table) == entries_in_files(example_repo, start, end)
        assert table == kpi.milestones(repo.deals.values(), repo.config, start, end)
    assert stage_counts(tables[0]) != stage_counts(tables[1])  # the periods differ: the test can tell them apart


def test_a_period_counts_its_first_and_last_day_and_not_the_days_around(config):  # noqa: F811
    deal = make_deal("a", "visit", [("planning", "2026-06-20"), ("visit", "2026-07-01")], created="2026-06-20")
    inside, before, after = kpi.milestones_by_period([deal], config, [
        (dt.date(2026, 7, 1), dt.date(2026, 7, 1)), (dt.date(2026, 6, 21), dt.date(2026, 6, 30)),
        (dt.date(2026, 7, 2), dt.date(2026, 7, 31))])
    assert inside == {"li-lei": {"project:visit": 1}}
    assert before == {} and after == {}
