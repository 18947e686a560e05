"""`salesgen build`: the example site, every page type, with figures recomputed from the YAML here.

The expected numbers come from the raw files (PyYAML, own arithmetic following the
documented rules), never from ``salesgen.analytics``. Pages are read back as HTML.
"""
from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
import shutil
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import markupsafe
import pytest
import yaml
from click.testing import CliRunner

from conftest import copy_example
from salesgen.cli import cli

REPO = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 20)
CATEGORY = {"prospecting": "pipeline", "in_funnel": "best_case", "best": "commit"}
INDEX_PAGES = ["index.html", "funnel/index.html", "forecast/index.html", "winloss/index.html", "deals/index.html",
               "customers/index.html", "team/index.html", "rules/index.html"]


def build(root: Path, out: Path, *extra: str):
    return CliRunner().invoke(cli, ["build", "--root", str(root), "--site-dir", str(out),
                                    "--as-of", AS_OF.isoformat(), *extra], catch_exceptions=False)


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """(repository, site, raw data) of the example, built once for the module."""
    work = tmp_path_factory.mktemp("example")
    root = copy_example(work / "repo")
    result = build(root, work / "site")
    assert result.exit_code == 0, result.output
    return root, work / "site", Raw(root)


class Raw:
    """The example as plain YAML, with the figures a page should show, computed by hand."""

    def __init__(self, root: Path):
        self.config = yaml.safe_load((root / "salesgen.yaml").read_text(encoding="utf-8"))
        self.deals = {}
        for path in sorted((root / "deals").rglob("*.yaml")):
            deal = yaml.safe_load(path.read_text(encoding="utf-8"))
            self.deals[deal["id"]] = deal
        self.customers = {}
        for path in sorted((root / "customers").glob("*.yaml")):
            customer = yaml.safe_load(path.read_text(encoding="utf-8"))
            self.customers[customer["id"]] = customer
        self.stages = {(p["id"], s["id"]): s for p in self.config["pipelines"] for s in p["stages"]}
        self.rates = {k: Decimal(str(v)) for k, v in self.config["rates"].items()}
        self.rates[self.config["currency"]] = Decimal(1)

    def stage(self, deal):
        return self.stages[(deal["pipeline"], deal["stage"])]

    def is_open(self, deal) -> bool:
        return not self.stage(deal).get("outcome")

    def value(self, deal) -> Decimal:
        contract = deal.get("contract") or {}
        if self.stage(deal).get("outcome") == "won" and contract.get("value") is not None:
            return Decimal(str(contract["value"]))
        return Decimal(str(deal["amount"]))

    def percent(self, deal) -> int:
        outcome = self.stage(deal).get("outcome")
        if outcome:
            return 100 if outcome == "won" else 0
        return (deal.get("probability") or {}).get("value", self.stage(deal)["probability"])

    def base(self, deal, amount: Decimal) -> Decimal:
        return amount * self.rates[deal["currency"]]

    def close_date(self, deal) -> dt.date:
        if self.stage(deal).get("outcome") == "won":
            contract = deal.get("contract") or {}
            entries = [e["date"] for e in deal.get("stage_history", []) if e["stage"] == deal["stage"]]
            return contract.get("date") or (max(entries) if entries else deal["expected_close"])
        return deal["expected_close"]


def esc(value: str) -> str:
    """HTML-escaped as the pages escape text (quotes included)."""
    return str(markupsafe.escape(value))


def money(amount: Decimal) -> str:
    """How the site shows money: whole units, half up, thousands separators."""
    return f"{amount.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"


def page(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def text(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def row(source: str, attribute: str, value: str) -> str:
    match = re.search(rf'<tr {attribute}="{re.escape(value)}"[^>]*>(.*?)</tr>', source, re.S)
    assert match, f"no row {attribute}={value}"
    return match.group(1)


def cells(fragment: str) -> list[str]:
    return [text(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", fragment, re.S)]


def card(source: str, label: str) -> str:
    match = re.search(r'<div class="sg-card"><small>' + re.escape(label) + r"</small><b>(.*?)</b>", source, re.S)
    assert match, f"no card {label}"
    return text(match.group(1))


# --------------------------------------------------------------------------- every page type


def test_every_page_type_exists(example):
    root, site, raw = example
    for rel in INDEX_PAGES:
        assert (site / rel).is_file(), rel
    for deal_id in raw.deals:
        assert (site / "deals" / deal_id / "index.html").is_file(), deal_id
    for customer_id in raw.customers:
        assert (site / "customers" / customer_id / "index.html").is_file(), customer_id
    for rep in raw.config["reps"]:
        assert (site / "team" / rep["id"] / "index.html").is_file(), rep["id"]
    assert (site / "assets" / "salesgen.css").is_file()
    assert (site / ".salesgen-site").is_file()


def test_nav_holds_the_index_pages_only(example):
    _, site, raw = example
    deal_id = next(iter(raw.deals))
    deal_page = page(site, f"deals/{deal_id}/index.html")
    tabs = re.search(r'<nav class="md-tabs".*?</nav>', deal_page, re.S).group(0)
    links = [posixpath.normpath(posixpath.join(f"deals/{deal_id}", link)) for link in re.findall(r'href="([^"]+)"', tabs)]
    assert links == [".", "funnel", "forecast", "winloss", "changes", "deals", "customers", "team", "rules"]
    sidebar = re.search(r'data-md-type="navigation".*?</nav>', deal_page, re.S).group(0)
    assert not any(f"deals/{d}/" in sidebar for d in raw.deals)


# --------------------------------------------------------------------------- dashboard


def test_dashboard_figures(example):
    _, site, raw = example
    source = page(site, "index.html")
    open_deals = [d for d in raw.deals.values() if raw.is_open(d)]
    amount = sum(raw.base(d, raw.value(d)) for d in open_deals)
    weighted = sum(raw.base(d, raw.value(d)) * raw.percent(d) / 100 for d in open_deals)
    assert card(source, "Open pipeline") == f"{money(amount)} CNY"
    assert card(source, "Weighted pipeline") == f"{money(weighted)} CNY"
    for label, start, end in (("Forecast 2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
                              ("Forecast 2027-Q1", dt.date(2027, 1, 1), dt.date(2027, 3, 31))):
        total = sum(raw.base(d, raw.value(d)) * raw.percent(d) / 100 for d in raw.deals.values()
                    if raw.stage(d).get("outcome") != "lost" and start <= raw.close_date(d) <= end)
        assert card(source, label) == f"{money(total)} CNY", label


def own_review(raw: Raw, deal) -> tuple[bool, bool]:
    """(follow-up missed, intent judgment missed) by the 1-15-30 rule, computed from the YAML."""
    past = [a for a in deal.get("activities", []) if a["date"] <= AS_OF]
    opened = deal.get("created") or min((e["date"] for e in deal.get("stage_history", [])), default=None)
    last = max((a["date"] for a in past), default=opened or AS_OF)
    judged = [a["date"] for a in past if a.get("intent")]
    intent_from = max(judged) if judged else (opened or min((a["date"] for a in past), default=AS_OF))
    days = raw.config.get("cadence", {})
    return ((AS_OF - last).days >= days.get("follow_up_days", 15),
            (AS_OF - intent_from).days >= days.get("intent_days", 30))


def test_dashboard_lists_the_deals_that_need_follow_up(example):
    _, site, raw = example
    source = page(site, "index.html")
    section = source.split('id="follow-up"', 1)[1].split('id="gate"', 1)[0]
    listed = set(re.findall(r'href="deals/([^/"]+)/"', section))
    missed = {d["id"] for d in raw.deals.values() if raw.is_open(d) and any(own_review(raw, d))}
    assert missed <= listed
    assert listed, "the example has deals needing follow-up"
    for deal_id in listed - missed:  # listed for a planned contact that passed
        deal = raw.deals[deal_id]
        assert any(a.get("next_date") and a["next_date"] < AS_OF for a in deal.get("activities", [])), deal_id


def test_dashboard_gate_violations_and_recent_closings(example):
    root, site, raw = example
    source = page(site, "index.html")
    lint = CliRunner().invoke(cli, ["lint", "--root", str(root), "--as-of", AS_OF.isoformat(), "--format", "json"])
    import json

    gate = [p for p in json.loads(lint.output) if p["rule"] == "stage-gate"]
    section = source.split('id="gate"', 1)[1].split('id="recent"', 1)[0]
    assert section.count("<tr class=\"sg-sev-") == len(gate)
    recent = source.split('id="recent"', 1)[1]
    for deal in raw.deals.values():
        outcome = raw.stage(deal).get("outcome")
        if not outcome:
            continue
        if outcome == "won":
            closed = raw.close_date(deal)
        else:
            closed = max(e["date"] for e in deal["stage_history"] if e["stage"] == deal["stage"])
        shown = f'href="deals/{deal["id"]}/"' in recent
        assert shown == (AS_OF - dt.timedelta(days=90) <= closed <= AS_OF), deal["id"]


# --------------------------------------------------------------------------- funnel


def test_funnel_per_stage(example):
    _, site, raw = example
    source = page(site, "funnel/index.html")
    for pipeline in raw.config["pipelines"]:
        table = re.search(rf'<table class="sg-table" data-pipeline="{pipeline["id"]}">(.*?)</table>', source, re.S).group(1)
        for stage in pipeline["stages"]:
            deals = [d for d in raw.deals.values() if d["pipeline"] == pipeline["id"] and d["stage"] == stage["id"]]
            got = cells(row(table, "data-stage", stage["id"]))
            amount = sum((raw.base(d, raw.value(d)) for d in deals), Decimal(0))
            weighted = sum((raw.base(d, raw.value(d)) * raw.percent(d) / 100 for d in deals), Decimal(0))
            assert got[3:] == [str(len(deals)), f"{money(amount)} CNY", f"{money(weighted)} CNY"], stage["id"]


def test_funnel_states_and_conversion(example):
    _, site, raw = example
    source = page(site, "funnel/index.html")
    for state in ("prospecting", "in_funnel", "best"):
        deals = [d for d in raw.deals.values() if raw.is_open(d) and raw.stage(d)["funnel"] == state]
        got = cells(row(source, "data-state", state))
        assert got[1:3] == [str(len(deals)), f"{money(sum(raw.base(d, raw.value(d)) for d in deals))} CNY"], state
    # conversion: planning -> later stages of the project pipeline
    order = [s["id"] for s in raw.config["pipelines"][0]["stages"] if s.get("outcome") != "lost"]
    entered = advanced = 0
    for deal in raw.deals.values():
        if deal["pipeline"] != "project":
            continue
        been = {e["stage"] for e in deal.get("stage_history", []) if e["date"] <= AS_OF} | {deal["stage"]}
        positions = sorted(order.index(s) for s in been if s in order)
        if 1 in positions:
            entered += 1
            advanced += positions[-1] > 1
    conversion = source.split('id="conversion"', 1)[1]
    table = re.search(r'data-pipeline="project">(.*?)</table>', conversion, re.S).group(1)
    got = cells(row(table, "data-stage", "visit"))
    rate = (Decimal(advanced) * 100 / entered).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert got[1:4] == [str(entered), str(advanced), f"{rate}%"]


# --------------------------------------------------------------------------- forecast


def test_forecast_by_quarter(example):
    _, site, raw = example
    source = page(site, "forecast/index.html")
    expected = defaultdict(lambda: defaultdict(Decimal))
    weighted = defaultdict(Decimal)
    for deal in raw.deals.values():
        stage = raw.stage(deal)
        if stage.get("outcome") == "lost":
            continue
        category = "closed" if stage.get("outcome") == "won" else CATEGORY[stage["funnel"]]
        date = raw.close_date(deal)
        key = f"{date.year}-Q{(date.month - 1) // 3 + 1}"
        expected[key][category] += raw.base(deal, raw.value(deal))
        weighted[key] += raw.base(deal, raw.value(deal)) * raw.percent(deal) / 100
    table = re.search(r'<table class="sg-table sg-forecast" id="quarters-table">(.*?)</table>', source, re.S).group(1)
    assert re.findall(r'data-period="([^"]+)"', table) == sorted(expected)
    for period, row_expected in expected.items():
        got = cells(row(table, "data-period", period))
        for index, category in enumerate(("pipeline", "best_case", "commit", "closed"), start=1):
            shown = f"{money(row_expected[category])} CNY" if category in row_expected else "–"
            assert got[index].startswith(shown), (period, category, got[index])
        assert got[-1] == f"{money(weighted[period])} CNY", period


def test_forecast_reps_against_quota_for_the_year(example):
    _, site, raw = example
    source = page(site, "forecast/index.html")
    table = re.search(r'id="reps-table">(.*?)</table>', source, re.S).group(1)
    for rep in raw.config["reps"]:
        deals = [d for d in raw.deals.values() if d["owner"] == rep["id"]
                 and raw.stage(d).get("outcome") != "lost" and raw.close_date(d).year == AS_OF.year]
        if not rep.get("quota") and not deals:
            assert f'data-rep="{rep["id"]}"' not in table
            continue
        closed = sum((raw.base(d, raw.value(d)) for d in deals if raw.stage(d).get("outcome") == "won"), Decimal(0))
        forecast = sum((raw.base(d, raw.value(d)) * raw.percent(d) / 100 for d in deals), Decimal(0))
        got = cells(row(table, "data-rep", rep["id"]))
        assert got[2] == f"{money(closed)} CNY", rep["id"]
        assert got[6] == f"{money(forecast)} CNY", rep["id"]
        if rep.get("quota"):
            quota = Decimal(rep["quota"]["amount"])
            assert got[1] == f"{money(quota)} CNY"
            assert got[7] == f"{(closed * 100 / quota).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def test_forecast_per_currency_is_never_converted(example):
    _, site, raw = example
    source = page(site, "forecast/index.html")
    table = re.search(r'id="currencies-table">(.*?)</table>', source, re.S).group(1)
    expected = defaultdict(lambda: defaultdict(Decimal))
    for deal in raw.deals.values():
        stage = raw.stage(deal)
        if stage.get("outcome") == "lost":
            continue
        date = raw.close_date(deal)
        category = "closed" if stage.get("outcome") == "won" else CATEGORY[stage["funnel"]]
        expected[(f"{date.year}-Q{(date.month - 1) // 3 + 1}", deal["currency"])][category] += raw.value(deal)
    assert len({c for _, c in expected}) > 1, "the example has several currencies"
    rows = re.findall(r'<tr data-period="([^"]+)" data-currency="([^"]+)">(.*?)</tr>', table, re.S)
    assert {(p, c) for p, c, _ in rows} == set(expected)
    for period, currency, body in rows:
        got = cells(body)
        assert got[2:6] == [money(expected[(period, currency)][c]) for c in ("pipeline", "best_case", "commit", "closed")]


# --------------------------------------------------------------------------- deals


def deal_row(source: str, href: str) -> list[str]:
    match = re.search(rf'<tr><td><a href="{re.escape(href)}">(.*?)</tr>', source, re.S)
    assert match, f"no row linking to {href}"
    return cells("<td>" + match.group(1))


def closed_year(raw, deal) -> int:
    """The year a deal closed: its contract's date when won with one, else its last entry into its stage."""
    contract = deal.get("contract") or {}
    if raw.stage(deal).get("outcome") == "won" and contract.get("date"):
        return int(str(contract["date"])[:4])
    entries = [str(e["date"]) for e in deal.get("stage_history") or () if e["stage"] == deal["stage"]]
    return int(max(entries)[:4]) if entries else int(str(deal["expected_close"])[:4])


def test_deals_index_lists_open_deals_and_closed_ones_by_year(example):
    _, site, raw = example
    index = page(site, "deals/index.html")
    assert not any(raw.is_open(d) for d in raw.deals.values()) or 'id="open-deals"' in index
    years = set()
    for deal in raw.deals.values():
        if raw.is_open(deal):
            got = deal_row(index, f"{deal['id']}/")
        else:
            year = closed_year(raw, deal)
            years.add(year)
            assert f'href="{deal["id"]}/"' not in index, deal["id"]  # closed deals live on their year's page
            got = deal_row(page(site, f"deals/closed/{year}/index.html"), f"../../{deal['id']}/")
        assert got[0].startswith(deal["name"])
        assert f"{money(raw.value(deal))} {deal['currency']}" in got
    assert len(years) >= 2
    for year in years:
        assert f'<a href="closed/{year}/">{year}</a>' in index
    assert sorted(p.name for p in (site / "deals" / "closed").iterdir()) == sorted(str(y) for y in years)


def test_deal_page(example):
    _, site, raw = example
    deal = raw.deals["temp-capacity-expansion"]
    source = page(site, "deals/temp-capacity-expansion/index.html")
    assert f"<h1>{esc(deal['name'])}</h1>" in source
    amount = Decimal(str(deal["amount"]))
    assert card(source, "Amount") == f"{money(amount)} CNY"
    percent = raw.percent(deal)
    assert card(source, "Probability") == f"{percent}%"
    assert card(source, "Weighted") == f"{money(amount * percent / 100)} CNY"
    # stage path: the current stage, and the customer's buying stage under the stage it aligns with
    path = re.search(r'<ol class="sg-path">(.*?)</ol>', source, re.S).group(1)
    current = re.search(r'<li class="sg-current"><b>(.*?)<small>', path).group(1)
    stage = raw.stage(deal)
    assert current == stage["label"]["en"]
    assert "sg-here" in re.search(r'<li class="sg-current">.*?</li>', path).group(0)  # aligned: negotiation
    # exit checklist: evidenced, computed and missing criteria of the stages before it
    evidenced = {e["criterion"] for e in deal["evidence"]}
    checklist = source.split('id="checklist"', 1)[1].split('id="team"', 1)[0]
    for s in raw.config["pipelines"][0]["stages"]:
        for criterion in s.get("exit", []):
            label = esc(criterion["label"]["en"])
            item = re.search(r'<li class="sg-c-(\w+)">' + re.escape(label) + r"[ <]", checklist)
            assert item, criterion["id"]
            if criterion["kind"] == "evidence":
                assert item.group(1) == ("evidenced" if criterion["id"] in evidenced else "missing"), criterion["id"]
    # team, buying centre, competitors, assessment, timeline, approvals
    for role, rep_id in deal["team"].items():
        assert f'href="../../team/{rep_id}/"' in source
    assert source.count('class="sg-person"') >= len(deal["stakeholders"])
    for competitor in deal["competitors"]:
        assert esc(competitor["name"]) in source
    a = deal["assessment"]["attractiveness"]
    mean = (Decimal(sum(a.values())) / len(a)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert re.search(r"<th>Attractiveness</th><td class=\"sg-num\">" + str(mean) + "</td>", source)
    timeline = source.split('id="timeline"', 1)[1]
    dates = re.findall(r"<li(?: class=\"sg-planned\")?><p><b>(\d{4}-\d\d-\d\d)</b>", timeline)
    assert dates == sorted((a["date"].isoformat() for a in deal["activities"]), reverse=True)
    for approval in deal["approvals"]:
        assert esc(approval["ref"]) in source


def test_deal_page_shows_influence_strategies_and_approvals(example):
    _, site, raw = example
    deal = raw.deals["lutai-paint-shop-mes"]
    source = page(site, "deals/lutai-paint-shop-mes/index.html")
    with_strategy = [s for s in deal["stakeholders"] if s.get("strategy")]
    assert with_strategy, "the example shows a strategy for its opposing decision maker"
    section = source.split('id="influence"', 1)[1].split("</table>", 1)[0]
    for holder in with_strategy:
        steps = cells(row(section, "data-contact", holder["contact"]))[1:]
        assert steps == [holder["strategy"][k] for k in ("motives", "route", "actions")]
    assert "3. Approach and key points" in section
    # a deal without any strategy has no such section
    plain = next(d for d in raw.deals.values() if not any(s.get("strategy") for s in d.get("stakeholders", ())))
    assert 'id="influence"' not in page(site, f"deals/{plain['id']}/index.html")
    # an approval criterion shows its approval (date and approver), not just the form
    checklist = source.split('id="checklist"', 1)[1].split('id="team"', 1)[0]
    approval = next(a for a in deal["approvals"] if a["kind"] == "project_initiation")
    approver = next(r["name"] for r in raw.config["reps"] if r["id"] == approval["approver"])
    item = re.search(r'<li class="sg-c-evidenced">Sales project approved <small>(.*?)</small>', checklist)
    assert item and text(item.group(1)) == f"{approval['date']} · {approver} {approval['ref']}"


def test_deal_page_of_a_lost_deal_and_its_reason(example):
    _, site, raw = example
    lost = [d for d in raw.deals.values() if raw.stage(d).get("outcome") == "lost"]
    assert lost
    for deal in lost:
        source = page(site, f"deals/{deal['id']}/index.html")
        reason = raw.config["lost_reasons"][deal["lost_reason"]["code"]]["en"]
        assert esc(reason) in source, deal["id"]


# --------------------------------------------------------------------------- customers


def own_score(evaluation: dict, weights: dict) -> str:
    total = sum(Decimal(evaluation[f] * w) for f, w in weights.items()) / sum(weights.values())
    return str(total.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def test_scorecard_comes_out_as_on_paper(example):
    _, site, raw = example
    weights = raw.config["scorecard"]
    for customer_id, expected in (("hengchuan", "6.0"), ("temp", "6.4")):  # the text's customers A and B
        customer = raw.customers[customer_id]
        assert own_score(customer["evaluation"], weights) == expected
        source = page(site, f"customers/{customer_id}/index.html")
        assert re.search(r'<td class="sg-num" id="score-total">([^<]+)</td>', source).group(1) == expected
        for factor, score in customer["evaluation"].items():
            got = cells(row(source, "data-factor", factor))
            assert got[1:3] == [f"{weights[factor]}%", str(score)], factor


def test_customers_index_ranks_by_score(example):
    _, site, raw = example
    source = page(site, "customers/index.html")
    order = re.findall(r'<tr data-customer="([^"]+)">', source)
    assert sorted(order) == sorted(raw.customers)
    weights = raw.config["scorecard"]
    scored = [c for c in raw.customers.values() if set(weights) <= set(c.get("evaluation", {}))]
    expected = sorted(scored, key=lambda c: -Decimal(own_score(c["evaluation"], weights)))
    ranked = [c for c in order if c in {s["id"] for s in scored}]
    assert [Decimal(own_score(raw.customers[c]["evaluation"], weights)) for c in ranked] == \
        [Decimal(own_score(c["evaluation"], weights)) for c in expected]
    assert order.index("temp") < order.index("hengchuan")  # B ranks above A


def test_customer_page_org_chart_and_deals(example):
    _, site, raw = example
    customer = raw.customers["temp"]
    source = page(site, "customers/temp/index.html")
    people = re.findall(r'<g class="sg-person" data-contact="([^"]+)"', source)
    assert sorted(people) == sorted(c["id"] for c in customer["contacts"])
    for deal in raw.deals.values():
        assert (f'href="../../deals/{deal["id"]}/"' in source) == (deal["customer"] == "temp"), deal["id"]
    type_label = {"organization": "Organization", "interest": "Interest", "intent": "Intent", "customer": "Customer"}
    assert f'sg-type-current">{type_label[customer["type"]]}' in source


def test_sensitive_fields_stay_out_unless_asked(example, tmp_path):
    root, site, raw = example
    secrets = []
    for customer in raw.customers.values():
        for contact in customer.get("contacts", []):
            if contact.get("notes"):
                secrets.append(contact["notes"].split()[0:6])
            if (contact.get("motives") or {}).get("personality"):
                secrets.append(contact["motives"]["personality"].split()[0:6])
    assert secrets
    everything = "\n".join(p.read_text(encoding="utf-8") for p in site.rglob("*") if p.suffix in (".html", ".json"))
    for words in secrets:
        assert esc(" ".join(words)) not in everything, words
    result = build(root, tmp_path / "private", "--include-sensitive")
    assert result.exit_code == 0, result.output
    private = (tmp_path / "private" / "customers" / "temp" / "index.html").read_text(encoding="utf-8")
    notes = [c["notes"] for c in raw.customers["temp"]["contacts"] if c.get("notes")]
    assert " ".join(notes[0].split()[:6]) in " ".join(html.unescape(private).split())


# --------------------------------------------------------------------------- team and rules


def test_team_pages(example):
    _, site, raw = example
    source = page(site, "team/index.html")
    left = {r["id"] for r in raw.config["reps"] if r.get("active") is False}
    held = {d["id"] for d in raw.deals.values() if raw.is_open(d) and
            (d["owner"] in left or set(d.get("team", {}).values()) & left)}
    handover = source.split('id="handover"', 1)[1]
    assert set(re.findall(r'<tr data-kind="deal" data-id="([^"]+)"', handover)) == held
    assert held, "the example has a rep who left"
    # a rep's page: their open deals in the review list, and their process milestones this quarter
    rep = "zhang-jiaqiang"
    rep_page = page(site, f"team/{rep}/index.html")
    review = rep_page.split('id="review"', 1)[1].split('id="week"', 1)[0]
    own = {d["id"] for d in raw.deals.values() if d["owner"] == rep and raw.is_open(d)}
    assert set(re.findall(r'href="../../deals/([^/"]+)/"', review)) == own
    kpi = re.search(r'id="kpi-table">(.*?)</table>', rep_page, re.S).group(1)
    for stage in ("visit", "proposal", "demo", "design", "evaluation", "negotiation", "won"):
        entered = sum(1 for d in raw.deals.values() if d["owner"] == rep and d["pipeline"] == "project" and any(
            e["stage"] == stage and dt.date(2026, 10, 1) <= e["date"] <= AS_OF for e in d.get("stage_history", [])))
        got = cells(row(kpi, "data-kpi", f"project:{stage}"))
        assert got[1] == str(entered), stage


def test_rules_page_lists_the_catalogue_and_the_warnings(example):
    root, site, _ = example
    import json

    from salesgen import rules

    source = page(site, "rules/index.html")
    for rule_id in rules.REGISTRY:
        assert f'id="rule-{rule_id}"' in source
    lint = CliRunner().invoke(cli, ["lint", "--root", str(root), "--as-of", AS_OF.isoformat(), "--format", "json"])
    problems = json.loads(lint.output)
    assert problems, "the example has warnings"
    current = source.split('id="current"', 1)[1].split('id="catalogue"', 1)[0]
    assert current.count("<tr class=\"sg-sev-") == len(problems)
    for p in problems:
        assert esc(p["message"]) in current


# --------------------------------------------------------------------------- offline, private, safe


EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""", re.I)


def test_no_request_to_another_host(example):
    _, site, _ = example
    for path in site.rglob("*"):
        if path.suffix not in (".html", ".css", ".js"):
            continue
        content = path.read_text(encoding="utf-8", errors="replace")
        # links a reader may follow are fine; anything loaded by the page is not
        for tag in re.findall(r"<(?:link|script|img|iframe|source|video|audio)\b[^>]*>", content, re.I):
            assert not EXTERNAL.search(tag), (path, tag)
        if path.suffix == ".css" and "salesgen" in path.name:
            assert not EXTERNAL.search(content)
        assert "fonts.googleapis" not in content and "fonts.gstatic" not in content, path


def test_hostile_strings_render_as_text(tmp_path):
    root = tmp_path / "hostile"
    shutil.copytree(REPO / "tests" / "data" / "hostile-repo", root)
    result = build(root, tmp_path / "site")
    assert result.exit_code == 0, result.output
    pages = list((tmp_path / "site").rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        content = path.read_text(encoding="utf-8")
        assert "<script>alert" not in content, path
        assert "<img src=x" not in content, path
        assert not re.search(r"<[^>]*\sonerror=", content), path
        assert 'href="javascript:' not in content, path
    deal = (tmp_path / "site" / "deals" / "evil-corp-line" / "index.html").read_text(encoding="utf-8")
    name = yaml.safe_load((root / "deals" / "evil-corp-line.yaml").read_text(encoding="utf-8"))["name"]
    assert f"<h1>{esc(name)}</h1>" in deal
    spares = (tmp_path / "site" / "deals" / "evil-corp-spares" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Spares {{ 7*7 }}" in spares  # template syntax in data is text, never evaluated


def test_a_pipe_or_markdown_in_a_name_stays_text(tmp_path, tiny_repo):
    deal = tiny_repo / "deals" / "acme-line.yaml"
    deal.write_text(deal.read_text(encoding="utf-8").replace(
        "name: Acme 生产线", "name: 'A | B | **bold** [x](http://e.example) <b>x</b>'"), encoding="utf-8")
    result = build(tiny_repo, tmp_path / "site")
    assert result.exit_code == 0, result.output
    source = (tmp_path / "site" / "deals" / "index.html").read_text(encoding="utf-8")
    assert "A | B | **bold** [x](http://e.example) &lt;b&gt;x&lt;/b&gt;</a>" in source
    assert "<strong>bold</strong>" not in source and 'href="http://e.example"' not in source


def test_a_probability_override_shows_the_probability_used(tmp_path):
    root = copy_example(tmp_path / "repo")
    path = next((root / "deals").rglob("temp-capacity-expansion.yaml"))
    path.write_text(path.read_text(encoding="utf-8").replace(
        "expected_close: 2026-12-18", "expected_close: 2026-12-18\nprobability: {value: 80}"), encoding="utf-8")
    assert build(root, tmp_path / "site").exit_code == 0
    deal_page = page(tmp_path / "site", "deals/temp-capacity-expansion/index.html")
    assert card(deal_page, "Probability") == "80%" and "stage default 90%" in deal_page
    deals = page(tmp_path / "site", "deals/index.html")
    listed = re.search(r'<tr><td><a href="temp-capacity-expansion/">.*?</tr>', deals, re.S)
    assert listed and cells(listed.group(0))[4] == "80%"
    funnel = page(tmp_path / "site", "funnel/index.html")
    negotiation = cells(row(funnel, "data-stage", "negotiation"))
    assert negotiation[2] in ("80%", "80-90%")


def test_rep_page_shows_the_week_and_the_promises(example):
    _, site, raw = example
    rep = "zhang-jiaqiang"
    week = page(site, f"team/{rep}/index.html").split('id="week"', 1)[1].split('id="funnel"', 1)[0]
    start = AS_OF - dt.timedelta(days=6)
    own = [d for d in raw.deals.values() if d["owner"] == rep and raw.is_open(d)]
    assert set(re.findall(r'<tr data-deal="([^"]+)"', week)) == {d["id"] for d in own}
    expected_overdue, expected_open = [], []
    for deal in own:
        for a in deal.get("activities", []):
            for p in a.get("promises", []):
                if isinstance(p, dict) and a["date"] <= AS_OF and (not p.get("done") or p["done"] > AS_OF):
                    (expected_overdue if p["due"] < AS_OF else expected_open).append(p["text"])
    got = {state: [text(t) for t in re.findall(rf'<p data-promise="{state}">(.*?) \(', week)]
           for state in ("overdue", "open")}
    assert got["overdue"] == expected_overdue == ["提供预付款银行保函"]
    assert sorted(got["open"]) == sorted(expected_open)
    activities = sum(1 for d in own for a in d.get("activities", []) if start <= a["date"] <= AS_OF)
    assert card(week, "Activities this week") == str(activities)
    assert card(week, "Overdue promises") == "1"


def test_deal_timeline_shows_promises_with_due_dates(example):
    _, site, raw = example
    deal = raw.deals["temp-capacity-expansion"]
    timeline = page(site, "deals/temp-capacity-expansion/index.html").split('id="timeline"', 1)[1]
    for activity in deal["activities"]:
        for promise in activity.get("promises", []):
            shown = promise["text"] if isinstance(promise, dict) else promise
            assert esc(shown) in timeline
            if isinstance(promise, dict):
                item = timeline.split(esc(shown), 1)[1].split("</p>", 1)[0]
                overdue = promise["due"] < AS_OF and not promise.get("done")
                assert f"due {promise['due'].isoformat()}" in item
                assert ("overdue" in item) == overdue, shown
