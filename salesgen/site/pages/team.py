"""The team index (with deals awaiting handover) and one page per rep at ``team/<rep id>/``.

A rep's page lists the first ``REP_ROWS`` open deals of the 1-15-30 review and of the week,
most urgent first; a rep with more (the busiest account manager after a decade, or a rep
who took over a book) has the rest on ``team/<rep>/review/<n>/`` and ``team/<rep>/week/<n>/``.
"""
from __future__ import annotations

from markupsafe import escape

from ...analytics import funnel, kpi, weekly
from ...config import Rep
from .. import svg
from ..data import SiteData, customer_url, deal_url, rep_url
from ..render import number, render
from . import PageSpec
from .overview import stage_key


REP_ROWS = 300  # open deals the review and the week tables of a rep's page list (about 300 kB together)
REP_PAGE_ROWS = 800  # open deals on each page after (about 400 kB)


def pages(data: SiteData) -> list[PageSpec]:
    t = data.t
    specs = [PageSpec("team/index.md", t("nav.team"), lambda: render_index(data),
                      lambda: f"<h1>{escape(t('nav.team'))}</h1>",
                      [("reps", t("team.rep")), ("handover", t("team.handover"))], in_nav=True)]
    for rep in data.config.reps.values():
        specs.append(rep_page(data, rep))
        specs += continued_pages(data, rep)
    return specs


def urls(data: SiteData, rep_id: str, kind: str) -> list[str]:
    """The rep's page, then team/<rep>/<kind>/<n>/ for each further page of ``kind`` (review | week) rows."""
    count = len(data.review.get(rep_id, ())) if kind == "review" else len(getattr(data.weekly.get(rep_id), "deals", ()))
    pages = 1 + -(-max(0, count - REP_ROWS) // REP_PAGE_ROWS)
    return [rep_url(rep_id)] + [f"{rep_url(rep_id)}{kind}/{n}/" for n in range(2, pages + 1)]


def page_rows(rows: list, n: int) -> list:
    return rows[:REP_ROWS] if n == 0 else rows[REP_ROWS + (n - 1) * REP_PAGE_ROWS:REP_ROWS + n * REP_PAGE_ROWS]


def continued_pages(data: SiteData, rep: Rep) -> list[PageSpec]:
    from .deals import pager

    t = data.t
    specs = []
    for kind, title in (("review", "team.review_list"), ("week", "team.week")):
        links = urls(data, rep.id, kind)
        for n in range(1, len(links)):
            heading = t("team.list_page", name=rep.name, list=t(title), n=n + 1, total=len(links))
            spec = PageSpec(f"{links[n]}index.md", heading, lambda: "", lambda h=heading: f"<h1>{escape(h)}</h1>")

            def body(spec=spec, kind=kind, n=n, links=links, heading=heading):
                rows = page_rows(data.review.get(rep.id, []) if kind == "review" else
                                 week_rows(data, data.weekly.get(rep.id)), n)
                return render("rep_list.html", t=t, root=spec.root, d=data, rep=rep, title=heading, kind=kind,
                              rows=rows, pages=pager(links, n, spec.root))
            spec.make_body = body
            specs.append(spec)
    return specs


def rep_page(data: SiteData, rep: Rep) -> PageSpec:
    t = data.t
    toc = [("review", t("team.review_list")), ("week", t("team.week")), ("funnel", t("team.funnel")),
           ("kpi", t("team.kpi"))]
    spec = PageSpec(f"{rep_url(rep.id)}index.md", rep.name, lambda: "", lambda: "", toc)
    spec.make_body = lambda: render_rep(data, rep, spec.root)
    spec.make_summary = lambda: f"<h1>{escape(rep.name)}</h1><p>{escape(rep.title)}</p>"
    return spec


def rep_rows(data: SiteData) -> list[dict]:
    forecasts = {f.rep.id: f for f in data.forecast_reps}
    rows = []
    for rep in data.config.reps.values():
        open_bucket = funnel.open_totals(data.deals_by_owner.get(rep.id, ()), data.config)
        review = data.review.get(rep.id, [])
        rows.append({"rep": rep, "open": open_bucket, "forecast": forecasts.get(rep.id),
                     "attention": sum(1 for item in review if item.needs_attention)})
    return rows


def render_index(data: SiteData) -> str:
    return render("team.html", t=data.t, root="../", d=data, rows=rep_rows(data), handover=data.handover,
                  deal_url=deal_url, customer_url=customer_url, rep_url=rep_url)


def kpi_table(data: SiteData, rep_id: str) -> list[dict]:
    """One row per KPI of every pipeline the rep has deals in: label, milestone, count per period."""
    t = data.t
    pipelines = [p for p in data.config.pipelines.values()
                 if any(d.pipeline == p.id for d in data.deals_by_owner.get(rep_id, ()))]
    rows, seen = [], set()
    for pipeline in pipelines:
        for column in kpi.columns(pipeline):
            if column.key in seen:
                continue
            seen.add(column.key)
            if column.stage is None:
                label, note = t(f"kpi.{column.key}"), ""
            else:
                stage = pipeline.stage(column.stage)
                before = pipeline.stages[stage.index - 1]
                label = t("kpi.entered", stage=data.label(stage.label))
                note = data.label(before.milestone)
                if len(pipelines) > 1:
                    label = f"{data.label(pipeline.label)}: {label}"
            rows.append({"key": column.key, "label": label, "note": note,
                         "counts": [table.get(rep_id, {}).get(column.key, 0) for _, table in data.kpis]})
    return rows


def week_rows(data: SiteData, week) -> list[dict]:
    """The rep's open deals in the week (周报): work, progress, problems and promises, as page text."""
    t = data.t
    rows = []
    for item in (week.deals if week else ()):
        deal, review = item.deal, item.review
        pipeline = data.config.pipelines[deal.pipeline]
        criteria = pipeline.criteria()
        progress = [t("week.entered", stage=_stage_label(data, pipeline, e.stage), date=e.date.isoformat())
                    for e in item.moves]
        progress += [t("week.evidenced", criterion=data.label(criteria[c].label) if c in criteria else c,
                       date=date.isoformat()) for date, c, _ in item.evidence]
        problems = []
        if review.follow_up_overdue:
            problems.append(t("week.follow_up_overdue", date=review.follow_up_due.isoformat()))
        if review.intent_overdue:
            problems.append(t("week.intent_overdue", date=review.intent_due.isoformat()))
        if review.next_date_passed:
            problems.append(t("week.next_date_passed", date=review.next_date.isoformat()))
        problems += [t("week.promise_overdue", text=p.promise.text, due=p.promise.due.isoformat())
                     for p in item.overdue_promises]
        customer = data.repo.customers.get(deal.customer)
        for code, cid in item.flags:
            contact = customer.contacts.get(cid) if customer and cid else None
            problems.append(t(f"flag.{code}", name=contact.name if contact else cid))
        rows.append({"item": item, "progress": progress, "problems": problems})
    return rows


def _stage_label(data: SiteData, pipeline, stage_id: str) -> str:
    stage = pipeline.stage(stage_id)
    return data.label(stage.label) if stage else stage_id


def render_rep(data: SiteData, rep: Rep, root: str) -> str:
    t = data.t
    deals = data.deals_by_owner.get(rep.id, [])
    stage_rows = funnel.by_stage(deals, data.config)
    charts = []
    for pid, rows in stage_rows.items():
        if not any(r.bucket.count for r in rows):
            continue
        pipeline = data.config.pipelines[pid]
        bars = [svg.HBar(data.label(r.stage.label), float(data.convert(r.bucket.weighted).total),
                         f"{r.bucket.count} · {number(data.convert(r.bucket.amount).total)} {data.config.currency}",
                         color=svg.STATE_COLORS.get(r.stage.funnel, "#90a4ae"),
                         secondary=float(data.convert(r.bucket.amount).total))
                for r in rows if r.stage.outcome is None]
        charts.append({"pipeline": pipeline, "rows": rows, "svg": svg.hbars(bars, data.label(pipeline.label),
                                                                             label_w=230, key=stage_key(data))})
    forecast = next((f for f in data.forecast_reps if f.rep.id == rep.id), None)
    held = [row for row in data.handover if row[3] == rep.id]
    week = data.weekly.get(rep.id)
    from .deals import pager

    return render("rep.html", t=t, root=root, d=data, rep=rep, review=page_rows(data.review.get(rep.id, []), 0),
                  charts=charts, week=week, week_rows=page_rows(week_rows(data, week), 0),
                  review_pages=pager(urls(data, rep.id, "review"), 0, root),
                  week_pages=pager(urls(data, rep.id, "week"), 0, root), week_bounds=weekly.week_bounds(data.as_of),
                  open=funnel.open_totals(deals, data.config), forecast=forecast,
                  kpi_periods=[label for label, _ in data.kpis], kpis=kpi_table(data, rep.id), held=held,
                  deal_url=deal_url, customer_url=customer_url, rep_url=rep_url)
