"""`salesgen lint --changed [--base REF]`: the problems of the changed files, with whole-repository context."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from salesgen.cli import cli
from salesgen.gitdiff import GitError, changed_files
from salesgen.synthetic import generate

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent"}


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}).stdout


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("changed") / "repo"
    generate(root, deals=30, customers=6, seed=5)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def repo(template, tmp_path) -> Path:
    """main: a repository with one broken deal; branch 'feature': a committed edit, a working-tree edit, a new file."""
    root = tmp_path / "repo"
    shutil.copytree(template, root)
    deals = sorted((root / "deals").glob("*.yaml"))
    edit(deals[0], "\nowner: ", "\nowner: gone-")  # a problem already on main: not the PR's
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "main")
    git(root, "checkout", "-q", "-b", "feature")
    edit(deals[1], "\nowner: ", "\nowner: typo-")  # committed on the branch
    git(root, "commit", "-q", "-am", "feature")
    edit(deals[2], "\ncustomer: ", "\ncustomer: nobody-")  # uncommitted
    new = root / "deals" / "brand-new.yaml"
    new.write_text(deals[3].read_text(encoding="utf-8").replace("\nid: ", "\nid: x", 1), encoding="utf-8")
    return root


def original_deals(root: Path) -> list:
    return sorted(p.relative_to(root).as_posix() for p in (root / "deals").glob("*.yaml") if p.name != "brand-new.yaml")


def lint_json(root: Path, *args: str):
    result = CliRunner().invoke(cli, ["lint", "--root", str(root), "--as-of", "2026-11-20", "--format", "json",
                                      "--no-cache", *args])
    return result.exit_code, (json.loads(result.output) if result.output.startswith("[") else result.output)


def test_changed_files_cover_committed_edited_and_untracked(repo):
    deals = original_deals(repo)
    changed = changed_files(repo, "main")
    assert changed == {deals[1], deals[2], "deals/brand-new.yaml"}


def test_changed_reports_the_full_run_restricted_to_changed_files(repo):
    code, full = lint_json(repo)
    changed = changed_files(repo, "main")
    expected = [p for p in full if p["file"] in changed]
    code_changed, only = lint_json(repo, "--changed", "--base", "main")
    assert only == expected
    assert {p["rule"] for p in only} >= {"ref-rep", "ref-customer", "file-name-id"}
    assert code == code_changed == 1
    assert any(p["file"] not in changed for p in full)  # main's own problem is left out


def test_cross_file_context_comes_from_the_whole_repository(repo):
    """A changed deal of an unchanged customer is not reported as pointing at an unknown customer."""
    code, only = lint_json(repo, "--changed", "--base", "main")
    customer_problems = [p for p in only if p["rule"] == "ref-customer"]
    assert [p["file"] for p in customer_problems] == [original_deals(repo)[2]]


def test_nothing_changed_reports_nothing(repo):
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "all")
    code, only = lint_json(repo, "--changed", "--base", "HEAD")
    assert (code, only) == (0, [])


def test_a_changed_configuration_reports_everything(repo):
    config = repo / "salesgen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "# touched\n", encoding="utf-8")
    _, full = lint_json(repo)
    _, only = lint_json(repo, "--changed", "--base", "main")
    assert only == full


def test_changed_needs_git_and_a_known_ref(repo, template):
    runner = CliRunner()
    outside = runner.invoke(cli, ["lint", "--root", str(template), "--changed"])
    assert outside.exit_code == 2 and "not inside a git repository" in outside.output
    unknown = runner.invoke(cli, ["lint", "--root", str(repo), "--changed", "--base", "no-such-branch"])
    assert unknown.exit_code == 2 and "unknown git ref 'no-such-branch'" in unknown.output
    alone = runner.invoke(cli, ["lint", "--root", str(repo), "--base", "main"])
    assert alone.exit_code == 2 and "--base needs --changed" in alone.output
    with pytest.raises(GitError):
        changed_files(repo, "--output=/tmp/x")


def test_default_base_follows_the_pull_request(repo, monkeypatch):
    git(repo, "branch", "-q", "origin/main", "main")  # stands in for the remote-tracking branch
    monkeypatch.setenv("GITHUB_BASE_REF", "main")
    assert changed_files(repo) == changed_files(repo, "main")
    monkeypatch.delenv("GITHUB_BASE_REF")
    assert changed_files(repo) == changed_files(repo, "HEAD")


def test_a_subfolder_root_in_a_larger_repository(repo, tmp_path):
    outer = tmp_path / "mono"
    outer.mkdir()
    shutil.copytree(repo, outer / "sales", ignore=shutil.ignore_patterns(".git"))
    (outer / "other.txt").write_text("x", encoding="utf-8")
    git(outer, "init", "-q", "-b", "main")
    git(outer, "add", "-A")
    git(outer, "commit", "-q", "-m", "init")
    deal = sorted((outer / "sales" / "deals").glob("*.yaml"))[4]
    edit(deal, "\nname: ", "\nname: z")
    (outer / "other.txt").write_text("y", encoding="utf-8")
    assert changed_files(outer / "sales", "main") == {deal.relative_to(outer / "sales").as_posix()}
