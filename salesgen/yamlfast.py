"""The everyday shape of a salesgen file, read without PyYAML's node tree: ``yamlsource.parse``'s fast path.

Almost every file a team writes (and every file salesgen writes) is block mappings and
sequences of one-line values: ``key: value``, ``- item``, ``- key: value``, ``[a, b]``,
quotes without escapes, comments. For such a text, ``read_common`` gives exactly the value
``yamlsource``'s builder makes from PyYAML's C parser (the same Mapping and Sequence, the
same positions, the same typed scalars), in a fraction of the time: PyYAML composes a
Python node and two marks for every scalar, and frees them again, which was two thirds of
a cold lint.

It is a recogniser, not a second YAML parser: it returns None at the first line outside
that shape (anchors, tags, block scalars, multi-line or escaped values, flow mappings,
unusual indentation, a tab, a carriage return, a duplicate key, an empty value, a value
the builder would report, a file of 64 KiB or more...), and the caller then reads the
text the ordinary way. So PyYAML stays the reader of record: every problem, every
unusual construct goes through it. The tests hold ``read_common`` to the ordinary path on
every file they have and on generated texts around each boundary of the shape.
"""
from __future__ import annotations

import re
import sys
from array import array
from sys import intern

from .yamlsource import _NARROW_LIMIT, _RESOLVED, _STR, _U32, REPORTED, Mapping, Sequence, plain_tag, quiet_value

# A character the shape never holds: what YAML's reader refuses (not printable), a tab, a
# carriage return and the other line breaks, a byte-order mark, and what starts a tag or an alias
# anywhere but a value's first character is harmless, so only those are checked there.
_OUTSIDE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")  # a plain scalar starting with one is left to PyYAML
_FLOW_OUTSIDE = re.compile("[][{}#'\":]")  # inside [a, b]: only plain items without these
_MAX_KEY = 1000  # YAML refuses a simple key of more than 1024 characters
_MAX_DEPTH = 50  # nesting this deep is left to the ordinary path (which reports it past yamlsource.MAX_DEPTH)
_new_dict, _new_list = dict.__new__, list.__new__


class _Outside(Exception):
    """The text leaves the shape: read it the ordinary way."""


def read_common(text: str):
    """The value ``yamlsource``'s builder gives ``text`` (a Mapping without problems), or None when the
    text is not of the everyday shape (the ordinary path then reads it)."""
    if len(text) >= _NARROW_LIMIT or sys.byteorder != "little" or _OUTSIDE.search(text):
        return None
    try:
        return _read(text)
    except _Outside:
        return None


def _read(text: str):
    made = []  # (container, its positions) of every mapping and sequence, packed at the end
    stack = []  # [indent, container, positions, is a sequence, is an indentless sequence]
    pending = None  # (mapping, key, positions, the key's column): a key whose value is the block below
    root = None
    resolved = _RESOLVED.get
    number = -1
    for line in text.split("\n"):
        number += 1
        body = line.lstrip(" ")
        if not body or body[0] == "#":
            continue
        indent = len(line) - len(body)
        item = body[0] == "-"
        if item:
            if body[1:2] != " ":
                raise _Outside  # '---', '-1', a dash alone
            rest = body[1:].lstrip(" ")
            if not rest or rest[0] == "#":
                raise _Outside  # an item whose value is on the following lines, or empty
        elif body.startswith("..."):
            raise _Outside
        if pending is not None:
            mapping, key, positions, column = pending
            pending = None
            if indent < column or (indent == column and not item):
                raise _Outside  # an empty value (null): its position is the next token's, left to PyYAML
            child = _new_list(Sequence) if item else _new_dict(Mapping)
            mapping[key] = child
            positions.append(number << 16 | indent)
            child_positions = [number << 16 | indent]
            made.append((child, child_positions))
            top = [indent, child, child_positions, item, item and indent == column]
            stack.append(top)
            if len(stack) > _MAX_DEPTH:
                raise _Outside  # the builder's depth limit is PyYAML's path's to report
        elif root is None:
            if item or indent:
                raise _Outside
            root = _new_dict(Mapping)
            positions = [number << 16]
            made.append((root, positions))
            top = [0, root, positions, False, False]
            stack.append(top)
        else:
            top = stack[-1]
            if top[0] != indent:
                while top[0] > indent:
                    stack.pop()
                    top = stack[-1]
                if top[0] != indent:
                    raise _Outside
            if top[3] != item:
                if item or not top[4]:
                    raise _Outside
                stack.pop()  # a key after an indentless sequence: back to the mapping that holds it
                top = stack[-1]
        if item:
            column = indent + len(body) - len(rest)
            top[2].append(number << 16 | column)
            colon = rest.find(": ")
            if (colon < 0 and rest[-1] != ":") or rest[0] in _INDICATORS:  # '- value'
                top[1].append(_value(rest, number, column))
                continue
            mapping = _new_dict(Mapping)  # '- key: value'
            top[1].append(mapping)
            positions = [number << 16 | column]
            made.append((mapping, positions))
            top = [column, mapping, positions, False, False]
            stack.append(top)
            if len(stack) > _MAX_DEPTH:
                raise _Outside
        else:
            rest, column = body, indent
            colon = rest.find(": ")
            mapping, positions = top[1], top[2]
        # the key and its value
        if colon < 0:
            if rest[-1] != ":":
                raise _Outside  # a plain line that is no key
            colon = len(rest) - 1
        key = rest[:colon]
        if not key or key[0] in _INDICATORS or ":" in key or " #" in key or key[-1] == " " or len(key) > _MAX_KEY:
            raise _Outside
        key = intern(key)
        if key in mapping:
            raise _Outside  # a duplicate key: PyYAML's path reports it
        positions.append(number << 16 | column)
        after = rest[colon + 2:]
        value = after.lstrip(" ")
        if not value or value[0] == "#":
            mapping[key] = None  # for now: the block below replaces it
            pending = mapping, key, positions, column
            continue
        value_column = column + colon + 2 + len(after) - len(value)
        positions.append(number << 16 | value_column)
        if value[0] in _INDICATORS:
            mapping[key] = _value(value, number, value_column)
            continue
        if "#" in value:
            cut = value.find(" #")
            if cut >= 0:
                value = value[:cut]
        value = value.rstrip(" ")
        if ": " in value or value[-1] == ":":
            raise _Outside
        tag = resolved(value)
        if tag is _STR:  # quiet_value's text, inline: most values are text
            mapping[key] = intern(value) if len(value) <= 24 or (len(value) <= 64 and value.isascii()) else value
        else:
            mapping[key] = _plain(value)
    if pending is not None or root is None:
        raise _Outside
    for container, positions in made:
        container.pos = array(_U32, positions).tobytes()
    return root


def _value(value: str, number: int, column: int):
    """A one-line value at ``column`` (``value`` starts there and runs to the end of its line)."""
    first = value[0]
    if first == "'" or first == '"':
        close = value.find(first, 1)
        if close < 0 or not _ends(value, close + 1):
            raise _Outside  # unclosed (more lines), '' inside, or more after it
        inner = value[1:close]
        if first == '"' and "\\" in inner:
            raise _Outside  # escapes
        return quiet_value(inner, _STR)
    if first == "[":
        close = value.find("]")
        if close < 0 or not _ends(value, close + 1):
            raise _Outside
        return _flow(value[:close + 1], number, column)
    if first in _INDICATORS:
        raise _Outside
    cut = value.find(" #")
    value = (value if cut < 0 else value[:cut]).rstrip(" ")
    if ": " in value or value[-1] == ":":
        raise _Outside
    return _plain(value)


def _ends(value: str, end: int) -> bool:
    """Whether nothing but spaces, or spaces and a comment, follows ``end``."""
    after = value[end:]
    rest = after.lstrip(" ")
    return not rest or (rest[0] == "#" and len(rest) < len(after))


def _flow(value: str, number: int, column: int):
    """``[a, b]``: plain items on one line."""
    if value[-1] != "]" or _FLOW_OUTSIDE.search(value, 1, len(value) - 1):
        raise _Outside
    sequence = _new_list(Sequence)
    positions = [number << 16 | column]
    inner = value[1:-1]
    if inner.strip(" "):
        offset = column + 1
        for part in inner.split(","):
            item = part.strip(" ")
            if not item or item[0] in _INDICATORS:
                raise _Outside  # an empty item (a trailing comma), or one PyYAML reads otherwise
            positions.append(number << 16 | offset + len(part) - len(part.lstrip(" ")))
            sequence.append(_plain(item))
            offset += len(part) + 1
    sequence.pos = array(_U32, positions).tobytes()
    return sequence


def _plain(value: str):
    """A plain scalar's value, as the builder gives it when it has nothing to report; else _Outside."""
    value = quiet_value(value, _RESOLVED.get(value) or plain_tag(value))
    if value is REPORTED:
        raise _Outside  # something the builder reports (yes/no, 0x1F, 1:30, .inf, 2026-02-30...)
    return value
