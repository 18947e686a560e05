"""Safe, mechanical fixes for problems `salesgen lint` reports: never a business fact.

Only these, each from a problem lint reported and each checked again before it is offered:

* ``account-type``: set the type the rules require from the deals' own records (an
  account with a won deal is ``customer``; one with an open deal whose sales project was
  approved is at least ``intent``). Moving a type back (no won deal, no approval) is a
  decision, not a fix, and is left alone.
* ``currency-unknown`` / ``schema-pattern`` on a currency: a known ISO code written in
  the wrong case (``cny`` -> ``CNY``).
* ``file-name-id``: rename the file to ``<id>.yaml`` in its folder (ids are what other
  files reference, never the file name), unless that name is taken.
* ``yaml-ambiguous-value``: put double quotes around a value YAML 1.1 would misread
  (``ref: 0755``), when the quoted value is what salesgen reads anyway (the loader keeps
  such values as the typed text) and the schema accepts text there. ``handler: yes`` on a
  true/false field is not quoted: whether it means true is for the person to say.

A missing amount, date or name is never filled in. ``plan_fixes`` is pure over the
repository files; the command shows the diff and writes only with ``--apply``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .. import currencies
from ..problem import Problem
from ..repository import check_bytes
from . import render
from .document import EditableDocument, EditError


@dataclass
class Fix:
    file: str
    rule: str
    description: str
    new_bytes: bytes | None = None  # the file's new text, or None for a rename
    rename_to: str | None = None


ACCOUNT_ORDER = ("organization", "interest", "intent", "customer")


def plan_fixes(root: Path, problems: list[Problem], kinds: dict[str, str],
               account_types: dict | None = None) -> tuple[list[Fix], list[Problem]]:
    """(fixes, problems left for a person) for the problems lint reported.

    ``kinds`` maps file -> deal|customer; ``account_types`` maps a customer file to the
    (old, new) type ``account_type_fix`` found for it.
    """
    account_types = account_types or {}
    texts: dict[str, bytes] = {}
    fixes: dict[str, Fix] = {}
    renames: list[Fix] = []
    left: list[Problem] = []
    by_file: dict[str, list[Problem]] = {}
    for p in problems:
        by_file.setdefault(p.file, []).append(p)
    for file, found in by_file.items():
        kind = kinds.get(file)
        if kind is None:
            left += found
            continue
        path = root / file
        try:
            texts[file] = original = path.read_bytes()
        except OSError:
            left += found
            continue
        current = original
        descriptions = []
        for p in sorted(found, key=lambda q: (q.line, q.column), reverse=True):  # bottom up: earlier positions hold
            changed = _fix_text(current, p, file, kind, account_types.get(file))
            if changed is None:
                if p.rule != "file-name-id":
                    left.append(p)
                continue
            current, description = changed
            descriptions.append(description)
        if current != original:
            fixes[file] = Fix(file, "", "; ".join(reversed(descriptions)), current)
        for p in found:
            if p.rule == "file-name-id":
                rename = _rename(root, file, current)
                if rename is None:
                    left.append(p)
                else:
                    renames.append(rename)
    return list(fixes.values()) + renames, left


def _fix_text(data: bytes, p: Problem, file: str, kind: str, account_type=None):
    if p.rule == "yaml-ambiguous-value":
        return _quote(data, p, file, kind)
    if p.path and p.path[-1] == "currency" and p.rule in ("currency-unknown", "schema-pattern"):
        return _currency(data, p, file, kind)
    if p.rule == "account-type" and account_type is not None:
        old, new = account_type
        try:
            document = EditableDocument(data, file)
            document.set(("type",), new)
        except EditError:
            return None
        return document.to_bytes(), f"type {old} -> {new} (line {p.line})"
    return None


def _quote(data: bytes, p: Problem, file: str, kind: str):
    text = data.decode("utf-8")
    lines = text.splitlines(keepends=True)
    if not 1 <= p.line <= len(lines):
        return None
    line = lines[p.line - 1]
    start = p.column - 1
    rest = line[start:]
    match = re.match(r"[^\s,\[\]{}#'\"][^,\[\]{}\r\n]*?(?=\s+#|\s*[,\]}]|\s*\r?\n|\s*$)", rest)
    if match is None:
        return None
    value = match.group(0)
    new_line = line[:start] + render.double_quoted(value) + rest[len(value):]
    new = "".join(lines[: p.line - 1]) + new_line + "".join(lines[p.line:])
    new_bytes = new.encode("utf-8")
    before, after = check_bytes(data, file, kind), check_bytes(new_bytes, file, kind)
    if before.data != after.data or any(q.path == p.path for q in after.problems):
        return None  # the schema wants something else there (true/false, a number): a person decides
    return new_bytes, f"quote {value!r} (line {p.line})"


def _currency(data: bytes, p: Problem, file: str, kind: str):
    """Upper-case the currency code at the problem's position (a text edit: the file may not parse cleanly)."""
    before = check_bytes(data, file, kind)
    value = _at(before.data, p.path)
    if not isinstance(value, str) or value == value.upper() or not currencies.is_known(value.upper()):
        return None
    lines = data.decode("utf-8").splitlines(keepends=True)
    if not 1 <= p.line <= len(lines):
        return None
    line, start = lines[p.line - 1], p.column - 1
    if line[start:start + 1] in ("'", '"'):
        start += 1
    if line[start:start + len(value)] != value:
        return None
    lines[p.line - 1] = line[:start] + value.upper() + line[start + len(value):]
    new_bytes = "".join(lines).encode("utf-8")
    after = check_bytes(new_bytes, file, kind)
    if not _same_but(before.data, after.data, p.path, value.upper()):
        return None
    return new_bytes, f"currency {value} -> {value.upper()} (line {p.line})"


def _at(data, path):
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _same_but(before, after, path, value) -> bool:
    """Whether ``after`` is ``before`` with exactly ``path`` set to ``value``."""
    import copy

    expected = copy.deepcopy(_plain(before))
    target = expected
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return expected == _plain(after)


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _rename(root: Path, file: str, data: bytes) -> Fix | None:
    document = check_bytes(data, file, "deal" if file.startswith("deals/") else "customer")
    ident = document.data.get("id") if isinstance(document.data, dict) else None
    if not isinstance(ident, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", ident):
        return None
    target = str(Path(file).with_name(f"{ident}.yaml").as_posix())
    if (root / target).exists():
        return None
    return Fix(file, "file-name-id", f"rename to {target} (the id)", None, target)


def account_type_fix(repo, as_of, problem: Problem) -> tuple[str, str] | None:
    """(old type, new type) the account-type rule requires of this customer, or None when it is a decision."""
    from ..rules.account_type import initiation_date, interest_date

    customer = next((c for c in repo.customers.values() if c.file == problem.file), None)
    if customer is None:
        return None
    deals = []
    for deal in repo.deals.values():
        if deal.customer != customer.id:
            continue
        pipeline = repo.config.pipelines.get(deal.pipeline)
        stage = pipeline.stage(deal.stage) if pipeline else None
        if stage is not None:
            deals.append((deal, stage))
    if any(stage.outcome == "won" for _, stage in deals):
        wanted = "customer"
    elif any(stage.outcome is None and initiation_date(deal, as_of) for deal, stage in deals):
        wanted = "intent"
    elif any(stage.outcome is None and interest_date(deal, as_of) for deal, stage in deals):
        wanted = "interest"  # figure 1-3: an organization whose interest is confirmed
    else:
        return None
    if customer.type not in ACCOUNT_ORDER or ACCOUNT_ORDER.index(customer.type) >= ACCOUNT_ORDER.index(wanted):
        return None  # only promotions: never move an account back
    return customer.type, wanted
