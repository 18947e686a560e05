"""The lint cache: per-file results (load + schema problems, positioned data) kept between runs.

What a file contributes on its own (``repository.check_bytes``) is a pure function of
its bytes, its path and kind, the tool and the schemas. The cache keeps that result,
the ``Document``, keyed by the SHA-256 of those inputs, in ``.salesgen-cache/`` at the
repository root; cross-file rules always run again on the cached models.

Layout: a fixed number of shard files, each holding the entries of the files whose
path hashes to it. A warm run reads every shard once; an edit rewrites only the shards
of the files that changed (a pack of 10,000 deals rewritten on every edit would cost
more than it saves, one file per entry costs 10,000 opens per run: see
``tests/benchmarks/run_benchmarks.py`` for the measurements behind this).

Every shard names the salt it was written under (format, salesgen version, a digest
of the per-file checking code, the Python version, the version of every library that
decides a file's own result (``library_versions``), schema and config hashes) and
carries a digest of its payload. A shard that is unreadable, truncated,
written under another salt or fails its digest is ignored and rewritten. Entries are
unpickled with an allow-list of classes, so a planted cache file cannot run code.
Writes go to a temporary file and are renamed into place, so a reader never sees a
half-written shard.

A file's key needs its bytes; reading and hashing 300 MB at 50,000 deals is most of a
warm run's reading. ``stat.pickle`` remembers, per file, its status (modification and
change times in nanoseconds, size, inode, device) with the key of the bytes read after
that status was taken, and a later run takes the key from there while the status is
the same, as git's index does. Only a file whose times are at least ``SETTLED_NS`` older
than the run that read it is remembered: a file written again within a clock tick of a
read keeps its times, and is read every time until it has settled. Any write changes
the change time (which no program can set back), so an edit is always read.
"""
from __future__ import annotations

import gc
import hashlib
import io
import os
import pickle
import stat
import struct
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from .repository import MAX_FILE_BYTES, Document, check_bytes, read_document

CACHE_DIR = ".salesgen-cache"
FORMAT = 3
# 64, not 16: a cold run's workers take a shard each (finer tasks share the cores out more evenly), and an
# edit rewrites a quarter as much (at 50,000 deals a shard of 16 is 17 MB of pickle). Customers have shards
# of their own: `salesgen lint` reads every customer first, then the deals one shard at a time (engine_parts).
DEAL_SHARDS = 64
CUSTOMER_SHARDS = 16
SHARDS = DEAL_SHARDS + CUSTOMER_SHARDS
MAGIC = b"salesgen-lint-cache\n"
STAT_FILE = "stat.pickle"
# How much older than the run a file's times must be for its status to stand for its bytes next time:
# far above the granularity of any file system's times (ext4 and tmpfs: a clock tick; FAT: 2 s).
SETTLED_NS = 3_000_000_000
TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
       "# This file is a cache directory tag created by salesgen (the lint cache).\n"
       "# For information about cache directory tags, see https://bford.info/cachedir/\n")
# Modules whose code decides a file's own problems: an edit to any of them invalidates the cache.
_CHECKING_MODULES = ("yamlsource.py", "schemas.py", "repository.py", "problem.py", "currencies.py",
                     "salvage.py", "fullwidth.py")
# Distributions whose code decides a file's own problems: PyYAML parses it (with libyaml, see
# library_versions), jsonschema-rs says whether it is valid, jsonschema (with referencing for
# the schemas' $refs) explains why not, regress reads its patterns as JSON Schema means them, and
# Babel's list of ISO 4217 codes decides which currencies exist.
LIBRARIES = ("PyYAML", "jsonschema", "jsonschema-rs", "referencing", "regress", "Babel")
_ALLOWED = {
    ("salesgen.repository", "Document"), ("salesgen.yamlsource", "Mapping"), ("salesgen.yamlsource", "Sequence"),
    ("salesgen.problem", "Problem"), ("salesgen.problem", "Severity"), ("decimal", "Decimal"),
    ("salesgen.i18n", "Message"), ("salesgen.i18n", "Localized"),  # messages keep their template, to be translated when shown
    ("array", "array"), ("array", "_array_reconstructor"),  # positions of files over 64 KiB
}


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"class {module}.{name} is not allowed in the lint cache")
        return super().find_class(module, name)


def salt(root: Path) -> str:
    """What every entry depends on besides the file itself."""
    from . import __version__, schemas

    digest = hashlib.sha256()
    libraries = [f"{name}={version}" for name, version in library_versions().items()]
    for part in (str(FORMAT), __version__, f"{sys.version_info[0]}.{sys.version_info[1]}", *libraries,
                 schemas.schema_hash()):
        digest.update(part.encode() + b"\0")
    here = Path(__file__).resolve().parent
    for name in _CHECKING_MODULES:
        digest.update(_read_or_empty(here / name))
    digest.update(b"config\0" + _read_or_empty(root / "salesgen.yaml"))
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """The version of every library that decides what a file's own check reports.

    ``LIBRARIES`` as installed, the libyaml under PyYAML's C loader (or that the pure-Python
    loader parses), and whether jsonschema-rs could be imported (without it the reference
    jsonschema decides every file).
    """
    import yaml

    from . import schemas, yamlsource

    versions = {name: package_version(name) for name in LIBRARIES}
    c_loader = getattr(yaml, "CSafeLoader", None)
    versions["libyaml"] = _libyaml_version() if c_loader is not None and issubclass(
        yamlsource._FastLoader, c_loader) else "not used"
    versions["jsonschema-rs imported"] = str(schemas.jsonschema_rs is not None)
    return versions


def package_version(name: str) -> str:
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:  # not installed, or an unusual installation
        return "?"


def _libyaml_version() -> str:
    try:
        from yaml._yaml import get_version_string  # PyYAML's C extension: the only place it says

        return get_version_string()
    except Exception:  # pragma: no cover - an older PyYAML layout
        return "?"


def _read_or_empty(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def entry_key(data: bytes, rel: str, kind: str) -> bytes:
    return hashlib.sha256(b"%s\0%s\0%s" % (rel.encode("utf-8", "surrogateescape"), kind.encode(), data)).digest()


def shard_of(rel: str) -> int:
    """The shard of a file: a deal's in 0 to DEAL_SHARDS - 1, a customer's (customers/...) in the ones after."""
    byte = hashlib.blake2b(rel.encode("utf-8", "surrogateescape"), digest_size=2).digest()[0]
    if rel.startswith("customers/"):
        return DEAL_SHARDS + byte % CUSTOMER_SHARDS
    return byte % DEAL_SHARDS


class LintCache:
    """Plug ``cache.reader`` into ``load_repository``/``engine.lint``, then call ``save()``."""

    def __init__(self, root: Path, store: Path | None = None, enabled: bool = True) -> None:
        """``root``: the files checked; ``store``: whose .salesgen-cache/ holds the entries (default ``root``;
        `lint --staged` checks a scratch copy of the index with the working tree's cache). ``enabled``
        False: nothing is read from or written to the folder (``lint --no-cache``), every file is checked."""
        self.root = Path(root)
        self.folder = Path(store if store is not None else root) / CACHE_DIR
        # a cache folder that is a link (say, committed by someone) could point anywhere: not used
        self.enabled = enabled and not self.folder.is_symlink()
        self.salt = salt(self.root) if self.enabled else ""  # hashing the checking code: only to use the folder
        self._shards: dict[int, dict] = {}  # shard -> rel -> (key, Document), as read
        self._seen: dict[int, dict] = {}  # shard -> rel -> (key, Document), this run
        self._dirty: set[int] = set()
        self._prepared: dict = {}  # rel -> Document, checked ahead by prepare()
        self._written: set[int] = set()  # shards prepare() already wrote
        self._finished: set[int] = set()  # shards finish_part() wrote (or found unchanged) and forgot
        self._unwritable = False
        self.hits = 0
        self.misses = 0
        # statuses are trusted only for the files of this cache's own repository (`lint --staged` checks a copy)
        self._stats_used = self.enabled and self.folder.parent.resolve() == self.root.resolve()
        self._stats: dict | None = None  # rel -> status + key (``status()`` bytes, then 32 bytes), as read
        self._stats_now: dict = {}  # rel -> status + key to remember, this run
        self._settled_before = now_ns() - SETTLED_NS  # a file's times must be older than this to be remembered
        self.advance: Callable[[int], None] = _nothing  # called with the number of files done (a progress bar)

    # -- checking ahead, over several processes -----------------------------------------------------

    def prepare(self, files: list, jobs: int | None = None) -> None:
        """Check ahead the files of ``files`` ((rel, kind, path), as ``reader`` will be asked for them).

        Every regular file is read and hashed; those the cache does not hold are checked
        over ``jobs`` worker processes (``parallel.workers_for``: None is every usable core
        when there are enough of them; 1 or a single core: this process only, as the reader
        alone would). ``reader`` then returns what was checked here.
        """
        from . import parallel

        if jobs == 1 or (jobs is None and parallel.usable_cores() == 1) or not parallel.can_fork():
            return  # the reader does everything, file by file, as it always did
        tasks: dict[int, list] = {}
        statuses: dict = {}  # rel -> the status taken before the file was read
        pending = 0
        for rel, kind, path in files:
            try:
                info = path.lstat()
                if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
                    continue  # links, pipes, huge files: the reader hands them to read_document
                shard = shard_of(rel)
                cached = self._load(shard).get(rel)
                # a file the cache does not know is read where it is checked (cold: only there)
                key = None if cached is None else self._known_key(rel, info) or self._key_read(rel, kind, path, info)[0]
            except OSError:
                continue
            statuses[rel] = info
            if cached is not None and cached[0] == key:
                tasks.setdefault(shard, []).append((rel, key, cached[1]))
            else:
                tasks.setdefault(shard, []).append((rel, key, (path, kind)))  # read again where it is checked
                pending += 1
        hits = sum(len(items) for items in tasks.values()) - pending
        self.hits += hits
        self.advance(hits)
        work = {shard: items for shard, items in tasks.items()
                if any(isinstance(what, tuple) for _rel, _key, what in items)}
        for shard, items in tasks.items():
            if shard not in work:
                self._take(shard, {rel: (key, what) for rel, key, what in items})
        workers = parallel.workers_for(jobs, pending, len(work))
        if workers:
            parallel.run_tasks(work, workers, lambda shard, payload: self._checked(shard, work[shard], payload))
        else:
            for shard, items in work.items():
                self._checked(shard, items, None)
        for shard in work:  # read in a worker after the status was taken here: the key is of bytes read after it
            for rel, (key, _document) in self._seen.get(shard, {}).items():
                if rel in statuses:
                    self._remember(rel, statuses[rel], key)

    def _checked(self, shard: int, items: list, payload: bytes | None) -> None:
        """A shard's entry table from a worker (``payload``), or, when None, checked here."""
        from .parallel import checked_entries

        pending = sum(1 for _rel, _key, what in items if isinstance(what, tuple))
        if payload is None:
            entries = checked_entries(items, unreadable=lambda rel: None)
        else:
            entries = decode_payload(payload)
            self._write_payload(shard, payload)
        self.misses += pending
        self._dirty.add(shard)
        self._take(shard, entries)
        self.advance(pending)

    def _take(self, shard: int, entries: dict) -> None:
        self._seen[shard] = entries
        for rel, (_key, document) in entries.items():
            self._prepared[rel] = document

    def _write_payload(self, shard: int, payload: bytes) -> None:
        """Write a shard a worker pickled: the cache write of a cold run, without pickling it again."""
        if not self.enabled or self._unwritable:
            return
        try:
            self._prepare_folder()
            atomic_write(self.folder / f"shard-{shard:02d}.pickle", with_header(payload, self.salt))
        except OSError:
            self._unwritable = True  # a read-only checkout: run without a cache
            return
        self._written.add(shard)

    def content_keys(self) -> dict:
        """rel -> the key of the bytes read this run (a digest of the file): a build compares pages' inputs by it."""
        return {rel: entry[0] for entries in self._seen.values() for rel, entry in entries.items()}

    # -- reading ----------------------------------------------------------------------------------

    def reader(self, root: Path, rel: str, kind: str, path: Path) -> Document:
        """A ``repository.Reader``: the cached Document when the file is unchanged."""
        document = self._prepared.pop(rel, None)
        if document is not None:
            return document
        document = self._read(root, rel, kind, path)
        self.advance(1)
        return document

    def _read(self, root: Path, rel: str, kind: str, path: Path) -> Document:
        try:
            info = path.lstat()
        except OSError:
            return read_document(root, rel, kind, path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return read_document(root, rel, kind, path)  # links, pipes, huge files: not cached
        shard = shard_of(rel)
        entries = self._load(shard)
        cached = entries.get(rel)
        key, data = self._known_key(rel, info), None
        if key is None:
            try:
                key, data = self._key_read(rel, kind, path, info)
            except OSError:
                return read_document(root, rel, kind, path)
        if cached is not None and cached[0] == key:
            self.hits += 1
            document = cached[1]
        else:
            if data is None:  # the status says unchanged, but the entry is gone (another shard's salt)
                try:
                    key, data = self._key_read(rel, kind, path, info)
                except OSError:
                    return read_document(root, rel, kind, path)
            self.misses += 1
            document = check_bytes(data, rel, kind)
            self._dirty.add(shard)
        self._seen.setdefault(shard, {})[rel] = (key, document)
        return document

    # -- keys from the files' status -------------------------------------------------------------

    def known_statuses(self) -> None:
        """Read the status table now (before forking: the processes share it)."""
        if self._stats_used and self._stats is None:
            self._stats = self._read_stats()

    def _known_key(self, rel: str, info: os.stat_result) -> bytes | None:
        """The key remembered for ``rel`` when its status is still the one it was read with, else None."""
        if not self._stats_used:
            return None
        if self._stats is None:
            self._stats = self._read_stats()
        known = self._stats.get(rel)
        if known is None or known[:_STATUS_BYTES] != status(info):
            return None
        self._stats_now[rel] = known
        return known[_STATUS_BYTES:]

    def _key_read(self, rel: str, kind: str, path: Path, info: os.stat_result) -> tuple[bytes, bytes]:
        """(key, bytes) of ``rel`` read now; ``info`` is its status taken before reading it."""
        data = read_sized(path, info.st_size)
        key = entry_key(data, rel, kind)
        self._remember(rel, info, key)
        return key, data

    def _remember(self, rel: str, info: os.stat_result, key: bytes) -> None:
        if self._stats_used and max(info.st_mtime_ns, info.st_ctime_ns) < self._settled_before:
            packed = status(info)
            if packed is not None:
                self._stats_now[rel] = packed + key

    def _read_stats(self) -> dict:
        try:
            blob = (self.folder / STAT_FILE).read_bytes()
        except OSError:
            return {}
        table = decode_shard(blob, self.salt, check=_is_stat_table)
        return table if table is not None else {}

    def _load(self, shard: int) -> dict:
        entries = self._shards.get(shard)
        if entries is None:
            entries = self._shards[shard] = self._read_shard(shard)
        return entries

    def _read_shard(self, shard: int) -> dict:
        if not self.enabled:
            return {}
        path = self.folder / f"shard-{shard:02d}.pickle"
        try:
            blob = path.read_bytes()
        except OSError:
            return {}
        entries = decode_shard(blob, self.salt)
        if entries is None:
            self._dirty.add(shard)  # corrupt or stale: rewrite it
            return {}
        return entries

    # -- one shard at a time ---------------------------------------------------------------------

    def finish_part(self, shard: int) -> dict:
        """Write shard ``shard`` if what this run read of it differs from its file, then forget its entries
        (a lint in parts holds one shard of deals at a time). Returns the statuses remembered for the files
        read from it (``merge_statuses``: a forked process's table goes back to the one that saves it)."""
        current = self._seen.pop(shard, {})
        loaded = self._shards.pop(shard, {})
        if self.enabled and not self._unwritable and (shard in self._dirty or set(current) != set(loaded)):
            try:
                self._write_shard(shard, current)
            except OSError:
                self._unwritable = True  # a read-only checkout: run without a cache
        self._dirty.discard(shard)
        self._finished.add(shard)
        return {rel: self._stats_now[rel] for rel in current if rel in self._stats_now}

    def merge_statuses(self, statuses: dict) -> None:
        self._stats_now.update(statuses)

    def forget_shards_without_files(self, shards: set) -> None:
        """Remove the files of the deal shards not in ``shards`` (their files are all gone); for a lint in parts,
        which never reads them."""
        if not self.enabled or self._unwritable:
            return
        for shard in range(DEAL_SHARDS):
            if shard not in shards and shard not in self._finished:
                try:
                    (self.folder / f"shard-{shard:02d}.pickle").unlink()
                except FileNotFoundError:
                    pass
                except OSError:
                    return
                self._finished.add(shard)

    # -- writing ----------------------------------------------------------------------------------

    def save(self) -> None:
        """Write the shards that changed (new, edited, renamed or deleted files). Never raises."""
        if not self.enabled or self._unwritable:
            return
        for shard in range(SHARDS):
            current = self._seen.get(shard, {})
            if shard in self._written or shard in self._finished:
                continue
            if shard not in self._dirty and set(current) == set(self._shards.get(shard, {})):
                continue
            try:
                self._write_shard(shard, current)
            except OSError:
                return  # a read-only checkout: run without a cache
        if self._stats_used and self._stats_now != (self._stats or {}):
            try:  # what is remembered of this run's files (the files gone are forgotten)
                self._prepare_folder()
                atomic_write(self.folder / STAT_FILE, encode_shard(self._stats_now, self.salt))
            except OSError:
                return

    def _write_shard(self, shard: int, entries: dict) -> None:
        self._prepare_folder()
        path = self.folder / f"shard-{shard:02d}.pickle"
        if not entries:
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            return
        atomic_write(path, encode_shard(entries, self.salt))

    def _prepare_folder(self) -> None:
        if (self.folder / "CACHEDIR.TAG").is_file():
            return
        self.folder.mkdir(exist_ok=True)
        atomic_write(self.folder / "CACHEDIR.TAG", TAG.encode())
        atomic_write(self.folder / ".gitignore", b"# created by salesgen: the lint cache is never committed\n*\n")


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)


def read_sized(path: Path, size: int) -> bytes:
    """The bytes of the regular file ``path``, whose status said ``size``: one read, then the rest if it grew.

    What ``path.read_bytes()`` gives, without its buffered file object, its own status call
    and its seek: a cold lint reads every file once, and those were a few per cent of it.
    A read from a regular file returns less than asked only at its end.
    """
    descriptor = os.open(path, _READ_FLAGS)
    try:
        data = os.read(descriptor, size + 1)
        if len(data) <= size:
            return data
        chunks = [data]  # it grew since its status was taken
        while chunks[-1]:
            chunks.append(os.read(descriptor, 1 << 20))
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def encode_shard(entries: dict, salt_value: str) -> bytes:
    return with_header(pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL), salt_value)


def with_header(payload: bytes, salt_value: str) -> bytes:
    header = f"{salt_value} {hashlib.sha256(payload).hexdigest()}\n".encode()
    return MAGIC + header + payload


now_ns = time.time_ns  # the clock files' times are compared with (the file system's own: wall time)


_STATUS = struct.Struct("<qqQQQ")
_STATUS_BYTES = _STATUS.size


def status(info: os.stat_result) -> bytes | None:
    """What says a file is unchanged, packed: modification and change times, size, inode and device
    (None when a number does not fit 64 bits: such a file is always read)."""
    try:
        return _STATUS.pack(info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino, info.st_dev)
    except struct.error:
        return None


def _is_entry_table(entries) -> bool:
    return all(isinstance(v, tuple) and len(v) == 2 and isinstance(v[1], Document) for v in entries.values())


def _is_stat_table(entries) -> bool:
    return all(type(v) is bytes and len(v) == _STATUS_BYTES + 32 for v in entries.values())


def decode_shard(blob: bytes, salt_value: str, check=_is_entry_table) -> dict | None:
    """The entries of a shard (or, with ``check=_is_stat_table``, the status table), or None when it is
    not exactly what this salesgen wrote."""
    if not blob.startswith(MAGIC):
        return None
    end = blob.find(b"\n", len(MAGIC))
    if end < 0:
        return None
    try:
        shard_salt, digest = blob[len(MAGIC):end].decode("ascii").split(" ")
    except (UnicodeDecodeError, ValueError):
        return None
    payload = memoryview(blob)[end + 1:]
    if shard_salt != salt_value or hashlib.sha256(payload).hexdigest() != digest:
        return None
    enabled = gc.isenabled()
    gc.disable()  # unpickling builds millions of containers: the collector would rescan them all
    try:
        entries = _SafeUnpickler(io.BytesIO(payload)).load()
    except Exception:
        return None
    finally:
        if enabled:
            gc.enable()
    if not isinstance(entries, dict) or not check(entries):
        return None
    return entries


def decode_payload(payload: bytes) -> dict:
    """A shard's entry table as a worker of this run pickled it (trusted: it never was on disk)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(payload)
    finally:
        if enabled:
            gc.enable()


def _nothing(_count: int) -> None:
    pass


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename it over ``path``."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, 0o644)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def clear(root: Path) -> None:
    """Remove the cache folder (``salesgen lint --no-cache`` leaves it alone; this is for tests/tools)."""
    import shutil

    shutil.rmtree(Path(root) / CACHE_DIR, ignore_errors=True)
