"""The dashboard (site root), the funnel page and the forecast page."""
from __future__ import annotations

from decimal import Decimal

from markupsafe import escape

from ...analytics import attention, forecast, periods
from ...analytics.forecast import CATEGORIES
from ...analytics.funnel import OPEN_STATES, Bucket
from ...analytics.money import Totals
from .. import svg
from ..data import SiteData, customer_url, deal_url, rep_url
from ..render import compact, number, render
from . import PageSpec

OPEN_CATEGORIES = ("pipeline", "best_case", "commit")
STACK_ORDER = ("closed", "commit", "best_case", "pipeline")
LIST_LIMIT = 25  # rows per dashboard list; the rest is counted


def pages(data: SiteData) -> list[PageSpec]:
    t = data.t

    def heading(key):
        return lambda: f"<h1>{escape(t(key))}</h1>"

    return [
        PageSpec("index.md", t("nav.dashboard"), lambda: render_dashboard(data), heading("nav.dashboard"),
                 [("quota", t("att.quota", year=data.as_of.year)), ("closing", t("att.closing_tile")),
                  ("slipped", t("att.slipped_tile")), ("stage-days", t("att.stage_days")),
                  ("promises", t("att.promises")), ("follow-up", t("dash.follow_up")), ("gate", t("dash.gate")),
                  ("recent", t("dash.recent"))],
                 in_nav=True),
        PageSpec("funnel/index.md", t("nav.funnel"), lambda: render_funnel(data), heading("nav.funnel"),
                 [("states", t("funnel.states")), ("stages", t("funnel.by_stage")),
                  ("conversion", t("funnel.conversion"))], in_nav=True),
        PageSpec("forecast/index.md", t("nav.forecast"), lambda: render_forecast(data), heading("nav.forecast"),
                 [("quarters", t("fc.by_quarter")), ("months", t("fc.by_month")), ("reps", t("fc.by_rep")),
                  ("currencies", t("fc.by_currency"))], in_nav=True),
    ]


def common(data: SiteData, root: str) -> dict:
    return {"t": data.t, "root": root, "d": data, "deal_url": deal_url, "customer_url": customer_url,
            "rep_url": rep_url, "rates_note": rates_note(data)}


def rates_note(data: SiteData) -> str:
    rates = ", ".join(f"1 {cur} = {rate} {data.config.currency}" for cur, rate in sorted(data.config.rates.items()))
    return data.t("rates_note", currency=data.config.currency, rates=rates or data.t("rates_none"))


def stage_key(data: SiteData) -> list:
    """Key of the per-stage bars: dark = weighted amount, light = amount, in the reporting currency."""
    t = data.t
    cur = data.config.currency
    return svg.amount_key(f"{t('weighted')} ({cur})", f"{t('amount')} ({cur})", svg.STATE_COLORS["in_funnel"])


def as_float(data: SiteData, totals: dict) -> float:
    """A total in the reporting currency, as a float for drawing only (unconvertible amounts are left out)."""
    return float(data.convert(totals).total)


def state_funnel(data: SiteData, states: dict, title: str, width: float = 640) -> str:
    t = data.t
    steps = []
    for state in OPEN_STATES:
        bucket = states.get(state) or Bucket()
        converted = data.convert(bucket.amount)
        detail = f"{bucket.count} · {number(converted.total)} {converted.currency}"
        steps.append(svg.FunnelStep(state, t(f"state.{state}"), detail, float(converted.total)))
    return svg.funnel(steps, title, width, note=t("funnel.width_note", currency=data.config.currency))


def period_rows(data: SiteData, table: dict) -> list[dict]:
    rows = []
    for period, row in table.items():
        weighted, unweighted = Totals(), Totals()
        for cat in CATEGORIES:
            weighted.merge(row[cat].weighted)
            unweighted.merge(row[cat].amount)
        rows.append({"period": period, "cells": {c: data.convert(row[c].amount) for c in CATEGORIES},
                     "counts": {c: row[c].count for c in CATEGORIES},
                     "weighted": data.convert(weighted), "unweighted": data.convert(unweighted), "row": row})
    return rows


def every_period(keys: list[str]) -> list[str]:
    """The period keys from the first to the last of ``keys`` with none left out (``2026-11`` months or
    ``2026-Q4`` quarters), so that a chart's time axis is proportional to time."""
    if not keys:
        return []
    quarterly = "Q" in keys[0]

    def index(key: str) -> int:
        year, part = key.split("-")
        return int(year) * (4 if quarterly else 12) + int(part.lstrip("Q")) - 1

    def key_of(i: int) -> str:
        per_year = 4 if quarterly else 12
        year, part = divmod(i, per_year)
        return f"{year}-Q{part + 1}" if quarterly else f"{year}-{part + 1:02d}"

    first, last = min(map(index, keys)), max(map(index, keys))
    return [key_of(i) for i in range(first, last + 1)]


def chart_options(data: SiteData) -> dict:
    """Axis unit, tick format and key entries shared by the period bar charts."""
    t = data.t
    language = data.config.language
    return {"unit": data.config.currency, "fmt": lambda v: compact(Decimal(str(round(v))), language),
            "marker_label": t("fc.weighted_total"), "note_label": t("fc.note_label")}


def period_chart(data: SiteData, rows: list[dict], title: str) -> str:
    t = data.t
    by_period = {r["period"]: r for r in rows}
    stacks = []
    for period in every_period(list(by_period)):
        r = by_period.get(period)
        if r is None:  # no deal closes in this period: an empty slot keeps the axis proportional to time
            stacks.append(svg.Stack(period, {}))
            continue
        stacks.append(svg.Stack(period, {c: float(r["cells"][c].total) for c in CATEGORIES},
                                float(r["weighted"].total), compact(r["unweighted"].total, data.config.language)))
    return svg.stacked_bars(stacks, STACK_ORDER, {c: t(f"cat.{c}") for c in CATEGORIES}, title,
                            **chart_options(data))


def quarter_windows(data: SiteData) -> list[dict]:
    """This and next quarter: closed, weighted open, the forecast (closed + weighted open), commit."""
    out = []
    for key, start, end in data.quarters:
        row = forecast.window(data.deals, data.config, start, end)
        closed = data.convert(row["closed"].amount)
        weighted_open = Totals()
        for cat in OPEN_CATEGORIES:
            weighted_open.merge(row[cat].weighted)
        weighted_open = data.convert(weighted_open)
        total = Totals().merge(row["closed"].amount)  # the forecast: closed plus weighted open
        for cat in OPEN_CATEGORIES:
            total.merge(row[cat].weighted)
        out.append({"period": key, "start": start, "end": end, "row": row, "closed": closed,
                    "weighted_open": weighted_open, "forecast": data.convert(total),
                    "commit": data.convert(row["commit"].amount)})
    return out


def render_dashboard(data: SiteData) -> str:
    t = data.t
    windows = quarter_windows(data)
    open_totals = data.open_totals
    stacks = []
    for w in windows:
        cells = {c: data.convert(w["row"][c].amount).total for c in CATEGORIES}
        stacks.append(svg.Stack(w["period"], {c: float(v) for c, v in cells.items()}, float(w["forecast"].total),
                                compact(sum(cells.values()), data.config.language)))
    options = chart_options(data)
    options["marker_label"] = t("fc.forecast")  # here the diamond is the forecast: closed plus weighted open
    quarter_svg = svg.stacked_bars(stacks, STACK_ORDER, {c: t(f"cat.{c}") for c in CATEGORIES}, t("dash.quarters"),
                                   **options)
    return render("dashboard.html", **common(data, ""), open_amount=data.convert(open_totals.amount),
                  open_weighted=data.convert(open_totals.weighted), open_count=open_totals.count, windows=windows,
                  funnel_svg=state_funnel(data, data.by_state, t("dash.funnel"), 440), quarter_svg=quarter_svg,
                  follow_up=data.needing_follow_up, gate=data.gate_violations, recent=data.recent_closed,
                  **attention_context(data))


def attention_context(data: SiteData) -> dict:
    """The manager's questions (analytics.attention): tile figures and the lists of deals behind them."""
    language = data.config.language
    won, quota = attention.team_attainment(data.quota_attainment)
    closing = Bucket()
    for deal, stage in data.closing_this_month:
        closing.add(deal, stage)
    return {"attainment": data.quota_attainment, "team_ratio": won / quota if quota else None,
            "team_won": compact(won, language), "team_quota": compact(quota, language),
            "closing": data.closing_this_month, "closing_amount": data.convert(closing.amount),
            "closing_compact": compact(data.convert(closing.amount).total, language),
            "month": periods.month(data.as_of), "slipped": data.slipped, "stage_days": data.days_in_stage,
            "promises": data.overdue_promises, "list_limit": LIST_LIMIT}


def render_funnel(data: SiteData) -> str:
    t = data.t
    pipelines = []
    for pid, rows in data.by_stage.items():
        pipeline = data.config.pipelines[pid]
        open_bucket = Bucket()
        for row in rows:
            if row.stage.outcome is None:
                open_bucket.count += row.bucket.count
                open_bucket.amount.merge(row.bucket.amount)
                open_bucket.weighted.merge(row.bucket.weighted)
        bars = [svg.HBar(data.label(r.stage.label), as_float(data, r.bucket.weighted),
                         f"{r.bucket.count} · {number(data.convert(r.bucket.amount).total)} {data.config.currency}",
                         color=svg.STATE_COLORS.get(r.stage.funnel, "#90a4ae"),
                         secondary=as_float(data, r.bucket.amount)) for r in rows if r.stage.outcome is None]
        pipelines.append({"pipeline": pipeline, "rows": rows, "open": open_bucket,
                          "svg": svg.hbars(bars, data.label(pipeline.label), label_w=230, key=stage_key(data)),
                          "conversion": data.conversion.get(pid, [])})
    states = [{"state": s, "bucket": data.by_state.get(s) or Bucket()} for s in OPEN_STATES]
    return render("funnel.html", **common(data, "../"), pipelines=pipelines, states=states,
                  funnel_svg=state_funnel(data, data.by_state, t("funnel.states")))


def render_forecast(data: SiteData) -> str:
    t = data.t
    quarters = period_rows(data, data.forecast_quarters)
    months = period_rows(data, data.forecast_months)
    reps = data.forecast_reps
    rep_bars = [svg.HBar(r.rep.name, float(r.closed.total), f"{number(r.forecast)} / {number(r.quota)}"
                         if r.quota is not None else number(r.forecast),
                         color=svg.CATEGORY_COLORS["closed"], href=f"../{rep_url(r.rep.id)}",
                         secondary=float(r.forecast), target=float(r.quota) if r.quota else None) for r in reps]
    currencies = sorted({cur for row in data.forecast_quarters.values() for b in row.values() for cur in b.amount})
    per_currency = []
    for period, row in data.forecast_quarters.items():
        for cur in currencies:
            if not any(cur in row[c].amount for c in CATEGORIES):
                continue
            per_currency.append({"period": period, "currency": cur,
                                 "cells": {c: row[c].amount.get(cur, Decimal(0)) for c in CATEGORIES},
                                 "weighted": sum((row[c].weighted.get(cur, Decimal(0)) for c in CATEGORIES), Decimal(0))})
    return render("forecast.html", **common(data, "../"), quarters=quarters, months=months, reps=reps,
                  categories=CATEGORIES, quarter_svg=period_chart(data, quarters, t("fc.by_quarter")),
                  month_svg=period_chart(data, months, t("fc.by_month")),
                  rep_svg=svg.hbars(rep_bars, t("fc.by_rep"), key=svg.amount_key(
                      t("cat.closed"), t("fc.forecast"), svg.CATEGORY_COLORS["closed"], t("fc.quota"))), per_currency=per_currency, year=data.as_of.year)
