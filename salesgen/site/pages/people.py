"""Stakeholder maps: the customer's org chart (``reports_to``) dressed with the buying-centre records."""
from __future__ import annotations

from ...model import Customer
from .. import svg
from ..data import SiteData


def org_people(data: SiteData, customer: Customer | None, records: dict, flagged: set,
               only_related: bool = False) -> list[svg.Person]:
    """The people to draw: every contact, or (``only_related``) the deal's stakeholders and their managers.

    ``records`` maps contact id -> the stakeholder record (role, attitude, closeness, handler).
    """
    if customer is None:
        return []
    contacts = customer.contacts
    wanted = list(contacts)
    if only_related:
        keep = set()
        for cid in records:
            seen = set()
            while cid in contacts and cid not in seen:
                seen.add(cid)
                keep.add(cid)
                cid = contacts[cid].reports_to
        wanted = [cid for cid in contacts if cid in keep]
    t = data.t
    people = []
    for cid in wanted:
        contact = contacts[cid]
        record = records.get(cid)
        role = record.get("role") if record else None
        people.append(svg.Person(
            cid, contact.name, contact.title or contact.department,
            contact.reports_to if contact.reports_to in contacts else None,
            attitude=record.get("attitude") if record else None,
            closeness=record.get("closeness") if record else None,
            badge=t(f"badge.{role}") if role else "", badge_title=t(f"role.{role}") if role else "",
            handler=bool(record and record.get("handler")), flagged=cid in flagged,
            faded=record is None))
    return people


def org_key(data: SiteData) -> list[svg.KeyItem]:
    """The org chart's key in the site's language: attitude colours, closeness outlines, badge, star, flag."""
    t = data.t
    labels = {f"attitude.{a}": t(f"attitude.{a}") for a in ("supporter", "neutral", "opponent")}
    labels.update({f"closeness.{c}": t(f"closeness.{c}") for c in ("close", "frequent", "distant", "none")})
    labels.update(role=t("sh.role"), handler=t("sh.handler"), flag=t("sh.flag"))
    return svg.org_key(labels)
