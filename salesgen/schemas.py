"""The JSON Schemas: where they live, validators built once, errors turned into Problems.

The schemas in ``schemas/`` are the single source of truth for the file format: the
loader validates with them, editors autocomplete from them, the docs quote them.
Validation runs in two steps: a compiled validator (jsonschema-rs) answers "valid?"
quickly for the common, clean file; only an invalid file is walked by the reference
``jsonschema`` implementation, whose errors carry the paths and details the
messages need.

Both read ``pattern`` as ECMA-262 regular expressions, as the standard says: ``$`` is
the end of the value, so ``CNY`` followed by a line break (a ``|`` block scalar) does
not match ``^[A-Z]{3}$``. Python's ``re`` would let it through (its ``$`` also
matches before a final line break, and its digit class takes any Unicode digit), so the
reference validator's ``pattern`` runs on the ``regress`` ECMA engine instead. If
the two ever disagree, the compiled validator's own errors are reported: a file it
refuses never passes silently.

One mistake gives one problem: the errors of one value are reduced to the one that
says most (a type error before a pattern, a pattern before a date format), and a
required key is not reported missing when an unknown key in the same mapping is
its likely misspelling.
"""
from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    import jsonschema

from . import currencies
from .i18n import N_, Localized, T
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


CURRENCY_PATTERN = "^[A-Z]{3}$"
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


@functools.lru_cache(maxsize=512)
def _ecma(pattern: str):
    """``pattern`` compiled as an ECMA-262 regular expression (its ``.find`` is JavaScript's ``search``)."""
    import regress

    try:
        return regress.Regex(pattern, "u")
    except regress.RegressError:
        return regress.Regex(pattern)  # a pattern only valid without the unicode flag


def matches(pattern: str, text: str) -> bool:
    """Whether ``text`` matches the schema ``pattern`` as JSON Schema reads it (ECMA-262, unanchored)."""
    try:
        regex = _ecma(pattern)
    except Exception:  # not ECMA at all: Python's reading is the best there is
        return re.search(pattern, text) is not None
    return regex.find(text) is not None


def _pattern_keyword(validator, pattern: str, instance: Any, schema: dict):
    """The ``pattern`` keyword with ECMA-262 semantics (drop-in for jsonschema's own)."""
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


# The reference jsonschema is imported only to explain a file that fails, or to check a
# configured fragment that uses formats: a clean run with jsonschema-rs never loads it
# (a tenth of a warm lint's time).
@functools.lru_cache(maxsize=None)
def _formats() -> "jsonschema.FormatChecker":
    import jsonschema

    return jsonschema.FormatChecker(formats=("date",))


@functools.lru_cache(maxsize=None)
def _reference_class():
    """Draft 2020-12 of the reference jsonschema, with ECMA-262 patterns."""
    from jsonschema import Draft202012Validator, validators

    return validators.extend(Draft202012Validator, {"pattern": _pattern_keyword})


@functools.lru_cache(maxsize=None)
def _reference_validator(kind: str) -> "jsonschema.protocols.Validator":
    return _reference_class()(load_schema(kind), format_checker=_formats())


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
    return _reference_class()(fragment, format_checker=_formats())


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
    """Problems of ``document`` against the ``kind`` schema, with source positions: one per mistake."""
    fast = _fast_validator(kind)
    if fast is not None and fast.is_valid(document):
        return []
    skip = set(skip_paths)
    every = list(_leaf_errors(_reference_validator(kind).iter_errors(document)))
    errors = [e for e in every if tuple(e.absolute_path) not in skip]
    problems, meant = [], {}  # meant: mapping path -> keys that unknown keys there probably mean
    for error in errors:
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            path = tuple(error.absolute_path)
            found = _unknown_keys(error, path, document, file, kind)
            problems.extend(problem for problem, _ in found)
            meant.setdefault(path, set()).update(guess for _, guess in found if guess)
    for error in _one_per_value(errors):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            continue
        if error.validator == "required" and _missing_key(error) in meant.get(path, ()):
            continue  # `amout:` is one mistake: the unknown key says it, with 'amount' as its guess
        if set(_one_of_keys(error)) & meant.get(path, set()):
            continue  # `chek:` where `check:` or `schema:` is needed: the same
        problems.append(_problem(error, path, document, file, kind))
    if not every and fast is not None:  # the two validators disagree: the stricter one has the last word
        problems = _fast_problems(fast, document, file, kind)
    return sorted(set(problems))


# The errors that describe one value, most telling first: a value of the wrong type
# fails nothing else that matters; a date like 2027/03/31 fails its pattern and its
# format, and the pattern says what to write.
_VALUE_KEYWORDS = ("type", "const", "enum", "pattern", "format", "minLength", "maxLength", "minimum", "maximum",
                   "exclusiveMinimum", "exclusiveMaximum", "multipleOf")


def _one_per_value(errors: list) -> list:
    """``errors`` with, for each value, only the first of its value errors in ``_VALUE_KEYWORDS`` order."""
    best: dict = {}
    kept = []
    for error in errors:
        if error.validator not in _VALUE_KEYWORDS:
            kept.append(error)
            continue
        # a key checked by propertyNames is its own value, at its mapping's path
        where = (tuple(error.absolute_path), id(error.instance))
        rank = _VALUE_KEYWORDS.index(error.validator)
        if where not in best or rank < best[where][0]:
            best[where] = (rank, error)
    return kept + [error for _, error in best.values()]


def _leaf_errors(errors) -> "Iterable[jsonschema.ValidationError]":
    from jsonschema.exceptions import best_match

    for error in errors:
        if error.context and not _one_of_keys(error):  # anyOf/oneOf: report the most relevant branch
            yield best_match(error.context)
        else:
            yield error


def _one_of_keys(error) -> list[str]:
    """The keys of an anyOf/oneOf whose branches each only require a key (`check:` or `schema:`), else []."""
    if error.validator not in ("anyOf", "oneOf") or not all(e.validator == "required" for e in error.context):
        return []
    branches = error.validator_value if isinstance(error.validator_value, list) else []
    keys = [key for branch in branches if isinstance(branch, dict) and set(branch) == {"required"}
            for key in branch["required"]]
    return keys if len(keys) == len(branches) else []


def _missing_key(error) -> str:
    return error.message.split("'")[1] if "'" in error.message else error.message


def _fast_problems(fast, document: Any, file: str, kind: str) -> list[Problem]:
    """The compiled validator's own errors, for a document the reference one would let through."""
    problems = []
    for error in fast.iter_errors(document):
        path = tuple(error.instance_path)
        line, column = locate(document, path)
        problems.append(Problem(file, line, column, "schema", f"{_describe(path, kind)}: {_short(error.message)}",
                                _SEE_SCHEMA, path=path))
    return problems


def _unknown_keys(error: jsonschema.ValidationError, path: tuple, document: Any, file: str,
                  kind: str) -> list[tuple[Problem, str | None]]:
    """One problem per key the schema does not know, on the key itself, with its guess (or None)."""
    known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
    allowed = sorted(known)
    required = error.schema.get("required", ()) if isinstance(error.schema, dict) else ()
    missing = [key for key in required if key not in error.instance]
    where = _describe(path, kind)
    found = []
    for key in (k for k in error.instance if k not in known):
        line, column = locate(document, path + (key,), key=True)
        # a missing required key is the likeliest thing a stray key was meant to be
        guess = difflib.get_close_matches(str(key), missing, n=1) or difflib.get_close_matches(str(key), allowed, n=1)
        if guess and guess[0] in missing:
            hint = T("Did you mean '{guess}'? It is required and missing.", guess=guess[0])
        elif guess:
            hint = T("Did you mean '{guess}'?", guess=guess[0])
        else:
            hint = T("Allowed keys here: {keys}.", keys=", ".join(allowed))
        found.append((Problem(file, line, column, "schema-unknown-key",
                              T("unknown key '{key}' in {where}", key=_short(key), where=where),
                              hint, path=path + (key,)), guess[0] if guess else None))
    return found


def _problem(error: jsonschema.ValidationError, path: tuple, document: Any, file: str, kind: str) -> Problem:
    validator = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    if "propertyNames" in error.absolute_schema_path:  # the key itself is the value that fails
        line, column = locate(document, path + (error.instance,), key=True)
        path = path + (error.instance,)
    else:
        line, column = locate(document, path)
    where = _describe(path, kind)
    value = error.instance
    if isinstance(value, str) and _LINE_BREAK.search(value) and _one_line_meant(error):
        rule = {"pattern": "schema-pattern", "enum": "schema-enum", "format": "schema-format",
                "type": "schema-type"}.get(validator, "schema")
        what = "ends with a line break" if _LINE_BREAK.fullmatch(value[-1]) else "holds a line break"
        example = f"{'- ' if path and isinstance(path[-1], int) else f'{_short(str(path[-1]))}: ' if path else ''}" \
                  f"{_short(value.strip())}"
        return Problem(file, line, column, rule, f"{where}: value {what}: write it on one line",
                       f"Write the value on the line of its key or dash, without `|` or `>`: `{example}`.",
                       path=path)
    if validator == "pattern" and error.validator_value == CURRENCY_PATTERN:
        return Problem(file, line, column, "schema-pattern",
                       T("{where}: '{value}' is not a currency code", where=where, value=_short(value)),
                       currencies.hint(value), path=path)
    if validator in ("pattern", "format") and error.validator_value in (DATE_PATTERN, "date") \
            and isinstance(value, str) and not _DATE.fullmatch(value):
        guess = _date_guess(value)
        return Problem(file, line, column, "schema-pattern" if validator == "pattern" else "schema-format",
                       T("{where}: '{value}' is not a date", where=where, value=_short(value)),
                       T("Dates are YYYY-MM-DD: write {guess}.", guess=guess) if guess else
                       T("Dates are YYYY-MM-DD, such as 2027-03-31."), path=path)
    if validator in ("anyOf", "oneOf") and _one_of_keys(error):
        keys = " or ".join(f"`{key}:`" for key in _one_of_keys(error))
        return Problem(file, line, column, "schema-required", T("{where} needs {keys}", where=where, keys=keys),
                       T("Add {keys}.", keys=keys), path=path)
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        title = _property_title(schema, missing)
        return Problem(file, line, column, "schema-required",
                       T("{where} is missing required key '{key}'", where=where, key=missing),
                       T("Add `{key}:` ({title}).", key=missing, title=title) if title else
                       T("Add `{key}:`.", key=missing), path=path + (missing,))
    if validator == "enum":
        options = ", ".join(str(option) for option in error.validator_value)
        guess = difflib.get_close_matches(str(error.instance), [str(o) for o in error.validator_value], n=1)
        return Problem(file, line, column, "schema-enum",
                       T("{where}: '{value}' is not allowed", where=where, value=_short(error.instance)),
                       T("Did you mean '{guess}'? Use one of: {options}.", guess=guess[0], options=options) if guess
                       else T("Use one of: {options}.", options=options), path=path)
    if validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        got = _type_name(error.instance)
        return Problem(file, line, column, "schema-type",
                       T("{where} must be {expected}, not {got}", where=where, expected=_article(expected), got=got),
                       _type_hint(expected), path=path)
    if validator == "pattern":
        description = schema_text(schema.get("description")) or f"text matching {error.validator_value}"
        return Problem(file, line, column, "schema-pattern",
                       T("{where}: '{value}' is not valid", where=where, value=_short(error.instance)),
                       T("Expected: {description}", description=description), path=path)
    if validator == "format":
        return Problem(file, line, column, "schema-format",
                       T("{where}: '{value}' is not a real date", where=where, value=_short(error.instance)),
                       T("Write dates as YYYY-MM-DD with a real day and month."), path=path)
    if validator == "minItems" and isinstance(error.instance, list):
        message = (T("{where} has {n} items; at least {min} are needed", where=where, n=len(error.instance),
                     min=error.validator_value) if len(error.instance) != 1 else
                   T("{where} has {n} item; at least {min} are needed", where=where, n=len(error.instance),
                     min=error.validator_value))
    elif validator in _BOUNDS and isinstance(error.instance, (int, float, Decimal)) \
            and not isinstance(error.instance, bool):
        message = T(_BOUNDS[validator], where=where, value=_short(error.instance), limit=error.validator_value)
    elif validator == "minLength" and error.validator_value == 1 and error.instance == "":
        message = T("{where} is empty", where=where)
    elif validator == "maxLength" and isinstance(error.instance, str):
        message = T("{where} is {n} characters long; the limit is {limit}", where=where, n=len(error.instance),
                    limit=error.validator_value)
    elif len(repr(error.instance)) > 60 and repr(error.instance) in error.message:  # quoted whole, however long
        message = f"{where}: '{_short(error.instance)}' does not meet {validator}: {error.validator_value}"
    else:
        message = f"{where}: {error.message}"
    return Problem(file, line, column, "schema", message,
                   schema_text(schema.get("description")) or _SEE_SCHEMA, path=path)


_short = one_line  # keys and values quoted in messages: one line, at most 60 characters
_SEE_SCHEMA = T("See the schema in schemas/ for what is allowed here.")
_BOUNDS = {  # a number out of range, said the same way in every language
    "minimum": N_("{where}: {value} is less than the minimum {limit}"),
    "maximum": N_("{where}: {value} is more than the maximum {limit}"),
    "exclusiveMinimum": N_("{where}: {value} must be more than {limit}"),
    "exclusiveMaximum": N_("{where}: {value} must be less than {limit}"),
}
_THE = {"deal": T("the deal"), "customer": T("the customer"), "config": T("the config")}

_LINE_BREAK = re.compile(r"[\n\r\x85\u2028\u2029]")  # what YAML counts as a line break
_YMD = re.compile(r"\s*(\d{4})\s*[/.年\-]\s*(\d{1,2})\s*[/.月\-]\s*(\d{1,2})\s*日?\s*", re.ASCII)


def _one_line_meant(error) -> bool:
    """Whether a value with a line break fails ``error`` because of it (a code, an id, a date, a number)."""
    if error.validator in ("pattern", "enum", "const", "format"):
        return True
    scalar = {"number", "integer", "boolean"}
    expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
    return error.validator == "type" and set(expected) <= scalar and not _LINE_BREAK.search(error.instance.strip())


def _date_guess(text: str) -> str | None:
    """``text`` as YYYY-MM-DD when it is a real date in year-month-day order (2027/3/31, 2027年3月31日)."""
    match = _YMD.fullmatch(text)
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        return None


def _describe(path: tuple, kind: str) -> str:
    if not path:
        return _THE.get(kind) or T("the {kind}", kind=kind)
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return f"'{one_line(text)}'"


def _property_title(schema: dict, key: str) -> str:
    prop = schema.get("properties", {}).get(key, {})
    return schema_text(prop.get("title", "")) if isinstance(prop, dict) else ""


_BILINGUAL = re.compile(r"(?P<en>.+?)\s+—\s+(?P<zh>.*[\u4e00-\u9fff].*)", re.S)  # "English — 中文"
_GLOSSED = re.compile(r"(?P<en>[^\u4e00-\u9fff]+?) \((?P<zh>[^()]*[\u4e00-\u9fff][^()]*)\)")  # "Owner (客户经理)"
_CJK = re.compile(r"[\u4e00-\u9fff]")


def schema_text(text: str | None) -> str:
    """A schema's title or description as a hint quotes it: only the part in the user's language.

    The schemas say most things in both languages, "English — 中文" (descriptions) or
    "English (中文)" (titles): each language gets its own part. A text in English only is a
    catalogue message (``schema_msgids``); one in Chinese only stays as it is.
    """
    if not text:
        return text or ""
    found = _BILINGUAL.fullmatch(text) or _GLOSSED.fullmatch(text)
    if found:
        return Localized(found["en"], (("en", found["en"]), ("zh", found["zh"])))
    return text if _CJK.search(text) else T(text)


def schema_msgids() -> list[tuple[str, str]]:
    """(text, where) for the English-only texts a hint can quote: every description, and the titles of
    required keys (``Add `key:` (title).``)."""
    found = {}

    def walk(node, kind):
        if isinstance(node, dict):
            texts = [node.get("description")]
            properties = node.get("properties") if isinstance(node.get("properties"), dict) else {}
            texts += [properties.get(key, {}).get("title") for key in node.get("required", [])
                      if isinstance(properties.get(key), dict)]
            for text in texts:
                if isinstance(text, str) and text and not _CJK.search(text):
                    found.setdefault(text, f"{kind} schema")
            for value in node.values():
                walk(value, kind)
        elif isinstance(node, list):
            for value in node:
                walk(value, kind)

    for kind in ("deal", "customer", "config"):
        walk(load_schema(kind), kind)
    return list(found.items())


def _type_name(value: Any) -> str:
    if value is None:
        return T("empty")
    if isinstance(value, bool):
        return T("a boolean")
    if isinstance(value, (int, float)) or type(value).__name__ == "Decimal":
        return T("a number")
    if isinstance(value, str):
        return T("text")
    if isinstance(value, list):
        return T("a list")
    if isinstance(value, dict):
        return T("a mapping")
    return type(value).__name__  # pragma: no cover


def _article(expected: str) -> str:
    names = {"object": T("a mapping (key: value lines)"), "array": T("a list ('- ' items)"), "string": T("text"),
             "number": T("a number"), "integer": T("a whole number"), "boolean": T("true or false")}
    return names.get(expected, expected)


def _type_hint(expected: str) -> str:
    hints = {
        "object": T("Indent the keys below this one (key: value on their own lines)."),
        "array": T("Write the items on their own lines, each starting with '- '."),
        "string": T("Quote the value if YAML reads it as a number, date or boolean."),
        "number": T("Write plain digits, without quotes, currency signs or thousands separators."),
        "integer": T("Write a whole number without quotes."),
        "boolean": T("Write true or false."),
    }
    return hints.get(expected, _SEE_SCHEMA)
