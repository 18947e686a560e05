"""The printable forms page of each deal (/deals/<id>/forms/): the right fields, nothing sensitive.

Expected values are read from the example's YAML with PyYAML.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import copy_example
from salesgen.cli import cli

AS_OF = "2026-11-20"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("forms")
    root = copy_example(work / "repo")
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--site-dir", str(work / "site"),
                                      "--as-of", AS_OF], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    deals = {}
    for path in sorted((root / "deals").rglob("*.yaml")):
        deal = yaml.safe_load(path.read_text(encoding="utf-8"))
        deals[deal["id"]] = deal
    customers = {}
    for path in sorted((root / "customers").glob("*.yaml")):
        customer = yaml.safe_load(path.read_text(encoding="utf-8"))
        customers[customer["id"]] = customer
    return work / "site", deals, customers


def forms(site: Path, deal_id: str) -> str:
    return (site / "deals" / deal_id / "forms" / "index.html").read_text(encoding="utf-8")


def section(source: str, name: str) -> str:
    return source.split(f'id="sec-{name}"', 1)[1].split("</section>", 1)[0]


def visible(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_every_deal_has_a_forms_page_linked_from_its_page(built):
    site, deals, _ = built
    for deal_id in deals:
        assert "<h2" in forms(site, deal_id)
        deal_page = (site / "deals" / deal_id / "index.html").read_text(encoding="utf-8")
        assert 'class="sg-forms-link" href="forms/"' in deal_page


def test_forms_of_a_won_deal(built):
    site, deals, customers = built
    deal = deals["temp-line1-retrofit"]
    source = forms(site, deal["id"])
    visits = section(source, "visit-report")
    expected = [a["date"].isoformat() for a in deal["activities"] if a["type"] == "visit"]
    assert re.findall(r'data-visit="([^"]+)"', visits) == expected
    contacts = {c["id"]: c for c in customers["temp"]["contacts"]}
    first = next(a for a in deal["activities"] if a["type"] == "visit")
    for cid in first["contacts"]:
        assert contacts[cid]["name"] in visible(visits)
    assert "KV-2024-087" in visits  # the visit report's number, from its evidence record
    initiation = section(source, "initiation")
    assert visible(re.search(r'data-field="amount">(.*?)</td>', initiation).group(1)) == \
        f"{deal['contract']['value']:,} CNY"
    assert deal["expected_close"].isoformat() in initiation
    approval = next(a for a in deal["approvals"] if a["kind"] == "project_initiation")
    assert approval["ref"] in initiation
    assert set(re.findall(r'data-contact="([^"]+)"', initiation)) == {s["contact"] for s in deal["stakeholders"]}
    exchange = section(source, "exchange")
    assert re.findall(r'data-exchange="([^"]+)"', exchange) == [a["date"].isoformat() for a in deal["activities"]
                                                               if a["type"] == "demo"]
    close = section(source, "close")
    assert 'data-outcome="won"' in close and deal["contract"]["ref"] in close


def test_forms_of_a_lost_and_an_open_deal(built):
    site, deals, _ = built
    lost = next(d for d in deals.values() if d.get("lost_reason"))
    close = section(forms(site, lost["id"]), "close")
    assert 'data-outcome="lost"' in close
    reasons = yaml.safe_load((Path(__file__).resolve().parent.parent / "salesgen.yaml").read_text(encoding="utf-8"))
    label = reasons["lost_reasons"][lost["lost_reason"]["code"]]["en"]
    assert label in visible(close)
    open_deal = deals["temp-capacity-expansion"]
    source = forms(site, open_deal["id"])
    assert "data-outcome" not in section(source, "close")
    assert "no close request yet" in visible(section(source, "close"))
    # planned visits (after the as-of date) are not reported as held
    held = [a["date"].isoformat() for a in open_deal["activities"]
            if a["type"] == "visit" and a["date"] <= dt.date.fromisoformat(AS_OF)]
    assert re.findall(r'data-visit="([^"]+)"', section(source, "visit-report")) == held


def test_no_sensitive_contact_field_on_any_forms_page(built):
    site, deals, customers = built
    secrets = []
    for customer in customers.values():
        for contact in customer.get("contacts", []):
            for key in ("notes", "motives"):
                value = contact.get(key)
                if isinstance(value, str):
                    secrets.append(value.strip()[:20])
                elif isinstance(value, dict):
                    secrets += [str(v)[:20] for v in value.values() if isinstance(v, str) and len(v) > 3]
                elif isinstance(value, list):
                    secrets += [str(v)[:20] for v in value if isinstance(v, str) and len(v) > 3]
    assert secrets, "the example has sensitive contact fields"
    for deal_id in deals:
        text = visible(forms(site, deal_id))
        assert not [s for s in secrets if s in text], deal_id


def test_forms_print_on_a4_without_the_site_frame(built):
    site, _, _ = built
    css = (site / "assets" / "salesgen.css").read_text(encoding="utf-8")
    assert "size: A4" in css
    print_rules = css.split("@media print", 1)[1]
    assert ".md-header" in print_rules and ".sg-noprint" in print_rules and ".sg-form { break-after: page; }" in print_rules
