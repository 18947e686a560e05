"""The Changes page (``changes/``): this week, the last four weeks, the waterfall, the forecast trend,
the calibration table and the rotting deals, all from the git history."""
from __future__ import annotations

from markupsafe import escape

from ...history.movement import WATERFALL_LINES
from .. import svg
from ..data import SiteData, deal_url, rep_url
from ..render import compact, render
from . import PageSpec

KIND_COLUMNS = ("new", "advanced", "moved_back", "won", "lost", "reopened", "close_pushed", "close_pulled",
                "amount_up", "amount_down", "owner_changed")


def pages(data: SiteData) -> list[PageSpec]:
    t = data.t
    toc = [("this-week", t("hist.this_week")), ("weeks", t("hist.weeks")), ("waterfall", t("hist.waterfall")),
           ("trend", t("hist.trend", period="")), ("calibration", t("hist.calibration")),
           ("rotting", t("hist.rotting"))]
    if data.history.note:  # nothing to show but why: no sections to list
        toc = []
    return [PageSpec("changes/index.md", t("nav.changes"), lambda: render_changes(data),
                     lambda: f"<h1>{escape(t('nav.changes'))}</h1>", toc, in_nav=True)]


def trend_chart(data: SiteData) -> str:
    view = data.history
    t = data.t
    stacks = [svg.Stack(p.week_end.strftime("%m-%d"), {"closed": float(p.closed), "open": float(p.weighted_open)},
                        None, compact(p.forecast, data.config.language)) for p in view.trend]
    return svg.stacked_bars(stacks, ("closed", "open"), {"closed": t("cat.closed"), "open": t("dash.weighted_pipeline")},
                            t("hist.trend", period=view.trend_period))


def render_changes(data: SiteData) -> str:
    view = data.history
    deals = {d.id: d for d in data.deals}
    return render("changes.html", t=data.t, root="../", d=data, h=view, deals=deals, deal_url=deal_url,
                  rep_url=rep_url, kinds=KIND_COLUMNS, lines=WATERFALL_LINES,
                  trend_svg=trend_chart(data) if view.note is None else "")
