"""Write files so that a reader (or a crash) sees the old bytes or the new, never half of each.

Each file is written to a temporary file in the same folder, flushed to disk (fsync),
then renamed over the old one (``os.replace`` is atomic on POSIX and Windows). On any
failure, including Ctrl-C, the temporary file is removed and the old file is untouched.
Temporary names start with a dot, so a stray one is never read as a deal or customer.
"""
from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path


class WriteError(Exception):
    """A file could not be written; the message names it and says why."""


def _temp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.salesgen-tmp")


def _write_temp(path: Path, data: bytes) -> Path:
    """The new bytes, on disk, beside ``path``; same permissions as the file it replaces."""
    temp = _temp_path(path)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
    except BaseException:
        _remove(temp)
        raise
    return temp


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every platform can open a folder)."""
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


def write_atomic(path: Path, data: bytes) -> None:
    """Replace (or create) ``path`` with ``data`` atomically."""
    write_all({Path(path): data})


def write_all(changes: dict) -> None:
    """Write several files: every new version is on disk before the first rename.

    A failure while preparing leaves every file as it was. The renames that follow
    are the only step that can leave some files new and some old, and only if the
    folder itself fails between two renames.
    """
    temps: dict[Path, Path] = {}
    try:
        for path, data in changes.items():
            try:
                temps[Path(path)] = _write_temp(Path(path), data)
            except OSError as error:
                raise WriteError(f"cannot write {path}: {error.strerror or error}") from None
        done = []
        for path, temp in temps.items():
            try:
                os.replace(temp, path)
            except OSError as error:
                written = f" (already written: {', '.join(map(str, done))})" if done else ""
                raise WriteError(f"cannot replace {path}: {error.strerror or error}{written}") from None
            done.append(path)
        for folder in {p.parent for p in done}:
            _sync_folder(folder)
    finally:
        for temp in temps.values():
            if temp.exists():
                _remove(temp)


def create_new(path: Path, data: bytes) -> None:
    """Create ``path`` with ``data``; never replace a file that exists (FileExistsError)."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise FileExistsError(path)
    temp = _write_temp(path, data)
    try:
        try:
            os.link(temp, path)  # fails if the name was taken meanwhile: no clobbering
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: exclusive create, then fill
            with open(path, "xb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        _sync_folder(path.parent)
    finally:
        _remove(temp)
