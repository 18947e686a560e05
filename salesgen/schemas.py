"""The JSON Schemas: where they live, validators built once, errors turned into Problems.

The schemas in ``schemas/`` are the single source of truth for the file format: the
loader validates with them, editors autocomplete from them, the docs quote them.
Validation runs in two steps: a compiled validator (jsonschema-rs) answers "valid?"
quickly for the common, clean file; only an invalid file is walked by the reference
``jsonschema`` implementation, whose errors carry the paths and details the
messages need.
"""
from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    import jsonschema

from .problem import Problem
from .yamlsource import locate, one_line

try:
    import jsonschema_rs
except ImportError:  # pragma: no cover - optional speed-up
    jsonschema_rs = None

KINDS = ("deal", "customer", "config")


def schema_dir() -> Path:
    """The packaged schemas (a wheel ships them inside the package; a checkout has them at the top)."""
    here = Path(__file__).resolve().parent
    packaged = here / "data" / "schemas"
    return packaged if packaged.is_dir() else here.parent / "schemas"


@functools.lru_cache(maxsize=None)
def load_schema(kind: str) -> dict:
    return json.loads((schema_dir() / f"{kind}.schema.json").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=None)
def schema_hash() -> str:
    import hashlib

    digest = hashlib.sha256()
    for kind in KINDS:
        digest.update((schema_dir() / f"{kind}.schema.json").read_bytes())
    return digest.hexdigest()[:16]


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def is_date(value: Any) -> bool:
    """The 'date' format, exactly as the reference jsonschema checks it (a full date that exists)."""
    if not isinstance(value, str):
        return True
    if not _DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


# The reference jsonschema is imported only to explain a file that fails, or to check a
# configured fragment that uses formats: a clean run with jsonschema-rs never loads it
# (a tenth of a warm lint's time).
@functools.lru_cache(maxsize=None)
def _formats() -> "jsonschema.FormatChecker":
    import jsonschema

    return jsonschema.FormatChecker(formats=("date",))


@functools.lru_cache(maxsize=None)
def _reference_validator(kind: str) -> "jsonschema.protocols.Validator":
    import jsonschema

    schema = load_schema(kind)
    return jsonschema.Draft202012Validator(schema, format_checker=_formats())


@functools.lru_cache(maxsize=None)
def _fast_validator(kind: str):
    if jsonschema_rs is None:
        return None
    # The fast validator must never accept what the reference one refuses: its own
    # 'date' accepts year 0000, which datetime (and so the model) cannot hold.
    return jsonschema_rs.validator_for(load_schema(kind), validate_formats=True, formats={"date": is_date})


def fragment_schema_error(fragment: Any) -> str | None:
    """Why ``fragment`` is not a valid JSON Schema (Draft 2020-12), or None when it is.

    jsonschema-rs checks it against the meta-schema; the reference jsonschema is asked
    only when that fails, for its message (and has the last word).
    """
    meta = getattr(jsonschema_rs, "meta", None)
    if meta is not None and meta.is_valid(fragment):
        return None
    import jsonschema

    try:
        jsonschema.Draft202012Validator.check_schema(fragment)
    except jsonschema.SchemaError as error:
        return error.message
    return None


def validator_for_fragment(fragment: dict) -> "jsonschema.protocols.Validator":
    """The reference validator of a schema fragment from the configuration: errors with paths and messages."""
    import jsonschema

    return jsonschema.Draft202012Validator(fragment, format_checker=_formats())


def fragment_checker(fragment: dict):
    """Something whose ``.is_valid(deal)`` says whether a deal meets a computed criterion's fragment.

    jsonschema-rs when the fragment uses no ``format`` (there the two could differ: the
    reference checks only 'date'), else the reference validator. Both Draft 2020-12.
    ``fragment`` is plain JSON data (dicts and lists).
    """
    if jsonschema_rs is not None and '"format"' not in json.dumps(fragment):
        return jsonschema_rs.Draft202012Validator(fragment)
    return validator_for_fragment(fragment)


def validate(kind: str, document: Any, file: str, skip_paths: Iterable[tuple] = ()) -> list[Problem]:
    """Problems of ``document`` against the ``kind`` schema, with source positions."""
    fast = _fast_validator(kind)
    if fast is not None and fast.is_valid(document):
        return []
    skip = set(skip_paths)
    problems = []
    for error in _leaf_errors(_reference_validator(kind).iter_errors(document)):
        path = tuple(error.absolute_path)
        if path in skip:
            continue
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            problems.extend(_unknown_keys(error, path, document, file, kind))
        else:
            problems.append(_problem(error, path, document, file, kind))
    return sorted(set(problems))


def _leaf_errors(errors) -> "Iterable[jsonschema.ValidationError]":
    from jsonschema.exceptions import best_match

    for error in errors:
        if error.context:  # anyOf/oneOf: report the most relevant branch
            yield best_match(error.context)
        else:
            yield error


def _unknown_keys(error: jsonschema.ValidationError, path: tuple, document: Any, file: str,
                  kind: str) -> list[Problem]:
    """One problem per key the schema does not know, on the key itself, with a guess."""
    known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
    allowed = sorted(known)
    where = _describe(path, kind)
    problems = []
    for key in (k for k in error.instance if k not in known):
        line, column = locate(document, path + (key,), key=True)
        guess = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"Did you mean '{guess[0]}'?" if guess else f"Allowed keys here: {', '.join(allowed)}."
        problems.append(Problem(file, line, column, "schema-unknown-key", f"unknown key '{_short(key)}' in {where}",
                                hint, path=path + (key,)))
    return problems


def _problem(error: jsonschema.ValidationError, path: tuple, document: Any, file: str, kind: str) -> Problem:
    validator = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    where = _describe(path, kind)
    line, column = locate(document, path)
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        title = _property_title(schema, missing)
        return Problem(file, line, column, "schema-required", f"{where} is missing required key '{missing}'",
                       f"Add `{missing}:`{f' ({title})' if title else ''}.", path=path + (missing,))
    if validator == "enum":
        options = ", ".join(str(option) for option in error.validator_value)
        guess = difflib.get_close_matches(str(error.instance), [str(o) for o in error.validator_value], n=1)
        hint = f"Did you mean '{guess[0]}'? " if guess else ""
        return Problem(file, line, column, "schema-enum", f"{where}: '{_short(error.instance)}' is not allowed",
                       f"{hint}Use one of: {options}.", path=path)
    if validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        got = _type_name(error.instance)
        return Problem(file, line, column, "schema-type", f"{where} must be {_article(expected)}, not {got}",
                       _type_hint(expected), path=path)
    if validator == "pattern":
        description = schema.get("description") or f"text matching {error.validator_value}"
        return Problem(file, line, column, "schema-pattern", f"{where}: '{_short(error.instance)}' is not valid",
                       f"Expected: {description}", path=path)
    if validator == "format":
        return Problem(file, line, column, "schema-format", f"{where}: '{_short(error.instance)}' is not a real date",
                       "Write dates as YYYY-MM-DD with a real day and month.", path=path)
    if validator == "maxLength" and isinstance(error.instance, str):
        message = f"{where} is {len(error.instance)} characters long; the limit is {error.validator_value}"
    elif len(repr(error.instance)) > 60 and repr(error.instance) in error.message:  # quoted whole, however long
        message = f"{where}: '{_short(error.instance)}' does not meet {validator}: {error.validator_value}"
    else:
        message = f"{where}: {error.message}"
    return Problem(file, line, column, "schema", message,
                   schema.get("description") or "See the schema in schemas/ for what is allowed here.", path=path)


_short = one_line  # keys and values quoted in messages: one line, at most 60 characters


def _describe(path: tuple, kind: str) -> str:
    if not path:
        return f"the {kind}"
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return f"'{one_line(text)}'"


def _property_title(schema: dict, key: str) -> str:
    prop = schema.get("properties", {}).get(key, {})
    return prop.get("title", "") if isinstance(prop, dict) else ""


def _type_name(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)) or type(value).__name__ == "Decimal":
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__  # pragma: no cover


def _article(expected: str) -> str:
    names = {"object": "a mapping (key: value lines)", "array": "a list ('- ' items)", "string": "text",
             "number": "a number", "integer": "a whole number", "boolean": "true or false"}
    return names.get(expected, expected)


def _type_hint(expected: str) -> str:
    hints = {
        "object": "Indent the keys below this one (key: value on their own lines).",
        "array": "Write the items on their own lines, each starting with '- '.",
        "string": "Quote the value if YAML reads it as a number, date or boolean.",
        "number": "Write plain digits, without quotes, currency signs or thousands separators.",
        "integer": "Write a whole number without quotes.",
        "boolean": "Write true or false.",
    }
    return hints.get(expected, "See the schema in schemas/ for what is allowed here.")
