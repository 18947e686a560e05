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
    return result.exit_code, (json.loads(result.stdout) if result.stdout.startswith("[") else result.output)


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


CI_VARIABLES = ("GITHUB_BASE_REF", "CI_MERGE_REQUEST_DIFF_BASE_SHA", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME")


@pytest.fixture
def no_ci(monkeypatch):
    for name in CI_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def lint_text(root: Path, *args: str):
    return CliRunner().invoke(cli, ["lint", "--root", str(root), "--as-of", "2026-11-20", "--no-cache", *args])


def data_files(root: Path) -> int:
    return sum(1 for folder in ("deals", "customers") for _ in (root / folder).rglob("*.yaml")) + 1


def test_without_base_a_broken_branch_fails(repo, no_ci):
    """Everything committed on the branch: comparing with HEAD (the old default) saw nothing and passed."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "all of it")
    deals = original_deals(repo)
    code, only = lint_json(repo, "--changed")
    assert code == 1
    assert {p["file"] for p in only} == {deals[1], deals[2], "deals/brand-new.yaml"}
    assert lint_json(repo, "--changed", "--base", "HEAD") == (0, [])  # what the old default did


def test_the_output_says_what_was_left_out(repo, no_ci):
    merge_base = git(repo, "rev-parse", "main").strip()[:7]
    total = data_files(repo)
    result = lint_text(repo, "--changed")
    assert result.exit_code == 1
    last = result.stdout.rstrip("\n").splitlines()[-1]
    assert last == (f"checked 3 of {total} files, those changed since main (merge-base {merge_base}); "
                    f"the {total - 3} unchanged files were not reported")
    as_json = CliRunner().invoke(cli, ["lint", "--root", str(repo), "--as-of", "2026-11-20", "--no-cache",
                                       "--format", "json", "--changed"])
    json.loads(as_json.stdout)  # the machine output stays one JSON document
    assert f"checked 3 of {total} files" in as_json.stderr
    sarif = CliRunner().invoke(cli, ["lint", "--root", str(repo), "--as-of", "2026-11-20", "--no-cache",
                                     "--format", "sarif", "--changed"])
    assert f"checked 3 of {total} files" in json.loads(sarif.stdout)["runs"][0]["properties"]["salesgenScope"]
    github = CliRunner().invoke(cli, ["lint", "--root", str(repo), "--as-of", "2026-11-20", "--no-cache",
                                      "--format", "github", "--changed"])
    assert f"::notice title=salesgen lint --changed::checked 3 of {total} files" in github.stdout


def upstream_and_clone(repo: Path, tmp_path: Path, default: str = "main", *clone_args: str) -> Path:
    """``repo``'s main history pushed to a bare upstream whose default branch is ``default``; a clone of it."""
    upstream = tmp_path / "upstream.git"
    git(tmp_path, "init", "-q", "--bare", "-b", default, str(upstream))
    git(repo, "push", "-q", str(upstream), f"main:{default}")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", *clone_args, f"file://{upstream}", str(clone))
    return clone


def break_a_deal_on_a_branch(clone: Path) -> str:
    git(clone, "checkout", "-q", "-b", "feature")
    deal = sorted((clone / "deals").glob("*.yaml"))[5]
    edit(deal, "\nowner: ", "\nowner: branch-")
    git(clone, "commit", "-q", "-am", "broken on the branch")
    return deal.relative_to(clone).as_posix()


def test_the_default_branch_is_origin_head(repo, tmp_path, no_ci):
    clone = upstream_and_clone(repo, tmp_path, "trunk")  # not a name salesgen could guess
    broken = break_a_deal_on_a_branch(clone)
    changes_ = __import__("salesgen.gitdiff", fromlist=["changes"]).changes(clone)
    assert changes_.base == "origin/trunk"
    assert changes_.merge_base == git(clone, "rev-parse", "origin/trunk").strip()
    code, only = lint_json(clone, "--changed")
    assert code == 1 and {p["file"] for p in only} == {broken}


def test_the_default_branch_by_its_usual_names(repo, no_ci):
    from salesgen.gitdiff import default_base

    assert default_base(repo) == "main"  # no remote: the local main
    git(repo, "branch", "-q", "-m", "main", "master")
    assert default_base(repo) == "master"
    git(repo, "branch", "-q", "origin/master", "master")  # a ref named like a remote-tracking branch
    assert default_base(repo) == "origin/master"
    git(repo, "branch", "-q", "-D", "origin/master")
    git(repo, "branch", "-q", "-m", "master", "develop")
    result = lint_text(repo, "--changed")
    assert result.exit_code == 2
    assert "cannot tell the default branch" in result.stderr and "--base" in result.stderr


@pytest.mark.parametrize("variable, value, expected", [
    ("GITHUB_BASE_REF", "release", "origin/release"),
    ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "release", "origin/release"),
])
def test_ci_variables_name_the_pull_request_base(repo, no_ci, variable, value, expected):
    from salesgen.gitdiff import changes

    git(repo, "branch", "-q", "origin/release", "main")  # stands in for the remote-tracking branch
    git(repo, "branch", "-q", "origin/main", "feature")  # the default branch would report nothing committed
    no_ci.setenv(variable, value)
    found = changes(repo)
    assert found.base == expected
    assert found.files == changed_files(repo, "main")
    assert original_deals(repo)[1] in found.files


def test_gitlab_diff_base_sha_wins(repo, no_ci):
    from salesgen.gitdiff import changes

    sha = git(repo, "rev-parse", "main").strip()
    no_ci.setenv("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "nonexistent")
    no_ci.setenv("CI_MERGE_REQUEST_DIFF_BASE_SHA", sha)
    found = changes(repo)
    assert (found.base, found.merge_base) == (sha, sha)
    assert found.files == changed_files(repo, "main")


@pytest.mark.parametrize("ci", [{}, {"GITHUB_BASE_REF": "main"}, {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "other"}])
def test_a_shallow_clone_is_refused_with_what_to_set(repo, tmp_path, no_ci, ci):
    clone = upstream_and_clone(repo, tmp_path, "main", "--depth", "1")
    break_a_deal_on_a_branch(clone)
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    for name, value in ci.items():
        no_ci.setenv(name, value)
    result = lint_text(clone, "--changed")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and "shallow clone" in lines[0]
    assert lines[1] == ("    hint: set `fetch-depth: 0` on actions/checkout (GitLab: GIT_DEPTH: 0), "
                        "or run `git fetch --unshallow`")
    git(clone, "fetch", "-q", "--unshallow")
    assert lint_text(clone, "--changed", *(["--base", "origin/main"] if ci else [])).exit_code == 1


def test_unrelated_histories_are_an_error(repo, tmp_path, no_ci):
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.txt").write_text("x", encoding="utf-8")
    git(other, "init", "-q", "-b", "main")
    git(other, "add", "-A")
    git(other, "commit", "-q", "-m", "x")
    git(repo, "fetch", "-q", str(other), "main:unrelated")
    result = lint_text(repo, "--changed", "--base", "unrelated")
    assert result.exit_code == 2 and "no commit in common" in result.stderr
