"""Keep what is valid of a document that failed its checks: errors are data, the entity survives.

A customer file with one bad contact level or an unknown key is still the customer:
its deals must not be told "unknown customer" because of it. ``kept_part`` returns a
copy of the document without the values its problems point at (an unknown key, a
value of the wrong type, an item of a list that lacks a required key), then checks
the copy against the schema again, until the copy passes. The copy is what the model
is built from, so every type in it can be trusted. When what is left has no usable
identity (the document itself is not a mapping, or a required top-level key such as
``id`` is gone), there is nothing to keep: ``None``.

Untouched subtrees are shared with the original document, and kept keys and items
keep their source positions, so problems about the copy point at the right lines.
"""
from __future__ import annotations

from typing import Any, Iterable

from . import schemas
from .problem import Problem
from .yamlsource import Mapping, Sequence, pick_positions

# Loader problems that leave an unchecked value at their path (the schema check skips it).
_VALUE_PROBLEMS = frozenset({"yaml-duplicate-key", "yaml-ambiguous-value", "yaml-special-number",
                             "yaml-invalid-date", "yaml-tag"})
_MAX_ROUNDS = 8  # each round removes at least one value; a file needs one or two

_GONE = object()  # in the tree of paths to remove: this whole value


def kept_part(kind: str, document: Any, problems: Iterable[Problem], file: str) -> Mapping | None:
    """``document`` without the values that ``problems`` are about, valid for the ``kind`` schema; or None."""
    paths = _paths(problems)
    for _ in range(_MAX_ROUNDS):
        if not isinstance(document, Mapping) or () in paths:
            return None
        document = _without(document, _tree(paths))
        if _passes(kind, document):
            return document
        remaining = schemas.validate(kind, document, file)
        paths = _paths(remaining)
        if not paths:  # refused, but no reported problem says where: keep nothing rather than guess
            return None
    return None  # pragma: no cover - a schema of a few levels never needs this many rounds


def _passes(kind: str, document: Mapping) -> bool:
    """The schema's own verdict, not "no problems reported" (reporting may merge or leave out some)."""
    fast = schemas._fast_validator(kind)
    return fast.is_valid(document) if fast is not None else schemas._reference_validator(kind).is_valid(document)


def _paths(problems: Iterable[Problem]) -> set:
    """Where each problem's bad value is: a missing required key condemns the object that lacks it."""
    paths = set()
    for problem in problems:
        if problem.rule == "schema-required":
            paths.add(tuple(problem.path[:-1]))
        elif problem.rule.startswith("schema") or problem.rule in _VALUE_PROBLEMS:
            paths.add(tuple(problem.path))
    return paths


def _tree(paths: set) -> dict:
    tree: dict = {}
    for path in sorted(paths, key=len):
        node = tree
        for part in path[:-1]:
            child = node.get(part)
            if child is _GONE:
                break
            node = node.setdefault(part, {})
        else:
            node[path[-1]] = _GONE
    return tree


def _without(value: Any, tree: dict) -> Any:
    if isinstance(value, Mapping):
        result = Mapping()
        indexes = [0]
        for index, (key, item) in enumerate(value.items()):
            inner = tree.get(key)
            if inner is _GONE:
                continue
            result[key] = item if inner is None else _without(item, inner)
            indexes += (1 + 2 * index, 2 + 2 * index)
        result.pos = pick_positions(value.pos, indexes)
        return result
    if isinstance(value, Sequence):
        result = Sequence()
        indexes = [0]
        for index, item in enumerate(value):
            inner = tree.get(index)
            if inner is _GONE:
                continue
            result.append(item if inner is None else _without(item, inner))
            indexes.append(1 + index)
        result.pos = pick_positions(value.pos, indexes)
        return result
    return value  # pragma: no cover - a path never goes through a scalar
