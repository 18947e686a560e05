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

from ..problem import Problem
from ..yamlsource import locate, one_line
from ..i18n import T

ID = "id-duplicate"
SEVERITY = "error"


KINDS = {"deal": T("deal"), "customer": T("customer")}


def check(ctx):
    seen: dict = {}
    for document in ctx.repo.documents:
        data = document.data
        if not isinstance(data, dict):
            continue
        ident = data.get("id")
        if isinstance(ident, str):
            key = (document.kind, ident)
            if key in seen:
                kind = KINDS.get(document.kind, document.kind)
                yield _problem(document, ("id",), T("{kind} id '{id}' is already used by {file}", kind=kind,
                                                    id=one_line(ident), file=seen[key]),
                               T("Give this {kind} another id (and rename the file to match).", kind=kind))
            else:
                seen[key] = document.file
        if document.kind != "customer" or not isinstance(data.get("contacts"), list):
            continue
        for index, contact in enumerate(data["contacts"]):
            cid = contact.get("id") if isinstance(contact, dict) else None
            if not isinstance(cid, str):
                continue
            key = ("contact", cid)
            if key in seen:
                yield _problem(document, ("contacts", index, "id"),
                               T("contact id '{id}' is already used in {file}", id=one_line(cid), file=seen[key]),
                               T("Contact ids are unique across the repository: prefix them with the customer id."))
            else:
                seen[key] = document.file


def _problem(document, path: tuple, message: str, hint: str) -> Problem:
    """At ``path`` of the file as written (not of the part the model kept: list indexes may differ)."""
    line, column = locate(document.data, path)
    return Problem(document.file, line, column, ID, message, hint, path=path)
