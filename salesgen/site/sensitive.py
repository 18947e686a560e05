"""Which fields hold sensitive personal data, read from the schemas (``"x-sensitive": true``).

The site leaves these out unless the build is run with ``--include-sensitive``. The list
is derived from the schema, so marking a new field there is enough to keep it private.
"""
from __future__ import annotations

import functools

from .. import schemas


def _walk(node, path: tuple, defs: dict, seen: frozenset):
    if not isinstance(node, dict):
        return
    if node.get("x-sensitive"):
        yield path
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/") and ref not in seen:
        yield from _walk(defs.get(ref.rsplit("/", 1)[-1]), path, defs, seen | {ref})
    for key, child in (node.get("properties") or {}).items():
        yield from _walk(child, path + (key,), defs, seen)
    if isinstance(node.get("items"), dict):
        yield from _walk(node["items"], path + ("*",), defs, seen)


@functools.lru_cache(maxsize=None)
def sensitive_paths(kind: str) -> frozenset:
    """Paths such as ``("contacts", "*", "notes")`` of the fields marked sensitive in a schema."""
    schema = schemas.load_schema(kind)
    return frozenset(_walk(schema, (), schema.get("$defs") or {}, frozenset()))


def contact_sensitive_fields() -> frozenset:
    """Names of the contact fields that are sensitive (``notes``, ``motives``)."""
    return frozenset(p[-1] for p in sensitive_paths("customer") if p[:2] == ("contacts", "*") and len(p) == 3)
