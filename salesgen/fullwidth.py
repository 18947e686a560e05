"""Full-width characters where YAML needs ASCII: the mistakes a Chinese input method makes.

With a Chinese input method in full-width mode, ':' becomes '：', a space becomes
'　' (U+3000) and digits become '１２３'. YAML does not know these characters:
``amount：500000`` is one piece of text instead of a key and a value, a line indented
with '　' breaks the file, and ``amount: １２０００００`` is text, not a number. Each
such mistake is reported once, as ``yaml-full-width``, at its line and column, and the
file is then read as if it were fixed, so the same mistake is not reported again as a
syntax or schema error. Full-width punctuation inside text is left alone:
``summary: 会议：讨论方案`` is correct Chinese, and so is anything in a ``|`` or ``>`` block.

Every such mistake makes the file fail to parse or fail its schema, so only a file
with problems is scanned (``reread``): a clean file costs nothing, and digits in a
text field (``ref: １２３``) of a clean file are nobody's business.
"""
from __future__ import annotations

import functools
import re
from typing import Any, Callable

from .i18n import T
from .problem import Problem

RULE = "yaml-full-width"
_SPACE = "\u3000"  # '　', shown two columns wide: the intended indentation is two spaces
# A line starting with '　' (after spaces or list dashes), or a key followed by '：', by ':　', by
# a number or date with a full-width character ('０'-'９' '，' '．' '－'), or by a '[list]' with '，'.
_SUSPECT = re.compile("^(?:[ -]*\u3000|[ \u3000]*(?:-[ \u3000]+)*[A-Za-z_][A-Za-z0-9_-]* *(?:\uff1a|:\u3000"
                      "|: +(?=[^\n#]*[\uff10-\uff19\uff0c\uff0e\uff0d])[+\\-\uff0d]?[0-9\uff10-\uff19]"
                      "|: +\\[(?=[^\n]*\uff0c)))", re.M)
_TO_ASCII = str.maketrans("\uff0c\uff0d\uff0e\uff1a" + "".join(chr(0xFF10 + d) for d in range(10)),
                          ",-.:" + "0123456789")
_FULL_DIGIT = re.compile("[\uff10-\uff19]")
# Indentation and list dashes, then a key as salesgen files write them (an ASCII word) and its separator.
_KEY = re.compile(r"(?P<lead>[ \u3000]*(?:-[ \u3000]+)*)(?P<key>[A-Za-z_][A-Za-z0-9_-]*) *"
                  r"(?P<sep>:(?=[ \u3000]|\Z)|\uff1a)?")
_NUMBER = re.compile("[+\\-\uff0d]?[0-9\uff10-\uff19][0-9\uff10-\uff19,.\uff0c\uff0e]*\\Z")
_DATE = re.compile("[0-9\uff10-\uff19]{4}[-\uff0d][0-9\uff10-\uff19]{1,2}[-\uff0d][0-9\uff10-\uff19]{1,2}\\Z")
_ID = re.compile(r"[A-Za-z0-9_.-]+\Z")  # the ids a list such as `contacts: [a, b]` holds
_BLOCK_HEADER = re.compile(r"[|>][0-9+-]*\s*(?:#.*)?\Z")
_MAY_HAVE_BLOCKS = re.compile(r"[:-][ \t]+[|>]")


def scan(text: str, file: str) -> tuple[list[Problem], str]:
    """The full-width mistakes of ``text``, and the text with them fixed (``text`` itself when there are none).

    One regular expression over the whole text finds the suspect lines, so Chinese text
    full of '，' and '：' inside values costs no per-line work.
    """
    suspects = _SUSPECT.finditer(text)
    first = next(suspects, None)
    if first is None:
        return [], text
    lines = text.split("\n")
    blocks = _block_lines(lines) if _MAY_HAVE_BLOCKS.search(text) else frozenset()
    problems: list[Problem] = []
    number, counted = 0, 0
    for match in (first, *suspects):
        number += text.count("\n", counted, match.start())
        counted = match.start()
        if number in blocks:
            continue
        line = lines[number]
        end = "\r" if line.endswith("\r") else ""
        found, fixed = _check_line(line[: len(line) - len(end)], number + 1, file)
        if found:
            problems += found
            lines[number] = fixed + end
    return (problems, "\n".join(lines)) if problems else ([], text)


def reread(text: str, file: str, read: Callable[[str, str], tuple[Any, list]]) -> tuple[Any, list] | None:
    """``read(text, file)`` of ``text`` with its full-width mistakes fixed, those mistakes first; None if none.

    A syntax error on (or just after) a fixed line is the same mistake, read differently,
    and is left out.
    """
    wide, fixed = scan(text, file)
    if not wide:
        return None
    value, problems = read(fixed, file)
    near = {p.line for p in wide} | {p.line + 1 for p in wide}
    return value, wide + [p for p in problems if not (p.rule == "yaml-syntax" and p.line in near)]


def _check_line(line: str, number: int, file: str) -> tuple[list[Problem], str]:
    problems = []
    match = _KEY.match(line)
    lead = line[: len(line) - len(line.lstrip(" " + _SPACE))] if match is None else match["lead"]
    if _SPACE in lead:
        problems.append(_problem(file, number, lead.index(_SPACE) + 1, T("full-width space '　' in the indentation"),
                                 T("Indent with ordinary spaces (switch the input method to half-width).")))
    fixed_lead = lead.replace(_SPACE, "  ")
    if match is None or match["sep"] is None:  # not a `key: value` line (list item, text): nothing more to say
        return problems, fixed_lead + line[len(lead):]
    sep_start, value_start = match.start("sep"), match.end("sep")
    if match["sep"] == "\uff1a":
        problems.append(_problem(file, number, sep_start + 1, T("full-width colon '：' where YAML needs ':'"),
                                 T("Replace '：' with ':' followed by a space.")))
    elif line.startswith(_SPACE, value_start):
        problems.append(_problem(file, number, value_start + 1,
                                 T("full-width space '　' after ':' where YAML needs an ordinary space"),
                                 T("Replace '　' with an ordinary space.")))
        value_start += 1
    value, comment = _split_comment(line[value_start:])
    stripped = value.strip(" " + _SPACE)
    ascii_value = stripped.translate(_TO_ASCII)
    if ascii_value != stripped and match["key"] in numeric_keys() and (_NUMBER.match(stripped)
                                                                     or _DATE.match(stripped)):
        column = value_start + len(value) - len(value.lstrip(" " + _SPACE)) + 1
        if _DATE.match(stripped):
            problems.append(_problem(file, number, column,
                                     T("full-width characters in the date '{value}'", value=_short(stripped)),
                                     T("Write it with ASCII digits and hyphens: {fixed}.", fixed=_short(ascii_value))))
        else:
            comma = "\uff0c" in stripped
            ascii_value = ascii_value.replace(",", "") if comma else ascii_value
            value_text, fixed = _short(stripped), _short(ascii_value)
            message = (T("full-width comma '，' in the number '{value}'", value=value_text) if comma else
                       T("full-width digits in the number '{value}'", value=value_text)
                       if _FULL_DIGIT.search(stripped) else
                       T("full-width characters in the number '{value}'", value=value_text))
            problems.append(_problem(file, number, column, message,
                                     T("Write it with ASCII digits and no separators: {fixed}.", fixed=fixed) if comma
                                     else T("Write it with ASCII digits: {fixed}.", fixed=fixed)))
        value = ascii_value
    elif stripped.startswith("[") and stripped.endswith("]") and "\uff0c" in stripped \
            and all(_ID.match(item.strip(" " + _SPACE)) for item in re.split("[,\uff0c]", stripped[1:-1])):
        column = value_start + value.index("\uff0c") + 1
        problems.append(_problem(file, number, column, T("full-width comma '，' between list items"),
                                 T("Replace '，' with ',' (a full-width comma is part of the text, not a separator).")))
        value = value.replace("\uff0c", ", ")
    elif not problems:
        return [], line
    rest = value.strip(" " + _SPACE)
    return problems, fixed_lead + line[len(lead): sep_start] + ":" + (" " + rest if rest else "") + comment


@functools.lru_cache(maxsize=None)
def numeric_keys() -> frozenset:
    """Keys that the schemas want a number or a date for (anywhere): only their values can be wrong numbers.

    ``ref: １２３`` is text, and fine; ``amount: １２３`` is not.
    """
    from . import schemas  # schemas reads files through yamlsource, which imports this module

    found: set = set()
    for kind in schemas.KINDS:
        root = schemas.load_schema(kind)
        _numeric(root, root, found, None, set())
    return frozenset(found)


def _numeric(node: Any, root: dict, found: set, name: str | None, refs: set) -> None:
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/") and ref not in refs:
        _numeric(root.get("$defs", {}).get(ref.rsplit("/", 1)[-1]), root, found, name, refs | {ref})
    types = node.get("type") if isinstance(node.get("type"), list) else [node.get("type")]
    if name and ("number" in types or "integer" in types or node.get("format") == "date"):
        found.add(name)
    for key, value in (node.get("properties") or {}).items():
        _numeric(value, root, found, key, refs)
    _numeric(node.get("items"), root, found, name, refs)  # a list of dates is still about dates
    _numeric(node.get("additionalProperties"), root, found, None, refs)
    for branch in (*node.get("anyOf", ()), *node.get("oneOf", ()), *node.get("allOf", ())):
        _numeric(branch, root, found, name, refs)


def _split_comment(value: str) -> tuple[str, str]:
    """A plain value and its trailing ` # comment` (a quoted value is left whole)."""
    index = value.find(" #")
    if index < 0 or value.lstrip(" " + _SPACE).startswith(("'", '"')):
        return value, ""
    return value[:index], value[index:]


def _block_lines(lines: list[str]) -> frozenset:
    """Indexes of the lines that are the text of a `|` or `>` block (where anything goes)."""
    inside: set = set()
    block_indent = None  # indentation of the key that opened the block being read
    for number, line in enumerate(lines):
        content = line.rstrip("\r")
        indent = len(content) - len(content.lstrip(" " + _SPACE))
        if block_indent is not None:
            if not content.strip(" " + _SPACE) or indent > block_indent:
                inside.add(number)
                continue
            block_indent = None
        match = _KEY.match(content)
        if match and match["sep"] and _BLOCK_HEADER.match(content[match.end():].strip(" ")):
            block_indent = match.start("key")
        elif content.lstrip(" -").startswith(("|", ">")) and _BLOCK_HEADER.match(content.lstrip(" -").strip(" ")):
            block_indent = indent  # a list item that is a block: `- |`
    return frozenset(inside)


def _short(value: str, limit: int = 60) -> str:
    """A value as quoted in a message (yamlsource.one_line, which cannot be imported here: it imports us)."""
    return value if len(value) <= limit else value[: limit - 3] + "..."


def _problem(file: str, line: int, column: int, message: str, hint: str) -> Problem:
    return Problem(file, line, column, RULE, message, hint)
