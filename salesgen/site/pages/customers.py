"""The customers index (ranked by scorecard) and one page per customer at ``customers/<id>/``.

The ranking continues on ``customers/ranked/<n>/`` beyond ``deals.PAGE_ROWS`` customers, so no page
passes 1 MB at 10,000 customers. A customer with more than ``CUSTOMER_ROWS`` deals (a key account
after a decade) lists its first open deals on its page and the rest on ``customers/<id>/open/<n>/``,
and its closed deals by year on ``customers/<id>/closed/<year>/``, as the deals index does.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import escape

from ...analytics import stakeholders
from ...analytics.funnel import Bucket
from ...analytics.scorecard import scorecard
from ...model import Customer
from .. import search, svg
from ..data import SiteData, customer_url, deal_url, rep_url
from ..render import render
from . import PageSpec
from . import deals as deal_lists
from .people import org_key, org_people

ACCOUNT_TYPES = ("organization", "interest", "intent", "customer")
CUSTOMER_ROWS = 300  # deals a customer page lists itself (about 100 kB); beyond, its history has pages of its own
CONTACT_FIELDS = ("title", "department", "level", "function", "reports_to", "phone", "mobile", "email", "wechat",
                  "notes", "motives")


def pages(data: SiteData) -> list[PageSpec]:
    t = data.t
    ranked = functools.lru_cache(maxsize=None)(lambda: ranked_rows(data))
    count = -(-len(data.customers) // deal_lists.PAGE_ROWS)
    urls = ["customers/"] + [f"customers/ranked/{n}/" for n in range(2, count + 1)]
    specs = [PageSpec("customers/index.md", t("nav.customers"), lambda: render_index(data, ranked(), urls, 0),
                      lambda: f"<h1>{escape(t('nav.customers'))}</h1>", in_nav=True)]
    for n in range(1, len(urls)):
        specs.append(ranked_page(data, ranked, urls, n))
    for customer in data.customers:
        history = long_history(data, customer)
        specs.append(customer_page(data, customer, history))
        if history is not None:
            specs += history_pages(data, customer, history)
    return specs


@dataclass
class History:
    """The deals of a customer with more than CUSTOMER_ROWS of them, as the customer page and its own pages show them."""

    open_pages: list  # rows of the open deals: the customer page's first, then one list per page
    open_urls: list  # the customer page, then customers/<id>/open/<n>/
    years: dict  # year -> rows of the deals closed that year, latest first (newest year first)

    @property
    def open_count(self) -> int:
        return sum(len(rows) for rows in self.open_pages)


def long_history(data: SiteData, customer: Customer) -> History | None:
    deals = data.deals_by_customer.get(customer.id, [])
    if len(deals) <= CUSTOMER_ROWS:
        return None
    groups = deal_lists.index_rows(data, deals)
    for rows in groups.values():
        for row in rows:
            row["customer"] = ""  # every row is this customer's: not repeated under each deal
    open_pages = deal_lists.continued(groups["open"], CUSTOMER_ROWS)
    base = customer_url(customer.id)
    return History(open_pages, [base] + [f"{base}open/{n}/" for n in range(2, len(open_pages) + 1)],
                   deal_lists.closed_years(groups))


def history_pages(data: SiteData, customer: Customer, history: History) -> list[PageSpec]:
    t = data.t
    back = (customer_url(customer.id), customer.name)
    specs = [deal_lists.list_page(data, history.open_urls, n, t("cust.open_page", name=customer.name, n=n + 1),
                                  "open", rows, back)
             for n, rows in enumerate(history.open_pages[1:], 1)]
    for year, rows in history.years.items():
        parts = deal_lists.chunks(rows)
        base = f"{customer_url(customer.id)}closed/{year}/"
        urls = [base] + [f"{base}{n}/" for n in range(2, len(parts) + 1)]
        for n, part in enumerate(parts):
            title = (t("cust.closed_year_page", name=customer.name, year=year, n=n + 1, total=len(parts)) if n
                     else t("cust.closed_year", name=customer.name, year=year))
            specs.append(deal_lists.list_page(data, urls, n, title, "closed", part, back))
    return specs


def customer_page(data: SiteData, customer: Customer, history: History | None = None) -> PageSpec:
    t = data.t
    toc = [("scorecard", t("cust.scorecard")), ("org-chart", t("cust.org_chart")), ("contacts", t("cust.contacts"))]
    if customer.raw.get("buying_process"):
        toc.append(("buying-process", t("cust.buying_process")))
    toc.append(("deals", t("cust.deals")))
    spec = PageSpec(f"{customer_url(customer.id)}index.md", customer.name, lambda: "", lambda: "", toc)
    spec.make_body = lambda: render_customer(data, customer, spec.root, history)
    spec.make_summary = lambda: search.customer_text(data, customer)
    return spec


def open_bucket(data: SiteData, customer_id: str) -> Bucket:
    bucket = Bucket()
    for deal in data.deals_by_customer.get(customer_id, ()):
        if data.is_open(deal):
            bucket.add(deal, data.stages[deal.id])
    return bucket


def ranked_rows(data: SiteData) -> list[dict]:
    rows = []
    for customer in data.customers:
        card = scorecard(customer.evaluation, data.config.weights)
        rows.append({"customer": customer, "score": card.rounded, "open": open_bucket(data, customer.id)})
    rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or Decimal(0)), r["customer"].name))
    return rows


def ranked_page(data: SiteData, ranked, urls: list[str], n: int) -> PageSpec:
    title = data.t("cust.page", n=n + 1)
    spec = PageSpec(f"{urls[n]}index.md", title, lambda: "", lambda: f"<h1>{escape(title)}</h1>")
    spec.make_body = lambda: render_index(data, ranked(), urls, n, title, spec.root)
    return spec


def render_index(data: SiteData, ranked: list, urls: list[str], n: int, title: str = "", root: str = "../") -> str:
    size = deal_lists.PAGE_ROWS
    return render("customers.html", t=data.t, root=root, d=data, rows=ranked[n * size:(n + 1) * size],
                  total=len(ranked), title=title, pages=deal_lists.pager(urls, n, root),
                  customer_url=customer_url, rep_url=rep_url)


def render_customer(data: SiteData, customer: Customer, root: str, history: History | None = None) -> str:
    t = data.t
    deals = data.deals_by_customer.get(customer.id, [])
    open_deals = [deal for deal in deals if data.is_open(deal)]
    records = stakeholders.merged_roles(open_deals)
    flagged = {cid for deal in open_deals for _, cid in stakeholders.red_flags(deal, customer) if cid}
    people = org_people(data, customer, records, flagged)
    hidden = data.hidden_contact_fields
    fields = [f for f in CONTACT_FIELDS if f not in hidden]
    contacts = [{"contact": c, "raw": c.raw, "record": records.get(c.id)} for c in customer.contacts.values()]
    names = {c.id: c.name for c in customer.contacts.values()}
    deal_rows = []
    for deal in deals if history is None else ():
        stage = data.stages[deal.id]
        deal_rows.append({"deal": deal, "stage": data.label(stage.label) if stage else deal.stage,
                          "outcome": stage.outcome if stage else None})
    return render("customer.html", t=t, root=root, d=data, customer=customer,
                  sc=scorecard(customer.evaluation, data.config.weights), types=ACCOUNT_TYPES,
                  org_svg=svg.org_chart(people, t("cust.org_chart"), org_key(data)), contacts=contacts, fields=fields,
                  sensitive_hidden=bool(hidden), names=names, deals=deal_rows, deal_url=deal_url, rep_url=rep_url,
                  open=open_bucket(data, customer.id), history=history,
                  history_pages=deal_lists.pager(history.open_urls, 0, root) if history else [],
                  history_years=deal_lists.year_counts(history.years) if history else {})
