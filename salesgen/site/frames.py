"""The theme's frame, rendered once per kind of page instead of once per page.

Material wraps every page in the same frame: header and search box, tabs, the (hidden)
navigation, footer, scripts. Around the deal, customer and rep pages (not in the
navigation, all at one folder depth) that frame changes in three places only: the
title, the body and the canonical address. Rendering Material's templates again for
each of ten thousand deals costs about as much as the rest of the page.

So for each group of pages that share everything else (folder depth, table of
contents, metadata, neighbours) the frame is rendered once with a marker in each of
those places, cut at the markers, and every page of the group is the pieces joined
around its own title, body and address.

The result is the same bytes as Material's own render, and that is checked, not
assumed: the second page of every group is rendered both ways and compared, and a group
whose pages differ anywhere else (another theme, a template override, a plugin that
writes something of the page into the frame) goes back to Material's full render for
all its pages. Frames are reused only when every plugin of mkdocs.yml is one whose
output is known (``SAFE_PLUGINS``); with any other plugin each page is rendered in full.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

TEMPLATE = "salesgen-frame.html"  # what a page with a reusable frame names as its template
SOURCE = "{{ salesgen_frame() }}"
SAFE_PLUGINS = frozenset({"search", "material/search", "offline", "material/offline", "salesgen"})
SLOTS = ("title", "body", "canonical")


def reusable(plugin_names) -> bool:
    """True when no plugin outside SAFE_PLUGINS could write into the frame."""
    return set(plugin_names) <= SAFE_PLUGINS


@dataclass
class Frame:
    literals: list | None  # the frame cut at the markers; None: this group is rendered in full
    slots: list = field(default_factory=list)  # the slot between literals[i] and literals[i + 1]
    checked: bool = False

    def join(self, values: dict) -> str:
        out = [self.literals[0]]
        for name, literal in zip(self.slots, self.literals[1:]):
            out.append(values[name])
            out.append(literal)
        return "".join(out)


class Frames:
    """Renders pages named ``TEMPLATE`` from a cut frame; ``main`` is the theme's page template."""

    def __init__(self, env, main: str = "main.html"):
        self.env = env
        self.main = main
        self.marker = "sgframe" + secrets.token_hex(8)  # never in a real page
        self.pattern = re.compile(f"<h1>{self.marker}(body)</h1>|{self.marker}(title|canonical)")
        self.groups: dict = {}
        self.reused = 0  # pages joined from a cut frame
        self.rendered = 0  # pages rendered in full

    def render(self, context: dict) -> str:
        page = context["page"]
        key = group_key(page, context)
        frame = self.groups.get(key)
        if frame is None:
            self.groups[key] = self.cut(context)
            return self.full(context)
        if frame.literals is None:
            return self.full(context)
        joined = frame.join(values(page))
        if not frame.checked:  # a second page of the group: both ways, compared
            frame.checked = True
            full = self.full(context)
            if joined != full:
                frame.literals = None
            return full
        self.reused += 1
        return joined

    def full(self, context: dict) -> str:
        self.rendered += 1
        return self.env.get_template(self.main).render(context)

    def cut(self, context: dict) -> Frame:
        """The frame of this page's group: rendered once with markers in the slots, cut there."""
        page = context["page"]
        saved = page.meta.get("title"), page.content, page.canonical_url
        page.meta["title"] = f"{self.marker}title"
        page.content = f"<h1>{self.marker}body</h1>"
        if page.canonical_url is not None:
            page.canonical_url = f"{self.marker}canonical"
        try:
            html = self.env.get_template(self.main).render(context)
        finally:
            page.meta["title"], page.content, page.canonical_url = saved
        literals, slots, start = [], [], 0
        for match in self.pattern.finditer(html):
            literals.append(html[start:match.start()])
            slots.append(match.group(1) or match.group(2))
            start = match.end()
        literals.append(html[start:])
        if "body" not in slots or any(self.marker in literal for literal in literals):
            return Frame(None)  # the theme transforms a slot (escapes, truncates...): not reusable
        return Frame(literals, slots)


def values(page) -> dict:
    return {"title": page.meta["title"], "body": page.content, "canonical": page.canonical_url}


def group_key(page, context: dict) -> tuple:
    """Everything of a page, other than its slots, that the frame could show."""
    return (context.get("base_url"), page.file.src_uri.split("/", 1)[0], _toc(page.toc),
            tuple(sorted((k, repr(v)) for k, v in page.meta.items() if k != "title")),
            page.canonical_url is None, "<h1" in page.content, page.is_homepage,
            _url(page.previous_page), _url(page.next_page), page.parent is None)


def _toc(items) -> tuple:
    return tuple((item.id, item.title, item.level, _toc(item.children)) for item in items)


def _url(page) -> str | None:
    return None if page is None else page.url
