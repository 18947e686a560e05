"""The lint cache's status table: a file whose status is unchanged is not read again, and an edit always is.

A file's key is the hash of its bytes. ``stat.pickle`` remembers each file's status
(times in nanoseconds, size, inode, device) with the key of the bytes read after it,
for files whose times were at least ``SETTLED_NS`` older than the run that read them.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from salesgen import cache as cache_module
from salesgen.cache import CACHE_DIR, MAGIC, STAT_FILE, LintCache, decode_shard, encode_shard
from salesgen.cli import cli
from salesgen.engine import lint
from salesgen.repository import read_document
from salesgen.synthetic import generate

AS_OF = dt.date(2026, 11, 20)
SECOND = 1_000_000_000


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("status") / "repo"
    generate(root, deals=24, customers=6, seed=5)
    return root


@pytest.fixture
def repo(template, tmp_path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(template, root)
    return root


def data_files(root: Path) -> list[Path]:
    return sorted(root.glob("deals/*.yaml")) + sorted(root.glob("customers/*.yaml"))


def newest(root: Path) -> int:
    return max(max(p.lstat().st_mtime_ns, p.lstat().st_ctime_ns) for p in data_files(root))


@pytest.fixture
def clock(monkeypatch):
    """Set the clock the cache compares files' times with: ``clock(ns)``."""
    def set_to(ns: int) -> None:
        monkeypatch.setattr(cache_module, "now_ns", lambda: ns)
    return set_to


@pytest.fixture
def reads(monkeypatch):
    """The data files read (by any code) since the fixture was set up, as paths relative to the repository."""
    seen: list = []
    real, real_sized = Path.read_bytes, cache_module.read_sized

    def note(path: Path) -> None:
        if path.suffix == ".yaml" and path.parent.name in ("deals", "customers"):
            seen.append(f"{path.parent.name}/{path.name}")

    def spy(self):
        note(self)
        return real(self)

    def spy_sized(path, size):
        note(path)
        return real_sized(path, size)

    monkeypatch.setattr(Path, "read_bytes", spy)
    monkeypatch.setattr(cache_module, "read_sized", spy_sized)
    return seen


def snapshot(result) -> list:
    return [(p.file, p.line, p.column, p.rule, p.message, p.hint) for p in result.problems]


def cached(root: Path) -> tuple[list, LintCache]:
    store = LintCache(root)
    result = lint(root, AS_OF, reader=store.reader)
    store.save()
    return snapshot(result), store


def cold(root: Path) -> list:
    return snapshot(lint(root, AS_OF, reader=read_document))


def table(root: Path) -> dict:
    """The status table as written (empty when none was)."""
    path = root / CACHE_DIR / STAT_FILE
    if not path.exists():
        return {}
    blob = path.read_bytes()
    return decode_shard(blob, LintCache(root).salt, check=cache_module._is_stat_table)


def test_settled_files_are_not_read_again(repo, clock, reads):
    clock(newest(repo) + cache_module.SETTLED_NS + SECOND)
    first, store = cached(repo)
    assert store.misses == 30 and len(reads) == 30
    reads.clear()
    second, store = cached(repo)
    assert reads == []  # the status said unchanged: no file read, no file hashed
    assert second == first == cold(repo) and (store.hits, store.misses) == (30, 0)


def test_files_newer_than_the_settling_time_are_read_every_time(repo, clock, reads):
    clock(newest(repo))  # every file was written less than SETTLED_NS before this run
    cached(repo)
    reads.clear()
    _, store = cached(repo)
    assert store.hits == 30 and len(reads) == 30
    assert table(repo) == {}


def test_settling_boundary(repo, clock):
    """A file is remembered when its times are older than the clock minus SETTLED_NS, not when equal."""
    deal = data_files(repo)[0]
    rel = f"deals/{deal.name}"
    info = deal.lstat()
    moment = max(info.st_mtime_ns, info.st_ctime_ns)
    clock(moment + cache_module.SETTLED_NS)  # exactly SETTLED_NS: not yet
    cached(repo)
    assert rel not in table(repo)
    clock(moment + cache_module.SETTLED_NS + 1)
    cached(repo)
    assert rel in table(repo)


def test_an_edit_with_the_same_size_and_modification_time_is_read(repo, clock, reads):
    """Tools that keep a file's modification time (cp -p, rsync -t, touch -r) cannot hide an edit:
    any write changes the change time, which no program can set back."""
    clock(newest(repo) + cache_module.SETTLED_NS + SECOND)
    cached(repo)
    deal = data_files(repo)[3]
    before = deal.lstat()
    text = deal.read_text(encoding="utf-8")
    at = text.index("\nowner: ") + len("\nowner: ")
    deal.write_text(text[:at] + "q" + text[at + 1:], encoding="utf-8")  # another rep, the same size
    os.utime(deal, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = deal.lstat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    reads.clear()
    result, store = cached(repo)
    assert reads == [f"deals/{deal.name}"] and store.misses == 1
    assert result == cold(repo) and any(p[3] == "ref-rep" for p in result)


def test_a_file_replaced_by_another_is_read(repo, clock, reads):
    clock(newest(repo) + cache_module.SETTLED_NS + SECOND)
    cached(repo)
    first, second = data_files(repo)[:2]
    first_bytes, second_bytes = first.read_bytes(), second.read_bytes()
    first.write_bytes(second_bytes)
    second.write_bytes(first_bytes)  # swapped contents: both keys change
    reads.clear()
    result, store = cached(repo)
    assert sorted(reads) == sorted([f"deals/{first.name}", f"deals/{second.name}"]) and store.misses == 2
    assert result == cold(repo) and any(p[3] == "file-name-id" for p in result)


def test_deleted_files_are_forgotten(repo, clock):
    clock(newest(repo) + cache_module.SETTLED_NS + SECOND)
    cached(repo)
    gone = data_files(repo)[5]
    assert f"deals/{gone.name}" in table(repo)
    gone.unlink()
    result, _ = cached(repo)
    assert f"deals/{gone.name}" not in table(repo) and len(table(repo)) == 29
    assert result == cold(repo)


@pytest.mark.parametrize("damage", [
    lambda blob: blob[: len(blob) // 2],
    lambda blob: blob[:-10] + bytes(b ^ 0x55 for b in blob[-10:]),
    lambda blob: b"",
])
def test_a_damaged_status_table_is_ignored(repo, clock, reads, damage):
    clock(newest(repo) + cache_module.SETTLED_NS + SECOND)
    expected, _ = cached(repo)
    path = repo / CACHE_DIR / STAT_FILE
    path.write_bytes(damage(path.read_bytes()))
    reads.clear()
    result, store = cached(repo)
    assert result == expected and store.hits == 30 and len(reads) == 30  # read and hashed again
    assert len(table(repo)) == 30  # and written again


def test_a_table_of_another_shape_is_refused(repo, clock, reads):
    """A table with a valid header whose entries are not status and key (a planted file, another version)."""
    clock(newest(repo) + cache_module.SETTLED_NS + SECOND)
    expected, _ = cached(repo)
    salt = LintCache(repo).salt
    wrong = {rel: (value[:40], value[40:]) for rel, value in table(repo).items()}
    (repo / CACHE_DIR / STAT_FILE).write_bytes(encode_shard(wrong, salt))
    assert (repo / CACHE_DIR / STAT_FILE).read_bytes().startswith(MAGIC)
    reads.clear()
    result, _ = cached(repo)
    assert result == expected and len(reads) == 30


def test_a_status_table_pointing_at_other_bytes_is_not_trusted_beyond_its_status(repo, clock):
    """The key comes from the table only while the status matches; a stale table (the file changed
    since) costs a read, never a wrong result."""
    clock(newest(repo) + cache_module.SETTLED_NS + SECOND)
    cached(repo)
    deal = data_files(repo)[2]
    deal.write_text(deal.read_text(encoding="utf-8").replace("\nowner: ", "\nowner: nobody-", 1), encoding="utf-8")
    result, store = cached(repo)
    assert store.misses == 1 and result == cold(repo) and any(p[3] == "ref-rep" for p in result)


def test_the_cli_with_workers_uses_the_table_too(repo, clock, reads):
    """`lint --jobs 2` reads ahead (LintCache.prepare): the same table spares it the reads."""
    clock(newest(repo) + cache_module.SETTLED_NS + SECOND)
    args = ["lint", "--root", str(repo), "--as-of", "2026-11-20", "--format", "json", "--jobs", "2"]
    first = CliRunner().invoke(cli, args)
    assert len(table(repo)) == 30
    reads.clear()
    second = CliRunner().invoke(cli, args)
    assert second.output == first.output and second.exit_code == first.exit_code
    assert reads == []
    deal = data_files(repo)[4]
    before = table(repo)
    deal.write_text(deal.read_text(encoding="utf-8").replace("\nowner: ", "\nowner: nobody-", 1), encoding="utf-8")
    reads.clear()
    third = CliRunner().invoke(cli, args)
    assert set(reads) <= {f"deals/{deal.name}"}  # read in whichever process took its shard, nothing else
    assert "ref-rep" in third.output
    after = table(repo)  # the edited file's new status and key, sent back by the process that read it
    rel = f"deals/{deal.name}"
    assert after[rel] != before[rel] and {k: v for k, v in after.items() if k != rel} == \
        {k: v for k, v in before.items() if k != rel}


def test_a_check_of_a_copy_with_this_cache_neither_uses_nor_writes_the_table(repo, clock, tmp_path, reads):
    """`lint --staged` checks a scratch copy with the working tree's cache: the copy's statuses are
    not the working tree's."""
    clock(newest(repo) + cache_module.SETTLED_NS + SECOND)
    cached(repo)
    before = (repo / CACHE_DIR / STAT_FILE).read_bytes()
    copy = tmp_path / "copy"
    shutil.copytree(repo, copy, ignore=shutil.ignore_patterns(CACHE_DIR))
    store = LintCache(copy, store=repo)
    reads.clear()
    lint(copy, AS_OF, reader=store.reader)
    store.save()
    assert len(reads) == 30  # every file of the copy read
    assert (repo / CACHE_DIR / STAT_FILE).read_bytes() == before
