"""`salesgen init`: a new repository that lints clean and builds at once; the pre-commit hooks."""
from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from salesgen.cli import cli
from salesgen.repository import discover

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-20"


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def new_repo(tmp_path) -> Path:
    target = tmp_path / "pipeline"
    result = run("init", str(target), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    return target


def lint_json(root: Path, as_of: str = AS_OF) -> list:
    result = run("lint", "--root", str(root), "--as-of", as_of, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_init_then_lint_then_build(new_repo):
    assert lint_json(new_repo) == []  # no error, no warning
    build = run("build", "--root", str(new_repo))
    assert build.exit_code == 0, build.output
    index = new_repo / "site" / "index.html"
    assert index.is_file()
    assert "sample-machinery" in "".join(p.read_text(encoding="utf-8", errors="replace")
                                         for p in (new_repo / "site").rglob("*.html"))


def test_the_example_stays_clean_for_the_whole_follow_up_window(new_repo):
    # The example's last activity is 4 days old: clean for the next 10 days of the 15-day rule.
    assert lint_json(new_repo, "2026-11-30") == []


def test_init_writes_every_promised_file(new_repo):
    files = {p.relative_to(new_repo).as_posix() for p in new_repo.rglob("*") if p.is_file()}
    assert {"salesgen.yaml", "mkdocs.yml", ".gitignore", ".pre-commit-config.yaml", ".github/workflows/salesgen.yml",
            ".vscode/settings.json", "customers/sample-machinery.yaml",
            "deals/sample-machinery-welding-line.yaml", ".salesgen-docs/.gitkeep", "requirements.txt",
            "schemas/deal.schema.json", "schemas/customer.schema.json", "schemas/config.schema.json"} <= files
    config = (new_repo / "salesgen.yaml").read_bytes()
    assert config == (REPO / "salesgen" / "data" / "default-config.yaml").read_bytes()
    ignored = (new_repo / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "site/" in ignored
    assert ".salesgen-journal" in ignored and ".*.salesgen-tmp" in ignored  # a killed edit is never committed


def test_vscode_maps_every_data_file_to_its_schema(new_repo):
    settings = json.loads((new_repo / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    kinds = {"deal": "deal.schema.json", "customer": "customer.schema.json"}
    for rel, kind, _path in discover(new_repo):
        schema = next(s for s, globs in settings["yaml.schemas"].items()
                      if any((new_repo / rel) in new_repo.glob(g) for g in globs))
        assert schema.endswith(kinds[kind])
    for schema in settings["yaml.schemas"]:
        target = new_repo / schema
        assert target.is_file() and json.loads(target.read_text(encoding="utf-8"))["$schema"]
    assert "salesgen.yaml" in settings["yaml.schemas"]["./schemas/config.schema.json"]


def test_the_workflow_lints_pull_requests_with_annotations_and_builds_on_main(new_repo):
    workflow = yaml.safe_load((new_repo / ".github" / "workflows" / "salesgen.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]  # PyYAML reads the key `on` as a boolean
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    lint_steps = [s.get("run", "") for s in workflow["jobs"]["lint"]["steps"]]
    assert "salesgen lint --format github" in lint_steps
    site = workflow["jobs"]["site"]
    assert "refs/heads/main" in site["if"] and "pull_request" in site["if"]
    assert "salesgen build" in [s.get("run") for s in site["steps"]]
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if step.get("run", "").startswith("salesgen "):
                command = shlex.split(step["run"])[1]
                assert command in cli.commands, command


def hook_runs_lint(hook: dict, root: Path, monkeypatch) -> None:
    """The hook's entry, run in ``root`` as pre-commit would (no file names), is `salesgen lint --staged`."""
    import subprocess

    program, *args = shlex.split(hook["entry"])
    assert program == "salesgen" and args == ["lint", "--staged"]
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)  # the hook checks what is staged
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, [*args, "--as-of", AS_OF], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert hook["pass_filenames"] is False and hook["always_run"] is True


def test_the_new_repositorys_pre_commit_hook(new_repo, monkeypatch):
    import subprocess

    config = yaml.safe_load((new_repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for repo in config["repos"] for h in repo["hooks"] if h["id"] == "salesgen-lint"]
    hook_runs_lint(hook, new_repo, monkeypatch)
    # A broken file makes the hook fail.
    deal = new_repo / "deals" / "sample-machinery-welding-line.yaml"
    deal.write_text(deal.read_text(encoding="utf-8").replace("owner: li-lei", "owner: nobody"), encoding="utf-8")
    assert CliRunner().invoke(cli, ["lint", "--staged", "--as-of", AS_OF]).exit_code == 0  # not staged
    subprocess.run(["git", "add", "-A"], cwd=new_repo, check=True)
    assert CliRunner().invoke(cli, ["lint", "--staged", "--as-of", AS_OF]).exit_code == 1


def test_this_repositorys_pre_commit_hook_manifest(new_repo, monkeypatch):
    manifest = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in manifest if h["id"] == "salesgen-lint"]
    assert hook["language"] == "python"
    hook_runs_lint(hook, new_repo, monkeypatch)
    files = re.compile(hook["files"])
    for path in ("deals/a.yaml", "deals/east/b.yaml", "customers/c.yaml", "salesgen.yaml"):
        assert files.search(path), path
    for path in ("README.md", "docs/deals/x.yaml", "mkdocs.yml"):
        assert not files.search(path), path


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    result = run("init", str(target))
    assert result.exit_code == 2
    assert "is not empty (notes.txt)" in result.stderr and "--force" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]


def test_force_adds_missing_files_and_keeps_existing_ones(tmp_path):
    target = tmp_path / "busy"
    (target / ".git").mkdir(parents=True)
    assert run("init", str(target), "--as-of", AS_OF).exit_code == 0  # only .git: counts as empty
    (target / "salesgen.yaml").write_text("# ours\n", encoding="utf-8")
    (target / "mkdocs.yml").unlink()
    result = run("init", str(target), "--force", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert (target / "salesgen.yaml").read_text(encoding="utf-8") == "# ours\n"
    assert "salesgen.yaml (exists, kept)" in result.stdout
    assert (target / "mkdocs.yml").is_file()


def test_help_has_examples():
    result = run("init", "--help")
    assert result.exit_code == 0 and "Examples:" in result.output and "salesgen init" in result.output
