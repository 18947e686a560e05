"""The inline SVG charts explain themselves: reading order, keys inside the drawing, a value on
every mark, time axes proportional to time, every deal on the matrix without overlaps.

The SVG is parsed as XML; text extents are estimated the way a browser would at least draw
them (a CJK character one em, others half an em), independent of the module's own estimate.
"""
from __future__ import annotations

import re
import shutil
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from salesgen.cli import cli
from salesgen.site import svg
from salesgen.site.pages.overview import every_period

NS = "{http://www.w3.org/2000/svg}"
REPO = Path(__file__).resolve().parent.parent


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def viewbox(root: ET.Element) -> tuple[float, float]:
    _, _, w, h = map(float, root.get("viewBox").split())
    return w, h


def min_width(text: str, size: float) -> float:
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.5 for c in text)


def text_box(el: ET.Element) -> tuple[float, float, float, float]:
    size = float(el.get("font-size", 12))
    x, y = float(el.get("x")), float(el.get("y"))
    w = min_width(el.text or "", size)
    anchor = el.get("text-anchor", "start")
    x0 = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
    return x0, y - size * 0.8, x0 + w, y + size * 0.2


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside(box, w: float, h: float) -> bool:
    return box[0] >= -0.5 and box[1] >= -0.5 and box[2] <= w + 0.5 and box[3] <= h + 0.5


def marks(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter() if "sg-mark" in (el.get("class") or "").split()]


# --------------------------------------------------------------------------- funnel

def funnel_steps(sizes):
    return [svg.FunnelStep(k, k.title(), f"{s:g} CNY", s) for k, s in zip(("prospecting", "in_funnel", "best"), sizes)]


@pytest.mark.parametrize("sizes", [(9.2, 13.1, 20.1), (5, 0, 1), (0, 0, 3), (1, 1, 1)])
def test_the_funnel_narrows_from_the_first_stage_down(sizes):
    """Issue: the funnel was widest at the bottom when the later states held more money."""
    root = parse(svg.funnel(funnel_steps(sizes), "Funnel", note="Width: this state or later"))
    bands = marks(root)
    assert [b.get("data-step") for b in bands] == ["prospecting", "in_funnel", "best"]
    ys = [float(b.get("y")) for b in bands]
    widths = [float(b.get("width")) for b in bands]
    assert ys == sorted(ys) and len(set(ys)) == 3  # top-down in stage order
    assert widths[0] >= widths[1] >= widths[2]
    assert widths[0] > widths[2] or len(set(sizes)) == 1 or sizes[:2] == (0, 0)
    titles = [b.find(f"{NS}title").text for b in bands]
    assert titles[0] == f"Prospecting: {sizes[0]:g} CNY"


def test_the_funnel_note_is_inside_the_drawing():
    root = parse(svg.funnel(funnel_steps((1, 2, 3)), "F", width=440,
                            note="带宽：处于该状态及之后状态的金额（CNY）；数字：该状态的项目数 · 金额。"))
    w, h = viewbox(root)
    texts = root.findall(f"{NS}text")
    assert any("带宽" in (t.text or "") for t in texts)
    for t in texts:
        assert inside(text_box(t), w, h), t.text


# --------------------------------------------------------------------------- stacked bars

LEGEND = {"closed": "已成交", "commit": "承诺", "best_case": "乐观", "pipeline": "储备"}


def bars(stacks, **options):
    return parse(svg.stacked_bars(stacks, ("closed", "commit", "best_case", "pipeline"), LEGEND, "季度",
                                  marker_label="加权合计", unit="CNY", fmt=lambda v: f"{v / 10000:g}万",
                                  note_label="柱上数字 = 金额合计", **options))


def test_bars_have_their_key_axis_and_unit_inside_the_drawing():
    """Issue: a legend was drawn outside its chart; the quarter bars showed unexplained figures."""
    root = bars([svg.Stack("2026-Q4", {"closed": 3e6, "commit": 6e6}, 8e6, "991万"),
                 svg.Stack("2027-Q1", {"commit": 1e7, "best_case": 1e7}, 1.1e7, "2033万")])
    w, h = viewbox(root)
    texts = [t.text for t in root.iter(f"{NS}text")]
    for label in [*LEGEND.values(), "加权合计", "柱上数字 = 金额合计", "CNY", "0万"]:
        assert label in texts, label
    for t in root.iter(f"{NS}text"):
        assert inside(text_box(t), w, h), t.text
    for r in root.iter(f"{NS}rect"):
        assert float(r.get("x")) + float(r.get("width")) <= w and float(r.get("y")) + float(r.get("height")) <= h


def test_every_bar_and_diamond_tells_its_value_on_hover():
    root = bars([svg.Stack("2026-Q4", {"closed": 3e6, "commit": 6e6}, 8e6, "900万")])
    found = {m.find(f"{NS}title").text for m in marks(root)}
    assert found == {"2026-Q4 · 已成交: 300万 CNY", "2026-Q4 · 承诺: 600万 CNY", "2026-Q4 · 加权合计: 800万 CNY"}


def test_a_narrow_chart_wraps_its_key_instead_of_cutting_it():
    root = bars([svg.Stack("2026-Q4", {"closed": 1.0})])
    w, h = viewbox(root)
    assert w <= 330
    keys = root.find(f"{NS}g[@class='sg-key']")
    boxes = [text_box(t) for t in keys.iter(f"{NS}text")]
    assert len({round(b[1]) for b in boxes}) >= 2  # more than one row
    assert all(inside(b, w, h) for b in boxes)


def test_bars_are_equally_spaced_so_an_empty_period_keeps_its_slot():
    root = bars([svg.Stack("2026-11", {"commit": 5.0}), svg.Stack("2026-12", {}), svg.Stack("2027-01", {}),
                 svg.Stack("2027-02", {"pipeline": 2.0})])
    labels = {t.text: float(t.get("x")) for t in root.iter(f"{NS}text") if re.fullmatch(r"\d{4}-\d\d", t.text or "")}
    assert list(labels) == ["2026-11", "2026-12", "2027-01", "2027-02"]
    xs = list(labels.values())
    assert len({round(b - a, 3) for a, b in zip(xs, xs[1:])}) == 1


@pytest.mark.parametrize("keys, expected", [
    (["2026-11", "2027-02"], ["2026-11", "2026-12", "2027-01", "2027-02"]),
    (["2026-Q3", "2027-Q2"], ["2026-Q3", "2026-Q4", "2027-Q1", "2027-Q2"]),
    (["2027-Q1"], ["2027-Q1"]),
    (["2026-12", "2026-11"], ["2026-11", "2026-12"]),
    ([], []),
])
def test_every_period_between_the_first_and_the_last_is_on_the_axis(keys, expected):
    assert every_period(keys) == expected


def test_the_forecast_chart_shows_months_without_deals(tmp_path):
    """The example has months in which no deal closes; the month chart still draws them."""
    site = build_example(tmp_path, "en")
    html = (site / "forecast" / "index.html").read_text(encoding="utf-8")
    months_chart = html.split('id="months"', 1)[1].split("</svg>", 1)[0]
    shown = re.findall(r">(\d{4}-\d\d)</text>", months_chart)
    assert shown == every_period(shown) and len(shown) >= 2
    table = html.split('id="months-table"', 1)[1].split("</table>", 1)[0]
    with_deals = re.findall(r'data-period="(\d{4}-\d\d)"', table)
    assert set(with_deals) < set(shown)  # some months on the axis have no deal


# --------------------------------------------------------------------------- matrix

QUADS = {"pursue": "全力争取", "develop": "培育", "opportunistic": "顺势而为", "avoid": "放弃"}


def matrix_points(n: int) -> list:
    """Deals with long Chinese names, many on the very same scores."""
    spots = [(7, 7), (7, 7), (7, 7), (7.5, 7.2), (6, 6), (6, 6), (2, 9), (9.5, 1.5), (10, 10), (1, 1)]
    return [svg.Point(f"项目{i}：四台五轴卧式加工中心及自动上下料单元", *spots[i % len(spots)], href=f"/deals/d{i}/",
                      radius=5 + (i % 4) * 3) for i in range(n)]


@pytest.mark.parametrize("n", [2, 13, 40])
def test_the_matrix_plots_every_deal_without_overlaps(n):
    """Issue: the deal matrix hid 7 of 13 open deals and labels collided."""
    root = parse(svg.matrix(matrix_points(n), "吸引力与可行性", "可行性", "吸引力", QUADS, size=620))
    w, h = viewbox(root)
    dots = [c for c in root.iter(f"{NS}circle") if "sg-mark" in (c.get("class") or "")]
    assert len(dots) == n
    for i, a in enumerate(dots):
        ax, ay, ar = float(a.get("cx")), float(a.get("cy")), float(a.get("r"))
        assert 46 <= ax - ar and ax + ar <= 620 - 14  # inside the plot
        for b in dots[i + 1:]:
            bx, by, br = float(b.get("cx")), float(b.get("cy")), float(b.get("r"))
            assert ((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5 >= ar + br, (i, a.get("cx"), b.get("cx"))
    labels = [text_box(t) for t in root.find(f"{NS}g[@class='sg-labels']").iter(f"{NS}text")]
    assert len(labels) == 2 * n  # a number and a name per deal
    for i, a in enumerate(labels):
        assert inside(a, w, h)
        assert not any(overlap(a, b) for b in labels[i + 1:])
    titles = [d.find(f"{NS}title").text for d in dots]
    assert titles[0].startswith("1. 项目0") and "可行性 7" in titles[0]


def test_one_deal_on_its_own_page_is_labelled_by_name():
    root = parse(svg.matrix([svg.Point("Temp二厂扩产", 7, 7, radius=9)], "A", "可行性", "吸引力", QUADS, size=340))
    assert "Temp二厂扩产" in [t.text for t in root.iter(f"{NS}text")]
    assert len(marks(root)) == 1


def test_spread_keeps_a_free_dot_where_it_is():
    assert svg.spread([(100, 100, 5), (200, 200, 5)], (0, 0, 300, 300)) == [(100, 100), (200, 200)]


# --------------------------------------------------------------------------- org chart

def test_the_org_chart_has_a_key_inside_it():
    labels = {"attitude.supporter": "支持者", "attitude.neutral": "中立者", "attitude.opponent": "反对者",
              "closeness.close": "密切", "closeness.frequent": "频繁", "closeness.distant": "疏远",
              "closeness.none": "未联系", "role": "采购角色", "handler": "经手人", "flag": "风险"}
    people = [svg.Person("a", "陈国栋", "董事长", None, attitude="supporter", closeness="close", badge="决",
                         handler=True, flagged=True)]
    root = parse(svg.org_chart(people, "组织结构", svg.org_key(labels)))
    w, h = viewbox(root)
    key = root.find(f"{NS}g[@class='sg-key']")
    assert [t.text for t in key.iter(f"{NS}text") if len(t.text) > 1] == list(labels.values())
    for t in key.iter(f"{NS}text"):
        assert inside(text_box(t), w, h), t.text
    assert w <= 400  # one person and the key fit a phone
    person = root.find(f"{NS}g[@class='sg-person']")
    assert person.find(f"{NS}title").text == "陈国栋 · 董事长"


# --------------------------------------------------------------------------- built pages

def build_example(tmp_path: Path, language: str) -> Path:
    root = tmp_path / f"repo-{language}"
    root.mkdir()
    text = (REPO / "salesgen.yaml").read_text(encoding="utf-8")
    (root / "salesgen.yaml").write_text(re.sub(r"(?m)^language: \w+", f"language: {language}", text), encoding="utf-8")
    shutil.copytree(REPO / "customers", root / "customers")
    shutil.copytree(REPO / "deals", root / "deals")
    site = tmp_path / f"site-{language}"
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--site-dir", str(site), "--as-of", "2026-11-20",
                                      "--allow-errors", "--no-cache"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return site


@pytest.fixture(scope="module")
def zh_site(tmp_path_factory) -> Path:
    return build_example(tmp_path_factory.mktemp("charts"), "zh")


def test_later_stages_are_not_yet_due_not_done(zh_site):
    """Issue: future stages got a green "done" bar. Met, missing (due now) and not yet due differ."""
    html = (zh_site / "deals" / "xibu-cable-mes" / "index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<details class="sg-check-stage sg-st-(\w+)( sg-current)?"(.*?)</details>', html, re.S)
    current = [b[1] != "" for b in blocks].index(True)
    items = [set(re.findall(r'<li class="sg-c-(\w+)"', b[2])) for b in blocks]
    for state, _, _ in blocks[:current]:
        assert state in ("met", "missing")  # earlier stages are due: met or missing, never "not yet"
    assert "missing" in items[current]  # the current stage's open criteria are due now
    later = blocks[current + 1:]
    assert later and all(state in ("met", "notdue") for state, _, _ in later)
    assert "notdue" in {state for state, _, _ in later}
    assert all(found <= {"met", "evidenced", "notdue"} for found in items[current + 1:])
    assert any("notdue" in found for found in items[current + 1:])
    css = (zh_site / "assets" / "salesgen.css").read_text(encoding="utf-8")
    for state in ("met", "missing", "notdue"):
        assert f".sg-st-{state}" in css


def test_a_closed_deal_shows_no_live_red_flags(zh_site):
    """Issue: red flags showed on closed (won or lost) deals. The example has closed deals whose
    buying centre would raise flags were they open (checked against the analytics below)."""
    from salesgen.analytics import stakeholders
    from salesgen.engine import lint

    repo = lint(REPO, __import__("datetime").date(2026, 11, 20)).repo
    closed = [d.id for d in repo.deals.values() if d.stage in ("won", "lost")]
    would_flag = [d for d in closed if stakeholders.red_flags(repo.deals[d], repo.customers.get(repo.deals[d].customer))]
    assert would_flag, "the example should have a closed deal with flags in its data"
    for deal_id in closed:
        html = (zh_site / "deals" / deal_id / "index.html").read_text(encoding="utf-8")
        assert 'class="sg-flags"' not in html, deal_id
        assert 'r="9" fill="#c62828"' not in html, deal_id  # no "!" on the org chart
    open_flagged = [d for d in repo.deals if d not in closed and stakeholders.red_flags(
        repo.deals[d], repo.customers.get(repo.deals[d].customer))]
    assert any('class="sg-flags"' in (zh_site / "deals" / d / "index.html").read_text(encoding="utf-8")
               for d in open_flagged)


def test_the_matrix_names_the_open_deals_it_leaves_out(zh_site):
    html = (zh_site / "deals" / "index.html").read_text(encoding="utf-8")
    open_table = html.split('id="open-deals"', 1)[1].split("</table>", 1)[0]
    open_deals = re.findall(r'<tr data-deal="([^"]+)"', open_table)
    chart = html.split('class="sg-chart sg-matrix', 1)[1].split("</svg>", 1)[0]
    plotted = set(re.findall(r'href="\.\./deals/([^/"]+)/"', chart))
    left_out = html.split('class="sg-sub sg-left-out"', 1)[1].split("</p>", 1)[0] if plotted != set(open_deals) else ""
    for deal_id in open_deals:
        if deal_id not in plotted:
            name = re.search(rf'<tr data-deal="{deal_id}"><td><a href="[^"]+">([^<]+)</a>', open_table).group(1)
            assert name in left_out, deal_id


def test_the_rule_catalogue_renders_its_markdown(zh_site):
    """Issue: raw Markdown (backticks, asterisks) in the catalogue."""
    html = (zh_site / "rules" / "index.html").read_text(encoding="utf-8")
    catalogue = html.split('id="rule-catalogue"', 1)[1]
    summaries = re.findall(r"<summary>(.*?)</summary>", catalogue, re.S)
    assert summaries and not any("`" in s for s in summaries)
    assert any("<code>" in s for s in summaries)


def test_the_header_has_a_light_dark_switch(zh_site):
    """Issue 8: Material's palette toggle, in the built-in configuration (used by this build) and in
    the mkdocs.yml of the example and of new repositories."""
    import yaml

    html = (zh_site / "index.html").read_text(encoding="utf-8")
    assert 'data-md-component="palette"' in html and 'data-md-color-scheme="slate"' in html
    for config in (REPO / "mkdocs.yml", REPO / "salesgen" / "templates" / "init" / "mkdocs.yml.j2"):
        text = config.read_text(encoding="utf-8").replace("{{ title|y }}", "t")
        palette = yaml.safe_load(text)["theme"]["palette"]
        assert [p["scheme"] for p in palette] == ["default", "slate"] and all("toggle" in p for p in palette)


def test_deal_and_customer_pages_print_without_the_site_frame(zh_site):
    css = (zh_site / "assets" / "salesgen.css").read_text(encoding="utf-8")
    printed = css.split("@media print", 1)[1]
    for selector in (".md-header", ".md-tabs", ".md-sidebar", ".md-search", ".md-footer"):
        assert selector in printed.split("display: none")[0]
    assert "break-inside: avoid" in printed and "#000" in printed
