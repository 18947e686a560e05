"""Write files so that a reader (or a crash) sees the old bytes or the new, never half of each.

Each file is written to a temporary file in the same folder, flushed to disk (fsync),
then renamed over the old one (``os.replace`` is atomic on POSIX and Windows). Several
files change together through a journal (``journal.py``): all of them or none, even
if the process is killed between two renames. On any failure, including Ctrl-C, the
temporary files are removed and the old files are untouched. Temporary names start
with a dot and end in ``.salesgen-tmp``, so a stray one is never read as a deal or
customer, and recovery removes only files of that pattern.
"""
from __future__ import annotations

import os
import secrets
import signal
import stat
from pathlib import Path

TEMP_SUFFIX = ".salesgen-tmp"
CRASH_VARIABLE = "SALESGEN_TEST_CRASH_AT"
_steps = 0


class WriteError(Exception):
    """A file could not be written; the message names it and says why."""


def checkpoint() -> None:
    """Test hook between two steps of a write: ``SALESGEN_TEST_CRASH_AT=N`` kills the process at the N-th.

    A real ``kill -9`` (SIGKILL, which no handler can catch) at every point between
    two steps shows that the journal leaves every file all old or all new. Without
    the variable this is one dictionary lookup.
    """
    global _steps
    wanted = os.environ.get(CRASH_VARIABLE)
    if not wanted:
        return
    _steps += 1
    if str(_steps) == wanted.strip():
        os.kill(os.getpid(), signal.SIGKILL)


def temp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


def is_temp_of(name: str, target_name: str) -> bool:
    """Whether ``name`` is a temporary file salesgen wrote for a file called ``target_name``."""
    prefix = f".{target_name}."
    middle = name[len(prefix):-len(TEMP_SUFFIX)] if name.startswith(prefix) and name.endswith(TEMP_SUFFIX) else ""
    return len(middle) == 8 and all(c in "0123456789abcdef" for c in middle)


def _write_temp(path: Path, data: bytes) -> Path:
    """The new bytes, on disk, beside ``path``; same permissions as the file it replaces."""
    return write_file(temp_path(path), data, like=path)


def write_file(temp: Path, data: bytes, like: Path | None = None) -> Path:
    """Create ``temp`` (it must not exist) with ``data``, flushed to disk; the mode of ``like`` if it exists."""
    try:
        mode = stat.S_IMODE(like.stat().st_mode) if like is not None else None
    except FileNotFoundError:
        mode = None
    checkpoint()
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            checkpoint()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
    except BaseException:
        remove(temp)
        raise
    return temp


def remove(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def sync_folder(folder: Path) -> None:
    """Make a rename or removal itself durable (best effort: not every platform can open a folder)."""
    checkpoint()
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, root: Path | None = None) -> None:
    """Replace (or create) ``path`` with ``data`` atomically."""
    write_all({Path(path): data}, root)


def write_all(changes: dict, root: Path | None = None) -> None:
    """Write several files: all of them or none, even if the process is killed midway.

    ``root`` is where the journal goes (the repository root, where the next salesgen
    command looks for it); by default the folder the files have in common.
    """
    from .journal import transaction

    changes = {Path(path): data for path, data in changes.items()}
    if changes:
        transaction(root or _common_folder(changes), changes)


def create_new(path: Path, data: bytes, root: Path | None = None) -> None:
    """Create ``path`` with ``data``; never replace a file that exists (FileExistsError)."""
    from .journal import transaction

    path = Path(path)
    if path.exists() or path.is_symlink():
        raise FileExistsError(path)
    transaction(root or path.parent, {path: data}, create=True)


def _common_folder(changes: dict) -> Path:
    return Path(os.path.commonpath([str(path.parent.absolute()) for path in changes]))
