"""A key account after a decade, or the busiest rep: their pages list a page of deals, the rest has pages of its own.

A customer page lists every deal of the customer up to ``CUSTOMER_ROWS`` of them; past
that, its first ``CUSTOMER_ROWS`` open deals, the rest of them on
``customers/<id>/open/<n>/``, and its closed deals on one page per year
(``customers/<id>/closed/<year>/``). A rep's page lists the first ``REP_ROWS`` open deals
of the 1-15-30 review and of the week; the rest go to ``team/<rep>/review/<n>/`` and
``team/<rep>/week/<n>/``. The pages are rendered with small sizes (the real ones are
hundreds) and checked against the YAML: every deal on exactly one page, in its year.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from salesgen import engine
from salesgen.cli import cli
from salesgen.site.data import SiteData
from salesgen.site.pages import customers as customer_pages
from salesgen.site.pages import deals as deal_pages
from salesgen.site.pages import pages, team

AS_OF = dt.date(2026, 11, 20)
OPEN_ROW = re.compile(r'<tr><td><a href="((?:\.\./)*)deals/([a-z0-9-]+)/">')
REVIEW_ROW = re.compile(r'<tr(?: class="sg-attention")?>\s*<td><a href="(?:\.\./)*deals/([a-z0-9-]+)/"')
WEEK_ROW = re.compile(r'<tr data-deal="([a-z0-9-]+)"')


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("long") / "repo"
    result = CliRunner().invoke(cli, ["generate", str(root), "--deals", "300", "--customers", "5",
                                      "--contacts", "40", "--seed", "4"])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def data(repo: Path) -> SiteData:
    return SiteData(engine.lint(repo, AS_OF))


def facts(repo: Path) -> dict:
    """deal id -> (customer, owner, outcome or None, year it closed), from the YAML and salesgen.yaml alone."""
    from test_site_deal_lists import outcome_and_year

    closed = outcome_and_year(repo)
    found = {}
    for path in (repo / "deals").rglob("*.yaml"):
        deal = yaml.safe_load(path.read_text(encoding="utf-8"))
        found[deal["id"]] = (deal["customer"], deal["owner"], *closed[deal["id"]])
    return found


def rendered(data: SiteData, monkeypatch, prefix: str, **sizes) -> dict:
    """url -> body of every page under ``prefix``, with the list sizes given (module constants)."""
    for name, value in sizes.items():
        module = {"CUSTOMER_ROWS": customer_pages, "REP_ROWS": team, "REP_PAGE_ROWS": team,
                  "PAGE_ROWS": deal_pages}[name]
        monkeypatch.setattr(module, name, value)
    return {spec.url: spec.render() for spec in pages(data) if spec.url.startswith(prefix)}


def busiest(repo: Path, index: int) -> tuple[str, list]:
    """The customer (index 0) or owner (index 1) with the most deals, and their deals' facts."""
    all_facts = facts(repo)
    who = Counter(f[index] for f in all_facts.values()).most_common(1)[0][0]
    return who, [(deal_id, f) for deal_id, f in all_facts.items() if f[index] == who]


# ---------------------------------------------------------------------------------------------- customers

def test_a_long_customer_history_is_on_pages_open_deals_continued_closed_by_year(repo, data, monkeypatch):
    customer, deals = busiest(repo, 0)
    open_ids = {deal_id for deal_id, f in deals if f[2] is None}
    assert len(open_ids) > 12 and len(deals) - len(open_ids) > 12  # enough of both for the sizes below
    bodies = rendered(data, monkeypatch, f"customers/{customer}/", CUSTOMER_ROWS=10, PAGE_ROWS=8)
    page = bodies[f"customers/{customer}/"]
    first = [deal_id for _up, deal_id in OPEN_ROW.findall(page)]
    assert len(first) == 10 and set(first) <= open_ids
    seen = Counter(first)
    open_urls = sorted((url for url in bodies if "/open/" in url), key=lambda u: int(u.split("/")[-2]))
    assert open_urls == [f"customers/{customer}/open/{n}/" for n in range(2, len(open_urls) + 2)]
    assert len(open_urls) == -(-(len(open_ids) - 10) // 8)
    for url in open_urls:
        rows = OPEN_ROW.findall(bodies[url])
        assert 0 < len(rows) <= 8
        assert all(up == "../../../../" for up, _ in rows)  # customers/<id>/open/<n>/ -> the site root
        seen.update(deal_id for _up, deal_id in rows)
        assert f'<a href="../../../../customers/{customer}/">' in bodies[url]  # back to the customer
        assert 'aria-label="Customer"' not in bodies[url]  # no filter by customer on one customer's list
    assert seen == Counter(open_ids)  # every open deal once
    closed_seen: dict = {}
    for url, body in bodies.items():
        match = re.fullmatch(rf"customers/{customer}/closed/(\d{{4}})/(?:\d+/)?", url)
        if match:
            for _up, deal_id in OPEN_ROW.findall(body.replace('<tr><td><a href="../../../../../deals/',
                                                              '<tr><td><a href="../../../../deals/')):
                assert deal_id not in closed_seen
                closed_seen[deal_id] = int(match.group(1))
    assert closed_seen == {deal_id: f[3] for deal_id, f in deals if f[2] is not None}
    for year in set(closed_seen.values()):
        assert f'<a href="closed/{year}/">{year}</a>' in page


def test_customer_history_boundary(repo, data, monkeypatch):
    """CUSTOMER_ROWS deals: all on the customer page, as always; one more: the history gets its pages."""
    customer, deals = busiest(repo, 0)
    at = rendered(data, monkeypatch, f"customers/{customer}/", CUSTOMER_ROWS=len(deals))
    assert list(at) == [f"customers/{customer}/"]
    assert 'class="sg-years"' not in at[f"customers/{customer}/"]
    assert len(re.findall(r'<tr><td><a href="\.\./\.\./deals/', at[f"customers/{customer}/"])) == len(deals)
    over = rendered(data, monkeypatch, f"customers/{customer}/", CUSTOMER_ROWS=len(deals) - 1)
    assert any("/closed/" in url for url in over)
    assert 'class="sg-years"' in over[f"customers/{customer}/"]


def test_open_deals_that_fit_say_so(repo, data, monkeypatch):
    customer, deals = busiest(repo, 0)
    open_count = sum(1 for _d, f in deals if f[2] is None)
    bodies = rendered(data, monkeypatch, f"customers/{customer}/", CUSTOMER_ROWS=open_count)
    assert not any("/open/" in url for url in bodies)
    assert f"{open_count} open deals, all listed here." in bodies[f"customers/{customer}/"]
    bodies = rendered(data, monkeypatch, f"customers/{customer}/", CUSTOMER_ROWS=open_count - 1)
    assert list(url for url in bodies if "/open/" in url) == [f"customers/{customer}/open/2/"]
    assert f"{open_count} open deals; the first {open_count - 1} are listed here" in bodies[f"customers/{customer}/"]


# ---------------------------------------------------------------------------------------------- reps

def test_a_busy_reps_review_and_week_continue_on_pages(repo, data, monkeypatch):
    rep, deals = busiest(repo, 1)
    review = [item.deal.id for item in data.review[rep]]
    week = [item.deal.id for item in data.weekly[rep].deals]
    assert len(review) > 8 and len(week) > 8
    bodies = rendered(data, monkeypatch, f"team/{rep}/", REP_ROWS=3, REP_PAGE_ROWS=4)
    page = bodies[f"team/{rep}/"]
    review_part = page.split('id="review"', 1)[1].split('id="week"', 1)[0]
    assert REVIEW_ROW.findall(review_part) == review[:3]  # the most urgent first
    assert WEEK_ROW.findall(page) == week[:3]
    for kind, expected, pattern in (("review", review, REVIEW_ROW), ("week", week, WEEK_ROW)):
        urls = [f"team/{rep}/{kind}/{n}/" for n in range(2, 2 + -(-(len(expected) - 3) // 4))]
        assert sorted(url for url in bodies if f"/{kind}/" in url) == sorted(urls)
        listed = list(expected[:3])
        for url in urls:
            rows = pattern.findall(bodies[url])
            assert 0 < len(rows) <= 4
            listed += rows
            assert f'<a href="../../../../team/{rep}/#{kind}">← ' in bodies[url]
        assert listed == expected  # every open deal once, in the order of the review
        assert f'<a href="../../team/{rep}/{kind}/2/">2</a>' in page  # the rep's page leads to the next


def test_rep_list_boundary(repo, data, monkeypatch):
    rep, _deals = busiest(repo, 1)
    count = len(data.review[rep])
    at = rendered(data, monkeypatch, f"team/{rep}/", REP_ROWS=count)
    assert not any("/review/" in url for url in at)
    assert '<nav class="sg-pager">' not in at[f"team/{rep}/"].split('id="review"', 1)[1].split('id="week"', 1)[0]
    over = rendered(data, monkeypatch, f"team/{rep}/", REP_ROWS=count - 1, REP_PAGE_ROWS=1)
    assert [url for url in over if "/review/" in url] == [f"team/{rep}/review/2/"]


def test_long_list_pages_speak_chinese(repo, tmp_path, monkeypatch):
    """The titles and the introduction of the history in a Chinese site."""
    zh = tmp_path / "zh"
    import shutil

    shutil.copytree(repo, zh)
    config = zh / "salesgen.yaml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^language: .*$", "language: zh", text) if re.search(r"(?m)^language:", text) \
        else "language: zh\n" + text
    config.write_text(text, encoding="utf-8")
    data = SiteData(engine.lint(zh, AS_OF))
    customer, deals = busiest(zh, 0)
    specs = {spec.url: spec for spec in pages(data)}
    monkeypatch.setattr(customer_pages, "CUSTOMER_ROWS", 10)
    specs = {spec.url: spec for spec in pages(data) if spec.url.startswith(f"customers/{customer}/")}
    page = specs[f"customers/{customer}/"].render()
    assert "在途项目" in page and "已结项目按结项年份分页浏览" in page
    years = [url for url in specs if "/closed/" in url]
    assert years and all(specs[url].title.endswith("年结项的项目") or "年结项的项目（" in specs[url].title
                         for url in years)


def test_a_reps_continued_pages_are_titled_in_chinese(repo, tmp_path, monkeypatch):
    import shutil

    zh = tmp_path / "zh"
    shutil.copytree(repo, zh)
    config = zh / "salesgen.yaml"
    config.write_text(re.sub(r"(?m)^language: .*$", "language: zh", config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    data = SiteData(engine.lint(zh, AS_OF))
    rep, _deals = busiest(zh, 1)
    monkeypatch.setattr(team, "REP_ROWS", 3)
    titles = {spec.url: spec.title for spec in pages(data) if spec.url.startswith(f"team/{rep}/")}
    name = data.config.reps[rep].name
    assert titles[f"team/{rep}/review/2/"].startswith(f"{name}：本周1、15、30检查清单（2/")
    assert titles[f"team/{rep}/week/2/"].startswith(f"{name}：本周工作（周报）（2/")
