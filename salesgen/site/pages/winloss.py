"""The win/loss page at ``winloss/``: win rate and loss reasons by stage reached, competitor and rep.

The closed deals it lists, latest first, continue on ``winloss/deals/<n>/`` beyond ``deals.PAGE_ROWS``
rows, so the page stays under 1 MB at 50,000 deals.
"""
from __future__ import annotations

import functools

from markupsafe import escape

from ...analytics import winloss
from ..data import SiteData, deal_url, rep_url
from ..render import render
from . import PageSpec
from . import deals as deal_lists


def pages(data: SiteData) -> list[PageSpec]:
    t = data.t
    toc = [("stages", t("wl.by_stage")), ("competitors", t("wl.by_competitor")), ("reps", t("wl.by_rep")),
           ("deals", t("wl.deals"))]
    closed = functools.lru_cache(maxsize=None)(lambda: winloss.closed_deals(data.deals, data.config, data.as_of))
    urls = ["winloss/"] + [f"winloss/deals/{n}/" for n in range(2, -(-len(closed()) // deal_lists.PAGE_ROWS) + 1)]
    specs = [PageSpec("winloss/index.md", t("nav.winloss"), lambda: render_page(data, closed(), urls),
                      lambda: f"<h1>{escape(t('nav.winloss'))}</h1>", toc, in_nav=True)]
    for n in range(1, len(urls)):
        specs.append(list_page(data, closed, urls, n))
    return specs


def latest_first(closed: list, n: int) -> list:
    """Page ``n`` (from 0) of the closed deals, latest first."""
    return list(reversed(closed))[n * deal_lists.PAGE_ROWS:(n + 1) * deal_lists.PAGE_ROWS]


def list_page(data: SiteData, closed, urls: list[str], n: int) -> PageSpec:
    title = data.t("wl.deals_page", n=n + 1)
    spec = PageSpec(f"{urls[n]}index.md", title, lambda: "", lambda: f"<h1>{escape(title)}</h1>")
    spec.make_body = lambda: render("winloss_list.html", t=data.t, root=spec.root, d=data, title=title,
                                 closed=latest_first(closed(), n), pages=deal_lists.pager(urls, n, spec.root))
    return spec


def reason_text(data: SiteData, tally: winloss.Tally) -> str:
    labels = data.config.lost_reasons
    parts = []
    for code, n in sorted(tally.reasons.items(), key=lambda i: (-i[1], i[0])):
        label = data.label(labels.get(code)) if labels.get(code) else (code or "?")
        parts.append(f"{label} {n}")
    return ", ".join(parts)


def render_page(data: SiteData, closed: list, urls: list[str]) -> str:
    stages = [{"pipeline": data.config.pipelines[pid], "stage": stage, "tally": tally,
               "reasons": reason_text(data, tally)} for pid, stage, tally in winloss.by_stage(closed, data.config)]
    competitors = [{"tally": tally, "reasons": reason_text(data, tally)} for tally in winloss.by_competitor(closed)]
    reps = [{"tally": tally, "reasons": reason_text(data, tally)} for tally in winloss.by_rep(closed, data.config)]
    total = winloss.total(closed)
    return render("winloss.html", t=data.t, root="../", d=data, stages=stages, competitors=competitors, reps=reps,
                  total=total, closed=latest_first(closed, 0), pages=deal_lists.pager(urls, 0, "../"),
                  reasons=reason_text(data, total),
                  deal_url=deal_url, rep_url=rep_url)
