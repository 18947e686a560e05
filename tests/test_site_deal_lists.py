"""Big pipelines: the deals index holds open deals, closed deals go to their year, no list page grows past 1 MB.

A synthetic repository of 700 deals is generated (``salesgen generate``) and its deal
list pages rendered with pages of 80 rows (the real size is PAGE_ROWS): every deal is
on exactly one list page, open ones on deals/ and deals/open/<n>/, closed ones on the
page of the year their YAML says they closed; no page holds more than a page of rows;
the bytes per row are measured, and from them the size of a full page.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from salesgen import engine
from salesgen.cli import cli
from salesgen.site.data import SiteData
from salesgen.site.pages import deals as deal_pages
from salesgen.site.pages import pages

AS_OF = dt.date(2026, 11, 20)
ROWS = 80
ROW = re.compile(r'<tr><td><a href="((?:\.\./)*)([a-z0-9-]+)/">.*?</tr>', re.S)
MAX_ROW_BYTES = 400  # a row of the index: name, customer, stage, owner, amounts, date and the markup
FRAME_BYTES = 120_000  # Material's page around the list (header, navigation, scripts), measured ~45 kB


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("big") / "repo"
    result = CliRunner().invoke(cli, ["generate", str(root), "--deals", "700", "--customers", "150",
                                      "--contacts", "700", "--seed", "3"])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def lists(big: Path) -> dict:
    """url -> rendered body of every deal list page, pages of ROWS rows."""
    saved = deal_pages.PAGE_ROWS
    deal_pages.PAGE_ROWS = ROWS
    try:
        data = SiteData(engine.lint(big, AS_OF))
        ids = {d.id for d in data.deals}
        return {spec.url: spec.render() for spec in pages(data)
                if spec.url.startswith("deals/") and spec.url.split("/")[1] not in ids}
    finally:
        deal_pages.PAGE_ROWS = saved


def outcome_and_year(big: Path) -> dict:
    """deal id -> (outcome or None, year it closed), from the YAML and salesgen.yaml."""
    config = yaml.safe_load((big / "salesgen.yaml").read_text(encoding="utf-8"))
    outcomes = {(p["id"], s["id"]): s.get("outcome") for p in config["pipelines"] for s in p["stages"]}
    found = {}
    for path in (big / "deals").rglob("*.yaml"):
        deal = yaml.safe_load(path.read_text(encoding="utf-8"))
        outcome = outcomes[(deal["pipeline"], deal["stage"])]
        year = None
        if outcome == "won" and (deal.get("contract") or {}).get("date"):
            year = int(str(deal["contract"]["date"])[:4])
        elif outcome:
            entries = [str(e["date"]) for e in deal.get("stage_history") or () if e["stage"] == deal["stage"]]
            year = int((max(entries) if entries else str(deal["expected_close"]))[:4])
        found[deal["id"]] = (outcome, year)
    return found


def test_every_deal_is_on_one_list_page_open_on_the_index_closed_by_year(big: Path, lists: dict):
    expected = outcome_and_year(big)
    seen: dict = {}
    for url, body in lists.items():
        rows = ROW.findall(body)
        assert len(rows) <= ROWS, url
        for up, deal_id in rows:
            assert deal_id not in seen, (deal_id, url, seen.get(deal_id))
            seen[deal_id] = url
            assert up == "../" * (url.count("/") - 1), (url, up)  # the link leads to deals/<id>/
    assert set(seen) == set(expected)
    for deal_id, (outcome, year) in expected.items():
        url = seen[deal_id]
        if outcome is None:
            assert re.fullmatch(r"deals/(open/\d+/)?", url), (deal_id, url)
        else:
            assert re.fullmatch(rf"deals/closed/{year}/(\d+/)?", url), (deal_id, url, year)
    open_deals = sum(1 for outcome, _ in expected.values() if outcome is None)
    assert open_deals > 2 * ROWS  # the open list continues on numbered pages
    assert "deals/open/2/" in lists
    years = {year for outcome, year in expected.values() if outcome}
    assert len(years) >= 2
    for year in years:
        assert f'<a href="closed/{year}/">{year}</a>' in lists["deals/"]


def test_rows_are_compact_so_a_full_page_stays_under_1_mb(lists: dict):
    for url, body in lists.items():
        rows = ROW.findall(body)
        if len(rows) < ROWS:
            continue
        row_bytes = sum(len(m.group(0).encode("utf-8")) + 1 for m in ROW.finditer(body)) / len(rows)
        assert row_bytes <= MAX_ROW_BYTES, (url, row_bytes)
        around = len(body.encode("utf-8")) - row_bytes * len(rows)
        assert around < 60_000, url  # what the list page adds besides its rows (intro, chart, filters)
    assert deal_pages.PAGE_ROWS * MAX_ROW_BYTES + 60_000 + FRAME_BYTES < 1_000_000


def test_the_pager_links_every_page(lists: dict):
    numbered = sorted(url for url in lists if url.startswith("deals/open/"))
    assert numbered
    pager = re.search(r'<nav class="sg-pager">(.*?)</nav>', lists["deals/"], re.S).group(1)
    assert "<strong>1</strong>" in pager
    for n, url in enumerate(numbered, 2):
        assert f'<a href="../{url}">{n}</a>' in pager, url


CUSTOMER_ROW = re.compile(r'<tr data-customer="([a-z0-9-]+)">.*?</tr>', re.S)
CLOSED_ROW = re.compile(r'<tr data-deal="([a-z0-9-]+)">.*?</tr>', re.S)


@pytest.fixture(scope="module")
def other_lists(big: Path) -> dict:
    """url -> body of the customers index pages and the win/loss pages, pages of ROWS rows."""
    saved = deal_pages.PAGE_ROWS
    deal_pages.PAGE_ROWS = ROWS
    try:
        data = SiteData(engine.lint(big, AS_OF))
        customers = {c.id for c in data.customers}
        return {spec.url: spec.render() for spec in pages(data)
                if spec.url.startswith("winloss/") or spec.url == ""
                or spec.url.startswith("customers/") and spec.url.split("/")[1] not in customers}
    finally:
        deal_pages.PAGE_ROWS = saved


def test_the_customers_ranking_continues_on_numbered_pages(big: Path, other_lists: dict):
    urls = [url for url in other_lists if url.startswith("customers/")]
    customers = len(list((big / "customers").rglob("*.yaml")))
    assert customers > ROWS  # 150: two pages
    assert urls == ["customers/"] + [f"customers/ranked/{n}/" for n in range(2, -(-customers // ROWS) + 1)]
    seen = []
    for url in urls:
        rows = CUSTOMER_ROW.findall(other_lists[url])
        assert 0 < len(rows) <= ROWS, url
        seen += rows
        if len(urls) > 1:
            assert '<nav class="sg-pager">' in other_lists[url], url
    assert len(seen) == len(set(seen)) == customers  # each customer once, the ranking in page order
    body = other_lists[urls[0]]
    row_bytes = sum(len(m.group(0).encode("utf-8")) + 1 for m in CUSTOMER_ROW.finditer(body)) / ROWS
    assert deal_pages.PAGE_ROWS * row_bytes + 60_000 + FRAME_BYTES < 1_000_000, row_bytes


def test_win_loss_lists_its_closed_deals_latest_first_over_numbered_pages(big: Path, other_lists: dict):
    expected = outcome_and_year(big)
    urls = [url for url in other_lists if url.startswith("winloss/")]
    closed = [deal_id for url in urls for deal_id in CLOSED_ROW.findall(other_lists[url])]
    assert urls[0] == "winloss/" and urls[1:] == [f"winloss/deals/{n}/" for n in range(2, len(urls) + 1)]
    assert len(urls) > 2 and all(len(CLOSED_ROW.findall(other_lists[url])) <= ROWS for url in urls)
    assert len(closed) == len(set(closed))
    assert set(closed) == {deal_id for deal_id, (outcome, year) in expected.items() if outcome and year <= 2026}
    years = [expected[deal_id][1] for deal_id in closed]
    assert years == sorted(years, reverse=True)  # latest first, across the pages


def test_the_deals_index_names_at_most_a_hundred_deals_left_off_its_chart(lists: dict):
    body = lists["deals/"]
    note = re.search(r'<p class="sg-sub sg-left-out">Not on the chart \((\d+) open deals[^:]*: (.*?)\.</p>', body, re.S)
    assert note, "the 700-deal repository has open deals without an opportunity analysis"
    count, names = int(note.group(1)), note.group(2)
    shown = names.rstrip("…").split(", ")
    assert len(shown) == min(count, deal_pages.MATRIX_NAMES)
    assert names.endswith("…") == (count > deal_pages.MATRIX_NAMES)


def test_the_dashboard_lists_at_most_a_page_of_recent_wins_and_losses(other_lists: dict):
    from salesgen.site.pages.overview import LIST_LIMIT

    recent = other_lists[""].split('<h2 id="recent">', 1)[1]
    rows = re.findall(r"<tr><td class=\"sg-nowrap\">", recent)
    assert 0 < len(rows) <= LIST_LIMIT
    if len(rows) == LIST_LIMIT:
        assert '<p class="sg-more">… and ' in recent
