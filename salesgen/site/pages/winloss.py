"""The win/loss page at ``winloss/``: win rate and loss reasons by stage reached, competitor and rep."""
from __future__ import annotations

from markupsafe import escape

from ...analytics import winloss
from ..data import SiteData, deal_url, rep_url
from ..render import render
from . import PageSpec


def pages(data: SiteData) -> list[PageSpec]:
    t = data.t
    toc = [("stages", t("wl.by_stage")), ("competitors", t("wl.by_competitor")), ("reps", t("wl.by_rep")),
           ("deals", t("wl.deals"))]
    return [PageSpec("winloss/index.md", t("nav.winloss"), lambda: render_page(data),
                     lambda: f"<h1>{escape(t('nav.winloss'))}</h1>", toc, in_nav=True)]


def reason_text(data: SiteData, tally: winloss.Tally) -> str:
    labels = data.config.lost_reasons
    parts = []
    for code, n in sorted(tally.reasons.items(), key=lambda i: (-i[1], i[0])):
        label = data.label(labels.get(code)) if labels.get(code) else (code or "?")
        parts.append(f"{label} {n}")
    return ", ".join(parts)


def render_page(data: SiteData) -> str:
    closed = winloss.closed_deals(data.deals, data.config, data.as_of)
    stages = [{"pipeline": data.config.pipelines[pid], "stage": stage, "tally": tally,
               "reasons": reason_text(data, tally)} for pid, stage, tally in winloss.by_stage(closed, data.config)]
    competitors = [{"tally": tally, "reasons": reason_text(data, tally)} for tally in winloss.by_competitor(closed)]
    reps = [{"tally": tally, "reasons": reason_text(data, tally)} for tally in winloss.by_rep(closed, data.config)]
    total = winloss.total(closed)
    return render("winloss.html", t=data.t, root="../", d=data, stages=stages, competitors=competitors, reps=reps,
                  total=total, closed=list(reversed(closed)), reasons=reason_text(data, total),
                  deal_url=deal_url, rep_url=rep_url)
