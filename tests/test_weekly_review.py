"""The weekly review (周报): promises and the promise-overdue rule, the week's work, progress and problems.

Expected values are written out by hand from the files (dates counted on the calendar),
or computed from the raw YAML with PyYAML, independently of ``salesgen.analytics``.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from salesgen import engine
from salesgen.analytics.weekly import week_bounds, weekly_review
from salesgen.cli import cli
from salesgen.repository import load_repository, read_document

AS_OF = dt.date(2026, 11, 20)
DEAL = Path("deals") / "acme-line.yaml"


def with_activities(root: Path, extra: str, stage: str = "planning") -> Path:
    """The tiny deal with ``extra`` appended under ``activities:`` (YAML list items, 2-space indent)."""
    path = root / DEAL
    text = path.read_text(encoding="utf-8")
    head, tail = text.split("stage_history:", 1)
    text = head + extra + "stage_history:" + tail
    if stage != "planning":
        text = text.replace("stage: planning\n", f"stage: {stage}\n", 1)
    path.write_text(text, encoding="utf-8")
    return root


def promise_problems(root: Path, as_of: dt.date = AS_OF) -> list:
    return [p for p in engine.lint(root, as_of).problems if p.rule == "promise-overdue"]


PROMISE = """\
  - date: 2026-11-12
    type: visit
    summary: 现场调研
    promises:
      - {{text: 提交产能测算, due: {due}, done: {done}}}
"""


@pytest.mark.parametrize("due, done, overdue", [
    ("2026-11-20", "false", False),       # due on the as-of date: not overdue yet
    ("2026-11-19", "false", True),        # due the day before: overdue
    ("2026-11-19", "2026-11-19", False),  # kept on time
    ("2026-11-15", "2026-11-20", False),  # kept late, but kept by the as-of date
    ("2026-11-15", "2026-11-21", True),   # kept after the as-of date: still open on it
])
def test_promise_overdue_boundaries(tiny_repo, due, done, overdue):
    root = with_activities(tiny_repo, PROMISE.format(due=due, done=done))
    problems = promise_problems(root)
    assert len(problems) == int(overdue)
    if overdue:
        p = problems[0]
        assert p.file == DEAL.as_posix() and p.severity.name.lower() == "warning"
        assert "提交产能测算" in p.message and due in p.message
        line = (root / DEAL).read_text(encoding="utf-8").splitlines()[p.line - 1]
        assert "提交产能测算" in line  # the position is the promise itself


def test_plain_text_promises_are_never_overdue(tiny_repo):
    root = with_activities(tiny_repo, "  - {date: 2026-10-01, type: call, summary: 电话, promises: [尽快发资料]}\n")
    assert promise_problems(root) == []
    assert engine.lint(root, AS_OF).errors == []  # plain text stays valid


def test_promises_of_a_lost_deal_are_not_checked(tiny_repo):
    root = with_activities(tiny_repo, PROMISE.format(due="2026-11-13", done="false"))
    assert len(promise_problems(root)) == 1
    text = (root / DEAL).read_text(encoding="utf-8").replace("stage: planning\n", "stage: lost\n", 1)
    (root / DEAL).write_text(text + "lost_reason: {code: no_budget}\n", encoding="utf-8")
    assert promise_problems(root) == []


@pytest.mark.parametrize("entry, rule, words", [
    ("{text: 测算, done: false}", "schema-required", "'due'"),  # a due date is required with the mapping form
    ("{text: 测算, due: 2026-11-31, done: false}", "yaml-invalid-date", "2026-11-31"),
    ("{text: 测算, due: 2026-11-30, done: true}", "schema", "promises[0].done"),  # done is a date or false
    ("{text: 测算, due: 2026-11-30, owner: li}", "schema-unknown-key", "'owner'"),
])
def test_promise_mistakes_are_one_clear_problem(tiny_repo, entry, rule, words):
    root = with_activities(tiny_repo, f"  - date: 2026-11-12\n    type: call\n    summary: 电话\n"
                                      f"    promises: [{entry}]\n")
    problems = [p for p in engine.lint(root, AS_OF).problems if p.rule != "promise-overdue"]
    assert [p.rule for p in problems] == [rule], [(p.rule, p.message) for p in problems]
    assert problems[0].file == DEAL.as_posix() and words in problems[0].message


def test_week_is_the_seven_days_ending_on_the_review_day():
    assert week_bounds(AS_OF) == (dt.date(2026, 11, 14), AS_OF)


def test_week_work_progress_and_problems(tiny_repo):
    root = with_activities(tiny_repo, """\
  - {date: 2026-11-13, type: call, summary: 上周}
  - {date: 2026-11-14, type: email, summary: 本周第一天}
  - {date: 2026-11-21, type: visit, summary: 计划中的拜访}
""" + PROMISE.format(due="2026-11-18", done="false"))
    repo = load_repository(root, read_document)
    week = weekly_review(repo.deals.values(), repo.customers, repo.config, AS_OF)
    (rep_week,) = week.values()
    (item,) = rep_week.deals
    assert [a.summary for a in item.work] == ["本周第一天"]  # 11-13 is last week, 11-21 is planned
    assert [p.promise.text for p in item.overdue_promises] == ["提交产能测算"]
    assert rep_week.overdue_promises == 1 and rep_week.activities == 1 and rep_week.moves == 0  # made last week, still open


def run_json(root: Path, *args) -> list:
    result = CliRunner().invoke(cli, ["review", "--root", str(root), "--as-of", AS_OF.isoformat(), "--format", "json",
                                      *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_review_counts_the_week_and_the_overdue_promises_of_the_example(example_repo):
    start = AS_OF - dt.timedelta(days=6)
    config = yaml.safe_load((example_repo / "salesgen.yaml").read_text(encoding="utf-8"))
    closed = {(p["id"], s["id"]) for p in config["pipelines"] for s in p["stages"] if s.get("outcome")}
    expected = {}
    for path in sorted((example_repo / "deals").rglob("*.yaml")):
        deal = yaml.safe_load(path.read_text(encoding="utf-8"))
        if (deal["pipeline"], deal["stage"]) in closed:
            continue
        activities = deal.get("activities", [])
        overdue = sum(1 for a in activities if a["date"] <= AS_OF for p in a.get("promises", [])
                      if isinstance(p, dict) and p["due"] < AS_OF and (not p.get("done") or p["done"] > AS_OF))
        expected[deal["id"]] = (sum(1 for a in activities if start <= a["date"] <= AS_OF),
                                sum(1 for e in deal.get("stage_history", []) if start <= e["date"] <= AS_OF),
                                sum(1 for e in deal.get("evidence", []) if start <= e["date"] <= AS_OF), overdue)
    rows = run_json(example_repo)
    got = {r["deal"]: (r["week_activities"], r["week_stage_moves"], r["week_evidence"], r["overdue_promises"])
           for r in rows}
    assert got == expected
    assert sum(v[3] for v in expected.values()) == 1  # the example has exactly one overdue promise
    row = next(r for r in rows if r["overdue_promises"])
    assert row["deal"] == "temp-capacity-expansion" and "提供预付款银行保函" in row["problems"]
    assert {p["text"]: p["overdue"] for p in row["promises"]} == {"提供预付款银行保函": True, "完成合同评审": False}


def test_review_text_shows_the_week(example_repo):
    result = CliRunner().invoke(cli, ["review", "--root", str(example_repo), "--as-of", AS_OF.isoformat(),
                                      "--rep", "zhang-jiaqiang"], catch_exceptions=False)
    assert result.exit_code == 0
    out = result.stdout
    assert "the week 2026-11-14 to 2026-11-20" in out
    assert "1 overdue promise" in out
    assert "promise (2026-11-06, due 2026-11-13): 提供预付款银行保函 [OVERDUE]" in out
    assert "promise (2026-11-18, due 2026-11-27): 完成合同评审 [open]" in out
    # a week later the contract review promise is overdue too, and last week's work is gone
    later = CliRunner().invoke(cli, ["review", "--root", str(example_repo), "--as-of", "2026-11-28",
                                     "--rep", "zhang-jiaqiang"], catch_exceptions=False).stdout
    assert "完成合同评审 [OVERDUE]" in later and "2 overdue promises" in later
    assert "work 2026-11-18" not in later


def test_a_deal_won_this_week_is_listed_under_its_rep(tiny_repo):
    path = tiny_repo / DEAL
    text = path.read_text(encoding="utf-8").replace("stage: planning\n", "stage: won\n", 1)
    path.write_text(text + "  - {stage: won, date: 2026-11-18}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["review", "--root", str(tiny_repo), "--as-of", AS_OF.isoformat()],
                                catch_exceptions=False)
    assert "= acme-line won on 2026-11-18" in result.stdout and "0 open deals" in result.stdout
    later = CliRunner().invoke(cli, ["review", "--root", str(tiny_repo), "--as-of", "2026-11-25"],
                               catch_exceptions=False)
    assert "acme-line" not in later.stdout  # 11-18 is outside the week 11-19 to 11-25
