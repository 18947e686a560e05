"""`salesgen winloss` and the site's win/loss page, checked against a computation from the raw YAML.

Closed deals, stages reached, competitors and reasons are read here with PyYAML and the
documented definitions, independently of ``salesgen.analytics.winloss``.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import yaml
from click.testing import CliRunner

from salesgen.cli import cli

AS_OF = dt.date(2026, 11, 20)


def closed_deals(root: Path):
    config = yaml.safe_load((root / "salesgen.yaml").read_text(encoding="utf-8"))
    stages = {(p["id"], s["id"]): s for p in config["pipelines"] for s in p["stages"]}
    order = {p["id"]: [s["id"] for s in p["stages"] if not s.get("outcome")] for p in config["pipelines"]}
    rates = {k: Decimal(str(v)) for k, v in config["rates"].items()}
    rates[config["currency"]] = Decimal(1)
    out = []
    for path in sorted((root / "deals").rglob("*.yaml")):
        deal = yaml.safe_load(path.read_text(encoding="utf-8"))
        outcome = stages[(deal["pipeline"], deal["stage"])].get("outcome")
        if not outcome:
            continue
        reached = [order[deal["pipeline"]].index(e["stage"]) for e in deal.get("stage_history", [])
                   if e["stage"] in order[deal["pipeline"]]]
        amount = Decimal(str((deal.get("contract") or {}).get("value", deal["amount"]) if outcome == "won"
                             else deal["amount"])) * rates[deal["currency"]]
        out.append({"deal": deal, "outcome": outcome, "furthest": max(reached) if reached else None,
                    "order": order[deal["pipeline"]], "amount": amount,
                    "reason": (deal.get("lost_reason") or {}).get("code"),
                    "winner": (deal.get("lost_reason") or {}).get("winner")})
    return out


def run_json(root: Path, by: str) -> list[dict]:
    result = CliRunner().invoke(cli, ["winloss", "--by", by, "--root", str(root), "--as-of", AS_OF.isoformat(),
                                      "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def rate(won: int, lost: int) -> str | None:
    return None if won + lost == 0 else str(round(Decimal(100 * won) / (won + lost) + Decimal("0.0000001")))


def test_by_rep(example_repo):
    expected = defaultdict(lambda: [0, 0, Decimal(0), Decimal(0), Counter()])
    for c in closed_deals(example_repo):
        row = expected[c["deal"]["owner"]]
        won = c["outcome"] == "won"
        row[0 if won else 1] += 1
        row[2 if won else 3] += c["amount"]
        if not won:
            row[4][c["reason"]] += 1
    rows = run_json(example_repo, "rep")
    got = {r["rep"]: [r["won"], r["lost"], Decimal(r["won_amount"]), Decimal(r["lost_amount"]),
                      Counter(r["reason_counts"])] for r in rows}
    assert got == {k: v for k, v in expected.items()}
    for r in rows:
        assert r["win_rate"] == rate(r["won"], r["lost"])
    assert sum(r["lost"] for r in rows) == 3 and sum(r["won"] for r in rows) == 5  # the example's closings


def test_by_competitor_counts_the_winner_named_in_the_lost_reason(example_repo):
    expected = defaultdict(lambda: [0, 0, 0])
    for c in closed_deals(example_repo):
        names = list(dict.fromkeys([x["name"] for x in c["deal"].get("competitors", [])]
                                   + ([c["winner"]] if c["winner"] else []))) or ["(none recorded)"]
        for name in names:
            expected[name][0 if c["outcome"] == "won" else 1] += 1
            expected[name][2] += int(c["winner"] == name)
    got = {r["competitor"]: [r["won"], r["lost"], r["lost_to"]] for r in run_json(example_repo, "competitor")}
    assert got == dict(expected)
    assert got["常州恒仪自动化（本地代理）"] == [0, 1, 1]  # named only as the winner of a lost deal


def test_by_stage_reached(example_repo):
    closed = closed_deals(example_repo)
    rows = run_json(example_repo, "stage")
    for r in rows:
        mine = [c for c in closed if c["deal"]["pipeline"] == r["pipeline"]]
        index = mine[0]["order"].index(r["stage"]) if mine else None
        reached = [c for c in mine if c["furthest"] is not None and c["furthest"] >= index]
        assert (r["won"], r["lost"]) == (sum(c["outcome"] == "won" for c in reached),
                                         sum(c["outcome"] == "lost" for c in reached)), r["stage"]
        here = [c for c in mine if c["outcome"] == "lost" and c["furthest"] == index]
        assert r["lost_here"] == len(here)
        assert Counter(r["reason_counts"]) == Counter(c["reason"] for c in here)
    assert sum(r["lost_here"] for r in rows) == 3


def test_a_deal_closed_after_the_as_of_date_is_not_counted(example_repo):
    closed = closed_deals(example_repo)
    first = min(max(e["date"] for e in c["deal"]["stage_history"] if e["stage"] == c["deal"]["stage"])
                for c in closed)
    result = CliRunner().invoke(cli, ["winloss", "--by", "rep", "--root", str(example_repo), "--as-of",
                                      (first - dt.timedelta(days=1)).isoformat(), "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    result = CliRunner().invoke(cli, ["winloss", "--by", "rep", "--root", str(example_repo), "--as-of",
                                      first.isoformat(), "--format", "json"])
    assert sum(r["closed"] for r in json.loads(result.stdout)) == 1


def test_table_and_help(example_repo):
    result = CliRunner().invoke(cli, ["winloss", "--root", str(example_repo), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0 and "5 won, 3 lost, win rate 63%" in result.stdout
    help_text = CliRunner().invoke(cli, ["winloss", "--help"]).output
    assert "Examples:" in help_text and "salesgen winloss --by competitor" in help_text


def test_site_page(tmp_path, example_repo):
    site = tmp_path / "site"
    result = CliRunner().invoke(cli, ["build", "--root", str(example_repo), "--site-dir", str(site), "--as-of",
                                      AS_OF.isoformat()], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    source = (site / "winloss" / "index.html").read_text(encoding="utf-8")
    assert 'href="../winloss/"' in (site / "index.html").read_text(encoding="utf-8").replace('href="winloss/"',
                                                                                                 'href="../winloss/"')
    closed = closed_deals(example_repo)
    assert set(re.findall(r'<tr data-deal="([^"]+)"', source)) == {c["deal"]["id"] for c in closed}
    for owner in {c["deal"]["owner"] for c in closed}:
        mine = [c for c in closed if c["deal"]["owner"] == owner]
        won = sum(c["outcome"] == "won" for c in mine)
        row = re.search(rf'<tr data-rep="{owner}">(.*?)</tr>', source, re.S).group(1)
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        assert cells[1:5] == [str(len(mine)), str(won), str(len(mine) - won), f"{rate(won, len(mine) - won)}%"]
