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
from typing import Sequence

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


# --------------------------------------------------------------------------- funnel

@dataclass
class FunnelStep:
    key: str
    label: str
    detail: str  # e.g. "5 deals · 12,300,000 CNY"
    size: float  # the amount the width is drawn from


def funnel(steps: Sequence[FunnelStep], title: str, width: float = 640) -> Markup:
    """Centred bands, one per state, width proportional to ``size``, joined as a funnel."""
    band, gap = 46, 14
    label_w = min(250.0, width * 0.42)
    height = len(steps) * (band + gap) - gap + 8
    biggest = max((s.size for s in steps), default=0) or 1
    draw_w = width - label_w - 10
    centre = draw_w / 2 + 4
    parts = [_open(width, height, title, "sg-funnel")]
    previous = None
    for i, step in enumerate(steps):
        w = max(draw_w * 0.12, draw_w * math.sqrt(step.size / biggest)) if step.size else draw_w * 0.12
        y = 4 + i * (band + gap)
        color = STATE_COLORS.get(step.key, "#90a4ae")
        if previous is not None:
            pw, py = previous
            parts.append(f'<polygon points="{_num(centre - pw / 2)},{_num(py + band)} {_num(centre + pw / 2)},'
                         f'{_num(py + band)} {_num(centre + w / 2)},{_num(y)} {_num(centre - w / 2)},{_num(y)}" '
                         f'fill="{color}" opacity="0.25"/>')
        parts.append(f'<rect x="{_num(centre - w / 2)}" y="{_num(y)}" width="{_num(w)}" height="{band}" rx="4" '
                     f'fill="{color}"/>')
        parts.append(_text(draw_w + 18, y + 19, step.label, size=14, weight="600"))
        parts.append(_text(draw_w + 18, y + 37, step.detail, size=12, fill="#546e7a"))
        previous = (w, y)
    parts.append("</svg>")
    return Markup("".join(parts))


# --------------------------------------------------------------------------- bars

@dataclass
class Stack:
    label: str  # x-axis label (a period)
    parts: dict  # category -> float value
    marker: float | None = None  # e.g. the weighted total
    note: str = ""  # shown above the bar


def stacked_bars(stacks: Sequence[Stack], order: Sequence[str], legend: dict, title: str,
                 marker_label: str = "", height: float = 260) -> Markup:
    """Vertical stacked bars (one per period), categories stacked in ``order``; a diamond marks ``marker``."""
    if not stacks:
        return Markup("")
    bar_w, gap, left, top, bottom = 44, 26, 8, 26, 54
    width = max(300, left + len(stacks) * (bar_w + gap) + 20)
    plot_h = height - top - bottom
    peak = max((sum(s.parts.values()) for s in stacks), default=0)
    peak = max(peak, max((s.marker or 0 for s in stacks), default=0)) or 1
    parts = [_open(width, height, title, "sg-bars")]
    base_y = top + plot_h
    parts.append(f'<line x1="{left}" y1="{_num(base_y)}" x2="{_num(width - 8)}" y2="{_num(base_y)}" stroke="#90a4ae"/>')
    for i, stack in enumerate(stacks):
        x = left + 10 + i * (bar_w + gap)
        y = base_y
        for cat in order:
            value = stack.parts.get(cat, 0)
            if value <= 0:
                continue
            h = plot_h * value / peak
            y -= h
            parts.append(f'<rect x="{_num(x)}" y="{_num(y)}" width="{bar_w}" height="{_num(h)}" '
                         f'fill="{CATEGORY_COLORS.get(cat, "#90a4ae")}"><title>{escape(legend.get(cat, cat))}</title></rect>')
        if stack.note:
            parts.append(_text(x + bar_w / 2, y - 6, stack.note, size=10, anchor="middle", fill="#37474f"))
        if stack.marker:
            my = base_y - plot_h * stack.marker / peak
            cx = x + bar_w / 2
            parts.append(f'<polygon points="{_num(cx - 7)},{_num(my)} {_num(cx)},{_num(my - 7)} {_num(cx + 7)},{_num(my)} '
                         f'{_num(cx)},{_num(my + 7)}" fill="#ff8f00" stroke="#fff"/>')
        parts.append(_text(x + bar_w / 2, base_y + 16, stack.label, size=11, anchor="middle"))
    # legend
    lx, ly = left, height - 18
    for cat in order:
        parts.append(f'<rect x="{_num(lx)}" y="{_num(ly - 9)}" width="11" height="11" fill="{CATEGORY_COLORS.get(cat)}"/>')
        label = legend.get(cat, cat)
        parts.append(_text(lx + 15, ly, label, size=11))
        lx += 28 + text_width(label, 11)
    if marker_label:
        parts.append(f'<polygon points="{_num(lx)},{_num(ly - 4)} {_num(lx + 6)},{_num(ly - 10)} {_num(lx + 12)},'
                     f'{_num(ly - 4)} {_num(lx + 6)},{_num(ly + 2)}" fill="#ff8f00"/>')
        parts.append(_text(lx + 16, ly, marker_label, size=11))
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


def hbars(rows: Sequence[HBar], title: str, width: float = 640, label_w: float = 170) -> Markup:
    """Horizontal bars with a label on the left and the figure on the right."""
    if not rows:
        return Markup("")
    row_h, top = 30, 6
    detail_w = max((text_width(r.detail, 11) for r in rows), default=0) + 12
    plot_w = max(120.0, width - label_w - detail_w - 10)
    height = top * 2 + len(rows) * row_h
    peak = max(max(r.value, r.secondary or 0, r.target or 0) for r in rows) or 1
    parts = [_open(width, height, title, "sg-hbars")]
    for i, row in enumerate(rows):
        y = top + i * row_h
        label = _text(label_w - 8, y + 19, fit(row.label, 12, label_w - 12), size=12, anchor="end")
        if row.href:
            label = f'<a href="{escape(row.href)}">{label}</a>'
        parts.append(label)
        x0 = label_w
        if row.secondary:
            parts.append(f'<rect x="{_num(x0)}" y="{_num(y + 6)}" width="{_num(plot_w * row.secondary / peak)}" '
                         f'height="18" fill="{row.color}" opacity="0.3" rx="2"/>')
        if row.value > 0:
            parts.append(f'<rect x="{_num(x0)}" y="{_num(y + 6)}" width="{_num(max(1.0, plot_w * row.value / peak))}" '
                         f'height="18" fill="{row.color}" rx="2"/>')
        if row.target:
            tx = x0 + plot_w * row.target / peak
            parts.append(f'<line x1="{_num(tx)}" y1="{_num(y + 2)}" x2="{_num(tx)}" y2="{_num(y + 28)}" '
                         f'stroke="#c62828" stroke-width="2.5"/>')
        parts.append(_text(x0 + plot_w + 8, y + 19, row.detail, size=11, fill="#37474f"))
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


def matrix(points: Sequence[Point], title: str, x_label: str, y_label: str, quadrant_labels: dict,
           size: float = 420) -> Markup:
    """Attractiveness (y) against feasibility (x), 1-10, split into quadrants at 5.5."""
    pad_l, pad_b, pad_t, pad_r = 46, 40, 14, 14
    plot = size - pad_l - pad_r
    height = plot + pad_t + pad_b

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
        parts.append(_text(qx + 6, qy + 16, label, size=11, fill="#78909c", weight="600"))
    parts.append(f'<rect x="{pad_l}" y="{pad_t}" width="{_num(plot)}" height="{_num(plot)}" fill="none" stroke="#b0bec5"/>')
    for v in range(1, 11):
        parts.append(_text(px(v), pad_t + plot + 14, str(v), size=10, anchor="middle", fill="#78909c"))
        parts.append(_text(pad_l - 6, py(v) + 4, str(v), size=10, anchor="end", fill="#78909c"))
    parts.append(_text(pad_l + plot / 2, height - 6, x_label, size=12, anchor="middle", weight="600"))
    parts.append(_text(12, pad_t + plot / 2, y_label, size=12, anchor="middle", weight="600",
                       extra=f' transform="rotate(-90 12 {_num(pad_t + plot / 2)})"'))
    placed: list[tuple[float, float, float, float]] = []  # label boxes already drawn

    def free(box) -> bool:
        x0, y0, x1, y1 = box
        return all(x1 < a or x0 > c or y1 < b or y0 > d for a, b, c, d in placed)

    dots, labels = [], []
    for point in sorted(points, key=lambda p: (p.highlight, p.radius), reverse=True):  # big dots claim labels first
        cx, cy = px(point.x), py(point.y)
        color = "#c62828" if point.highlight else "#1565c0"
        dot = (f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(point.radius)}" fill="{color}" fill-opacity="0.7" '
               f'stroke="#fff"><title>{escape(point.label)}</title></circle>')
        dots.append(f'<a href="{escape(point.href)}">{dot}</a>' if point.href else dot)
        label = fit(point.label, 11, plot * 0.42)
        width = text_width(label, 11)
        gap = point.radius + 3
        for anchor, lx, ly in (("start", cx + gap, cy + 4), ("end", cx - gap, cy + 4),
                               ("middle", cx, cy - point.radius - 4), ("middle", cx, cy + point.radius + 12)):
            x0 = lx if anchor == "start" else lx - width if anchor == "end" else lx - width / 2
            box = (x0, ly - 10, x0 + width, ly + 2)
            if box[0] >= pad_l and box[2] <= pad_l + plot and free(box):
                placed.append(box)
                text = _text(lx, ly, label, size=11, anchor=anchor)
                labels.append(f'<a href="{escape(point.href)}">{text}</a>' if point.href else text)
                break
    parts.extend(dots)
    parts.extend(labels)
    parts.append("</svg>")
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


def org_chart(people: Sequence[Person], title: str) -> Markup:
    """The org chart by ``reports_to``: colour by attitude, outline by closeness, role badge, handler star."""
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
    total_h = height + 2 * pad + 8
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
    parts.append("</svg>")
    return Markup("".join(parts))
