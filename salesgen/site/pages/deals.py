"""The deals index and one page per deal at ``deals/<id>/``."""
from __future__ import annotations

from markupsafe import escape

from ... import criteria
from ...analytics import assessment, insight, stakeholders
from ...analytics.probability import probability, value, weighted
from ...model import Deal
from .. import search, svg
from ..data import SiteData, closed_on, customer_url, deal_url, rep_url
from ..render import render
from . import PageSpec
from .people import org_key, org_people

DEAL_SECTIONS = ("path", "checklist", "team", "buying-centre", "competitors", "assessment", "timeline",
                 "approvals", "waivers", "audit", "problems")


PAGE_ROWS = 2000  # rows of a deals list page: about 600 kB, so every page stays under 1 MB


def pages(data: SiteData) -> list[PageSpec]:
    """The index (open deals, the years with closed deals), closed deals by year, one page per deal.

    Closed deals leave the index for the page of the year they closed, so no page grows
    with the history; a list longer than PAGE_ROWS continues on numbered pages
    (deals/open/2/, deals/closed/2025/2/), so no page passes 1 MB at 50,000 deals.
    """
    t = data.t
    groups = index_rows(data)
    years = closed_years(groups)
    open_pages = chunks(groups["open"])
    toc = [("assessment", t("deal.assessment"))] if any(d.get("assessment") for d in data.deals) else []
    toc += [("open", t("deals.open"))] + ([("closed", t("deals.closed"))] if years else [])
    open_urls = ["deals/"] + [f"deals/open/{n}/" for n in range(2, len(open_pages) + 1)]
    specs = [PageSpec("deals/index.md", t("nav.deals"), lambda: "",
                      lambda: f"<h1>{escape(t('nav.deals'))}</h1>", toc, in_nav=True)]
    specs[0].make_body = lambda: render_index(data, groups, open_pages[0], pager(open_urls, 0, "../"), years)
    for n, rows in enumerate(open_pages[1:], 1):
        specs.append(list_page(data, open_urls, n, t("deals.open_page", n=n + 1), "open", rows))
    for year, rows in years.items():
        year_pages = chunks(rows)
        urls = [f"deals/closed/{year}/"] + [f"deals/closed/{year}/{n}/" for n in range(2, len(year_pages) + 1)]
        for n, part in enumerate(year_pages):
            title = t("deals.closed_year", year=year) + (f" ({n + 1}/{len(year_pages)})" if n else "")
            specs.append(list_page(data, urls, n, title, "closed", part))
    tocs: dict = {}
    for deal in data.deals:
        specs.append(deal_page(data, deal, tocs))
    return specs


def chunks(rows: list) -> list[list]:
    return [rows[i:i + PAGE_ROWS] for i in range(0, len(rows), PAGE_ROWS)] or [[]]


def continued(rows: list, first: int, size: int | None = None) -> list[list]:
    """``rows`` as pages: ``first`` rows on a page that shows more than the list, ``size`` (default
    PAGE_ROWS) on each page after."""
    size = size or PAGE_ROWS
    return [rows[:first]] + [rows[i:i + size] for i in range(first, len(rows), size)]


def year_counts(years: dict) -> dict:
    """year -> (won, lost) of ``closed_years``."""
    return {year: (sum(r["outcome"] == "won" for r in part), sum(r["outcome"] == "lost" for r in part))
            for year, part in years.items()}


def closed_years(groups: dict) -> dict:
    """year -> the rows of the deals won or lost that year, latest first; newest year first."""
    years: dict = {}
    for key in ("won", "lost"):
        for row in groups[key]:
            row["outcome"] = key  # the row itself, not a copy: 40,000 closed deals at 50,000
            years.setdefault(row["closed"].year, []).append(row)
    for rows in years.values():
        rows.sort(key=lambda r: (r["closed"], r["deal"].id), reverse=True)
    return dict(sorted(years.items(), reverse=True))


def pager(urls: list[str], current: int, root: str) -> list[tuple[int, str | None]]:
    """(page number, link or None for this page) of a list split over several pages; empty if one."""
    if len(urls) < 2:
        return []
    return [(n + 1, None if n == current else root + url) for n, url in enumerate(urls)]


def list_page(data: SiteData, urls: list[str], n: int, title: str, kind: str, rows: list,
              back: tuple[str, str] | None = None) -> PageSpec:
    """A page of a list of deals at ``urls[n]``; ``back``: (URL from the site root, text) of the page the
    list belongs to (default: the deals index)."""
    spec = PageSpec(f"{urls[n]}index.md", title, lambda: "", lambda: f"<h1>{escape(title)}</h1>")
    base = "../" * (urls[n].count("/") - 1) if urls[n].startswith("deals/") else spec.root + "deals/"  # to deals/
    link = (spec.root + back[0], back[1]) if back else (base, data.t("deals.back"))
    spec.make_body = lambda: render("deals_list.html", t=data.t, root=spec.root, d=data, title=title, kind=kind,
                                 rows=rows, base=base, back=link, pages=pager(urls, n, spec.root),
                                 by_customer=back is None)
    return spec


DEAL_ROOT = "../" * deal_url("id").count("/")  # from a deal's page to the site root
SECTION_TITLES = {"path": "deal.path", "checklist": "deal.checklist", "team": "deal.team",
                  "buying-centre": "deal.buying_centre", "competitors": "deal.competitors",
                  "assessment": "deal.assessment", "timeline": "deal.timeline", "approvals": "deal.approvals",
                  "waivers": "deal.waivers", "audit": "hist.audit", "problems": "deal.problems"}


def deal_page(data: SiteData, deal: Deal, tocs: dict | None = None) -> PageSpec:
    """The page of ``deal``; ``tocs``: the sections and tables of contents already made, shared by the deals
    with the same sections (50,000 deals have a handful of them)."""
    sections = tuple(s for s in DEAL_SECTIONS if _has_section(data, deal, s))
    tocs = {} if tocs is None else tocs
    toc = tocs.get(sections)
    if toc is None:
        toc = tocs[sections] = tuple((s, data.t(SECTION_TITLES[s])) for s in sections)
    return PageSpec(f"{deal_url(deal.id)}index.md", deal.name, deal_body, deal_summary, toc, args=(data, deal, sections))


def deal_body(data: SiteData, deal: Deal, sections: tuple) -> str:
    return render_deal(data, deal, DEAL_ROOT, sections)


def deal_summary(data: SiteData, deal: Deal, sections: tuple) -> str:
    return search.deal_text(data, deal)


def _has_section(data: SiteData, deal: Deal, section: str) -> bool:
    if section in ("path", "checklist", "team", "timeline"):
        return data.stages[deal.id] is not None or section in ("team", "timeline")
    if section == "buying-centre":
        return bool(deal.stakeholders)
    if section == "problems":
        return bool(data.problems_by_file.get(deal.file))
    if section == "audit":
        return deal.id in data.history.trails
    return bool(deal.get(section))


def index_rows(data: SiteData, deals: list | None = None) -> dict:
    """open / won / lost rows of the deals index (of ``deals``: default every deal), open deals in pipeline
    and stage order."""
    groups: dict = {"open": [], "won": [], "lost": []}
    order = {(pid, s.id): (pi, s.index) for pi, (pid, p) in enumerate(data.config.pipelines.items()) for s in p.stages}
    for deal in data.deals if deals is None else deals:
        stage = data.stages[deal.id]
        group = "open" if stage is None or stage.outcome is None else stage.outcome
        row = {"deal": deal, "stage": stage, "stage_label": data.label(stage.label) if stage else deal.stage,
               "probability": probability(deal, stage) if stage else None,
               "weighted": weighted(deal, stage) if stage else None,
               "value": value(deal, stage) if stage else deal.amount,
               "closed": closed_on(deal, stage) if stage and stage.outcome else None,
               "owner": data.rep_name(deal.owner), "customer": data.customer_name(deal.customer)}
        groups[group].append(row)
    groups["open"].sort(key=lambda r: (order.get((r["deal"].pipeline, r["deal"].stage), (99, 99)),
                                       r["deal"].expected_close, r["deal"].id))
    for key in ("won", "lost"):
        groups[key].sort(key=lambda r: (r["closed"], r["deal"].id), reverse=True)
    return groups


MATRIX_DEALS = 60  # the largest assessed open deals on the portfolio chart (more would be unreadable)
MATRIX_NAMES = 100  # the open deals left off the chart named below it; the rest counted (50,000 deals: thousands)


def portfolio_matrix(data: SiteData, root: str) -> tuple[str, list[str], list[str]]:
    """Attractiveness x feasibility of the largest assessed open deals, dot size by amount; and the names
    of the open deals left out: without a complete opportunity analysis, and beyond the largest ``MATRIX_DEALS``."""
    t = data.t
    points, unassessed = [], []
    for deal in data.deals:
        if not data.is_open(deal):
            continue
        result = assessment.assess(deal)
        if result.complete:
            size = float(data.convert({deal.currency: deal.amount}).total)
            points.append((size, deal, result))
        else:
            unassessed.append(deal.name)
    points.sort(key=lambda p: (-p[0], p[1].id))
    beyond = [deal.name for _, deal, _ in points[MATRIX_DEALS:]]
    points = points[:MATRIX_DEALS]
    if not points:
        return "", unassessed, beyond
    biggest = max(p[0] for p in points) or 1.0
    dots = [svg.Point(deal.name, float(result.feasibility), float(result.attractiveness),
                      href=f"{root}{deal_url(deal.id)}", radius=5 + 9 * (size / biggest) ** 0.5)
            for size, deal, result in points]
    chart = svg.matrix(dots, t("deal.assessment"), t("assess.feasibility"), t("assess.attractiveness"),
                       {q: t(f"quadrant.{q}") for q in ("pursue", "develop", "opportunistic", "avoid")}, size=460)
    return chart, unassessed, beyond


def render_index(data: SiteData, groups: dict, rows: list, pages: list, years: dict) -> str:
    counts = year_counts(years)
    matrix_svg, unassessed, beyond = portfolio_matrix(data, "../")
    return render("deals.html", t=data.t, root="../", base="", groups=groups, rows=rows, pages=pages,
                  years=counts, d=data, matrix_svg=matrix_svg, matrix_limit=MATRIX_DEALS, matrix_names=MATRIX_NAMES,
                  matrix_unassessed=unassessed, matrix_beyond=beyond)


def stage_path(data: SiteData, deal: Deal) -> list[dict]:
    """Seller stages in order with the aligned buyer stage under each, and where the deal and buyer stand."""
    pipeline = data.config.pipelines[deal.pipeline]
    stage = data.stages[deal.id]
    buyer_labels = dict(pipeline.buyer_stages)
    reached = {e.stage for e in deal.stage_history}
    steps = []
    for s in pipeline.stages:
        if s.outcome == "lost" and stage.outcome != "lost":
            continue
        if stage.outcome == "lost":
            state = "current" if s.id == stage.id else ("done" if s.id in reached else "skipped")
        else:
            state = "current" if s.id == stage.id else ("done" if s.index < stage.index else "future")
        steps.append({"label": data.label(s.label), "state": state, "probability": s.probability,
                      "buyer": data.label(buyer_labels.get(s.buyer_stage)) if s.buyer_stage else "",
                      "buyer_here": bool(deal.buyer_stage) and s.buyer_stage == deal.buyer_stage})
    return steps


def checklist(data: SiteData, deal: Deal) -> list[dict]:
    pipeline = data.config.pipelines[deal.pipeline]
    stage = data.stages[deal.id]
    customer = data.repo.customers.get(deal.customer)
    evidence = deal.get("evidence") or []
    rows = []
    for s, statuses in criteria.checklist(deal, customer, pipeline, data.as_of, data.config):
        if not statuses:
            continue
        due = (stage.outcome != "lost" and s.index < stage.index) or s.id == stage.id
        items = []
        for status in statuses:
            record = evidence[status.evidence_index] if status.evidence_index is not None else None
            if status.approval_index is not None:  # an approval criterion shows its approval, not the form
                approval = deal.raw["approvals"][status.approval_index]
                record = {"date": approval["date"],
                          "ref": " ".join(filter(None, (data.rep_name(approval["approver"]), approval.get("ref"))))}
            state = ("evidenced" if status.how in ("evidence", "approval") else "met") if status.met else (
                "missing" if due else "notdue")
            items.append({"label": data.label(status.criterion.label), "id": status.criterion.id, "state": state,
                          "description": data.label(status.criterion.description), "evidence": record,
                          "kind": status.criterion.kind})
        met = sum(1 for item in items if item["state"] in ("met", "evidenced"))
        rows.append({"stage": data.label(s.label), "required": stage.outcome != "lost" and s.index < stage.index,
                     "current": s.id == stage.id, "criteria": items, "met": met,
                     "state": "met" if met == len(items) else ("missing" if due else "notdue")})
    return rows


def learning(data: SiteData, deal: Deal, stage) -> dict | None:
    """What to learn at the customer's current buying stage, and what is known (tables 4-1 to 4-8)."""
    if stage.outcome is not None:
        return None
    pipeline = data.config.pipelines[deal.pipeline]
    buyer = insight.current_buyer_stage(deal, stage)
    items = insight.learn_status(deal, data.repo.customers.get(deal.customer), pipeline, buyer)
    if not items:
        return None
    return {"stage": data.label(dict(pipeline.buyer_stages).get(buyer)), "items": items,
            "known": sum(1 for item in items if item.known)}


def render_deal(data: SiteData, deal: Deal, root: str, sections: tuple) -> str:
    t = data.t
    stage = data.stages[deal.id]
    customer = data.repo.customers.get(deal.customer)
    ctx = {"t": t, "root": root, "d": data, "deal": deal, "raw": deal.raw, "stage": stage, "customer": customer,
           "sections": sections, "deal_url": deal_url, "customer_url": customer_url, "rep_url": rep_url}
    if stage is not None:
        ctx.update(probability=probability(deal, stage), weighted=weighted(deal, stage), value=value(deal, stage),
                   pipeline=data.config.pipelines[deal.pipeline], path=stage_path(data, deal),
                   checklist=checklist(data, deal), learn=learning(data, deal, stage),
                   closed=closed_on(deal, stage) if stage.outcome else None)
    team = [("owner", deal.owner)] + list(deal.team.items())
    ctx["team"] = [{"role": role, "rep": rep_id, "name": data.rep_name(rep_id),
                    "left": rep_id in data.config.reps and not data.config.reps[rep_id].active} for role, rep_id in team]
    if "buying-centre" in sections:
        # a won or lost deal has nothing left to act on: its red flags are history, not alarms
        flags = [] if stage is not None and stage.outcome else stakeholders.red_flags(deal, customer)
        ctx["flags"] = [t(f"flag.{code}", name=_contact_name(customer, cid)) for code, cid in flags]
        flagged = {cid for _, cid in flags if cid}
        people = org_people(data, customer, {s["contact"]: s for s in deal.stakeholders}, flagged, only_related=True)
        ctx["org_svg"] = svg.org_chart(people, t("deal.buying_centre"), org_key(data))
        ctx["holders"] = [{"entry": s, "contact": customer.contacts.get(s["contact"]) if customer else None,
                           "flagged": s["contact"] in flagged} for s in deal.stakeholders]
    if "assessment" in sections:
        result = assessment.assess(deal)
        ctx["assessment"] = result
        if result.complete:
            ctx["matrix_svg"] = svg.matrix([svg.Point(deal.name, float(result.feasibility),
                                                      float(result.attractiveness), radius=9)],
                                           t("deal.assessment"), t("assess.feasibility"), t("assess.attractiveness"),
                                           {q: t(f"quadrant.{q}") for q in ("pursue", "develop", "opportunistic", "avoid")},
                                           size=340)
    ctx["activities"] = sorted(deal.activities, key=lambda a: (a.date, a.index), reverse=True)
    ctx["contact_names"] = {cid: c.name for cid, c in customer.contacts.items()} if customer else {}
    ctx["waivers"] = [{"w": w, "expired": w["until"] < data.as_of.isoformat()} for w in deal.get("waivers") or ()]
    ctx["problems"] = data.problems_by_file.get(deal.file, [])
    history = data.history
    ctx.update(trail=list(reversed(history.trails.get(deal.id, ()))), changed=deal.id in history.changed,
               rotting=history.rotting.get(deal.id))
    return render("deal.html", **ctx)


def _contact_name(customer, contact_id: str) -> str:
    if not contact_id:
        return ""
    contact = customer.contacts.get(contact_id) if customer else None
    return contact.name if contact else contact_id
