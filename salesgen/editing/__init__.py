"""Change salesgen files the way a careful person would: only what must change, atomically.

``EditableDocument`` makes precise text edits that keep every comment, blank line, key
order and quoting; ``write_all``/``write_atomic``/``create_new`` put the result on disk
through a temporary file, fsync and rename. Used by `new`, `move` and `handover`.
"""
from .atomic import WriteError, create_new, write_all, write_atomic
from .document import EditableDocument, EditError

__all__ = ["EditableDocument", "EditError", "WriteError", "create_new", "write_all", "write_atomic"]
