"""Inline SVG charts, drawn at build time: no JavaScript, nothing fetched, printable.

Every function returns ``Markup`` and escapes every piece of text it is given. Numbers
are turned into floats only for geometry; the labels shown come from the callers,
formatted from exact Decimals.
"""
from __future__ import annotations

import functools
import math
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Sequence

from markupsafe import Markup, escape

FONT = "font-family=\"system-ui,-apple-system,'Segoe UI','Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif\""

CATEGORY_COLORS = {"closed": "#2e7d32", "commit": "#1565c0", "best_case": "#64b5f6", "pipeline": "#b0bec5"}
STATE_COLORS = {"prospecting": "#90caf9", "in_funnel": "#42a5f5", "best": "#1565c0"}
ATTITUDE_COLORS = {  # fill, stroke
    "supporter": ("#dcedc8", "#2e7d32"),
    "neutral": ("#fff4c2", "#a67c00"),
    "opponent": ("#ffcdd2", "#c62828"),
    None: ("#eceff1", "#607d8b"),
}
CLOSENESS_STROKES = {  # width, dash pattern
    "close": ("3.5", ""),
    "frequent": ("1.8", ""),
    "distant": ("1.8", "7 4"),
    "none": ("1.8", "2 3"),
    None: ("1", "1 3"),
}


def text_width(text: str, size: float) -> float:
    """Approximate rendered width: wide (CJK) characters are one em, others about 0.58 em."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.58 for ch in text)


@functools.lru_cache(maxsize=65536)  # the same names and titles come back on every page of their customer
def fit(text: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis so that it fits ``width``."""
    if text_width(text, size) <= width:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + "…", size) > width:
            break
        out += ch
    return out + "…"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _open(width: float, height: float, title: str, css: str = "") -> str:
    if width > 400:  # wider than a phone: scrolls in its box, with a hint to swipe
        css += " sg-wide"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="sg-chart {css}" viewBox="0 0 {_num(width)} {_num(height)}" '
            f'width="{_num(width)}" height="{_num(height)}" role="img" aria-label="{escape(title)}" {FONT} '
            f'font-size="12" fill="{INK}"><title>{escape(title)}</title>')


INK = "#263238"


def _text(x: float, y: float, text: str, *, size: float = 12, anchor: str = "start", weight: str = "normal",
          fill: str = INK, extra: str = "") -> str:
    """A text element; attributes equal to the chart's defaults are left out (pages stay small)."""
    attrs = f'x="{_num(x)}" y="{_num(y)}"'
    if size != 12:
        attrs += f' font-size="{_num(size)}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if weight != "normal":
        attrs += f' font-weight="{weight}"'
    if fill != INK:
        attrs += f' fill="{fill}"'
    return f"<text {attrs}{extra}>{escape(text)}</text>"


# --------------------------------------------------------------------------- keys (legends inside the charts)

@dataclass
class KeyItem:
    label: str
    swatch: Callable[[float, float], str]  # draws a 12 x 12 swatch with its top-left corner at (x, y)


def tick_swatch(color: str = "#c62828") -> Callable[[float, float], str]:
    return lambda x, y: f'<line x1="{_num(x + 6)}" y1="{_num(y)}" x2="{_num(x + 6)}" y2="{_num(y + 12)}" stroke="{color}" stroke-width="2.5"/>'


def amount_key(dark: str, light: str, color: str, tick: str = "") -> list[KeyItem]:
    """The key of ``hbars``: what the dark bar, the light bar behind it and the red tick stand for."""
    items = [KeyItem(dark, box_swatch(color)), KeyItem(light, box_swatch(color + "4d"))]
    return items + [KeyItem(tick, tick_swatch())] if tick else items


def box_swatch(fill: str, stroke: str = "none", stroke_width: str = "1", dash: str = "") -> Callable[[float, float], str]:
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return lambda x, y: (f'<rect x="{_num(x + 0.5)}" y="{_num(y + 0.5)}" width="11" height="11" rx="2" fill="{fill}" '
                         f'stroke="{stroke}" stroke-width="{stroke_width}"{extra}/>')


def text_swatch(text: str, fill: str = INK, background: str = "none") -> Callable[[float, float], str]:
    def draw(x: float, y: float) -> str:
        back = f'<circle cx="{_num(x + 6)}" cy="{_num(y + 6)}" r="7" fill="{background}"/>' if background != "none" else ""
        return back + _text(x + 6, y + 10.5, text, size=11, anchor="middle", weight="700", fill=fill)
    return draw


def key_rows(items: Sequence[KeyItem], width: float, size: float = 11) -> list[list[tuple[KeyItem, float]]]:
    """The key's entries flowed left to right into rows no wider than ``width``: (item, x offset) per row."""
    rows: list[list[tuple[KeyItem, float]]] = [[]]
    x = 0.0
    for item in items:
        w = 16 + text_width(item.label, size) + 14
        if rows[-1] and x + w - 14 > width:
            rows.append([])
            x = 0.0
        rows[-1].append((item, x))
        x += w
    return rows


KEY_ROW = 18


def draw_key(items: Sequence[KeyItem], x: float, y: float, width: float) -> tuple[list[str], float]:
    """SVG parts of a key starting at (x, y) and flowing within ``width``; returns them and the height used."""
    parts = ['<g class="sg-key">']
    rows = key_rows(items, width)
    for r, row in enumerate(rows):
        ty = y + r * KEY_ROW
        for item, dx in row:
            parts.append(item.swatch(x + dx, ty))
            parts.append(_text(x + dx + 16, ty + 10.5, item.label, size=11))
    parts.append("</g>")
    return parts, len(rows) * KEY_ROW


def nice_ticks(peak: float, count: int = 4) -> list[float]:
    """0 and round steps (1, 2, 2.5 or 5 times a power of ten) up to at least ``peak``."""
    if peak <= 0:
        return [0.0, 1.0]
    raw = peak / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [step * i for i in range(int(math.ceil(peak / step - 1e-9)) + 1)]


# --------------------------------------------------------------------------- funnel

@dataclass
class FunnelStep:
    key: str
    label: str
    detail: str  # e.g. "5 deals · 12,300,000 CNY"
    size: float  # the amount in this state


def funnel(steps: Sequence[FunnelStep], title: str, width: float = 640, note: str = "") -> Markup:
    """One centred band per state, first state on top. A band's width is drawn from the amount in its
    state or a later one (every deal further down passed through it), so the funnel narrows downwards;
    ``note`` (inside the chart, under it) says so."""
    band, gap = 46, 14
    label_w = min(250.0, width * 0.42)
    draw_w = width - label_w - 10
    reached = [sum(s.size for s in steps[i:]) for i in range(len(steps))]
    biggest = max(reached, default=0) or 1
    centre = draw_w / 2 + 4
    body = len(steps) * (band + gap) - gap + 8
    note_lines = wrap(note, 11, width - 8) if note else []
    height = body + len(note_lines) * 15 + (6 if note_lines else 0)
    parts = [_open(width, height, title, "sg-funnel")]
    previous = None
    for i, step in enumerate(steps):
        size = reached[i]
        w = max(draw_w * 0.12, draw_w * math.sqrt(size / biggest)) if size else draw_w * 0.12
        y = 4 + i * (band + gap)
        color = STATE_COLORS.get(step.key, "#90a4ae")
        if previous is not None:
            pw, py = previous
            parts.append(f'<polygon points="{_num(centre - pw / 2)},{_num(py + band)} {_num(centre + pw / 2)},'
                         f'{_num(py + band)} {_num(centre + w / 2)},{_num(y)} {_num(centre - w / 2)},{_num(y)}" '
                         f'fill="{color}" opacity="0.25"/>')
        parts.append(f'<rect class="sg-mark" data-step="{escape(step.key)}" x="{_num(centre - w / 2)}" y="{_num(y)}" '
                     f'width="{_num(w)}" height="{band}" rx="4" fill="{color}">'
                     f'<title>{escape(step.label)}: {escape(step.detail)}</title></rect>')
        parts.append(_text(draw_w + 18, y + 19, step.label, size=14, weight="600"))
        parts.append(_text(draw_w + 18, y + 37, step.detail, size=12, fill="#546e7a"))
        previous = (w, y)
    for n, line in enumerate(note_lines):
        parts.append(_text(4, body + 12 + n * 15, line, size=11, fill="#546e7a"))
    parts.append("</svg>")
    return Markup("".join(parts))


def wrap(text: str, size: float, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (at spaces, or anywhere in CJK text)."""
    lines, line = [], ""
    for ch in text:
        if text_width(line + ch, size) > width and line:
            cut = line.rfind(" ")
            if cut > len(line) // 2 and not unicodedata.east_asian_width(ch) in "WF":
                lines.append(line[:cut])
                line = line[cut + 1:]
            else:
                lines.append(line)
                line = ""
        line += ch
    if line.strip():
        lines.append(line)
    return [ln.strip() for ln in lines]


# --------------------------------------------------------------------------- bars

@dataclass
class Stack:
    label: str  # x-axis label (a period)
    parts: dict  # category -> float value
    marker: float | None = None  # e.g. the weighted total
    note: str = ""  # shown above the bar


def stacked_bars(stacks: Sequence[Stack], order: Sequence[str], legend: dict, title: str,
                 marker_label: str = "", height: float = 260, unit: str = "",
                 fmt: Callable[[float], str] | None = None, note_label: str = "") -> Markup:
    """Vertical stacked bars, one per period in the order given (the caller passes every period, empty
    ones too, so that the x axis is proportional to time); categories stacked in ``order``; a diamond
    marks ``marker``. A y axis with round ticks in ``unit``, the key inside the chart, and every bar and
    diamond has a ``<title>`` with its value."""
    if not stacks:
        return Markup("")
    fmt = fmt or _num
    bar_w, gap, top = 44, 26, 30
    peak = max((sum(s.parts.values()) for s in stacks), default=0)
    peak = max(peak, max((s.marker or 0 for s in stacks), default=0))
    ticks = nice_ticks(peak)
    scale = ticks[-1] or 1
    left = 10 + max(text_width(fmt(v), 10) for v in ticks)
    width = max(320.0, left + len(stacks) * (bar_w + gap) + 16)
    items = [KeyItem(legend.get(c, c), box_swatch(CATEGORY_COLORS.get(c, "#90a4ae"))) for c in order]
    if marker_label:
        items.append(KeyItem(marker_label, lambda x, y: (f'<polygon points="{_num(x)},{_num(y + 6)} {_num(x + 6)},'
                                                         f'{_num(y)} {_num(x + 12)},{_num(y + 6)} {_num(x + 6)},'
                                                         f'{_num(y + 12)}" fill="#ff8f00"/>')))
    if note_label:
        items.append(KeyItem(note_label, text_swatch("#", "#37474f")))
    key_w = min(width - 16, 360.0)  # on a wide chart the key stays where a phone shows it, left of any scrolling
    key_h = len(key_rows(items, key_w)) * KEY_ROW
    plot_h = height - top - 30 - key_h
    base_y = top + plot_h
    parts = [_open(width, height, title, "sg-bars")]
    if unit:
        parts.append(_text(4, 12, unit, size=10, fill="#546e7a", weight="600"))
    for v in ticks:
        ty = base_y - plot_h * v / scale
        parts.append(f'<line x1="{_num(left)}" y1="{_num(ty)}" x2="{_num(width - 8)}" y2="{_num(ty)}" '
                     f'stroke="{"#90a4ae" if v == 0 else "#eceff1"}"/>')
        parts.append(_text(left - 4, ty + 3.5, fmt(v), size=10, anchor="end", fill="#78909c"))
    for i, stack in enumerate(stacks):
        x = left + 10 + i * (bar_w + gap)
        y = base_y
        for cat in order:
            value = stack.parts.get(cat, 0)
            if value <= 0:
                continue
            h = plot_h * value / scale
            y -= h
            tip = f"{stack.label} · {legend.get(cat, cat)}: {fmt(value)} {unit}".strip()
            parts.append(f'<rect class="sg-mark" x="{_num(x)}" y="{_num(y)}" width="{bar_w}" height="{_num(h)}" '
                         f'fill="{CATEGORY_COLORS.get(cat, "#90a4ae")}"><title>{escape(tip)}</title></rect>')
        if stack.note:
            parts.append(_text(x + bar_w / 2, y - 6, stack.note, size=10, anchor="middle", fill="#37474f"))
        if stack.marker:
            my = base_y - plot_h * stack.marker / scale
            cx = x + bar_w / 2
            tip = f"{stack.label} · {marker_label}: {fmt(stack.marker)} {unit}".strip()
            parts.append(f'<polygon class="sg-mark" points="{_num(cx - 7)},{_num(my)} {_num(cx)},{_num(my - 7)} '
                         f'{_num(cx + 7)},{_num(my)} {_num(cx)},{_num(my + 7)}" fill="#ff8f00" stroke="#fff">'
                         f'<title>{escape(tip)}</title></polygon>')
        parts.append(_text(x + bar_w / 2, base_y + 16, stack.label, size=11, anchor="middle"))
    key_parts, _ = draw_key(items, 8, height - 8 - key_h, key_w)
    parts.extend(key_parts)
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass
class HBar:
    label: str
    value: float
    detail: str = ""
    color: str = "#42a5f5"
    href: str | None = None
    secondary: float | None = None  # drawn as a lighter bar behind (e.g. forecast)
    target: float | None = None  # drawn as a vertical tick (e.g. quota)


def hbars(rows: Sequence[HBar], title: str, width: float = 640, label_w: float = 170,
          key: Sequence[KeyItem] = ()) -> Markup:
    """Horizontal bars with a label on the left and the figure on the right; ``key`` (what the dark bar,
    the light bar and the tick mean) under them, inside the chart."""
    if not rows:
        return Markup("")
    row_h, top = 30, 6
    detail_w = max((text_width(r.detail, 11) for r in rows), default=0) + 12
    plot_w = max(120.0, width - label_w - detail_w - 10)
    key_w = min(width - 16, 360.0)
    key_h = len(key_rows(key, key_w)) * KEY_ROW + 6 if key else 0
    height = top * 2 + len(rows) * row_h + key_h
    peak = max(max(r.value, r.secondary or 0, r.target or 0) for r in rows) or 1
    parts = [_open(width, height, title, "sg-hbars")]
    for i, row in enumerate(rows):
        y = top + i * row_h
        label = _text(label_w - 8, y + 19, fit(row.label, 12, label_w - 12), size=12, anchor="end")
        if row.href:
            label = f'<a href="{escape(row.href)}">{label}</a>'
        parts.append(label)
        x0 = label_w
        tip = f"<title>{escape(row.label)}: {escape(row.detail)}</title>"
        if row.secondary:
            parts.append(f'<rect class="sg-mark" x="{_num(x0)}" y="{_num(y + 6)}" '
                         f'width="{_num(plot_w * row.secondary / peak)}" height="18" fill="{row.color}" opacity="0.3" '
                         f'rx="2">{tip}</rect>')
        if row.value > 0:
            parts.append(f'<rect class="sg-mark" x="{_num(x0)}" y="{_num(y + 6)}" '
                         f'width="{_num(max(1.0, plot_w * row.value / peak))}" height="18" fill="{row.color}" '
                         f'rx="2">{tip}</rect>')
        if row.target:
            tx = x0 + plot_w * row.target / peak
            parts.append(f'<line x1="{_num(tx)}" y1="{_num(y + 2)}" x2="{_num(tx)}" y2="{_num(y + 28)}" '
                         f'stroke="#c62828" stroke-width="2.5"/>')
        parts.append(_text(x0 + plot_w + 8, y + 19, row.detail, size=11, fill="#37474f"))
    if key:
        key_parts, _ = draw_key(key, 8, height - key_h + 4, key_w)
        parts.extend(key_parts)
    parts.append("</svg>")
    return Markup("".join(parts))


# --------------------------------------------------------------------------- attractiveness x feasibility

@dataclass
class Point:
    label: str
    x: float  # feasibility 1-10
    y: float  # attractiveness 1-10
    href: str | None = None
    radius: float = 7
    highlight: bool = False


def spread(centres: Sequence[tuple[float, float, float]], bounds: tuple[float, float, float, float]
           ) -> list[tuple[float, float]]:
    """Dot centres moved the least needed so that no two dots (x, y, radius) overlap: each dot in turn tries
    rings of growing distance around its place, eight directions each, inside ``bounds`` (x0, y0, x1, y1)."""
    placed: list[tuple[float, float, float]] = []
    out = []
    x0, y0, x1, y1 = bounds
    for cx, cy, r in centres:
        best = (cx, cy)
        for ring in range(0, 40):
            distance = ring * r * 0.9
            candidates = [(cx, cy)] if ring == 0 else [
                (cx + distance * math.cos(a * math.pi / 4), cy + distance * math.sin(a * math.pi / 4)) for a in range(8)]
            fits = [(x, y) for x, y in candidates if x0 + r <= x <= x1 - r and y0 + r <= y <= y1 - r
                    and all(math.hypot(x - px, y - py) >= r + pr + 1 for px, py, pr in placed)]
            if fits:
                best = fits[0]
                break
        placed.append((best[0], best[1], r))
        out.append(best)
    return out


def matrix(points: Sequence[Point], title: str, x_label: str, y_label: str, quadrant_labels: dict,
           size: float = 420) -> Markup:
    """Attractiveness (y) against feasibility (x), 1-10, split into quadrants at 5.5.

    One point is labelled with its name. Several are numbered in the order given (dots pushed apart
    where they would overlap) and the numbered names are listed under the plot, inside the chart: every
    point is drawn and no label can cover another.
    """
    pad_l, pad_b, pad_t, pad_r = 46, 40, 14, 14
    plot = size - pad_l - pad_r
    numbered = len(points) > 1
    columns = 1 if size < 560 else int(size // 260)  # one column on a phone-sized chart: names stay whole
    col_w = (size - 16) / columns
    list_rows = math.ceil(len(points) / columns) if numbered else 0
    list_top = plot + pad_t + pad_b + 6
    height = list_top + list_rows * 17 + (4 if numbered else 0) if numbered else plot + pad_t + pad_b

    def px(v: float) -> float:
        return pad_l + (v - 1) / 9 * plot

    def py(v: float) -> float:
        return pad_t + (10 - v) / 9 * plot

    parts = [_open(size, height, title, "sg-matrix")]
    mid_x, mid_y = px(5.5), py(5.5)
    fills = {"pursue": "#e8f5e9", "develop": "#fff8e1", "opportunistic": "#e3f2fd", "avoid": "#fbe9e7"}
    quads = {"pursue": (mid_x, pad_t), "develop": (pad_l, pad_t), "opportunistic": (mid_x, mid_y), "avoid": (pad_l, mid_y)}
    half = plot / 2
    for key, (qx, qy) in quads.items():
        parts.append(f'<rect x="{_num(qx)}" y="{_num(qy)}" width="{_num(half)}" height="{_num(half)}" fill="{fills[key]}"/>')
        label = quadrant_labels.get(key, key).split(":")[0]
        parts.append(_text(qx + 6, qy + 16, fit(label, 11, half - 10), size=11, fill="#78909c", weight="600"))
    parts.append(f'<rect x="{pad_l}" y="{pad_t}" width="{_num(plot)}" height="{_num(plot)}" fill="none" stroke="#b0bec5"/>')
    for v in range(1, 11):
        parts.append(_text(px(v), pad_t + plot + 14, str(v), size=10, anchor="middle", fill="#78909c"))
        parts.append(_text(pad_l - 6, py(v) + 4, str(v), size=10, anchor="end", fill="#78909c"))
    parts.append(_text(pad_l + plot / 2, pad_t + plot + 34, x_label, size=12, anchor="middle", weight="600"))
    parts.append(_text(12, pad_t + plot / 2, y_label, size=12, anchor="middle", weight="600",
                       extra=f' transform="rotate(-90 12 {_num(pad_t + plot / 2)})"'))

    def link(href: str | None, inner: str) -> str:
        return f'<a href="{escape(href)}">{inner}</a>' if href else inner

    radii = [max(point.radius, 8.5) if numbered else point.radius for point in points]
    centres = spread([(px(p.x), py(p.y), r) for p, r in zip(points, radii)],
                     (pad_l, pad_t, pad_l + plot, pad_t + plot))
    dots, labels = [], []
    for n, (point, r, (cx, cy)) in enumerate(zip(points, radii, centres), start=1):
        color = "#c62828" if point.highlight else "#1565c0"
        tip = f"{n}. {point.label}" if numbered else point.label
        tip += f" · {x_label} {_num(point.x)} · {y_label} {_num(point.y)}"
        mark = (f'<circle class="sg-mark" cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(r)}" fill="{color}" '
                f'fill-opacity="0.78" stroke="#fff"><title>{escape(tip)}</title></circle>')
        if numbered:
            mark += _text(cx, cy + 3.5, str(n), size=10, anchor="middle", weight="700", fill="#fff",
                          extra=' pointer-events="none"')
        dots.append(link(point.href, mark))
        if numbered:
            col, row = (n - 1) % columns, (n - 1) // columns
            lx, ly = 8 + col * col_w, list_top + row * 17 + 12
            labels.append(link(point.href, _text(lx, ly, f"{n}", size=11, weight="700", fill=color)
                               + _text(lx + 22, ly, fit(point.label, 11, col_w - 44), size=11)))
        else:
            label = fit(point.label, 11, plot * 0.42)
            width = text_width(label, 11)
            gap = r + 3
            for anchor, lx, ly in (("start", cx + gap, cy + 4), ("end", cx - gap, cy + 4),
                                   ("middle", cx, cy - r - 4), ("middle", cx, cy + r + 12)):
                x0 = lx if anchor == "start" else lx - width if anchor == "end" else lx - width / 2
                if x0 >= pad_l and x0 + width <= pad_l + plot:
                    labels.append(link(point.href, _text(lx, ly, label, size=11, anchor=anchor)))
                    break
    parts.extend(dots)
    parts.append('<g class="sg-labels">')
    parts.extend(labels)
    parts.append("</g></svg>")
    return Markup("".join(parts))


# --------------------------------------------------------------------------- stakeholder map

@dataclass
class Person:
    id: str
    name: str
    title: str
    parent: str | None  # reports_to, when that person is on the chart
    attitude: str | None = None
    closeness: str | None = None
    badge: str = ""  # buying role badge text
    badge_title: str = ""
    handler: bool = False
    flagged: bool = False
    faded: bool = False  # on the chart only to connect the tree
    children: list = field(default_factory=list)


NODE_W, NODE_H, H_GAP, V_GAP = 150, 54, 14, 38
LIST_INDENT, LIST_GAP = 18, 10
LIST_MIN = 3  # a manager with this many people and no deeper levels gets them as a vertical list


def _layout(roots: list, people: dict, x0: float = 0.0) -> tuple[dict, float, float, list]:
    """Top-down tree: leaves left to right, a parent centred over its children, and a
    manager whose reports have no reports of their own (three or more of them) gets
    them as a vertical list under it, so that wide departments stay narrow.

    Returns positions (id -> top-left x, y), the width and height used, and the
    connectors as (parent id, child id, kind) with kind "tree" or "list".
    """
    positions: dict[str, tuple[float, float]] = {}
    edges: list = []
    cursor = [x0]
    bottom = [0.0]

    def place(pid: str, y: float, path: frozenset) -> float:
        kids = [k for k in people[pid].children if k not in path]
        bottom[0] = max(bottom[0], y + NODE_H)
        if not kids:
            x = cursor[0]
            cursor[0] += NODE_W + H_GAP
        elif len(kids) >= LIST_MIN and all(not [g for g in people[k].children if g not in path] for k in kids):
            x = cursor[0]
            cursor[0] += NODE_W + LIST_INDENT + H_GAP
            for i, kid in enumerate(kids):
                ky = y + (i + 1) * (NODE_H + LIST_GAP)
                positions[kid] = (x + LIST_INDENT, ky)
                bottom[0] = max(bottom[0], ky + NODE_H)
                edges.append((pid, kid, "list"))
        else:
            xs = [place(k, y + NODE_H + V_GAP, path | {k}) for k in kids]
            edges.extend((pid, k, "tree") for k in kids)
            x = (xs[0] + xs[-1]) / 2
        positions[pid] = (x, y)
        return x

    for root in roots:
        place(root, 0.0, frozenset({root}))
    return positions, cursor[0] - x0, bottom[0], edges


def org_key(labels: dict) -> list[KeyItem]:
    """The org chart's key: ``labels`` maps attitude.<a>, closeness.<c>, role, handler and flag to words."""
    items = [KeyItem(labels[f"attitude.{a}"], box_swatch(*ATTITUDE_COLORS[a]))
             for a in ("supporter", "neutral", "opponent") if f"attitude.{a}" in labels]
    for c in ("close", "frequent", "distant", "none"):
        if f"closeness.{c}" in labels:
            width, dash = CLOSENESS_STROKES[c]
            items.append(KeyItem(labels[f"closeness.{c}"], box_swatch("#fff", "#455a64", width, dash)))
    if "role" in labels:
        items.append(KeyItem(labels["role"], lambda x, y: (f'<rect x="{_num(x - 3)}" y="{_num(y + 1)}" width="18" '
                                                           f'height="11" rx="5" fill="#37474f"/>')))
    if "handler" in labels:
        items.append(KeyItem(labels["handler"], text_swatch("★")))
    if "flag" in labels:
        items.append(KeyItem(labels["flag"], text_swatch("!", "#fff", "#c62828")))
    return items


def org_chart(people: Sequence[Person], title: str, key: Sequence[KeyItem] = ()) -> Markup:
    """The org chart by ``reports_to``: colour by attitude, outline by closeness, role badge, handler star,
    red flag; ``key`` (see ``org_key``) is drawn under the chart, inside it."""
    if not people:
        return Markup("")
    by_id = {p.id: p for p in people}
    for p in people:
        p.children = []
    for p in people:
        if p.parent in by_id and p.parent != p.id:
            by_id[p.parent].children.append(p.id)
    roots = [p.id for p in people if p.parent not in by_id or p.parent == p.id]
    positions, width, height, edges = _layout(roots, by_id)
    for p in people:  # people caught in a reports_to cycle have no root: start from the first of them
        if p.id not in positions:
            extra, w2, h2, e2 = _layout([p.id], by_id, width)
            for pid, xy in extra.items():
                positions.setdefault(pid, xy)
            edges += e2
            width += w2
            height = max(height, h2)
    pad = 10
    total_w = max(width - H_GAP, NODE_W) + 2 * pad + 8
    key_w = min(max(total_w, 330.0), 370.0) - 2 * pad  # the key stays on a phone's screen, left of any scrolling
    key_h = len(key_rows(key, key_w)) * KEY_ROW + 8 if key else 0
    total_w = max(total_w, 330.0) if key else total_w
    total_h = height + 2 * pad + 8 + key_h
    parts = [_open(total_w, total_h, title, "sg-org")]
    for parent, child, kind in edges:  # connectors first, under the boxes
        (x1, y1), (x2, y2) = positions[parent], positions[child]
        if kind == "list":
            lx = x1 + pad + LIST_INDENT / 2
            parts.append(f'<path d="M{_num(lx)} {_num(y1 + pad + NODE_H)} V{_num(y2 + pad + NODE_H / 2)} '
                         f'H{_num(x2 + pad)}" fill="none" stroke="#90a4ae" stroke-width="1.2"/>')
            continue
        x1, x2 = x1 + pad + NODE_W / 2, x2 + pad + NODE_W / 2
        y1, y2 = y1 + pad + NODE_H, y2 + pad
        mid = (y1 + y2) / 2
        parts.append(f'<path d="M{_num(x1)} {_num(y1)} V{_num(mid)} H{_num(x2)} V{_num(y2)}" fill="none" '
                     f'stroke="#90a4ae" stroke-width="1.2"/>')
    for p in people:
        x, y = positions[p.id]
        x, y = x + pad, y + pad
        fill, stroke = ATTITUDE_COLORS.get(p.attitude, ATTITUDE_COLORS[None])
        stroke_w, dash = CLOSENESS_STROKES.get(p.closeness, CLOSENESS_STROKES[None])
        opacity = ' opacity="0.55"' if p.faded else ""
        parts.append(f'<g class="sg-person" data-contact="{escape(p.id)}"{opacity}>')
        parts.append(f"<title>{escape(p.name)} · {escape(p.title)}</title>")
        parts.append(f'<rect x="{_num(x)}" y="{_num(y)}" width="{NODE_W}" height="{NODE_H}" rx="6" fill="{fill}" '
                     f'stroke="{stroke}" stroke-width="{stroke_w}"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        name = ("★ " if p.handler else "") + p.name
        parts.append(_text(x + 8, y + 21, fit(name, 13, NODE_W - 40), size=13, weight="600"))
        parts.append(_text(x + 8, y + 40, fit(p.title, 11, NODE_W - 14), size=11, fill="#455a64"))
        if p.badge:
            bw = max(20.0, text_width(p.badge, 10) + 10)
            parts.append(f'<rect x="{_num(x + NODE_W - bw - 4)}" y="{_num(y + 5)}" width="{_num(bw)}" height="17" rx="8" '
                         f'fill="#37474f"><title>{escape(p.badge_title)}</title></rect>')
            parts.append(_text(x + NODE_W - bw / 2 - 4, y + 17, p.badge, size=10, anchor="middle", fill="#fff",
                               weight="600"))
        if p.flagged:
            parts.append(f'<circle cx="{_num(x + NODE_W - 2)}" cy="{_num(y + NODE_H - 2)}" r="9" fill="#c62828"/>')
            parts.append(_text(x + NODE_W - 2, y + NODE_H + 2, "!", size=13, anchor="middle", fill="#fff", weight="700"))
        parts.append("</g>")
    if key:
        parts.append(f'<line x1="{pad}" y1="{_num(total_h - key_h - 2)}" x2="{_num(total_w - pad)}" '
                     f'y2="{_num(total_h - key_h - 2)}" stroke="#eceff1"/>')
        key_parts, _ = draw_key(key, pad, total_h - key_h + 4, key_w)
        parts.extend(key_parts)
    parts.append("</svg>")
    return Markup("".join(parts))
