"""`salesgen lint --staged` and the pre-commit hook: what is being committed is checked, nothing else."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from salesgen.cli import cli

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-20"
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1"}


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(root), *args], check=check, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV, "HOME": str(root.parent)})


def lint(root: Path, *args: str):
    return CliRunner().invoke(cli, ["lint", "--root", str(root), "--as-of", AS_OF, *args])


def bad_deal(root: Path, name: str = "bad") -> Path:
    """A deal whose owner is not a rep (ref-rep), written next to the good one."""
    text = (root / "deals" / "acme-line.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^id: .*$", f"id: {name}", text)
    text = re.sub(r"(?m)^owner: .*$", "owner: nobody-here", text)
    path = root / "deals" / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def committed(tiny_repo: Path) -> Path:
    git(tiny_repo, "init", "-q", "-b", "main")
    git(tiny_repo, "add", "-A")
    git(tiny_repo, "commit", "-q", "-m", "a good state")
    return tiny_repo


def stage_a_good_change(root: Path) -> None:
    deal = root / "deals" / "acme-line.yaml"
    deal.write_text(deal.read_text(encoding="utf-8").replace("name: Acme 生产线", "name: Acme 二号生产线"),
                    encoding="utf-8")
    git(root, "add", "deals/acme-line.yaml")


def test_an_untracked_bad_file_does_not_block_a_good_commit(committed):
    bad_deal(committed)
    stage_a_good_change(committed)
    assert lint(committed).exit_code == 1  # the working tree is broken...
    result = lint(committed, "--staged")
    assert result.exit_code == 0, result.output  # ...what is being committed is not
    assert "checked the 3 files as staged for commit" in result.stdout


def test_a_staged_bad_file_blocks_the_commit(committed):
    bad_deal(committed)
    git(committed, "add", "deals/bad.yaml")
    result = lint(committed, "--staged")
    assert result.exit_code == 1
    assert "deals/bad.yaml:4:8: error [ref-rep] unknown rep 'nobody-here'" in result.stdout


def test_the_index_wins_over_the_working_tree(committed):
    bad = bad_deal(committed)
    git(committed, "add", "deals/bad.yaml")
    bad.unlink()  # gone from the disk, still staged
    assert lint(committed).exit_code == 0
    assert lint(committed, "--staged").exit_code == 1
    git(committed, "rm", "-q", "--cached", "customers/acme.yaml")  # deleted in the index, still on disk
    result = lint(committed, "--staged", "--format", "json")
    assert result.exit_code == 1
    assert '"rule": "ref-customer"' in result.stdout and '"file": "deals/acme-line.yaml"' in result.stdout


def test_an_unstaged_fix_does_not_hide_a_staged_mistake(committed):
    deal = committed / "deals" / "acme-line.yaml"
    good = deal.read_text(encoding="utf-8")
    deal.write_text(good.replace("customer: acme", "customer: acme-typo"), encoding="utf-8")
    git(committed, "add", "deals/acme-line.yaml")
    deal.write_text(good, encoding="utf-8")
    assert lint(committed).exit_code == 0  # the working tree's good version is now in the lint cache
    result = lint(committed, "--staged")
    assert result.exit_code == 1 and "unknown customer 'acme-typo'" in result.stdout
    assert (committed / ".salesgen-cache").is_dir()  # the staged run shares the working tree's cache
    git(committed, "add", "deals/acme-line.yaml")
    assert lint(committed, "--staged").exit_code == 0


def test_a_bad_configuration_in_the_index(committed):
    config = committed / "salesgen.yaml"
    good = config.read_text(encoding="utf-8")
    config.write_text(good + "colour_scheme: blue\n", encoding="utf-8")
    git(committed, "add", "salesgen.yaml")
    config.write_text(good, encoding="utf-8")
    result = lint(committed, "--staged")
    assert result.exit_code == 2 and "schema-unknown-key" in result.stderr


def test_paths_narrow_the_staged_report(committed):
    bad_deal(committed)
    git(committed, "add", "deals/bad.yaml")
    assert lint(committed, "--staged", str(committed / "customers")).exit_code == 0
    assert lint(committed, "--staged", str(committed / "deals" / "bad.yaml")).exit_code == 1


def test_a_subfolder_of_a_larger_repository(tiny_repo, tmp_path):
    outer = tmp_path / "mono"
    shutil.copytree(tiny_repo, outer / "sales")
    (outer / "README.md").write_text("x", encoding="utf-8")
    git(outer, "init", "-q", "-b", "main")
    git(outer, "add", "-A")
    git(outer, "commit", "-q", "-m", "init")
    bad_deal(outer / "sales")
    assert lint(outer / "sales", "--staged").exit_code == 0
    git(outer, "add", "-A")
    result = lint(outer / "sales", "--staged")
    assert result.exit_code == 1 and "deals/bad.yaml:" in result.stdout


def test_staged_needs_git_and_goes_alone(tiny_repo, committed):
    plain = tiny_repo.parent / "plain"
    shutil.copytree(committed, plain, ignore=shutil.ignore_patterns(".git"))
    result = lint(plain, "--staged")
    assert result.exit_code == 2 and "not inside a git repository" in result.stderr
    both = lint(committed, "--staged", "--changed")
    assert both.exit_code == 2 and "do not go together" in both.stderr


# --- the pre-commit snippet of the README, run by pre-commit on real commits ----------------

def readme_snippet() -> str:
    """The YAML block of the README's "### pre-commit" section, exactly as printed."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n### pre-commit\n", 1)[1].split("\n### ", 1)[0]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


def test_the_readme_snippet_is_what_init_writes():
    written = (REPO / "salesgen" / "templates" / "init" / "pre-commit-config.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(readme_snippet()) == yaml.safe_load(written)


def test_the_hook_manifest_runs_the_same_command():
    manifest = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (snippet_hook,) = yaml.safe_load(readme_snippet())["repos"][0]["hooks"]
    (hook,) = manifest
    for key in ("id", "entry", "pass_filenames", "always_run", "require_serial"):
        assert hook[key] == snippet_hook[key], key


@pytest.fixture
def pre_commit_env(tmp_path) -> dict:
    """PATH with a `salesgen` that runs the code under test, and a private pre-commit home."""
    if shutil.which("pre-commit") is None:
        pytest.fail("pre-commit is not installed: pip install -e .[test]")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "salesgen"
    wrapper.write_text(f"#!/bin/sh\nPYTHONPATH={REPO} exec {sys.executable} -m salesgen \"$@\"\n", encoding="utf-8")
    wrapper.chmod(0o755)
    return {**os.environ, **GIT_ENV, "HOME": str(tmp_path), "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def commit(root: Path, env: dict, message: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(root), "commit", "-m", message], capture_output=True, text=True,
                          env=env, check=False)


def test_the_readme_snippet_works_as_written(committed, pre_commit_env):
    root = committed
    (root / ".pre-commit-config.yaml").write_text(readme_snippet(), encoding="utf-8")
    git(root, "add", ".pre-commit-config.yaml")
    install = subprocess.run(["pre-commit", "install"], cwd=root, env=pre_commit_env, capture_output=True,
                             text=True, check=False)
    assert install.returncode == 0, install.stdout + install.stderr
    bad_deal(root, "untracked-bad")  # never added
    stage_a_good_change(root)
    good = commit(root, pre_commit_env, "a good change")
    assert good.returncode == 0, good.stdout + good.stderr
    assert re.search(r"salesgen lint\.+Passed", good.stdout + good.stderr)
    bad_deal(root, "staged-bad")
    git(root, "add", "deals/staged-bad.yaml")
    refused = commit(root, pre_commit_env, "a bad change")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0 and re.search(r"salesgen lint\.+Failed", output)
    assert "deals/staged-bad.yaml:4:8: error [ref-rep] unknown rep 'nobody-here'" in output
    assert "untracked-bad" not in output
    assert git(root, "log", "--format=%s").stdout.split("\n")[0] == "a good change"
