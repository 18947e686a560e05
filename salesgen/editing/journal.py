"""All or nothing across files: a journal makes a multi-file edit survive a kill at any moment.

A `handover` changes several files; a rename is atomic for one file only. So an edit
goes through these steps, each flushed to disk before the next:

1. the journal ``.salesgen-journal`` at the repository root says which files are about
   to change (state ``prepared``);
2. every new version is written to a temporary file beside its file;
3. the journal is rewritten with each temporary file's name and the SHA-256 of the old
   and new bytes (state ``committed``): from here on the edit counts as made;
4. the temporary files are renamed over the files;
5. the journal is removed.

The journal itself is written to ``.salesgen-journal.salesgen-tmp`` and renamed, so it
is always whole. Every salesgen command that reads a repository first calls
``recover``: a ``prepared`` journal is rolled back (the temporary files beside the files
it names are removed; no file was touched yet), a ``committed`` one is rolled forward
(the remaining renames are done). Either way no temporary file is left behind, and
every file is all old or all new. A file changed by hand since the interrupted edit
is never overwritten. Writers and recovery take a lock on the root folder (``flock``,
where the platform has it), so a command never recovers an edit another one is making.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..i18n import T
from . import atomic
from .atomic import WriteError, checkpoint, is_temp_of, remove, sync_folder, write_file

JOURNAL = ".salesgen-journal"
JOURNAL_TEMP = JOURNAL + atomic.TEMP_SUFFIX
FORMAT = 1
SHOWN = 3  # files named in the one-line recovery message


@dataclass(frozen=True)
class Entry:
    target: str  # relative to the root, '/' separators
    old: str | None  # SHA-256 of the bytes it replaces; None: a new file
    new: str = ""
    temp: str = ""  # the temporary file with the new bytes (committed journals only), same folder


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@contextlib.contextmanager
def locked(root: Path):
    """Hold an exclusive lock on the root folder (no-op where folders cannot be locked)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    try:
        fd = os.open(root, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:  # a file system without locks: carry on unlocked
            pass
        yield
    finally:
        os.close(fd)  # releases the lock


def transaction(root: Path, changes: dict, *, create: bool = False) -> None:
    """Write ``changes`` ({absolute path: bytes}) all or nothing; ``create``: new files only, never replaced.

    Raises WriteError (or, with ``create``, the OSError itself; FileExistsError when a
    file appeared meanwhile). The caller's KeyboardInterrupt passes through, files as before.
    """
    root = Path(root)
    with locked(root):
        _recover_locked(root)  # an edit killed earlier is settled before a new one starts
        entries = [_entry(root, path, data, create) for path, data in changes.items()]
        written: list[Entry] = []
        try:
            _write_journal(root, "prepared", entries)
            for entry, (path, data) in zip(entries, changes.items()):
                try:
                    temp = atomic._write_temp(path, data)
                except OSError as error:
                    if create:
                        raise
                    raise WriteError(T("cannot write {path}: {reason}", path=path,
                                       reason=error.strerror or error)) from None
                written.append(Entry(entry.target, entry.old, entry.new, _relative(root, temp)))
            _write_journal(root, "committed", written)
        except BaseException:
            _roll_back(root, entries, written)
            raise
        done = 0
        try:
            for entry, data in zip(written, changes.values()):
                _publish(root, entry, data, create)
                done += 1
        except BaseException as error:
            if done == 0:  # nothing new is visible yet: as if it never started
                _roll_back(root, entries, written)
                if create or not isinstance(error, OSError):
                    raise
                raise WriteError(T("cannot replace {path}: {reason}", path=root / written[0].target,
                                    reason=error.strerror or error)) from None
            try:  # some files are new already: the others must follow
                _roll_forward(root, written)
            except OSError as again:
                raise WriteError(T("cannot replace {path}: {reason}; the edit is recorded in {journal} and the next "
                                   "salesgen command finishes it (already written: {written})",
                                   path=written[done].target, reason=again.strerror or again, journal=JOURNAL,
                                   written=", ".join(e.target for e in written[:done]))) from None
            _finish(root, written)
            return
        _finish(root, written)


def recover(root: Path) -> str | None:
    """Settle an edit that a killed process left unfinished; one line saying what was done, or None."""
    root = Path(root)
    if not (os.path.lexists(root / JOURNAL) or os.path.lexists(root / JOURNAL_TEMP)):
        return None
    with locked(root):
        return _recover_locked(root)


# -- steps ---------------------------------------------------------------------------------------


def _entry(root: Path, path: Path, data: bytes, create: bool) -> Entry:
    target = _relative(root, path)
    try:
        old = None if create else digest(path.read_bytes())
    except FileNotFoundError:
        old = None
    except OSError as error:
        raise WriteError(T("cannot read {path}: {reason}", path=path, reason=error.strerror or error)) from None
    return Entry(target, old, digest(data))


def _relative(root: Path, path: Path) -> str:
    try:
        return Path(path).absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        raise WriteError(T("cannot write {path}: it is outside {root}", path=path, root=root)) from None


def _write_journal(root: Path, state: str, entries: list[Entry]) -> None:
    record = {"salesgen-journal": FORMAT, "state": state,
              "files": [{"target": e.target, "old": e.old, "new": e.new, "temp": e.temp} for e in entries]}
    data = (json.dumps(record, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    temp = root / JOURNAL_TEMP
    try:
        remove(temp)
        write_file(temp, data)
        checkpoint()
        os.replace(temp, root / JOURNAL)
    except OSError as error:
        remove(temp)
        raise WriteError(T("cannot write {path}: {reason}", path=root / JOURNAL,
                           reason=error.strerror or error)) from None
    except BaseException:
        remove(temp)
        raise
    sync_folder(root)


def _publish(root: Path, entry: Entry, data: bytes, create: bool) -> None:
    temp, target = root / entry.temp, root / entry.target
    checkpoint()
    if not create:
        os.replace(temp, target)
        return
    try:
        os.link(temp, target)  # fails if the name was taken meanwhile: no clobbering
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: exclusive create, then fill
        with open(target, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    remove(temp)


def _finish(root: Path, entries: list[Entry]) -> None:
    for folder in sorted({(root / e.target).parent for e in entries}):
        sync_folder(folder)
    checkpoint()
    remove(root / JOURNAL)
    sync_folder(root)


def _roll_back(root: Path, prepared: list[Entry], written: list[Entry]) -> None:
    """Remove every temporary file of this edit, then the journal: the files are as before."""
    for entry in written:
        remove(root / entry.temp)
    for entry in prepared:
        _remove_temporaries(root, entry.target)
    remove(root / JOURNAL_TEMP)
    remove(root / JOURNAL)
    sync_folder(root)


def _remove_temporaries(root: Path, target: str) -> int:
    """Remove salesgen's temporary files for ``target`` (only names of its own pattern)."""
    path = root / target
    try:
        names = os.listdir(path.parent)
    except OSError:
        return 0
    found = [name for name in names if is_temp_of(name, path.name)]
    for name in found:
        remove(path.parent / name)
    return len(found)


def _roll_forward(root: Path, entries: list[Entry]) -> list[str]:
    """Rename every temporary file still there over its file; the files left alone (changed by hand since)."""
    left_alone = []
    for entry in entries:
        temp, target = root / entry.temp, root / entry.target
        current = _digest_of(target)
        if not temp.exists():
            if current != entry.new:
                left_alone.append(entry.target)
            continue
        if current == entry.new or current != entry.old or _digest_of(temp) != entry.new:
            if current != entry.new:
                left_alone.append(entry.target)
            remove(temp)
            continue
        checkpoint()
        os.replace(temp, target)
    return left_alone


def _digest_of(path: Path) -> str | None:
    try:
        return digest(path.read_bytes())
    except OSError:
        return None


# -- recovery ------------------------------------------------------------------------------------


def _recover_locked(root: Path) -> str | None:
    remove(root / JOURNAL_TEMP)  # a journal write that never finished; the one before it still counts
    try:
        record = json.loads((root / JOURNAL).read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        record = None
    entries = _valid_entries(record)
    if entries is None:
        remove(root / JOURNAL)
        sync_folder(root)
        return T("removed an unreadable {journal} (not written by this salesgen); no file was changed", journal=JOURNAL)
    if record["state"] == "prepared":
        for entry in entries:
            _remove_temporaries(root, entry.target)
        for folder in sorted({(root / e.target).parent for e in entries}):
            sync_folder(folder)
        remove(root / JOURNAL)
        sync_folder(root)
        return T("rolled back an interrupted edit of {files}: none of it was written", files=_names(entries))
    try:
        left_alone = _roll_forward(root, entries)
    except OSError as error:
        return T("could not finish an interrupted edit of {files}: {reason}; fix the cause and run salesgen again "
                 "({journal} keeps the edit)", files=_names(entries), reason=error.strerror or error, journal=JOURNAL)
    _finish(root, entries)
    if left_alone:
        return T("finished an interrupted edit of {files}: all of it is written (changed since, left as they are: "
                 "{kept})", files=_names(entries), kept=", ".join(left_alone[:SHOWN]))
    return T("finished an interrupted edit of {files}: all of it is written", files=_names(entries))


def _valid_entries(record) -> list[Entry] | None:
    """The journal's entries, or None when it is not a journal this code wrote (never trusted blindly)."""
    if not isinstance(record, dict) or record.get("salesgen-journal") != FORMAT \
            or record.get("state") not in ("prepared", "committed") or not isinstance(record.get("files"), list):
        return None
    entries = []
    for item in record["files"]:
        if not isinstance(item, dict) or not _safe_relative(item.get("target")):
            return None
        target = PurePosixPath(item["target"])
        temp = item.get("temp") or ""
        if record["state"] == "committed":
            temp_path = PurePosixPath(temp) if _safe_relative(temp) else None
            if temp_path is None or temp_path.parent != target.parent or not is_temp_of(temp_path.name, target.name):
                return None
        entries.append(Entry(target.as_posix(), item.get("old"), str(item.get("new") or ""), temp))
    return entries


def _safe_relative(value) -> bool:
    if not isinstance(value, str) or not value or "\\" in value or "\0" in value:
        return False
    path = PurePosixPath(value)
    return not path.is_absolute() and ".." not in path.parts and path.parts[:1] != ("",)


def _names(entries: list[Entry]):
    names = [e.target for e in entries]
    shown = ", ".join(names[:SHOWN])
    if len(names) > SHOWN:
        shown = T("{names} and {n} more", names=shown, n=len(names) - SHOWN)
    return T("1 file ({names})", names=shown) if len(names) == 1 else T("{n} files ({names})", n=len(names),
                                                                         names=shown)
