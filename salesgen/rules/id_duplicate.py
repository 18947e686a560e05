"""Every deal, customer and contact id is unique across the whole repository.

Ids are how files point at each other: a deal names its customer, a stakeholder names
a contact. Two files (or two contacts) with one id make those references ambiguous.
Contact ids are unique repository-wide, not only within their customer.

Passing:

```yaml
# customers/temp.yaml
contacts:
  - {id: temp-wang-lei, name: 王磊}
  - {id: temp-li-hua, name: 李华}
```

Failing:

```yaml
# customers/temp.yaml
contacts:
  - {id: temp-wang-lei, name: 王磊}
  - {id: temp-wang-lei, name: 王蕾}   # id-duplicate
```
"""
from __future__ import annotations

from dataclasses import dataclass

from ..problem import Problem
from ..yamlsource import locate, one_line
from ..i18n import T

ID = "id-duplicate"
SEVERITY = "error"
SCOPE = "whole"  # collect (per part of the files) then judge (once): see engine_parts
COLLECTS = "documents"  # the ids of every file, a second file of an id included


KINDS = {"deal": T("deal"), "customer": T("customer")}


@dataclass(frozen=True, slots=True)
class Ids:
    """The ids one file defines (``collect``; the files may come in parts)."""

    file: str
    kind: str
    id: str | None
    where: tuple  # (line, column) of the id
    document: object = None  # a customer's Document (kept for the whole run anyway): its contacts' ids


def check(ctx):
    yield from judge(ctx, collect(ctx, ctx.repo.documents))


def collect(ctx, documents) -> list:
    """The ids of ``documents``: a file whose data is not a mapping defines none."""
    found = []
    for document in documents:
        data = document.data
        if not isinstance(data, dict):
            continue
        ident = data.get("id")
        ident = ident if isinstance(ident, str) else None
        found.append(Ids(document.file, document.kind, ident, locate(data, ("id",)) if ident is not None else (1, 1),
                         document if document.kind == "customer" else None))
    return found


def judge(ctx, records) -> list:
    """Problems for every id already used by an earlier file (``records`` in file order)."""
    seen: dict = {}
    problems = []
    for record in records:
        if record.id is not None:
            key = (record.kind, record.id)
            if key in seen:
                kind = KINDS.get(record.kind, record.kind)
                problems.append(_problem(record, ("id",), T("{kind} id '{id}' is already used by {file}", kind=kind,
                                                            id=one_line(record.id), file=seen[key]),
                                         T("Give this {kind} another id (and rename the file to match).", kind=kind)))
            else:
                seen[key] = record.file
        data = record.document.data if record.document is not None else None
        if data is None or not isinstance(data.get("contacts"), list):
            continue
        for index, contact in enumerate(data["contacts"]):
            cid = contact.get("id") if isinstance(contact, dict) else None
            if not isinstance(cid, str):
                continue
            key = ("contact", cid)
            if key in seen:
                problems.append(_problem(record, ("contacts", index, "id"),
                                         T("contact id '{id}' is already used in {file}", id=one_line(cid),
                                           file=seen[key]),
                                         T("Contact ids are unique across the repository: prefix them with the "
                                           "customer id.")))
            else:
                seen[key] = record.file
    return problems


def _problem(record, path: tuple, message: str, hint: str) -> Problem:
    """At ``path`` of the file as written (not of the part the model kept: list indexes may differ)."""
    line, column = record.where if path == ("id",) else locate(record.document.data, path)
    return Problem(record.file, line, column, ID, message, hint, path=path)
