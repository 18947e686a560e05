"""The text's paper forms, printable, from a deal's data: one page per deal at ``deals/<id>/forms/``.

Four forms as sections, each on its own A4 sheet when printed (no header or tabs in
print): the customer visit report (客户拜访总结报告) from the visit activities; the sales
project initiation request (销售项目立项申请表) from the deal, its buying centre,
competitors, the customer's scorecard, the team and the approval; the technical exchange
summary (技术交流总结表) from the demo activities; the close request (结项申请表) of a won
or lost deal. A team that still files paper prints them from the same source. Only the
deal's own data and contacts' names, titles and departments: never the sensitive
contact fields.
"""
from __future__ import annotations

from markupsafe import escape

from ...analytics.probability import value
from ...analytics.scorecard import scorecard
from ...model import Deal
from ..data import SiteData, closed_on, deal_url
from ..render import render
from . import PageSpec

FORMS = ("visit-report", "initiation", "exchange", "close")


def forms_url(deal_id: str) -> str:
    return f"{deal_url(deal_id)}forms/"


def pages(data: SiteData) -> list[PageSpec]:
    toc = contents(data)
    return [forms_page(data, deal, toc) for deal in data.deals]


def contents(data: SiteData) -> tuple:
    """The forms page's table of contents: the same for every deal."""
    return tuple((form, data.t(f"forms.{form}")) for form in FORMS)


def forms_page(data: SiteData, deal: Deal, toc: tuple | None = None) -> PageSpec:
    """The forms of ``deal``. Left out of the search index: the deal's own page is what a search should find."""
    title = data.t("forms.title", name=deal.name)
    return PageSpec(f"{forms_url(deal.id)}index.md", title, forms_body, forms_summary,
                    contents(data) if toc is None else toc, searchable=False, args=(data, deal, title))


FORMS_ROOT = "../" * forms_url("id").count("/")  # from a forms page to the site root


def forms_body(data: SiteData, deal: Deal, title: str) -> str:
    return render_forms(data, deal, FORMS_ROOT)


def forms_summary(data: SiteData, deal: Deal, title: str) -> str:
    return f"<h1>{escape(title)}</h1>"


def people(customer, ids) -> list[dict]:
    """Name, title and department of contacts (nothing sensitive)."""
    out = []
    for cid in ids or ():
        contact = customer.contacts.get(cid) if customer else None
        out.append({"name": contact.name if contact else cid, "title": contact.title if contact else "",
                    "department": contact.department if contact else ""})
    return out


def records(data: SiteData, deal: Deal, customer, kinds: tuple) -> list[dict]:
    return [{"a": a, "who": data.rep_name(a.who), "contacts": people(customer, a.contacts)}
            for a in sorted(deal.activities, key=lambda a: (a.date, a.index))
            if a.type in kinds and a.date <= data.as_of]


def evidence_refs(deal: Deal, criterion: str) -> list:
    return [deal.raw["evidence"][i] for _, i in deal.evidence_of(criterion)]


def render_forms(data: SiteData, deal: Deal, root: str) -> str:
    customer = data.repo.customers.get(deal.customer)
    stage = data.stages[deal.id]
    card = scorecard(customer.evaluation, data.config.weights) if customer else None
    approvals = [a for a in deal.get("approvals") or () if a["kind"] == "project_initiation"]
    holders = [{"entry": s, **people(customer, [s["contact"]])[0]} for s in deal.stakeholders]
    team = [(role, data.rep_name(rep)) for role, rep in [("owner", deal.owner), *deal.team.items()]]
    return render("forms.html", t=data.t, root=root, d=data, deal=deal, raw=deal.raw, stage=stage,
                  customer=customer, visits=records(data, deal, customer, ("visit",)),
                  exchanges=records(data, deal, customer, ("demo",)), card=card, approvals=approvals,
                  holders=holders, team=team, visit_refs=evidence_refs(deal, "visit_report"),
                  exchange_refs=evidence_refs(deal, "demo_done"),
                  amount=value(deal, stage) if stage else deal.amount,
                  closed=closed_on(deal, stage) if stage and stage.outcome else None)
