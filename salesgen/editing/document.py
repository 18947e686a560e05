"""Precise text edits of a YAML file: change one value, add one key, append one list item.

A round trip through a YAML library re-emits the whole file and loses some of what the
person wrote (spacing before comments, quoting, line breaks in long text). These edits
touch only the characters they must: a replaced scalar keeps its quoting and everything
around it; a new list item or key is inserted after the last line that belongs to its
container, in the indentation the file already uses. Every comment, blank line, key
order and quoting elsewhere stays byte for byte.

After each edit the new text is parsed again with the strict loader and compared with
the intended result (the old data with exactly that change); anything else, such as
an anchor shared by two places, raises ``EditError`` and leaves the text unchanged.
"""
from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import yaml

from ..i18n import T
from ..yamlsource import parse
from . import render

try:  # pragma: no cover - depends on the platform's PyYAML build
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

BOM = b"\xef\xbb\xbf"
_BLOCK_STYLES = ("|", ">")


class EditError(Exception):
    """An edit that cannot be made without changing more than was asked."""


class EditableDocument:
    """One YAML file's text, edited in place; ``data`` is what the loader reads from it."""

    def __init__(self, data: bytes, file: str = "<text>") -> None:
        self.file = file
        self.bom = data.startswith(BOM)
        try:
            text = data[len(BOM):].decode("utf-8") if self.bom else data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise EditError(T("{file} is not UTF-8 text ({reason})", file=file, reason=error.reason)) from None
        self.original = text
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.data = self._check(text)
        self.text = text
        self._root = yaml.compose(text, Loader=_Loader)

    @classmethod
    def read(cls, path: Path, file: str | None = None) -> "EditableDocument":
        return cls(Path(path).read_bytes(), file or str(path))

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def to_bytes(self) -> bytes:
        return (BOM if self.bom else b"") + self.text.encode("utf-8")

    # -- queries ---------------------------------------------------------------------

    def get(self, path: tuple, default: Any = None) -> Any:
        node = self.data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return default
        return node

    # -- edits -----------------------------------------------------------------------

    def set(self, path: tuple, value: Any) -> None:
        """Replace the scalar at ``path``, or add the key when its mapping lacks it."""
        if not path:
            raise EditError(T("cannot replace the whole document"))
        found = self._find(path)
        expected = copy.deepcopy(self.data)
        _container(expected, path[:-1])[path[-1]] = render.to_data(value)
        if found is None:
            text = self._add_key(path, value)
        else:
            node, in_flow = found
            text = self._replace_scalar(node, in_flow, value, path)
        self._commit(text, expected, path)

    def append(self, path: tuple, item: Any) -> None:
        """Append ``item`` to the list at ``path`` (creating the key when it is missing)."""
        found = self._find(path)
        if found is None:
            self.set(path, [item])
            return
        node, _in_flow = found
        expected = copy.deepcopy(self.data)
        target = _container(expected, path[:-1])
        current = target[path[-1]]
        if isinstance(node, yaml.SequenceNode):
            target[path[-1]] = list(current) + [render.to_data(item)]
            text = self._append_flow(node, item) if node.flow_style else self._append_block(node, item)
        elif isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
            target[path[-1]] = [render.to_data(item)]
            text = self._fill_null(node, path, item)
        else:
            raise EditError(T("{file}: {key} is not a list", file=self.file, key=".".join(map(str, path))))
        self._commit(text, expected, path)

    # -- implementation ----------------------------------------------------------------

    def _check(self, text: str) -> Any:
        value, problems = parse(text, self.file)
        if problems or value is None:
            first = problems[0] if problems else None
            if first is None:
                raise EditError(T("{file} cannot be edited safely until it reads cleanly; run `salesgen lint` and "
                                  "fix it first", file=self.file))
            raise EditError(T("{file} cannot be edited safely until it reads cleanly (line {line}: {problem}); "
                              "run `salesgen lint` and fix it first", file=self.file, line=first.line,
                              problem=first.message))
        return value

    def _commit(self, text: str, expected: Any, path: tuple) -> None:
        value, problems = parse(text, self.file)
        if problems or value != expected:
            raise EditError(T("{file}: editing {key} would change more than that value (an anchor, a tag or an "
                              "unusual layout); edit this file by hand", file=self.file, key=".".join(map(str, path))))
        self.text = text
        self.data = value
        self._root = yaml.compose(text, Loader=_Loader)

    def _find(self, path: tuple):
        """(node, inside a flow collection) at ``path``, or None when the last key is missing."""
        node, in_flow = self._root, False
        for depth, part in enumerate(path):
            in_flow = in_flow or bool(getattr(node, "flow_style", False))
            child = None
            if isinstance(node, yaml.MappingNode):
                child = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                child = node.value[part]
            if child is None:
                if depth == len(path) - 1 and isinstance(node, yaml.MappingNode):
                    return None
                raise EditError(T("{file}: there is no {key}", file=self.file,
                                  key=".".join(map(str, path[: depth + 1]))))
            node = child
        return node, in_flow

    def _replace_scalar(self, node, in_flow: bool, value: Any, path: tuple) -> str:
        if (not isinstance(node, yaml.ScalarNode) or node.style in _BLOCK_STYLES
                or isinstance(value, (dict, list, tuple))):
            raise EditError(T("{file}: {key} is not a one-line value", file=self.file, key=".".join(map(str, path))))
        start, end = node.start_mark.index, node.end_mark.index
        new = render.scalar(value, flow=in_flow, style=node.style or "")
        if start == end:  # an empty value (`key:`): keep one space after the colon
            new = " " + new if start and self.text[start - 1] == ":" else new
        return self.text[:start] + new + self.text[end:]

    def _add_key(self, path: tuple, value: Any) -> str:
        parent, _in_flow = self._find(path[:-1]) if path[:-1] else (self._root, False)
        if not isinstance(parent, yaml.MappingNode):
            raise EditError(T("{file}: {key} is not a mapping", file=self.file, key=".".join(map(str, path[:-1])))
                            if path[:-1] else T("{file}: the document is not a mapping", file=self.file))
        key = path[-1]
        if parent.flow_style:
            close = parent.end_mark.index - 1
            entry = f"{render.scalar(key, flow=True)}: {render.flow(value)}"
            return self._insert_flow(parent, close, entry)
        column = parent.value[0][0].start_mark.column
        if isinstance(value, dict) and value:
            lines = [f"{' ' * column}{render.scalar(key)}:"] + render.block_mapping(value, column + self._map_indent())
        elif isinstance(value, (list, tuple)) and value:
            dash = column + self._seq_indent()
            lines = [f"{' ' * column}{render.scalar(key)}:"]
            for item in value:
                lines += render.sequence_item(item, dash, 2)
        elif isinstance(value, (list, tuple, dict)):
            lines = [f"{' ' * column}{render.scalar(key)}: {render.flow(value)}"]
        else:
            lines = [f"{' ' * column}{render.scalar(key)}: {render.scalar(value)}"]
        position = self._commented_slot(parent, key, column)
        return self._insert_lines(self._end_of(parent, column) if position is None else position, lines)

    def _commented_slot(self, parent, key: str, column: int) -> int | None:
        """After a commented-out example of ``key`` (`# key:` and its `#   ...` lines), if the mapping has one.

        Skeletons written by `salesgen new` show optional sections that way; a key
        added later lands under its example instead of far from it.
        """
        start, end = parent.start_mark.index, parent.end_mark.index
        start = self.text.rfind("\n", 0, start) + 1
        pattern = re.compile(rf"^ {{{column}}}# ?{re.escape(str(key))}:[^\n]*\n", re.MULTILINE)
        found = pattern.search(self.text, start, end)
        if found is None:
            return None
        position = found.end()
        body = re.compile(rf" {{{column}}}#(?:  |\t)[^\n]*\n")
        while (more := body.match(self.text, position)) is not None:
            position = more.end()
        return position

    def _append_block(self, node, item: Any) -> str:
        last = node.value[-1]
        dash = self._dash_before(last)
        if dash is None:
            raise EditError(T("{file}: cannot tell how this list is indented; edit it by hand", file=self.file))
        offset = max(last.start_mark.column - dash, 2)
        if getattr(last, "flow_style", False) and isinstance(item, (dict, list, tuple)):
            lines = [" " * dash + "-" + " " * (offset - 1) + render.flow(item)]  # keep `- {a: 1}` style
        else:
            lines = render.sequence_item(item, dash, offset)
        return self._insert_lines(self._end_of(last, dash), lines)

    def _append_flow(self, node, item: Any) -> str:
        return self._insert_flow(node, node.end_mark.index - 1, render.flow(item))

    def _insert_flow(self, node, close: int, entry: str) -> str:
        if self.text[close] not in "]}":
            raise EditError(T("{file}: cannot find the end of a flow collection; edit it by hand", file=self.file))
        head = self.text[:close].rstrip(" ")
        separator = "" if not node.value else (" " if head.endswith(",") else ", ")
        return head + separator + entry + self.text[close:]

    def _fill_null(self, node, path: tuple, item: Any) -> str:
        """`key:` or `key: ~` becomes `key:` followed by a block list with one item."""
        parent, _ = self._find(path[:-1]) if path[:-1] else (self._root, False)
        if parent.flow_style:
            raise EditError(T("{file}: {key} is empty inside a flow mapping; edit it by hand", file=self.file,
                              key=".".join(map(str, path))))
        column = next(k.start_mark.column for k, v in parent.value if v is node)
        start, end = node.start_mark.index, node.end_mark.index
        head = self.text[:start].rstrip(" ") if end > start else self.text[:start]
        text = head + self.text[end:]
        lines = render.sequence_item(item, column + self._seq_indent(), 2)
        return _insert(text, _after_line(text, len(head)), lines, self.newline)

    def _insert_lines(self, position: int, lines: list[str]) -> str:
        return _insert(self.text, position, lines, self.newline)

    def _end_of(self, node, container_column: int) -> int:
        """Where the text of ``node`` ends: the start of the line after it.

        Comment lines right after it that are indented deeper than its container
        belong to it (a commented-out field); trailing blank lines do not.
        """
        end, at_line_start = _content_end(self.text, node)
        position = end if at_line_start else _after_line(self.text, end)
        best, scan = position, position
        while scan < len(self.text):
            line_end = _after_line(self.text, scan)
            line = self.text[scan:line_end]
            stripped = line.strip()
            if not stripped:
                scan = line_end
                continue
            indent = len(line) - len(line.lstrip(" "))
            if stripped.startswith("#") and indent > container_column:
                scan = best = line_end
                continue
            break
        return best

    def _dash_before(self, item) -> int | None:
        """Column of the `-` that introduces a block-sequence item."""
        index = item.start_mark.index - 1
        while index >= 0 and self.text[index] == " ":
            index -= 1
        if index < 0 or self.text[index] != "-":
            return None
        return index - (self.text.rfind("\n", 0, index) + 1)

    def _seq_indent(self) -> int:
        """How far this file indents a block list under its key (0 or 2, usually)."""
        for key, value in _block_pairs(self._root):
            if isinstance(value, yaml.SequenceNode) and not value.flow_style and value.value:
                dash = self._dash_before(value.value[0])
                if dash is not None:
                    return max(dash - key.start_mark.column, 0)
        return 2

    def _map_indent(self) -> int:
        for key, value in _block_pairs(self._root):
            if isinstance(value, yaml.MappingNode) and not value.flow_style and value.value:
                step = value.value[0][0].start_mark.column - key.start_mark.column
                if step > 0:
                    return step
        return 2


def _container(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


def _block_pairs(node):
    """(key node, value node) of every block mapping in the tree, document order."""
    stack = [node]
    while stack:
        current = stack.pop(0)
        if isinstance(current, yaml.MappingNode):
            if not current.flow_style:
                yield from current.value
            stack.extend(v for _, v in current.value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def _content_end(text: str, node) -> tuple[int, bool]:
    """Index where the node's own text ends, and whether that index is a line start."""
    while True:
        if isinstance(node, yaml.ScalarNode):
            if node.style in _BLOCK_STYLES:
                header = text[node.start_mark.index:text.find("\n", node.start_mark.index)]
                if "+" in header:  # keep chomping: trailing blank lines are part of the value
                    return node.end_mark.index, True
                end = node.end_mark.index
                while end > node.start_mark.index and text[end - 1] in " \r\n":
                    end -= 1
                return end, False
            return node.end_mark.index, False
        if getattr(node, "flow_style", False) or not node.value:
            return node.end_mark.index, False
        node = node.value[-1][1] if isinstance(node, yaml.MappingNode) else node.value[-1]


def _after_line(text: str, index: int) -> int:
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


def _insert(text: str, position: int, lines: list[str], newline: str) -> str:
    block = newline.join(lines) + newline
    if position > 0 and text[position - 1] != "\n":
        block = newline + block
    return text[:position] + block + text[position:]
