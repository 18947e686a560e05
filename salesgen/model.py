"""Typed views of the loaded documents, for rules and analytics.

A ``Deal`` or ``Customer`` is built only from data that passes its schema: the whole
document, or, for a document with problems, the part of it that is valid
(``salvage.kept_part``; then ``partial`` is true). So the types here can be trusted;
``raw`` keeps the positioned data for line lookups.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .yamlsource import Mapping, Sequence


@functools.lru_cache(maxsize=8192)  # a few hundred distinct dates, each shared by thousands of records
def to_date(value: str | None) -> dt.date | None:
    return _date(value) if value else None


@functools.lru_cache(maxsize=8192)  # a few years of days: ten thousand deals share their date objects
def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@dataclass(slots=True)
class Contact:
    id: str
    name: str
    customer: str
    title: str
    department: str
    level: str | None
    function: str | None
    reports_to: str | None
    index: int  # position in the customer's contacts list
    raw: Mapping


@dataclass(slots=True)
class Customer:
    id: str
    name: str
    type: str
    owner: str
    file: str
    raw: Mapping
    evaluation: dict = field(default_factory=dict)
    contacts: dict = field(default_factory=dict)  # id -> Contact, in file order
    partial: bool = False  # built from what is valid of a file with problems

    @classmethod
    def from_document(cls, doc: Mapping, file: str, partial: bool = False) -> "Customer":
        customer = cls(doc["id"], doc["name"], doc["type"], doc["owner"], file, doc,
                       dict(doc.get("evaluation") or {}), partial=partial)
        for index, c in enumerate(doc.get("contacts") or ()):
            customer.contacts.setdefault(c["id"], Contact(
                c["id"], c["name"], doc["id"], c.get("title", ""), c.get("department", ""), c.get("level"),
                c.get("function"), c.get("reports_to"), index, c))
        return customer


@dataclass(slots=True)
class StageEntry:
    stage: str
    date: dt.date
    reason: str | None
    index: int


@dataclass(frozen=True, slots=True)
class Promise:
    """Something promised to the customer at a contact (call log: 对客户的承诺, 需完成工作, 完成时间).

    A plain-text promise has no due date and is never overdue; one with ``due`` is
    overdue from the day after ``due`` while it is not done (``done`` is the day it was).
    """

    text: str
    due: dt.date | None
    done: dt.date | None
    index: int  # position in the activity's ``promises:`` list

    def open_on(self, as_of: dt.date) -> bool:
        return self.done is None or self.done > as_of

    def overdue(self, as_of: dt.date) -> bool:
        return self.due is not None and self.due < as_of and self.open_on(as_of)


@dataclass(slots=True)
class Activity:
    date: dt.date
    type: str
    who: str | None
    contacts: Sequence | tuple  # the document's own list (read-only), or ()
    summary: str
    next_step: str | None
    next_date: dt.date | None
    promises: Sequence | tuple
    intent: str | None
    index: int

    @property
    def follows_up(self) -> bool:
        """Whether it counts as a follow-up (1-15-30): a handover record does only when it reached the customer.

        ``salesgen handover`` records the change of owner as a ``type: handover`` activity
        without contacts: nobody at the customer heard from the team, so the 15-day clock
        goes on. A handover with ``contacts`` (the manager called the customer to introduce
        the successor) is a contact like any other.
        """
        return self.type != "handover" or bool(self.contacts)

    def promise_items(self) -> list[Promise]:
        """The ``promises:`` of this activity, plain text or with ``due`` and ``done``."""
        items = []
        for index, entry in enumerate(self.promises):
            if isinstance(entry, str):
                items.append(Promise(entry, None, None, index))
            else:
                done = entry.get("done")
                items.append(Promise(entry["text"], to_date(entry.get("due")),
                                     to_date(done) if isinstance(done, str) else None, index))
        return items


@dataclass(slots=True)
class Deal:
    id: str
    name: str
    customer: str
    owner: str
    pipeline: str
    stage: str
    amount: Decimal
    currency: str
    expected_close: dt.date
    file: str
    raw: Mapping
    buyer_stage: str | None = None
    created: dt.date | None = None
    probability_override: int | None = None
    team: dict = field(default_factory=dict)
    stakeholders: list = field(default_factory=list)  # raw mappings
    stage_history: list = field(default_factory=list)  # StageEntry
    activities: list = field(default_factory=list)  # Activity, file order
    evidence: dict = field(default_factory=dict)  # criterion id -> indexes in raw["evidence"] (see evidence_of)
    partial: bool = False  # built from what is valid of a file with problems

    @classmethod
    def from_document(cls, doc: Mapping, file: str, partial: bool = False) -> "Deal":
        probability = doc.get("probability")
        deal = cls(doc["id"], doc["name"], doc["customer"], doc["owner"], doc["pipeline"], doc["stage"],
                   Decimal(doc["amount"]), doc["currency"], to_date(doc["expected_close"]), file, doc,
                   doc.get("buyer_stage"), to_date(doc.get("created")),
                   probability["value"] if probability else None, dict(doc.get("team") or {}),
                   list(doc.get("stakeholders") or ()), partial=partial)
        deal.stage_history = [StageEntry(e["stage"], to_date(e["date"]), e.get("reason"), i)
                              for i, e in enumerate(doc.get("stage_history") or ())]
        deal.activities = [
            Activity(to_date(a["date"]), a["type"], a.get("who"), a.get("contacts") or (), a["summary"],
                     a.get("next_step"), to_date(a.get("next_date")), a.get("promises") or (),
                     a.get("intent"), i)
            for i, a in enumerate(doc.get("activities") or ())]
        for i, e in enumerate(doc.get("evidence") or ()):
            deal.evidence.setdefault(e["criterion"], []).append(i)
        return deal

    def get(self, key: str, default: Any = None) -> Any:
        return self.raw.get(key, default)

    def evidence_of(self, criterion: str) -> list[tuple[dt.date, int]]:
        """(date, index in ``evidence:``) of each record for ``criterion``, in file order.

        Only the indexes are kept per deal (ten thousand deals hold hundreds of thousands
        of records); the dates are read when asked, from date objects parsed once.
        """
        indexes = self.evidence.get(criterion)
        if not indexes:
            return []
        records = self.raw["evidence"]
        return [(_date(records[i]["date"]), i) for i in indexes]

    def evidenced(self, criterion: str, as_of: dt.date) -> int | None:
        """The index of the first record for ``criterion`` dated on or before ``as_of``, or None."""
        indexes = self.evidence.get(criterion)
        if indexes:
            records = self.raw["evidence"]
            for index in indexes:
                if _date(records[index]["date"]) <= as_of:
                    return index
        return None

    def opened_on(self) -> dt.date | None:
        """When the deal started: `created`, else the first stage_history date, else None."""
        if self.created is not None:
            return self.created
        dates = [entry.date for entry in self.stage_history]
        return min(dates) if dates else None

    def opened_path(self) -> tuple:
        """Where in the file the deal's start is recorded (for problem positions)."""
        if self.created is not None:
            return ("created",)
        return ("stage_history",) if self.stage_history else ("stage",)

    def last_follow_up(self, as_of: dt.date) -> Activity | None:
        """The latest activity up to ``as_of`` that counts as a follow-up (``Activity.follows_up``)."""
        past = [a for a in self.activities if a.date <= as_of and a.follows_up]
        return max(past, key=lambda a: (a.date, a.index)) if past else None

    def last_intent(self, as_of: dt.date) -> Activity | None:
        past = [a for a in self.activities if a.date <= as_of and a.intent]
        return max(past, key=lambda a: a.date) if past else None
