"""The lint cache: cached runs report exactly what a cold run reports, and a bad cache is never trusted."""
from __future__ import annotations

import copyreg
import datetime as dt
import hashlib
from array import array
from decimal import Decimal
import pickle
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from salesgen import cache as cache_module
from salesgen.cache import CACHE_DIR, MAGIC, LintCache, decode_shard, encode_shard
from salesgen.cli import cli
from salesgen.engine import lint
from salesgen.repository import read_document
from salesgen.synthetic import generate

AS_OF = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cache") / "repo"
    generate(root, deals=40, customers=8, seed=11)
    return root


@pytest.fixture
def repo(template, tmp_path) -> Path:
    """A generated repository with problems of every kind: YAML, schema, file name, cross-file."""
    root = tmp_path / "repo"
    shutil.copytree(template, root)
    deals = sorted((root / "deals").glob("*.yaml"))
    _replace(deals[0], "\nstage: ", "\nstage: [unclosed\nx: ")  # yaml-syntax
    _replace(deals[1], "\ncurrency: ", "\ncurrency: yes\ncurrancy: ")  # ambiguous value, unknown key
    _replace(deals[2], "\nowner: ", "\nowner: nobody-")  # ref-rep (cross-file)
    deals[3].rename(deals[3].with_name("renamed-deal.yaml"))  # file-name-id
    _replace(deals[4], "\namount: ", "\namount：")  # yaml-full-width: read as if fixed
    customers = sorted((root / "customers").glob("*.yaml"))
    _replace(customers[0], "\nemployees: ", "\nemployees: -")  # schema: the customer is kept without it
    return root


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def snapshot(result) -> list:
    """Everything a problem says, including what equality ignores (path, subject)."""
    return [(p.file, p.line, p.column, p.rule, p.severity.value, p.message, p.hint, p.path, p.subject)
            for p in result.problems]


def cold(root: Path) -> list:
    return snapshot(lint(root, AS_OF, reader=read_document))


def cached(root: Path) -> tuple[list, LintCache]:
    store = LintCache(root)
    result = lint(root, AS_OF, reader=store.reader)
    store.save()
    return snapshot(result), store


def test_warm_run_gives_exactly_the_cold_problems(repo):
    expected = cold(repo)
    assert {p[3] for p in expected} >= {"yaml-syntax", "yaml-ambiguous-value", "schema-unknown-key", "ref-rep",
                                        "file-name-id", "yaml-full-width", "schema"}
    first, store = cached(repo)
    assert first == expected
    assert (store.hits, store.misses) == (0, 40 + 8)
    second, store = cached(repo)
    assert second == expected
    assert (store.hits, store.misses) == (48, 0)


def test_edits_renames_and_deletions_match_a_cold_run(repo):
    cached(repo)
    deals = sorted((repo / "deals").glob("*.yaml"))
    _replace(deals[5], "\namount: ", "\namount: -")  # schema error in a cached file
    deals[6].rename(deals[6].with_name("another-name.yaml"))
    referenced = [line.split(":", 1)[1].strip() for deal in sorted((repo / "deals").glob("*.yaml"))
                  for line in deal.read_text(encoding="utf-8").splitlines() if line.startswith("customer:")]
    busiest = max(sorted(set(referenced)), key=referenced.count)  # some of its deals are surely intact
    (repo / "customers" / f"{busiest}.yaml").unlink()  # its deals now point at an unknown customer
    result, store = cached(repo)
    assert result == cold(repo)
    assert store.misses == 2  # the edited and the renamed file; nothing else is re-read
    assert any(p[3] == "ref-customer" for p in result)
    again, store = cached(repo)
    assert again == result and store.misses == 0


def test_a_cached_file_reverted_to_old_bytes_is_a_hit_with_the_old_result(repo):
    deal = sorted((repo / "deals").glob("*.yaml"))[7]
    original = deal.read_bytes()
    cached(repo)
    _replace(deal, "\nname: ", "\nname: x")
    cached(repo)
    deal.write_bytes(original)
    result, store = cached(repo)
    assert result == cold(repo) and store.misses == 1


def shards(root: Path) -> list:
    return sorted((root / CACHE_DIR).glob("shard-*.pickle"))


@pytest.mark.parametrize("damage", [
    lambda blob: blob[: len(blob) // 2],  # truncated
    lambda blob: blob[:-40] + bytes(b ^ 0x55 for b in blob[-40:]),  # flipped bits in the payload
    lambda blob: b"not a cache at all",
    lambda blob: b"",
    lambda blob: blob.replace(MAGIC, b"salesgen-lint-cache-v0\n", 1),
])
def test_a_corrupt_shard_is_ignored_and_rebuilt(repo, damage):
    expected, _ = cached(repo)
    for shard in shards(repo):
        shard.write_bytes(damage(shard.read_bytes()))
    result, store = cached(repo)
    assert result == expected == cold(repo)
    assert store.hits == 0 and store.misses == 48
    _, store = cached(repo)
    assert store.hits == 48  # rewritten, and trusted again


def test_a_shard_from_another_configuration_is_not_used(repo):
    cached(repo)
    config = repo / "salesgen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "\n# a comment changes the hash\n", encoding="utf-8")
    _, store = cached(repo)
    assert store.hits == 0


def test_a_planted_pickle_cannot_run_code(repo, tmp_path):
    """A shard with a valid header and digest but a malicious payload is refused, not executed."""
    cached(repo)
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (Path.touch, (marker,))

    salt = LintCache(repo).salt
    payload = pickle.dumps({"deals/x.yaml": (b"k", Exploit())})
    blob = MAGIC + f"{salt} {hashlib.sha256(payload).hexdigest()}\n".encode() + payload
    for shard in shards(repo):
        shard.write_bytes(blob)
    result, store = cached(repo)
    assert not marker.exists()
    assert store.hits == 0
    assert result == cold(repo)


@pytest.mark.parametrize("positions", [Decimal("1"), "1234", array("I", [1, 2])],
                         ids=["decimal", "text", "array-of-another-type"])
def test_a_shard_whose_positions_are_not_positions_is_refused(repo, positions):
    """An unpickled mapping's state must be its packed positions: anything else makes the shard unreadable
    (checked again), never a mapping that fails later when a problem's line is looked up."""
    from salesgen.repository import check_bytes
    from salesgen.yamlsource import Mapping

    expected, _ = cached(repo)
    document = check_bytes(b"id: x\nname: y\n", "deals/x.yaml", "deal")
    real = Mapping.__reduce_ex__
    try:
        Mapping.__reduce_ex__ = lambda self, protocol: (copyreg.__newobj__, (Mapping,), positions, None,
                                                         iter(self.items()))
        salt = LintCache(repo).salt
        blob = encode_shard({"deals/x.yaml": (b"k", document)}, salt)
    finally:
        Mapping.__reduce_ex__ = real
    assert decode_shard(blob, salt) is None
    for shard in shards(repo):
        shard.write_bytes(blob)
    result, store = cached(repo)
    assert store.hits == 0 and result == expected


@pytest.mark.parametrize("padding", [b"", b"# " + b"x" * 70_000 + b"\n" + b"\n" * 70_000], ids=["small", "over-64k"])
def test_shard_round_trip_keeps_positions(padding):
    from salesgen.repository import check_bytes
    from salesgen.yamlsource import locate

    document = check_bytes(padding + b"id: a\nteam:\n  presales: b\nlist:\n  - {x: 1}\namount: 1.50\n",
                           "deals/a.yaml", "deal")
    assert locate(document.data, ("list", 0, "x")) == (padding.count(b"\n") + 5, 9)
    entries = decode_shard(encode_shard({"deals/a.yaml": (b"k", document)}, "salt"), "salt")
    copy = entries["deals/a.yaml"][1]
    assert copy.data == document.data and copy.problems == document.problems
    for path, key in ((("team", "presales"), False), (("team", "presales"), True), (("list", 0, "x"), False)):
        assert locate(copy.data, path, key=key) == locate(document.data, path, key=key)
    assert decode_shard(encode_shard({"deals/a.yaml": (b"k", document)}, "salt"), "other salt") is None


def test_cache_folder_is_tagged_ignored_and_written_atomically(repo):
    cached(repo)
    folder = repo / CACHE_DIR
    assert (folder / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_a_linked_cache_folder_is_neither_read_nor_written(repo, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo / CACHE_DIR).symlink_to(elsewhere, target_is_directory=True)
    first, _ = cached(repo)
    second, store = cached(repo)
    assert first == second == cold(repo) and store.hits == 0
    assert list(elsewhere.iterdir()) == []


def test_a_failed_write_leaves_the_old_shard_intact(repo, monkeypatch):
    cached(repo)
    before = {p.name: p.read_bytes() for p in shards(repo)}
    _replace(sorted((repo / "deals").glob("*.yaml"))[8], "\nname: ", "\nname: y")

    def broken(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(cache_module.os, "replace", broken)  # fails after the temporary file is written
    cached(repo)  # must not raise
    assert {p.name: p.read_bytes() for p in shards(repo)} == before
    assert not [p for p in (repo / CACHE_DIR).iterdir() if p.name.endswith(".tmp")]


def test_lint_cli_uses_the_cache_and_no_cache_turns_it_off(repo):
    runner = CliRunner()
    args = ["lint", "--root", str(repo), "--as-of", "2026-11-20", "--format", "json"]
    plain = runner.invoke(cli, args + ["--no-cache"])
    assert not (repo / CACHE_DIR).exists()
    first = runner.invoke(cli, args)
    assert shards(repo)
    second = runner.invoke(cli, args)
    assert plain.exit_code == first.exit_code == second.exit_code == 1
    assert plain.output == first.output == second.output


@pytest.mark.parametrize("library", ["jsonschema-rs", "jsonschema", "PyYAML", "referencing"])
def test_another_version_of_a_library_that_decides_results_invalidates_the_cache(repo, monkeypatch, library):
    expected, _ = cached(repo)
    real = cache_module.package_version
    monkeypatch.setattr(cache_module, "package_version", lambda name: "99.0" if name == library else real(name))
    result, store = cached(repo)
    assert (store.hits, store.misses) == (0, 48)  # every file read and checked again
    assert result == expected
    _, store = cached(repo)
    assert store.hits == 48  # rewritten under the new version, and trusted again


def test_another_libyaml_or_no_jsonschema_rs_invalidates_the_cache(repo, monkeypatch):
    from salesgen import schemas

    expected, _ = cached(repo)
    monkeypatch.setattr(cache_module, "_libyaml_version", lambda: "0.0.1")
    _, store = cached(repo)
    assert store.hits == 0
    monkeypatch.setattr(schemas, "jsonschema_rs", None)  # the reference jsonschema decides every file
    result, store = cached(repo)
    assert store.hits == 0 and result == expected == cold(repo)


def test_the_key_names_the_installed_versions():
    from importlib.metadata import version

    import yaml

    versions = cache_module.library_versions()
    for name in ("PyYAML", "jsonschema", "jsonschema-rs", "referencing"):
        assert versions[name] == version(name)
    assert (versions["libyaml"] != "not used") is bool(yaml.__with_libyaml__)


@pytest.mark.parametrize("written, told", [
    (b"", 0), (b"id: a\n", 6),  # as its status said
    (b"id: a\nname: A\n", 6),  # it grew after its status was taken: read to its end
    (b"x" * (3 << 20), 10),  # grew by more than one read's worth
    (b"id: a\n", 100),  # it shrank
])
def test_a_file_is_read_to_its_end_whatever_size_its_status_said(tmp_path, written, told):
    path = tmp_path / "deal.yaml"
    path.write_bytes(written)
    assert cache_module.read_sized(path, told) == written


def test_a_file_is_read_as_bytes_with_its_line_ends(tmp_path):
    path = tmp_path / "deal.yaml"
    path.write_bytes(b"id: a\r\nname: \xe5\xbc\xa0\r\n")
    assert cache_module.read_sized(path, path.stat().st_size) == b"id: a\r\nname: \xe5\xbc\xa0\r\n"
