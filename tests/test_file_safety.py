"""User files are precious: what may write where, and what an interrupted write leaves.

- Read-only commands (lint, rules, the reports, every --dry-run) change nothing in
  deals/, customers/, salesgen.yaml or the schemas: a snapshot of paths, sizes, mtimes
  and hashes is identical before and after, even when the files are hostile.
- `salesgen build` writes only inside its site directory, and refuses to empty a
  non-empty directory it did not create.
- Editing commands (new, move, handover) replace files atomically: interrupted at the
  rename (Ctrl-C) or at the flush (disk full), the old file is byte-for-byte intact and
  no temporary file is left behind.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from salesgen import schemas
from salesgen.cli import cli

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "data" / "valid"
HOSTILE = HERE / "data" / "hostile-repo"
AS_OF = "2026-11-20"


def snapshot(root: Path, skip: tuple = ()) -> dict:
    """relative path -> (kind, size, mtime_ns, sha256) of everything below ``root``."""
    state = {}
    for directory, dirnames, filenames in os.walk(root):
        here = Path(directory)
        dirnames[:] = [d for d in dirnames if (here / d).relative_to(root).as_posix() not in skip]
        for name in dirnames + filenames:
            path = here / name
            rel = path.relative_to(root).as_posix()
            info = path.lstat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() and not path.is_symlink() \
                else os.readlink(path) if path.is_symlink() else "dir"
            state[rel] = (info.st_mode, info.st_size, info.st_mtime_ns, digest)
    return state


def data_files(state: dict) -> dict:
    return {rel: value for rel, value in state.items()
            if rel == "salesgen.yaml" or rel.split("/", 1)[0] in ("deals", "customers")}


def file_contents(state: dict) -> dict:
    """Files only: a folder's mtime changes when a temporary file comes and goes."""
    return {rel: value for rel, value in data_files(state).items() if value[3] != "dir"}


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args[0]} raised {type(result.exception).__name__}: {result.exception}") \
            from result.exception
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(BASELINE, root)
    return root


def make_hostile(root: Path) -> None:
    """Add files that a careless tool might 'fix', rewrite or follow."""
    (root / "deals" / "broken.yaml").write_text("id: broken\nid: broken\namount: .nan\n", encoding="utf-8")
    (root / "deals" / "bom.yaml").write_bytes(b"\xef\xbb\xbfid: bom\n")
    (root / "customers" / "utf16.yaml").write_bytes("id: utf16\n".encode("utf-16"))
    outside = root.parent / "outside.yaml"
    outside.write_text("id: outside\n", encoding="utf-8")
    os.symlink(outside, root / "deals" / "outside.yaml")


READ_ONLY = [
    ("lint",), ("lint", "--format", "json"), ("lint", "--format", "sarif"), ("lint", "--format", "github"),
    ("rules",), ("forecast",), ("funnel",), ("review",),
    ("move", "acme-line", "lost", "--lost-reason", "price", "--reason", "dry", "--dry-run"),
    ("handover", "--from", "li-lei", "--to", "han-meimei", "--dry-run"),
]


@pytest.mark.parametrize("hostile", [False, True], ids=["clean", "hostile"])
@pytest.mark.parametrize("args", READ_ONLY, ids=lambda a: " ".join(a[:2]))
def test_read_only_commands_change_no_data_file(repo: Path, args: tuple, hostile: bool):
    assert args[0] in cli.commands, f"`salesgen {args[0]}` is documented: it must exist"
    if hostile:
        make_hostile(repo)
    before, schemas_before = snapshot(repo), snapshot(schemas.schema_dir())
    outside_before = (repo.parent / "outside.yaml").read_bytes() if hostile else None
    root_args = () if args[0] == "rules" else ("--root", str(repo))
    as_of = ("--as-of", AS_OF) if args[0] not in ("rules",) else ()
    run(*args, *root_args, *as_of)
    after = snapshot(repo)
    assert data_files(after) == data_files(before)
    new_paths = set(after) - set(before)
    assert all(path.startswith(".") for path in new_paths), f"wrote {sorted(new_paths)}"  # caches only
    assert snapshot(schemas.schema_dir()) == schemas_before
    if hostile:
        assert (repo.parent / "outside.yaml").read_bytes() == outside_before


# -- editing commands: atomic, and nothing left behind when interrupted --------------

EDITS = [
    ("move", "deals/acme-line.yaml",
     ("move", "acme-line", "lost", "--lost-reason", "price", "--reason", "too dear")),
    ("handover", "customers/acme.yaml", ("handover", "--from", "li-lei", "--to", "han-meimei")),
    ("new contact", "customers/acme.yaml", ("new", "contact", "acme-li-hua", "--customer", "acme", "--name", "Li Hua")),
    ("new customer", "customers/initech.yaml", ("new", "customer", "initech", "--name", "Initech", "--owner", "li-lei")),
    ("new deal", "deals/acme-spares.yaml", ("new", "deal", "acme-spares", "--customer", "acme", "--name", "Spares",
                                            "--amount", "80000", "--expected-close", "2027-01-15")),
]


def stray_temporaries(root: Path) -> list:
    """Hidden files beside the data (where an atomic write puts its temporary file)."""
    return [p for p in root.rglob("*") if p.name.startswith(".") and p.is_file()
            and p.relative_to(root).parts[0] != ".salesgen-cache"]


@pytest.mark.parametrize("name, changed, args", EDITS, ids=[e[0] for e in EDITS])
def test_an_edit_changes_the_file(repo: Path, name: str, changed: str, args: tuple):
    """The control for the interruption tests: without one, the command does change the file."""
    before = (repo / changed).read_bytes() if (repo / changed).exists() else None
    result = run(*args, "--root", str(repo), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert (repo / changed).read_bytes() != before
    assert stray_temporaries(repo) == []


def interrupt_at(monkeypatch, function: str, error: BaseException) -> list:
    calls = []

    def fail(*args, **kwargs):
        calls.append(args)
        raise error

    monkeypatch.setattr(os, function, fail)
    return calls


@pytest.mark.parametrize("function, error", [("publish", KeyboardInterrupt()),
                                             ("fsync", OSError(28, "No space left on device"))],
                         ids=["ctrl-c-at-rename", "disk-full-at-flush"])
@pytest.mark.parametrize("name, changed, args", EDITS, ids=[e[0] for e in EDITS])
def test_an_interrupted_edit_keeps_the_old_file(repo: Path, monkeypatch, name, changed, args, function, error):
    """Interrupted where the new bytes become the file (rename over the old one; link of a
    new one) or before they are safely on disk: the old file stays, a new one never appears."""
    if function == "publish":
        function = "replace" if (repo / changed).exists() else "link"
    before = snapshot(repo)
    calls = interrupt_at(monkeypatch, function, error)
    result = CliRunner().invoke(cli, [*args, "--root", str(repo), "--as-of", AS_OF])
    monkeypatch.undo()
    assert calls, f"{name} never called os.{function}: is it still writing atomically?"
    assert result.exit_code != 0
    assert file_contents(snapshot(repo)) == file_contents(before)
    assert stray_temporaries(repo) == []


def test_new_never_overwrites_an_existing_file(repo: Path):
    before = (repo / "customers" / "acme.yaml").read_bytes()
    result = run("new", "customer", "acme", "--name", "Other Acme", "--owner", "li-lei", "--root", str(repo),
                 "--as-of", AS_OF)
    assert result.exit_code != 0
    assert (repo / "customers" / "acme.yaml").read_bytes() == before


@pytest.mark.parametrize("args", [
    ("new", "deal", "../../escaped", "--customer", "acme", "--name", "x", "--amount", "1",
     "--expected-close", "2027-01-01"),
    ("new", "deal", "fine-id", "--customer", "acme", "--name", "x", "--amount", "1",
     "--expected-close", "2027-01-01", "--folder", "../../escaped"),
    ("new", "customer", "../escaped", "--name", "x", "--owner", "li-lei"),
    ("new", "contact", "x-y", "--customer", "../../escaped", "--name", "x"),
    ("move", "../outside.yaml", "lost", "--lost-reason", "price"),
], ids=["deal-id", "deal-folder", "customer-id", "contact-customer", "move-outside"])
def test_editing_commands_refuse_paths_that_leave_the_repository(repo: Path, args: tuple):
    (repo.parent / "outside.yaml").write_text((repo / "deals" / "acme-line.yaml").read_text(encoding="utf-8"),
                                              encoding="utf-8")
    def tree() -> dict:  # everything but the lint cache (the command may lint before refusing)
        state = snapshot(repo.parent, skip=("repo/.salesgen-cache",))
        return {rel: value for rel, value in state.items() if rel not in ("repo", "repo/.salesgen-cache")}

    before = tree()
    result = run(*args, "--root", str(repo), "--as-of", AS_OF)
    assert result.exit_code == 2, result.output
    assert tree() == before


# -- salesgen build: only its site directory, and never someone else's folder -----------

def build(repo: Path, site: Path | None, *extra: str):
    assert "build" in cli.commands, "`salesgen build` is documented: it must exist"
    site_args = ("--site-dir", str(site)) if site is not None else ()
    return run("build", "--root", str(repo), *site_args, "--as-of", AS_OF, *extra)


def changed_paths(before: dict, after: dict) -> set:
    return {path for path in set(before) | set(after) if before.get(path) != after.get(path)}


@pytest.mark.parametrize("sensitive", [(), ("--include-sensitive",)], ids=["default", "include-sensitive"])
def test_build_writes_only_inside_its_site_directory(repo: Path, tmp_path: Path, sensitive: tuple):
    site = tmp_path / "public"
    before, schemas_before = snapshot(tmp_path), snapshot(schemas.schema_dir())
    result = build(repo, site, *sensitive)
    assert result.exit_code == 0, result.output
    changed = changed_paths(before, snapshot(tmp_path))
    assert changed and all(path == "public" or path.startswith("public/") for path in changed), \
        sorted(p for p in changed if not p.startswith("public"))
    assert (site / "index.html").is_file()
    assert snapshot(schemas.schema_dir()) == schemas_before


def test_build_into_the_default_site_folder_touches_no_data_file(repo: Path):
    before = snapshot(repo)
    result = build(repo, None)
    assert result.exit_code == 0, result.output
    changed = changed_paths(before, snapshot(repo))
    assert changed and all(path == "site" or path.startswith("site/") for path in changed), sorted(changed)


def test_build_refuses_to_empty_a_folder_it_did_not_create(repo: Path, tmp_path: Path):
    site = tmp_path / "documents"
    site.mkdir()
    (site / "thesis.docx").write_bytes(b"years of work")
    (site / "photos").mkdir()
    (site / "photos" / "wedding.jpg").write_bytes(b"\xff\xd8")
    before = snapshot(tmp_path)
    result = build(repo, site)
    assert result.exit_code == 2, result.output
    assert "not empty" in result.output
    assert snapshot(tmp_path) == before


def test_build_refuses_a_link_to_a_folder_it_did_not_create(repo: Path, tmp_path: Path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("keep", encoding="utf-8")
    os.symlink(precious, tmp_path / "site-link")
    before = snapshot(tmp_path)
    result = build(repo, tmp_path / "site-link")
    assert result.exit_code == 2, result.output
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("where", [".", "deals", "customers", "deals/site", "customers/x/y", ".."],
                         ids=["repository", "deals", "customers", "inside-deals", "inside-customers", "parent"])
def test_build_refuses_a_site_folder_that_holds_or_is_inside_the_data(repo: Path, where: str):
    outside = repo.parent
    before = snapshot(outside)
    result = build(repo, (repo / where))
    assert result.exit_code == 2, result.output
    assert snapshot(outside) == before


def test_build_replaces_a_site_it_built(repo: Path, tmp_path: Path):
    """The other side of the refusal: a folder salesgen built is rebuilt, stale pages removed."""
    site = tmp_path / "public"
    assert build(repo, site).exit_code == 0
    stale = site / "deals" / "deleted-deal" / "index.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("<p>a deal that no longer exists</p>", encoding="utf-8")
    result = build(repo, site)
    assert result.exit_code == 0, result.output
    assert not stale.exists()


def test_build_with_lint_errors_writes_nothing(repo: Path, tmp_path: Path):
    (repo / "deals" / "broken.yaml").write_text("id: broken\nid: broken\n", encoding="utf-8")
    before = snapshot(tmp_path)
    result = build(repo, tmp_path / "public")
    assert result.exit_code == 1
    assert snapshot(tmp_path) == before
