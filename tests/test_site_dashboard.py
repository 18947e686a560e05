"""The dashboard answers the manager's questions, each figure a link to the deals behind it.

The example is copied and three open deals get a close date around the as-of day
(2026-11-19: slipped by one day; 2026-11-20: closing this month, not slipped;
2026-11-30: closing this month); one plain-text promise becomes two with due dates
(2026-11-20: not overdue yet; 2026-11-19: one day overdue). It is built once in English and once in Chinese; every
expected figure is computed here from the raw YAML (PyYAML, own date arithmetic), never
from ``salesgen.analytics``.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from conftest import copy_example
from test_site import AS_OF, Raw, build, page, text

CLOSE_DATES = {"temp-spindle-service-kits": "2026-11-19", "brightwell-vision-kits": "2026-11-20",
               "lutai-spindle-spares": "2026-11-30"}


def set_close_dates(root: Path) -> None:
    for deal_id, date in CLOSE_DATES.items():
        path = next((root / "deals").rglob(f"{deal_id}.yaml"))
        source = path.read_text(encoding="utf-8")
        changed = re.sub(r"^expected_close: .*$", f"expected_close: {date}", source, count=1, flags=re.M)
        assert changed != source, deal_id
        path.write_text(changed, encoding="utf-8")
    path = next((root / "deals").rglob("lutai-paint-shop-mes.yaml"))
    source = path.read_text(encoding="utf-8")
    changed = source.replace("promises: [提供同类企业能耗节约数据]",
                             "promises: [{text: 今天到期, due: 2026-11-20, done: false}, "
                             "{text: 昨天到期, due: 2026-11-19, done: false}]")
    assert changed != source
    path.write_text(changed, encoding="utf-8")


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """(raw data, English dashboard HTML, Chinese dashboard HTML, English site folder)."""
    work = tmp_path_factory.mktemp("dashboard")
    root = copy_example(work / "repo")
    set_close_dates(root)
    result = build(root, work / "en")
    assert result.exit_code == 0, result.output
    config = root / "salesgen.yaml"
    config.write_text(re.sub(r"^language: en$", "language: zh", config.read_text(encoding="utf-8"), flags=re.M),
                      encoding="utf-8")
    result = build(root, work / "zh")
    assert result.exit_code == 0, result.output
    return Raw(root), page(work / "en", "index.html"), page(work / "zh", "index.html"), work / "en"


def tile(source: str, figure: str) -> tuple[str, str, str]:
    """(link target, label, big figure) of the dashboard tile ``figure``."""
    match = re.search(rf'<a class="sg-card sg-tile[^"]*" data-figure="{figure}" href="([^"]+)">'
                      r"<small>(.*?)</small><b>(.*?)</b>", source, re.S)
    assert match, f"no tile {figure}"
    return match.group(1), text(match.group(2)), text(match.group(3))


def section(source: str, anchor: str) -> str:
    """The HTML from the heading with id ``anchor`` to the next h2."""
    start = source.index(f'<h2 id="{anchor}">')
    end = source.find("<h2 ", start + 1)
    return source[start:end if end > 0 else len(source)]


def listed(fragment: str) -> list[str]:
    return re.findall(r'<tr data-deal="([^"]+)"', fragment)


def linked(fragment: str) -> list[str]:
    return re.findall(r'href="deals/([^/"]+)/"', fragment)


def open_deals(raw: Raw) -> list[dict]:
    return [d for d in raw.deals.values() if raw.is_open(d)]


def percent(ratio: Decimal) -> str:
    return f"{(ratio * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def won_in_year(raw: Raw, rep_id: str) -> list[dict]:
    return [d for d in raw.deals.values() if d["owner"] == rep_id and raw.stage(d).get("outcome") == "won"
            and raw.close_date(d).year == AS_OF.year]


def test_every_tile_links_to_the_list_of_its_deals(sites):
    _, en, _, site = sites
    for figure in ("quota", "closing", "slipped", "stage-days", "follow-up", "promises"):
        href, _, _ = tile(en, figure)
        assert href == f"#{figure}"
        assert f'<h2 id="{figure}">' in en
        for deal_id in linked(section(en, figure)):
            assert (site / "deals" / deal_id / "index.html").is_file(), deal_id


def test_quota_attainment_per_rep_counts_this_year_s_wins_only(sites):
    raw, en, _, _ = sites
    reps = [r for r in raw.config["reps"] if r.get("quota")]
    assert reps
    block = section(en, "quota")
    team_won = team_quota = Decimal(0)
    for rep in reps:
        quota = Decimal(str(rep["quota"]["amount"])) * raw.rates[rep["quota"].get("currency", "CNY")]
        deals = won_in_year(raw, rep["id"])
        won = sum((raw.base(d, raw.value(d)) for d in deals), Decimal(0))
        team_won += won
        team_quota += quota
        row = re.search(rf'<tr data-rep="{rep["id"]}">(.*?)</tr>', block, re.S).group(1)
        assert percent(won / quota) in text(row), rep["id"]
        assert sorted(linked(row)) == sorted(d["id"] for d in deals), rep["id"]
    assert "temp-line1-retrofit" not in linked(block)  # won in 2025: another year
    assert not re.search(r'<tr data-rep="(ai-xue|zhao-wei|zeng-xueming)"', block)  # no quota, not listed
    assert tile(en, "quota")[2] == percent(team_won / team_quota)


def test_closing_this_month_and_slipped_on_the_day_boundary(sites):
    raw, en, _, _ = sites
    closing = sorted((d for d in open_deals(raw) if (d["expected_close"].year, d["expected_close"].month)
                      == (AS_OF.year, AS_OF.month)), key=lambda d: (d["expected_close"], d["id"]))
    slipped = sorted((d for d in open_deals(raw) if d["expected_close"] < AS_OF),
                     key=lambda d: (d["expected_close"], d["id"]))
    assert [d["id"] for d in closing] == ["temp-spindle-service-kits", "brightwell-vision-kits", "lutai-spindle-spares"]
    assert [d["id"] for d in slipped] == ["temp-spindle-service-kits"]  # the 20th itself has not slipped
    assert tile(en, "closing")[2] == str(len(closing))
    assert listed(section(en, "closing")) == [d["id"] for d in closing]
    assert tile(en, "slipped")[2] == str(len(slipped))
    block = section(en, "slipped")
    assert listed(block) == [d["id"] for d in slipped]
    assert "days late: 1" in text(block)


def test_days_in_stage_longest_first(sites):
    raw, en, _, _ = sites
    days = {}
    for deal in open_deals(raw):
        history = deal.get("stage_history") or []
        since = history[-1]["date"] if history else deal.get("created")
        days[deal["id"]] = (AS_OF - since).days
    order = sorted(days, key=lambda i: (-days[i], i))
    block = section(en, "stage-days")
    assert listed(block) == order[:25]
    assert tile(en, "stage-days")[2] == f"{days[order[0]]} days"
    first_row = re.search(r'<tr data-deal="[^"]+">(.*?)</tr>', block, re.S).group(1)
    assert f"{days[order[0]]} days" in text(first_row)


def test_overdue_follow_ups_and_promises_count_their_lists(sites):
    raw, en, _, _ = sites
    follow = section(en, "follow-up")
    assert tile(en, "follow-up")[2] == str(len(set(linked(follow))))
    overdue = sorted({d["id"] for d in raw.deals.values() if raw.stage(d).get("outcome") != "lost"
                      for a in d.get("activities") or [] if a["date"] <= AS_OF
                      for p in a.get("promises") or []
                      if isinstance(p, dict) and p["due"] < AS_OF
                      and not (isinstance(p.get("done"), dt.date) and p["done"] <= AS_OF)})
    block = section(en, "promises")
    assert "lutai-paint-shop-mes" in overdue
    assert sorted(set(listed(block))) == overdue
    assert tile(en, "promises")[2] == str(len(listed(block)))
    assert "昨天到期" in block and "今天到期" not in block  # due on the as-of day: not overdue yet
    assert "days overdue: 1" in text(block)


def test_chinese_labels_use_the_method_s_terms(sites):
    _, _, zh, _ = sites
    labels = {figure: tile(zh, figure)[1] for figure in
              ("quota", "closing", "slipped", "stage-days", "follow-up", "promises")}
    assert labels == {"quota": "任务完成率", "closing": "本月预计成交", "slipped": "延期项目",
                      "stage-days": "在当前阶段天数", "follow-up": "逾期跟进", "promises": "逾期承诺"}
    assert tile(zh, "slipped")[2] == "1"
    assert "已过1天" in text(section(zh, "slipped"))
    assert re.fullmatch(r"\d+天", tile(zh, "stage-days")[2])
