"""`--as-of` a past date: the pipeline as it was then, reconstructed from stage and amount history.

The repository here has three deals whose history is written out by hand, so every
expected stage, amount and presence on a date is read off the files below.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from salesgen.analytics.asof import deal_as_of, deals_as_of, history_end, repository_as_of
from salesgen.cli import cli
from salesgen.repository import load_repository, read_document

# Moved from proposal to won on 2026-10-01; its amount went 400,000 -> 450,000 -> 500,000.
WON = """\
id: acme-press
name: Acme 冲压线
customer: acme
owner: li-lei
pipeline: project
stage: won
amount: 500000
currency: CNY
expected_close: 2026-10-15
created: 2026-08-01
stage_history:
  - {stage: planning, date: 2026-08-01}
  - {stage: visit, date: 2026-08-10}
  - {stage: proposal, date: 2026-09-01}
  - {stage: won, date: 2026-10-01}
amount_history:
  - {date: 2026-08-01, amount: 400000}
  - {date: 2026-09-15, amount: 450000, reason: 增加一台压机}
  - {date: 2026-10-01, amount: 500000, reason: 合同价}
activities:
  - {date: 2026-09-20, type: meeting, summary: 商务谈判}
  - {date: 2026-10-01, type: meeting, summary: 签约}
contract: {date: 2026-10-01, value: 500000, ref: HT-1}
"""

# Opened after 2026-09-30: it did not exist then.
LATE = """\
id: acme-robots
name: Acme 机器人
customer: acme
owner: li-lei
pipeline: project
stage: visit
amount: 800000
currency: CNY
expected_close: 2027-06-30
created: 2026-10-15
stage_history:
  - {stage: planning, date: 2026-10-15}
  - {stage: visit, date: 2026-11-02}
"""


@pytest.fixture
def history_repo(tiny_repo: Path) -> Path:
    (tiny_repo / "deals" / "acme-press.yaml").write_text(WON, encoding="utf-8")
    (tiny_repo / "deals" / "acme-robots.yaml").write_text(LATE, encoding="utf-8")
    return tiny_repo


def load(root: Path):
    return load_repository(root, read_document)


def test_deal_as_of_reads_stage_and_amount_history(history_repo):
    deal = load(history_repo).deals["acme-press"]
    before = deal_as_of(deal, dt.date(2026, 9, 30))
    assert (before.stage, before.amount) == ("proposal", Decimal(450000))
    assert [a.summary for a in before.activities] == ["商务谈判"]
    on = deal_as_of(deal, dt.date(2026, 10, 1))
    assert (on.stage, on.amount) == ("won", Decimal(500000))
    assert deal_as_of(deal, dt.date(2026, 9, 14)).amount == Decimal(400000)
    assert deal_as_of(deal, dt.date(2026, 9, 15)).amount == Decimal(450000)
    assert deal_as_of(deal, dt.date(2026, 7, 31)) is None  # opened on 08-01
    assert deal.stage == "won" and deal.amount == Decimal(500000)  # the loaded deal is left as it is


def test_without_amount_history_the_amount_is_todays(history_repo):
    deal = load(history_repo).deals["acme-robots"]
    assert deal_as_of(deal, dt.date(2026, 10, 20)).amount == Decimal(800000)
    assert deal_as_of(deal, dt.date(2026, 10, 20)).stage == "planning"


def test_deals_opened_later_are_absent(history_repo):
    deals = load(history_repo).deals.values()
    assert {d.id for d in deals_as_of(deals, dt.date(2026, 9, 30))} == {"acme-press"}
    assert {d.id for d in deals_as_of(deals, dt.date(2026, 10, 15))} == {"acme-press", "acme-robots"}
    # acme-line (the tiny deal) was opened on 2026-11-01
    assert history_end(deals) == dt.date(2026, 11, 2)


def test_the_repository_is_unchanged_when_the_date_is_not_in_the_past(history_repo):
    repo = load(history_repo)
    assert repository_as_of(repo, dt.date(2026, 11, 2)) is repo
    assert repository_as_of(repo, dt.date(2026, 11, 1)) is not repo


def report(root: Path, *args) -> list[dict]:
    result = CliRunner().invoke(cli, [*args, "--root", str(root), "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def funnel_counts(root: Path, as_of: str) -> dict:
    rows = report(root, "funnel", "--pipeline", "project", "--as-of", as_of)
    return {r["stage"]: (r["deals"], Decimal(r["amount"])) for r in rows if r["deals"]}


def test_funnel_as_of_a_past_date(history_repo):
    assert funnel_counts(history_repo, "2026-09-30") == {"proposal": (1, Decimal(450000))}
    assert funnel_counts(history_repo, "2026-10-01") == {"won": (1, Decimal(500000))}
    assert funnel_counts(history_repo, "2026-11-20") == {"planning": (1, Decimal(500000)), "visit": (1, Decimal(800000)),
                                                         "won": (1, Decimal(500000))}


def test_forecast_as_of_a_past_date(history_repo):
    rows = report(history_repo, "forecast", "--by", "month", "--as-of", "2026-09-30")
    assert [(r["period"], Decimal(r["best_case"]), Decimal(r["closed"]), Decimal(r["weighted"])) for r in rows] == [
        ("2026-10", Decimal(450000), Decimal(0), Decimal(135000))]  # open in proposal (30 %) then
    rows = report(history_repo, "forecast", "--by", "month", "--as-of", "2026-10-01")
    assert [(r["period"], Decimal(r["closed"])) for r in rows] == [("2026-10", Decimal(500000))]


def test_review_as_of_a_past_date(history_repo):
    rows = report(history_repo, "review", "--as-of", "2026-09-30")
    assert [(r["deal"], r["stage"], r["last_activity"]) for r in rows] == [("acme-press", "proposal", "2026-09-20")]
    assert [r["deal"] for r in report(history_repo, "review", "--as-of", "2026-10-01")] == []


def test_site_as_of_a_past_date(history_repo, tmp_path):
    site = tmp_path / "site"
    result = CliRunner().invoke(cli, ["build", "--root", str(history_repo), "--site-dir", str(site),
                                      "--as-of", "2026-09-30", "--allow-errors"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert (site / "deals" / "acme-press" / "index.html").is_file()
    assert not (site / "deals" / "acme-robots").exists() and not (site / "deals" / "acme-line").exists()
    deals = (site / "deals" / "index.html").read_text(encoding="utf-8")
    assert "acme-press" in deals.split('id="won"', 1)[0]  # listed among the open deals
    dashboard = (site / "index.html").read_text(encoding="utf-8")
    assert 'data-reconstructed="2026-09-30"' in dashboard


def test_a_past_site_is_checked_as_the_pipeline_was_then(example_repo, tmp_path):
    """Linting today's files against an old date finds stage entries "in the future" and gates not yet met;
    the site of a past day checks the deals as they were then, so only that day's own problems remain."""
    lint = CliRunner().invoke(cli, ["lint", "--root", str(example_repo), "--as-of", "2026-09-30"])
    assert "[stage-history]" in lint.output  # `salesgen lint` keeps its meaning: today's files, at that date
    result = CliRunner().invoke(cli, ["build", "--root", str(example_repo), "--site-dir", str(tmp_path / "site"),
                                      "--as-of", "2026-09-30"], catch_exceptions=False)
    assert "[stage-history]" not in result.output and "[stage-gate]" not in result.output
    # what remains is real on that day: an intent judged on 2026-07-21 was 71 days old on 2026-09-30
    assert "[cadence-intent]" in result.output and "71 days ago" in result.output
