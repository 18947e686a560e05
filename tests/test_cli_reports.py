"""`salesgen forecast`, `funnel`, `review`: figures checked against a computation from the raw YAML.

The expected figures are computed here from the files with plain PyYAML and the
documented rules (categories from funnel states, probability from the stage or a
reasoned override, won deals at their contract value and signing date, rates from
salesgen.yaml), independently of ``salesgen.analytics``.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from salesgen.cli import cli
from salesgen.commands import common, reports

AS_OF = dt.date(2026, 11, 20)
CATEGORY = {"prospecting": "pipeline", "in_funnel": "best_case", "best": "commit"}


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def report(root: Path, *args):
    result = run(*args, "--root", str(root), "--as-of", AS_OF.isoformat())
    assert result.exit_code == 0, result.output
    return result


def raw(root: Path):
    config = yaml.safe_load((root / "salesgen.yaml").read_text(encoding="utf-8"))
    deals = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((root / "deals").rglob("*.yaml"))]
    stages = {(p["id"], s["id"]): s for p in config["pipelines"] for s in p["stages"]}
    return config, deals, stages


def to_base(config, currency: str, amount: Decimal) -> Decimal:
    rate = Decimal(1) if currency == config.get("currency", "CNY") else Decimal(str(config["rates"][currency]))
    return amount * rate


def deal_figures(config, deal, stage):
    """(category, date, value, weighted) in the reporting currency, or None for a lost deal."""
    if stage.get("outcome") == "lost":
        return None
    if stage.get("outcome") == "won":
        contract = deal.get("contract") or {}
        value = Decimal(str(contract.get("value", deal["amount"])))
        won_dates = [e["date"] for e in deal.get("stage_history", []) if e["stage"] == stage["id"]]
        date = contract.get("date") or (max(won_dates) if won_dates else deal["expected_close"])
        value = to_base(config, deal["currency"], value)
        return "closed", date, value, value
    value = to_base(config, deal["currency"], Decimal(str(deal["amount"])))
    percent = (deal.get("probability") or {}).get("value", stage["probability"])
    return CATEGORY[stage["funnel"]], deal["expected_close"], value, value * percent / 100


def quarter(date: dt.date) -> str:
    return f"{date.year}-Q{(date.month - 1) // 3 + 1}"


def parse_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_forecast_by_quarter_matches_the_files(example_repo):
    config, deals, stages = raw(example_repo)
    expected = defaultdict(lambda: defaultdict(Decimal))
    for deal in deals:
        figures = deal_figures(config, deal, stages[(deal["pipeline"], deal["stage"])])
        if figures is None:
            continue
        category, date, value, weighted = figures
        row = expected[quarter(date)]
        row[category] += value
        row["weighted"] += weighted
        row["deals"] += 1
    rows = parse_csv(report(example_repo, "forecast", "--by", "quarter", "--format", "csv").stdout)
    assert [r["period"] for r in rows] == sorted(expected)
    for row in rows:
        for key in ("pipeline", "best_case", "commit", "closed", "weighted", "deals"):
            assert Decimal(row[key]) == expected[row["period"]][key], (row["period"], key)
    assert sum(Decimal(r["commit"]) for r in rows) > 0 and sum(Decimal(r["closed"]) for r in rows) > 0


def test_forecast_by_rep_matches_the_files(example_repo):
    config, deals, stages = raw(example_repo)
    closed = defaultdict(Decimal)
    weighted_open = defaultdict(Decimal)
    for deal in deals:
        figures = deal_figures(config, deal, stages[(deal["pipeline"], deal["stage"])])
        if figures is None or figures[1].year != AS_OF.year:
            continue
        if figures[0] == "closed":
            closed[deal["owner"]] += figures[2]
        else:
            weighted_open[deal["owner"]] += figures[3]
    rows = json.loads(report(example_repo, "forecast", "--by", "rep", "--format", "json").stdout)
    quotas = {r["id"]: Decimal(str(r["quota"]["amount"])) for r in config["reps"] if r.get("quota")}
    assert {r["rep"] for r in rows} >= set(quotas)
    for row in rows:
        assert Decimal(row["closed"]) == closed[row["rep"]]
        assert Decimal(row["weighted_open"]) == weighted_open[row["rep"]]
        assert Decimal(row["forecast"]) == closed[row["rep"]] + weighted_open[row["rep"]]
        if row["rep"] in quotas:
            assert Decimal(row["quota"]) == quotas[row["rep"]]
            assert row["attainment"] == str((closed[row["rep"]] / quotas[row["rep"]] * 100).quantize(Decimal(1)))


def test_funnel_counts_and_amounts_match_the_files(example_repo):
    config, deals, stages = raw(example_repo)
    count, amount = defaultdict(int), defaultdict(Decimal)
    for deal in deals:
        key = (deal["pipeline"], deal["stage"])
        count[key] += 1
        stage = stages[key]
        value = (deal.get("contract") or {}).get("value", deal["amount"]) if stage.get("outcome") == "won" \
            else deal["amount"]
        amount[key] += to_base(config, deal["currency"], Decimal(str(value)))
    rows = json.loads(report(example_repo, "funnel", "--format", "json").stdout)
    assert [(r["pipeline"], r["stage"]) for r in rows] == list(stages)
    for row in rows:
        key = (row["pipeline"], row["stage"])
        assert row["deals"] == count[key]
        assert Decimal(row["amount"]) == amount[key]
    only = json.loads(report(example_repo, "funnel", "--pipeline", "product", "--format", "json").stdout)
    assert {r["pipeline"] for r in only} == {"product"}


def test_review_dates_match_the_1_15_30_rule(example_repo):
    config, deals, stages = raw(example_repo)
    follow, judge = config["cadence"]["follow_up_days"], config["cadence"]["intent_days"]
    expected = {}
    for deal in deals:
        if stages[(deal["pipeline"], deal["stage"])].get("outcome"):
            continue
        past = [a for a in deal.get("activities", []) if a["date"] <= AS_OF]
        opened = deal.get("created") or deal["stage_history"][0]["date"]
        last = max((a["date"] for a in past), default=opened)
        judged = max((a["date"] for a in past if a.get("intent")), default=opened)
        expected[deal["id"]] = (deal["owner"], last + dt.timedelta(days=follow), judged + dt.timedelta(days=judge))
    rows = json.loads(report(example_repo, "review", "--format", "json").stdout)
    assert {r["deal"]: (r["rep"], dt.date.fromisoformat(r["follow_up_due"]), dt.date.fromisoformat(r["intent_due"]))
            for r in rows} == expected
    for row in rows:
        assert row["follow_up_overdue"] == (AS_OF >= dt.date.fromisoformat(row["follow_up_due"]))
    assert any(r["needs_attention"] for r in rows)
    # Within each rep, deals that need attention come first.
    for rep in {r["rep"] for r in rows}:
        flags = [r["needs_attention"] for r in rows if r["rep"] == rep]
        assert flags == sorted(flags, reverse=True)


def test_review_for_one_rep_in_text(example_repo):
    result = report(example_repo, "review", "--rep", "liu-yang")
    owned = [d["id"] for d in raw(example_repo)[1] if d["owner"] == "liu-yang"
             and not raw(example_repo)[2][(d["pipeline"], d["stage"])].get("outcome")]
    assert owned
    for deal in owned:
        assert deal in result.stdout
    assert "刘洋 (liu-yang)" in result.stdout
    assert "zhang-jiaqiang" not in result.stdout


@pytest.mark.parametrize("args, message", [
    (("review", "--rep", "nobody"), "'nobody' is not in the roster"),
    (("funnel", "--pipeline", "nope"), "no pipeline 'nope'"),
])
def test_report_usage_errors(example_repo, args, message):
    result = run(*args, "--root", str(example_repo))
    assert result.exit_code == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_reports_on_a_folder_without_a_repository(tmp_path):
    result = run("forecast", "--root", str(tmp_path))
    assert result.exit_code == 2 and "salesgen.yaml" in result.stderr
    assert "Traceback" not in result.output


def test_tables_align_chinese_text():
    text = reports.table([("name", "Name"), ("amount", "Amount")],
                         [{"name": "张家强", "amount": Decimal("15000000")}, {"name": "li", "amount": Decimal("5")}])
    lines = text.splitlines()
    widths = {reports._width(line) for line in lines}
    assert len(widths) == 1  # CJK characters count twice: every line ends in the same column
    assert lines[1].endswith("15,000,000") and lines[2].endswith(" 5")


def test_colour_only_on_a_terminal_and_never_with_no_color(example_repo, monkeypatch):
    plain = report(example_repo, "review")
    assert "\x1b[" not in plain.stdout  # CliRunner is not a terminal
    monkeypatch.setattr(common.sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    assert common.use_color() is False
    monkeypatch.delenv("NO_COLOR")
    assert common.use_color() is True


@pytest.mark.parametrize("command", ["forecast", "funnel", "review"])
def test_help_has_examples(command):
    result = run(command, "--help")
    assert result.exit_code == 0 and "Examples:" in result.output and f"salesgen {command}" in result.output


def test_amounts_without_a_rate_are_kept_apart(tiny_repo):
    deal = tiny_repo / "deals" / "acme-line.yaml"
    text = deal.read_text(encoding="utf-8")
    (tiny_repo / "deals" / "acme-yen.yaml").write_text(
        text.replace("id: acme-line", "id: acme-yen").replace("currency: CNY", "currency: JPY"), encoding="utf-8")
    rows = json.loads(report(tiny_repo, "forecast", "--by", "quarter", "--format", "json").stdout)
    (row,) = rows
    assert row["deals"] == 2
    # 500000 CNY in planning (10 %) is counted; the same amount in JPY has no rate and is not added in.
    assert Decimal(row["pipeline"]) == Decimal(500000) and Decimal(row["weighted"]) == Decimal(50000)
    assert row["unconverted"] == {"JPY": "500000"}
    table = report(tiny_repo, "forecast").stdout
    assert "Amounts in JPY have no rate into CNY" in table
