"""The pages of the site: what each one shows, and where it lives (URLs are part of the contract).

``pages(data)`` lists every page as a ``PageSpec``; nothing is rendered until the
plugin asks a spec for its HTML, one page at a time.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..data import SiteData


@dataclass(slots=True)  # one per page: 110,000 at 50,000 deals
class PageSpec:
    src_uri: str  # e.g. deals/<id>/index.md
    title: str  # plain text (escaped by the plugin)
    make_body: Callable[..., str]  # the page body, HTML: make_body(*args)
    make_summary: Callable[..., str]  # what the search index gets, a short HTML text: make_summary(*args)
    toc: list | tuple = field(default_factory=list)  # (anchor id, plain-text title); may be shared: never changed
    in_nav: bool = False
    searchable: bool = True  # False: left out of the search index (Material's `search: exclude`)
    args: tuple = ()  # what both are called with: one tuple per page rather than a closure or partial each

    def render(self) -> str:
        return self.make_body(*self.args)

    def summary(self) -> str:
        return self.make_summary(*self.args)

    @property
    def url(self) -> str:
        return self.src_uri[: -len("index.md")]

    @property
    def root(self) -> str:
        """The relative path from this page to the site root."""
        return "../" * self.url.count("/")


def pages(data: SiteData) -> list[PageSpec]:
    from . import changes, customers, deals, forms, overview, rules, team, winloss

    specs: list[PageSpec] = []
    specs += overview.pages(data)
    specs += winloss.pages(data)
    specs += deals.pages(data)
    specs += forms.pages(data)
    specs += customers.pages(data)
    specs += team.pages(data)
    specs += rules.pages(data)
    specs += changes.pages(data)
    return specs


def nav(data: SiteData) -> list[dict]:
    """The navigation: the index pages only, never one entry per deal (Material repeats it on every page)."""
    t = data.t
    return [{t("nav.dashboard"): "index.md"}, {t("nav.funnel"): "funnel/index.md"},
            {t("nav.forecast"): "forecast/index.md"}, {t("nav.winloss"): "winloss/index.md"},
            {t("nav.changes"): "changes/index.md"},
            {t("nav.deals"): "deals/index.md"},
            {t("nav.customers"): "customers/index.md"}, {t("nav.team"): "team/index.md"},
            {t("nav.rules"): "rules/index.md"}]
