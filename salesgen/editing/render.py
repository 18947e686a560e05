"""Write Python values as YAML text the way a person would type them into a salesgen file.

Dates are plain ISO dates (``2026-11-20``), amounts plain decimals, ids plain slugs;
text stays plain when the strict loader reads it back as exactly the same text, and is
double-quoted otherwise. ``to_data`` gives the value the loader will return for the
rendered text, which is what every edit is verified against.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from ..yamlsource import parse

_FLOW_UNSAFE = set(",[]{}#")


def to_data(value: Any) -> Any:
    """The value the strict loader returns for ``render(value)``: dates become ISO text."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_data(v) for v in value]
    if isinstance(value, float):
        raise TypeError("floats are not written to salesgen files: use Decimal")
    return value


def _plain_reads_back(text: str, flow: bool) -> bool:
    if not text or text != text.strip() or "\n" in text or "\r" in text or "\t" in text:
        return False
    if flow and (_FLOW_UNSAFE & set(text) or ": " in text or text.endswith(":")):
        return False
    if flow:  # read back where it will stand: a flow mapping value and a flow sequence item
        mapping, problems = parse(f"{{k: {text}}}\n", "<render>")
        sequence, more = parse(f"[{text}]\n", "<render>")
        return not problems and not more and mapping == {"k": text} and sequence == [text]
    value, problems = parse(f"k: {text}\n", "<render>")
    return not problems and isinstance(value, dict) and value.get("k") == text


def _printable(char: str) -> bool:
    """YAML's printable set, minus the line breaks YAML would fold inside quotes."""
    code = ord(char)
    return (0x20 <= code <= 0x7E or code == 0xA0 or 0xA1 <= code <= 0xD7FF and code not in (0x2028, 0x2029)
            or 0xE000 <= code <= 0xFFFD and code != 0xFEFF or 0x10000 <= code <= 0x10FFFF)


def double_quoted(text: str) -> str:
    """A YAML double-quoted scalar: JSON escapes (valid in YAML) for anything not plainly printable."""
    quoted = json.dumps(text, ensure_ascii=False)
    if all(_printable(c) for c in quoted):
        return quoted
    return "".join(c if _printable(c) else f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"
                   for c in quoted)


def single_quoted(text: str) -> str:
    if "\n" in text or "\r" in text:
        return double_quoted(text)
    return "'" + text.replace("'", "''") + "'"


def scalar(value: Any, *, flow: bool = False, style: str = "") -> str:
    """One scalar as YAML text. ``style`` is the original quoting ('' plain, "'" or '"') to keep."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite amount: {value}")
        return format(value, "f")
    if isinstance(value, float):
        raise TypeError("floats are not written to salesgen files: use Decimal")
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise TypeError(f"cannot write a {type(value).__name__} as a YAML scalar")
    if style == '"':
        return double_quoted(value)
    if style == "'":
        return single_quoted(value)
    if _plain_reads_back(value, flow):
        return value
    return double_quoted(value)


def flow(value: Any) -> str:
    """A value in flow style: ``{a: 1, b: [x, y]}``."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(k, flow=True)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value, flow=True)


def block_mapping(value: dict, indent: int, *, first_prefix: str | None = None) -> list[str]:
    """Lines of a block mapping whose keys stand at column ``indent``.

    Nested mappings are indented by two more columns; lists are written in flow style.
    ``first_prefix`` replaces the indentation of the first line (used for ``- `` items).
    """
    lines = []
    pad = " " * indent
    for key, item in value.items():
        prefix = first_prefix if (not lines and first_prefix is not None) else pad
        if isinstance(item, dict) and item:
            lines.append(f"{prefix}{scalar(key)}:")
            lines.extend(block_mapping(item, indent + 2))
        elif isinstance(item, (list, tuple, dict)):
            lines.append(f"{prefix}{scalar(key)}: {flow(item)}")
        else:
            lines.append(f"{prefix}{scalar(key)}: {scalar(item)}")
    return lines


def sequence_item(value: Any, dash_column: int, content_offset: int) -> list[str]:
    """Lines of one block-sequence item: the dash at ``dash_column``, content ``content_offset`` further."""
    dash = " " * dash_column + "-" + " " * (content_offset - 1)
    if isinstance(value, dict) and value:
        return block_mapping(value, dash_column + content_offset, first_prefix=dash)
    if isinstance(value, (list, tuple, dict)):
        return [dash + flow(value)]
    return [dash + scalar(value)]
