"""Read one YAML file strictly, keeping the source position of every key and value.

PyYAML's C parser composes the node tree; this module constructs plain Python values
from it (``Mapping``/``Sequence`` that remember where each entry stands) and reports,
as Problems rather than exceptions, everything PyYAML would silently accept:
duplicate keys, YAML 1.1 booleans such as ``yes``/``no``/``on``/``off``, octal,
sexagesimal and other surprising numbers, impossible dates, special floats, alias
bombs, several documents in one file, bad encodings, and absurd nesting or size.

Scalars that YAML would read as booleans or numbers but that are ambiguous are kept as
the text the user typed, so that the schema check does not report them twice.
Fractional numbers become ``Decimal`` (money is never a float).

Most files take a shorter way: ``yamlfast`` reads the everyday shape of a file (one-line
values in block mappings and sequences) into the same values and positions without the
node tree, and leaves every other text, and every problem, to the path here
(``composed``).
"""
from __future__ import annotations

import copyreg
import datetime as _dt
import pickle
import re
from array import array
from decimal import Decimal, InvalidOperation
import sys
from sys import intern
from typing import Any, Iterator

import yaml

from . import fullwidth
from .i18n import T
from .problem import Problem
from .yaml_errors import syntax_message

try:  # pragma: no cover - depends on the platform's PyYAML build
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 100
MAX_ALIAS_NODES = 10_000
_MAX_DIGITS = 1000  # far above any amount; far below Python's int_max_str_digits (4300)
_COL_BITS = 20
_COL_MASK = (1 << _COL_BITS) - 1

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"

_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_PLAIN_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


_SCALAR = yaml.ScalarNode
_IMPLICIT = {first: tuple(resolvers) + tuple(_Loader.yaml_implicit_resolvers.get(None, ()))
             for first, resolvers in _Loader.yaml_implicit_resolvers.items() if first is not None}
_WILDCARD = tuple(_Loader.yaml_implicit_resolvers.get(None, ()))


class _FastLoader(_Loader):
    """The same loader with PyYAML's resolver logic, minus its per-node overhead.

    The parser calls ``resolve(kind, value, implicit)`` (and ``descend_resolver``/
    ``ascend_resolver``) back for every node without a tag: a million Python calls for
    10,000 deals. The safe loader has no path resolvers, so descending and ascending do
    nothing (here: C no-ops), and ``resolve`` is ``slice``: a C constructor that keeps its
    three arguments as the node's tag, with no Python frame. ``tag_of`` resolves a node's
    tag from them when the builder needs it, with the same implicit resolvers in the same
    order (``plain_tag``); a key's tag is never needed (keys are text). The stock loader
    (``_Loader``) gives the same values: its tags are strings, which ``tag_of`` returns as
    they are (tested).
    """

    descend_resolver = {}.get  # (parent, index) -> ignored
    ascend_resolver = tuple  # () -> ignored
    resolve = slice  # (kind, value, implicit) -> kept, resolved by tag_of


def plain_tag(value: str) -> str:
    """The tag PyYAML's implicit resolvers give a plain (unquoted, untagged) scalar."""
    tag = _RESOLVED.get(value)
    if tag is None:
        tag = _STR
        for candidate, regexp in _IMPLICIT.get(value[:1], _WILDCARD):
            if regexp.match(value):
                tag = candidate
                break
        if len(value) <= 32 and len(_RESOLVED) < 100_000:  # keys, dates, codes repeat in every file
            _RESOLVED[value] = tag
    return tag


def tag_of(node) -> str:
    """A node's tag: the one written in the file, or what the resolver gives it (``_FastLoader``)."""
    tag = node.tag
    if tag.__class__ is not slice:
        return tag
    if node.__class__ is not _SCALAR:
        return _SEQ if isinstance(node, yaml.SequenceNode) else _MAP
    return plain_tag(node.value) if tag.step[0] else _STR  # step: (plain, quoted) implicit; only plain resolves


_RESOLVED: dict = {}  # plain scalar -> the tag the resolvers above give it


if _Loader.yaml_path_resolvers or _Loader.DEFAULT_SCALAR_TAG != _STR:  # pragma: no cover - a customised PyYAML
    _FastLoader = _Loader


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(value: Any, limit: int = 60) -> str:
    """A key or value as quoted in a message: one line, at most ``limit`` characters.

    A 4 MB value must not become a 4 MB message, and a line break inside a quoted key
    must not start a new line of output (a CI log runs '::error ...' lines as commands).
    """
    text = _CONTROL.sub(lambda match: repr(match.group())[1:-1], str(value))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def pack(line: int, column: int) -> int:
    """Pack a 1-based line and column into one int (cheap to store per node)."""
    return (line << _COL_BITS) | min(column, _COL_MASK)


def unpack(position: int) -> tuple[int, int]:
    return position >> _COL_BITS, position & _COL_MASK


class Mapping(dict):
    """A dict that knows where each of its keys and values stands in the file.

    ``pos`` holds packed positions: the mapping's own start, then the key and the value
    position of each entry, in insertion order (loaded documents are read, never
    modified, so the order holds). For files under 64 KiB, all but absurd ones, they are
    4-byte entries in a ``bytes`` (line << 16 | column, both counted from 0 as the parser
    gives them: no arithmetic per entry while a file is read); larger files use an
    ``array('Q')`` of line << 20 | column, the column capped at 2**20 - 1. ``_entry``
    turns an entry into a ``pack()`` value. Two dicts of int objects per mapping made
    10,000 deals take 660 MB; this takes under 200 MB, and pickles without a Python
    call per mapping (the lint cache).
    """

    __slots__ = ("pos",)

    def __init__(self) -> None:
        super().__init__()
        self.pos = _NO_POSITIONS

    def __reduce_ex__(self, protocol):
        # A dict with its positions as the whole state: the lint cache pickles a shard in half the time of the
        # default for a subclass with slots (a state dict per mapping), and reads it back in three quarters.
        return copyreg.__newobj__, (Mapping,), self.pos, None, iter(self.items())

    def __setstate__(self, state) -> None:
        self.pos = _checked_positions(state)

    @property
    def start(self) -> int:
        return _entry(self.pos, 0)

    def position(self, key: Any, *, of_key: bool = False) -> int | None:
        """``pack()``ed position of ``key``'s value (or of the key itself); None when it has none."""
        for index, item in enumerate(self):
            if item == key:
                return _entry(self.pos, 1 + 2 * index + (0 if of_key else 1), None)
        return None

    @property
    def key_pos(self) -> dict:
        return {key: _entry(self.pos, 1 + 2 * i) for i, key in enumerate(self)}

    @property
    def value_pos(self) -> dict:
        return {key: _entry(self.pos, 2 + 2 * i) for i, key in enumerate(self)}


class Sequence(list):
    """A list that knows where each of its items stands in the file (``pos``: start, then one per item)."""

    __slots__ = ("pos",)

    def __init__(self) -> None:
        super().__init__()
        self.pos = _NO_POSITIONS

    def __reduce_ex__(self, protocol):  # as Mapping's
        return copyreg.__newobj__, (Sequence,), self.pos, iter(self), None

    def __setstate__(self, state) -> None:
        self.pos = _checked_positions(state)

    @property
    def start(self) -> int:
        return _entry(self.pos, 0)

    def position(self, index: int) -> int | None:
        return _entry(self.pos, 1 + index, None)

    @property
    def item_pos(self) -> list:
        return [_entry(self.pos, 1 + i) for i in range(len(self))]


_NO_POSITIONS = b""


def forget_positions(node: Any) -> None:
    """Drop the positions of ``node`` and of every mapping and sequence in it (they then report none).

    For data that is checked already and is only read from now on: the site build keeps
    the values, not where they stood.
    """
    if node.__class__ is not Mapping and node.__class__ is not Sequence:
        return
    stack = [node]
    pop, push = stack.pop, stack.append
    while stack:
        item = pop()
        item.pos = _NO_POSITIONS
        for value in item.values() if item.__class__ is Mapping else item:
            if value.__class__ is Mapping or value.__class__ is Sequence:
                push(value)


def _checked_positions(state):
    """The positions an unpickled mapping or sequence gets: packed bytes or an array('Q'), nothing else (a
    planted cache file is refused, not trusted)."""
    if state.__class__ is bytes or (state.__class__ is array and state.typecode == "Q"):
        return state
    raise pickle.UnpicklingError("positions must be bytes or array('Q')")
_NARROW_LIMIT = 0xFFFF  # a file shorter than this has at most 0xFFFF lines and columns: 16 bits each
_U32 = next(code for code in "IL" if array(code).itemsize == 4)


def _stored(mark, narrow: bool) -> int:
    """A parser mark as an entry of a ``pos`` (see Mapping): 0-based line and column."""
    if narrow:
        return mark.line << 16 | mark.column
    return mark.line << _COL_BITS | min(mark.column, _COL_MASK)


def _entry(positions, index: int, default: int | None = 0) -> int | None:
    """Entry ``index`` of a ``pos`` as a ``pack()`` value (1-based)."""
    if isinstance(positions, bytes):
        if 4 * index + 4 > len(positions):
            return default
        value = int.from_bytes(positions[4 * index: 4 * index + 4], "little")
        return pack((value >> 16) + 1, (value & 0xFFFF) + 1)
    if index >= len(positions):
        return default
    value = positions[index]
    return pack((value >> _COL_BITS) + 1, (value & _COL_MASK) + 1)


def _freeze(positions: list, narrow: bool):
    if narrow:
        packed = array(_U32, positions)
        if _BIG_ENDIAN:  # pragma: no cover - stored little-endian everywhere
            packed.byteswap()
        return packed.tobytes()
    return array("Q", positions)


_BIG_ENDIAN = sys.byteorder == "big"
_LITTLE_ENDIAN = not _BIG_ENDIAN  # _freeze inline, in mapping() and sequence()


def pick_positions(positions, indexes):
    """Entries ``indexes`` of a ``pos``, in the same storage (for a copy that leaves entries out)."""
    if isinstance(positions, bytes):
        return b"".join(positions[4 * i: 4 * i + 4] for i in indexes)
    return array("Q", (positions[i] for i in indexes))


def locate(root: Any, path: tuple | list, *, key: bool = False) -> tuple[int, int]:
    """Line and column of ``path`` inside ``root`` (1-based).

    With ``key=True`` the position of the last key itself (for unknown keys);
    otherwise the position of the value. A path that goes past what exists
    resolves to the deepest part that does.
    """
    node = root
    position = getattr(root, "start", 0) or pack(1, 1)
    last = len(path) - 1
    for i, part in enumerate(path):
        if isinstance(node, Mapping) and part in node:
            found = node.position(part, of_key=key and i == last)
            position = position if found is None else found
            node = node[part]
        elif isinstance(node, Sequence) and isinstance(part, int) and 0 <= part < len(node):
            found = node.position(part)
            position = position if found is None else found
            node = node[part]
        else:
            break
    return unpack(position)


_new_dict, _new_list = dict.__new__, list.__new__  # an empty Mapping/Sequence without a Python __init__ call


class _Builder:
    """Turns a composed node tree into values, collecting problems on the way."""

    def __init__(self, file: str, track_aliases: bool, size: int = 0) -> None:
        self.file = file
        # positions of a small file fit in 16 bits each (see Mapping)
        self.narrow = size < _NARROW_LIMIT
        self.problems: list[Problem] = []
        self.track_aliases = track_aliases
        self.seen: set[int] = set()
        self.active: set[int] = set()
        self.alias_budget = MAX_ALIAS_NODES
        self.aborted = False
        self.written: list = []  # marks of the collections being built for the first time
        self.reusing = 0  # > 0 while building a subtree an alias repeats (already paid for)

    def problem(self, mark, rule: str, message: str, hint: str, path: tuple) -> None:
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        self.problems.append(Problem(self.file, line, column, rule, message, hint, path=path))

    def build(self, node, path: tuple, depth: int) -> Any:
        if self.aborted:
            return None
        if depth > MAX_DEPTH:
            self.problem(node.start_mark, "yaml-too-deep",
                         T("nesting deeper than {n} levels", n=MAX_DEPTH), T("salesgen files are a few levels deep; flatten this structure."), path)
            self.aborted = True
            return None
        if self.track_aliases:
            ident = id(node)
            if ident in self.active:
                self.problem(node.start_mark, "yaml-alias", T("an alias refers to its own parent (recursive structure)"),
                             T("Write the value out instead of using an anchor and alias."), path)
                self.aborted = True
                return None
            if ident in self.seen and not isinstance(node, yaml.ScalarNode) and not self.reusing:
                # The whole repeated subtree is paid for once, here: the aliases inside
                # it are not counted again while it is built (that would double-count).
                self.alias_budget -= _count_nodes(node, self.alias_budget + 1)
                if self.alias_budget < 0:
                    # The node's own mark is its anchor's; the alias is written in the
                    # innermost collection that is being read for the first time.
                    where = self.written[-1] if self.written else node.start_mark
                    self.problem(where, "yaml-alias",
                                 T("aliases expand to more than {n} nodes (an alias bomb?)", n=MAX_ALIAS_NODES),
                                 T("Write values out instead of nesting anchors and aliases."), path)
                    self.aborted = True
                    return None
            first = ident not in self.seen
            self.seen.add(ident)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if self.track_aliases:
            self.active.add(id(node))
            if first:
                self.written.append(node.start_mark)
            else:
                self.reusing += 1
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path, depth)
            return self.sequence(node, path, depth)
        finally:
            if self.track_aliases:
                self.active.discard(id(node))
                if first:
                    self.written.pop()
                else:
                    self.reusing -= 1

    def mapping(self, node, path: tuple, depth: int) -> Mapping:
        result = _new_dict(Mapping)  # its positions are set below, once they are known: no __init__ call per mapping
        narrow = self.narrow
        positions = [_stored(node.start_mark, narrow)]
        if node.tag.__class__ is not slice and node.tag != _MAP:
            self.unknown_tag(node, path)
        # A plain text value (most values) needs no depth, alias or tag check: built here, without two calls.
        fast = depth < MAX_DEPTH and not self.track_aliases
        for key_node, value_node in node.value:
            kmark = key_node.start_mark
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(kmark, "yaml-complex-key", T("a key must be plain text, not a list or mapping"),
                             T("Write the key as a simple word such as `name:`."), path)
                continue
            key = intern(key_node.value)  # a handful of key names, repeated in every file
            if key in result:
                first = (positions[1 + 2 * list(result).index(key)] >> (16 if narrow else _COL_BITS)) + 1  # its line
                self.problem(kmark, "yaml-duplicate-key",
                             T("duplicate key '{key}' (first defined on line {line})", key=one_line(key), line=first),
                             T("Remove one of the two entries; YAML would silently keep only the last."), path + (key,))
                continue
            vmark = value_node.start_mark
            if narrow:  # packed inline, as _stored() does: two positions per entry of every file
                positions.append(kmark.line << 16 | kmark.column)
                positions.append(vmark.line << 16 | vmark.column)
            else:
                positions.append(_stored(kmark, False))
                positions.append(_stored(vmark, False))
            if fast and value_node.__class__ is _SCALAR:  # tag_of and build inlined: most values are scalars
                value, tag = value_node.value, value_node.tag
                if tag.__class__ is slice:
                    tag = (_RESOLVED.get(value) or plain_tag(value)) if tag.step[0] else _STR
                if tag == _STR:
                    result[key] = intern(value) if len(value) <= 24 or (len(value) <= 64 and value.isascii()) else value
                else:
                    result[key] = None if self.aborted else self.scalar(value_node, path + (key,), tag)
            else:
                result[key] = self.build(value_node, path + (key,), depth + 1)
        result.pos = array(_U32, positions).tobytes() if narrow and _LITTLE_ENDIAN else _freeze(positions, narrow)
        return result

    def sequence(self, node, path: tuple, depth: int) -> Sequence:
        result = _new_list(Sequence)  # as in mapping()
        narrow = self.narrow
        positions = [_stored(node.start_mark, narrow)]
        if node.tag.__class__ is not slice and node.tag != _SEQ:
            self.unknown_tag(node, path)
        fast = depth < MAX_DEPTH and not self.track_aliases  # as in mapping()
        for index, item in enumerate(node.value):
            imark = item.start_mark
            positions.append(imark.line << 16 | imark.column if narrow else _stored(imark, False))
            if fast and item.__class__ is _SCALAR:  # as in mapping()
                value, tag = item.value, item.tag
                if tag.__class__ is slice:
                    tag = (_RESOLVED.get(value) or plain_tag(value)) if tag.step[0] else _STR
                if tag == _STR:
                    result.append(intern(value) if len(value) <= 24 or (len(value) <= 64 and value.isascii()) else value)
                else:
                    result.append(None if self.aborted else self.scalar(item, path + (index,), tag))
            else:
                result.append(self.build(item, path + (index,), depth + 1))
        result.pos = array(_U32, positions).tobytes() if narrow and _LITTLE_ENDIAN else _freeze(positions, narrow)
        return result

    def unknown_tag(self, node, path: tuple) -> None:
        self.problem(node.start_mark, "yaml-tag", T("unsupported tag '{tag}'", tag=one_line(tag_of(node))),
                     T("Remove the tag; salesgen files use plain YAML values only."), path)

    def scalar(self, node, path: tuple, tag: str | None = None) -> Any:
        """The value of a scalar node whose tag is ``tag`` (None: ``tag_of(node)``)."""
        value = node.value
        if tag is None:
            tag = tag_of(node)
        if tag == _STR:
            # ids, codes, enum values, names, titles repeat across thousands of files: keep one copy
            return intern(value) if len(value) <= 24 or (len(value) <= 64 and value.isascii()) else value
        if node.style:  # quoted scalars with an explicit tag
            self.unknown_tag(node, path)
            return value
        quiet = quiet_value(value, tag)
        if quiet is not REPORTED:
            return quiet
        if tag == _BOOL:
            shown = one_line(value)  # as quoted in messages
            self.problem(node.start_mark, "yaml-ambiguous-value",
                         T("'{value}' is read by YAML as the boolean {boolean}", value=shown,
                           boolean=str(value.lower() in ('yes', 'on'))),
                         T("Write true or false for a yes/no field, or quote it (\"{value}\") if you mean the text.",
                           value=shown),
                         path)
            return value
        if tag == _INT:
            if _PLAIN_INT.match(value):
                # Python refuses to convert very long digit strings (int_max_str_digits).
                self.problem(node.start_mark, "yaml-special-number",
                             T("a number with {n} digits is too long to be an amount or a count",
                               n=len(value.lstrip('+-'))),
                             T("Write the real number, or quote the value if it is a code."), path)
                return value
            shown = one_line(value)
            self.problem(node.start_mark, "yaml-ambiguous-value",
                         T("'{value}' is read by YAML as the number {number}", value=shown,
                           number=_yaml11_number(node, tag)),
                         T("Quote it (\"{value}\") if you mean text such as a code or a time; "
                           "write plain decimal digits for a number.", value=shown), path)
            return value
        if tag == _FLOAT:
            lowered, shown = value.lower(), one_line(value)
            if lowered.endswith(("inf", "nan")):
                self.problem(node.start_mark, "yaml-special-number",
                             T("'{value}' is not a finite number", value=shown),
                             T("Write a plain decimal number such as 1200000 or 1200000.50."), path)
            else:
                self.problem(node.start_mark, "yaml-ambiguous-value",
                             T("'{value}' is read by YAML as a number in an unusual notation", value=shown),
                             T("Quote it (\"{value}\") if you mean text; write plain decimal digits for a number.",
                               value=shown),
                             path)
            return value
        if tag == _TIMESTAMP:  # a date that does not exist: reported, kept as typed
            self.problem(node.start_mark, "yaml-invalid-date",
                         T("'{value}' is not a real calendar date", value=one_line(value)),
                         T("Check the day and month; dates are written YYYY-MM-DD."), path)
            return intern(value) if len(value) <= 64 else value
        self.unknown_tag(node, path)
        return value


REPORTED = object()  # quiet_value: the builder reports this value (and yamlfast leaves its file to it)


def quiet_value(value: str, tag: str) -> Any:
    """The value of a plain scalar resolved to ``tag`` when the builder has nothing to say of it, else REPORTED.

    The one place where YAML's types become values, for the builder and for ``yamlfast``:
    text, null, true/false, plain decimal integers and fractions (``Decimal``), and dates
    (kept as the text typed, once checked to exist).
    """
    if tag == _STR:
        return intern(value) if len(value) <= 24 or (len(value) <= 64 and value.isascii()) else value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        if value in ("true", "false", "True", "False", "TRUE", "FALSE"):
            return value.lower() == "true"
    elif tag == _INT:
        if _PLAIN_INT.match(value) and len(value) <= _MAX_DIGITS:
            return int(value)
    elif tag == _FLOAT:
        if _PLAIN_FLOAT.match(value):
            try:
                return Decimal(value)
            except InvalidOperation:  # pragma: no cover - regex guarantees a number
                return value
    elif tag == _TIMESTAMP:
        if value in _REAL_DATES or not _DATE.match(value):
            return intern(value) if len(value) <= 64 else value  # a few hundred dates, repeated
        try:
            _dt.date.fromisoformat(value)
        except ValueError:
            return REPORTED
        if len(_REAL_DATES) < 100_000:
            _REAL_DATES.add(value)
        return intern(value)
    return REPORTED


_REAL_DATES: set = set()  # dates checked to exist


def _yaml11_number(node, tag: str) -> str:
    """What PyYAML's own constructor would make of a scalar tagged ``tag`` (int or float; for messages)."""
    if len(node.value) > 40:  # base-60 '1:1:1:...' costs quadratic time to convert
        return "(too long to show)"
    try:
        return repr(yaml.SafeLoader("").construct_object(yaml.ScalarNode(tag, node.value)))
    except Exception:  # pragma: no cover - defensive: only used for a message
        return "a number"


def _count_nodes(node, limit: int) -> int:
    """Nodes in a subtree, counting shared subtrees each time (stops past ``limit``)."""
    count, stack = 0, [node]
    while stack and count <= limit:
        current = stack.pop()
        count += 1
        if isinstance(current, yaml.MappingNode):
            for k, v in current.value:
                stack.append(k)
                stack.append(v)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return count


def too_large(size: int, file: str) -> Problem:
    """The problem for a file of ``size`` bytes, over MAX_FILE_BYTES."""
    return Problem(file, 1, 1, "file-too-large",
                   T("file is {size} MiB; the limit is {limit} MiB", size=format(size / 1048576, ".1f"), limit=MAX_FILE_BYTES // 1048576),
                   T("A deal or customer file is a few KiB: split it, or move attachments out of the repository."))


def decode(data: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """Bytes to text, refusing what is not UTF-8 YAML text."""
    if len(data) > MAX_FILE_BYTES:
        return None, [too_large(len(data), file)]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(file, 1, 1, "yaml-encoding", T("file is UTF-16 encoded"),
                              T("Save the file as UTF-8 (without a byte-order mark)."))]
    problems = []
    if data.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(file, 1, 1, "yaml-encoding", T("file starts with a UTF-8 byte-order mark"),
                                T("Save the file as UTF-8 without a byte-order mark.")))
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        return None, problems + [Problem(file, line, 1, "yaml-encoding", T("file contains binary data (a NUL byte)"),
                                         T("Only text files belong in deals/ and customers/."))]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return None, problems + [Problem(file, line, column, "yaml-encoding",
                                         T("byte {byte} is not valid UTF-8", byte="0x" + format(data[error.start], "02x")),
                                         T("Save the file as UTF-8 (most editors: 'Save with encoding')."))]
    return text, problems


def parse(text: str, file: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document. Returns ``(value, problems)``; never raises for bad input.

    When the text has problems, full-width characters where YAML needs ASCII
    (``amount：500000``) are looked for: each is reported, and the text is read as if
    they were fixed (``fullwidth.reread``), so the same mistake is not reported twice.
    A clean text is never scanned.
    """
    value, problems = _parse(text, file)
    if problems:
        value, problems = fullwidth.reread(text, file, _parse) or (value, problems)
    return value, problems


def _parse(text: str, file: str) -> tuple[Any, list[Problem]]:
    value = yamlfast.read_common(text)  # the everyday shape of a file, without PyYAML's node tree
    if value is not None:
        return value, []
    return composed(text, file)


def composed(text: str, file: str) -> tuple[Any, list[Problem]]:
    """``_parse`` through PyYAML's node tree, whatever the text's shape (what ``yamlfast`` is held to)."""
    if not text.strip() or _only_comments(text):
        return None, [Problem(file, 1, 1, "yaml-empty", T("file is empty"),
                              T("Fill it in (see `salesgen new`) or delete it."))]
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        return None, [_syntax_problem(error, file, text)]
    except yaml.reader.ReaderError as error:  # a control character: it has a position, not a mark
        return None, [_reader_problem(error, file, text)]
    except yaml.YAMLError as error:  # pragma: no cover - unmarked errors are rare
        return None, [Problem(file, 1, 1, "yaml-syntax", str(error), T("Fix the YAML syntax."))]
    except RecursionError:
        return None, [Problem(file, 1, 1, "yaml-too-deep", T("nesting is too deep to read"),
                              T("salesgen files are a few levels deep; flatten this structure."))]
    finally:
        loader.dispose()
    if node is None:
        return None, [Problem(file, 1, 1, "yaml-empty", T("file is empty"),
                              T("Fill it in (see `salesgen new`) or delete it."))]
    builder = _Builder(file, track_aliases="&" in text, size=len(text))
    try:
        value = builder.build(node, (), 0)
    except RecursionError:
        return None, builder.problems + [Problem(file, 1, 1, "yaml-too-deep", T("nesting is too deep to read"),
                                                 T("salesgen files are a few levels deep; flatten this structure."))]
    if value is None and not builder.problems:  # the whole file is `~` or `null`
        return None, [Problem(file, 1, 1, "yaml-empty", T("file holds no data (only a null value)"),
                              T("Fill it in (see `salesgen new`) or delete it."))]
    if isinstance(node, yaml.ScalarNode):  # a bare value has no position the schema check could find
        mark = node.start_mark
        return None, builder.problems + [Problem(
            file, mark.line + 1, mark.column + 1, "schema-type",
            T("the file holds a single value, not a mapping (key: value lines)"),
            T("Write the file as `key: value` lines (see `salesgen new`)."))]
    return (None if builder.aborted else value), builder.problems


def _only_comments(text: str) -> bool:
    for match in _LINES.finditer(text):  # line by line, lazily: a file is rarely more than a comment at its top
        line = match.group().strip()
        if line and not line.startswith("#") and line not in ("---", "..."):
            return False
    return True


_LINES = re.compile("[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]*")  # what str.splitlines splits on


def _reader_problem(error: yaml.reader.ReaderError, file: str, text: str) -> Problem:
    position = min(max(error.position, 0), len(text))
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    code = error.character if isinstance(error.character, int) else 0
    return Problem(file, line, column, "yaml-encoding",
                   T("control character {code} is not allowed in a YAML file", code="U+" + format(code, "04X")),
                   T("Delete the invisible character (it often comes with text pasted from another program)."))


def _syntax_problem(error: yaml.MarkedYAMLError, file: str, text: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    if error.context_mark is not None and mark is not None and mark.index >= len(text.rstrip()):
        # An unclosed quote or bracket fails at the end of the file, past the last line:
        # the useful place is where it was opened.
        mark = error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    if "maximum nesting depth" in str(error):  # libyaml >= 0.2.5 stops at 1,000 levels itself
        return Problem(file, line, column, "yaml-too-deep", T("nesting deeper than {n} levels", n=MAX_DEPTH),
                       T("salesgen files are a few levels deep; flatten this structure."))
    if "expected a single document" in str(error):
        return Problem(file, line, column, "yaml-multiple-documents",
                       T("file holds more than one YAML document"),
                       T("Keep one deal or customer per file: remove the '---' separator and split the file."))
    message = syntax_message(error.context, error.problem) or ""  # in the catalogue: read in the user's language
    hint = T("Check indentation, colons and quoting on this line and the one before.")
    lines = text.splitlines()
    if 0 < line <= len(lines) and "\t" in lines[line - 1][: max(column, 1)]:
        hint = T("YAML does not allow tabs for indentation: indent with spaces.")
    elif "tab" in message:
        hint = T("YAML does not allow tabs for indentation: indent with spaces.")
    return Problem(file, line, column, "yaml-syntax", message or T("invalid YAML"), hint)


def iter_positions(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, int]]:
    """Every (path, packed position) pair in a built value (for tests and tools)."""
    if isinstance(value, Mapping):
        for index, (key, item) in enumerate(value.items()):
            yield path + (key,), _entry(value.pos, 2 + 2 * index)
            yield from iter_positions(item, path + (key,))
    elif isinstance(value, Sequence):
        for index, item in enumerate(value):
            yield path + (index,), _entry(value.pos, 1 + index)
            yield from iter_positions(item, path + (index,))


from . import yamlfast  # noqa: E402 - it builds this module's Mapping and Sequence
