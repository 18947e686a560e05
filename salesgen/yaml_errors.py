"""PyYAML's syntax-error texts as catalogue messages, so a `yaml-syntax` problem reads in the user's language.

PyYAML (libyaml or its pure-Python reader) explains a syntax error in two parts: a
context ("while scanning a simple key") and a problem ("could not find expected ':'").
Each known part becomes a ``T`` message; the few that carry a value (the character
found, an alias name) are matched by pattern and keep that value as it is. A text
PyYAML words otherwise stays English, and the English rendering of every message is
exactly PyYAML's own text.
"""
from __future__ import annotations

import re

from .i18n import Message, T

_KNOWN = {str(m): m for m in (
    # contexts
    T("while scanning a simple key"), T("while scanning for the next token"), T("while scanning a quoted scalar"),
    T("while scanning a double-quoted scalar"), T("while scanning a plain scalar"), T("while scanning a block scalar"),
    T("while scanning an anchor"), T("while scanning an alias"), T("while scanning a tag"),
    T("while scanning a directive"), T("while parsing a block mapping"), T("while parsing a block collection"),
    T("while parsing a flow sequence"), T("while parsing a flow mapping"), T("while parsing a flow node"),
    T("while parsing a block node"), T("while parsing a node"), T("while parsing a quoted scalar"),
    T("while parsing a tag"),
    # problems (libyaml words them without values; the pure-Python reader's with values are below)
    T("mapping values are not allowed here"), T("mapping values are not allowed in this context"),
    T("block sequence entries are not allowed here"), T("block sequence entries are not allowed in this context"),
    T("could not find expected ':'"), T("found character that cannot start any token"),
    T("did not find expected key"), T("did not find expected ',' or ']'"), T("did not find expected ',' or '}'"),
    T("did not find expected '-' indicator"), T("did not find expected node content"),
    T("did not find expected alphabetic or numeric character"), T("did not find the expected '>'"),
    T("did not find expected comment or line break"), T("did not find expected <document start>"),
    T("found unexpected end of stream"), T("found unknown escape character"), T("found undefined alias"),
    T("found unknown directive name"), T("found duplicate anchor; first occurrence"), T("second occurrence"),
    T("found a tab character that violates indentation"), T("found unexpected ':'"),
)}

# What PyYAML expected, inside "expected ..., but found ...": the words, not the tokens (<block end>, ',').
_EXPECTED = {str(m): m for m in (
    T("alphabetic or numeric character"), T("the node content"), T("chomping or indentation indicators"),
    T("a comment or a line break"), T("',' or ']'"), T("',' or '}'"),
)}

_PATTERNS = (
    (re.compile(r"found character (?P<char>'.*') that cannot start any token"),
     lambda m: T("found character {char} that cannot start any token", char=m["char"])),
    (re.compile(r"expected (?P<expected>.+?), but found (?P<found>.+)"),
     lambda m: T("expected {expected}, but found {found}", expected=_EXPECTED.get(m["expected"], m["expected"]),
                 found=m["found"])),
    (re.compile(r"expected (?P<expected>.+?), but got (?P<found>.+)"),
     lambda m: T("expected {expected}, but got {found}", expected=_EXPECTED.get(m["expected"], m["expected"]),
                 found=m["found"])),
    (re.compile(r"found unknown escape character (?P<char>.+)"),
     lambda m: T("found unknown escape character {char}", char=m["char"])),
    (re.compile(r"found undefined alias (?P<name>.+)"), lambda m: T("found undefined alias {name}", name=m["name"])),
    (re.compile(r"found duplicate anchor (?P<name>.+); first occurrence"),
     lambda m: T("found duplicate anchor {name}; first occurrence", name=m["name"])),
)


def part(text: str) -> str:
    """One part of PyYAML's explanation as a message (its English text when the part is unknown)."""
    if text in _KNOWN:
        return _KNOWN[text]
    for pattern, message in _PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            rendered = message(found)
            if rendered == text:  # the pattern reproduces PyYAML's words exactly, or it is not used
                return rendered
    return text


def syntax_message(context: str | None, problem: str | None) -> str | None:
    """PyYAML's ``context problem`` (either may be missing) as one message; None when both are."""
    parts = [part(p) for p in (context, problem) if p]
    if len(parts) == 2:
        if isinstance(parts[0], Message) or isinstance(parts[1], Message):
            # TRANSLATORS: PyYAML's context ("while scanning a simple key") then its problem
            return T("{context} {problem}", context=parts[0], problem=parts[1])
        return f"{parts[0]} {parts[1]}"
    return parts[0] if parts else None
