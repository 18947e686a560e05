"""The CI files `salesgen init` writes: parsed, and their commands run in a git repository with a pull request branch."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from salesgen.cli import cli

REPO = Path(__file__).resolve().parent.parent


def git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def shell_env(tmp_path_factory):
    """PATH with a `salesgen` that runs this checkout's code (as the pip-installed one would)."""
    bin_dir = tmp_path_factory.mktemp("bin")
    shim = bin_dir / "salesgen"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m salesgen "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(REPO),
            "NO_COLOR": "1"}


@pytest.fixture
def pull_request(tmp_path):
    """A repository made by `salesgen init` on main, pushed to an origin, and a branch that changes one deal."""
    root = tmp_path / "pipeline"
    assert CliRunner().invoke(cli, ["init", str(root)]).exit_code == 0
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "init")
    git(tmp_path, "clone", "-q", "--bare", str(root), str(tmp_path / "origin.git"))
    git(root, "remote", "add", "origin", str(tmp_path / "origin.git"))
    git(root, "fetch", "-q", "origin")
    git(root, "checkout", "-q", "-b", "feature")
    return root


def commit_change(root, rel, old, new):
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-am", "change")


def sh(root, command, env):
    return subprocess.run(["bash", "-c", command], cwd=root, env=env, capture_output=True, text=True, timeout=300)


# --- GitHub Actions -------------------------------------------------------------------------------------------

def workflow(root):
    return yaml.safe_load((root / ".github" / "workflows" / "salesgen.yml").read_text(encoding="utf-8"))


def github_runs(job: dict, event: str) -> list[str]:
    """The `run:` commands of a job that run for ``event`` (pull_request or push), CI expressions filled in."""
    commands = []
    for step in job["steps"]:
        condition = step.get("if", "")
        if event == "pull_request" and "!= 'pull_request'" in condition:
            continue
        if event == "push" and "== 'pull_request'" in condition:
            continue
        run = step.get("run")
        if run and not run.startswith("pip "):
            commands.append(run.replace("${{ github.base_ref }}", "main"))
    return commands


def test_the_workflow_checks_out_history_uploads_sarif_and_publishes_pages(pull_request):
    flow = workflow(pull_request)
    lint = flow["jobs"]["lint"]
    checkout = next(s for s in lint["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    assert lint["permissions"]["security-events"] == "write"
    upload = next(s for s in lint["steps"] if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert upload["with"]["sarif_file"] == "salesgen.sarif"
    assert any("--format sarif > salesgen.sarif" in run for run in github_runs(lint, "pull_request"))
    site, deploy = flow["jobs"]["site"], flow["jobs"]["deploy"]
    artifact = next(s for s in site["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert any(s.get("run", "").startswith("salesgen build") for s in site["steps"])
    mkdocs = yaml.safe_load((pull_request / "mkdocs.yml").read_text(encoding="utf-8"))
    assert artifact["with"]["path"].rstrip("/") == mkdocs["site_dir"]  # where `salesgen build` writes
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in deploy["steps"])
    for job in (site, deploy):
        assert "refs/heads/main" in job["if"] and "pull_request" in job["if"]


def test_the_pull_request_commands_report_only_the_changed_file(pull_request, shell_env):
    commit_change(pull_request, "deals/sample-machinery-welding-line.yaml", "currency: CNY", "currency: cny")
    runs = github_runs(workflow(pull_request)["jobs"]["lint"], "pull_request")
    results = [sh(pull_request, command, shell_env) for command in runs]
    assert results[0].returncode == 0  # the SARIF step never fails the job by itself
    sarif = json.loads((pull_request / "salesgen.sarif").read_text(encoding="utf-8"))
    files = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert files == {"deals/sample-machinery-welding-line.yaml"}
    annotations = results[-1]
    assert annotations.returncode == 1 and "::error file=deals/sample-machinery-welding-line.yaml" in annotations.stdout


def test_a_clean_pull_request_passes(pull_request, shell_env):
    result = CliRunner().invoke(cli, ["log", "sample-machinery-welding-line", "--root", str(pull_request),
                                      "--type", "call", "--summary", "电话跟进"])
    assert result.exit_code == 0, result.output
    git(pull_request, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-am", "log")
    for command in github_runs(workflow(pull_request)["jobs"]["lint"], "pull_request"):
        done = sh(pull_request, command, shell_env)
        assert done.returncode == 0, (command, done.stdout, done.stderr)


def test_main_lints_everything_then_builds_the_site_it_publishes(pull_request, shell_env):
    git(pull_request, "checkout", "-q", "main")
    flow = workflow(pull_request)
    for command in github_runs(flow["jobs"]["lint"], "push") + github_runs(flow["jobs"]["site"], "push"):
        done = sh(pull_request, command, shell_env)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
    assert (pull_request / "site" / "index.html").is_file()


# --- GitLab CI ------------------------------------------------------------------------------------------------

def gitlab(root):
    return yaml.safe_load((root / ".gitlab-ci.yml").read_text(encoding="utf-8"))


def gitlab_jobs(ci: dict, source: str) -> list[dict]:
    wanted = "merge_request_event" if source == "merge_request" else "$CI_DEFAULT_BRANCH"
    return [job for name, job in ci.items() if isinstance(job, dict) and "script" in job
            and any(wanted in rule.get("if", "") for rule in job.get("rules", ()))]


GITLAB_ENV = {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main", "CI_DEFAULT_BRANCH": "main", "CI_PROJECT_DIR": "."}


def test_gitlab_fetches_history_and_publishes_public(pull_request):
    ci = gitlab(pull_request)
    assert ci["variables"]["GIT_DEPTH"] == "0"
    pages = ci["pages"]
    assert pages["artifacts"]["paths"] == ["public"] and "salesgen build --site-dir public" in pages["script"]
    assert ci["default"]["before_script"] == ["pip install -r requirements.txt"]
    changed = gitlab_jobs(ci, "merge_request")
    assert len(changed) == 1 and changed[0]["artifacts"]["paths"] == ["salesgen.sarif"]


def test_gitlab_merge_request_commands(pull_request, shell_env):
    commit_change(pull_request, "deals/sample-machinery-welding-line.yaml", "currency: CNY", "currency: cny")
    (job,) = gitlab_jobs(gitlab(pull_request), "merge_request")
    env = {**shell_env, **GITLAB_ENV}
    results = [sh(pull_request, command, env) for command in job["script"]]
    assert [r.returncode for r in results] == [0, 0, 1], [r.stderr for r in results]
    assert "deals/sample-machinery-welding-line.yaml" in results[-1].stdout
    sarif = json.loads((pull_request / "salesgen.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["results"]


def test_gitlab_default_branch_commands_build_public(pull_request, shell_env):
    git(pull_request, "checkout", "-q", "main")
    env = {**shell_env, **GITLAB_ENV}
    for job in gitlab_jobs(gitlab(pull_request), "default"):
        for command in job["script"]:
            done = sh(pull_request, command, env)
            assert done.returncode == 0, (command, done.stdout, done.stderr)
    assert (pull_request / "public" / "index.html").is_file()


# --- VS Code snippets -----------------------------------------------------------------------------------------

def test_the_snippets_write_a_valid_activity_and_evidence_record(pull_request):
    import re

    snippets = json.loads((pull_request / ".vscode" / "salesgen.code-snippets").read_text(encoding="utf-8"))
    assert {s["prefix"][0] for s in snippets.values()} == {"activity", "evidence"}

    def expand(body):  # what VS Code inserts when each placeholder is accepted as is
        text = "\n".join(body).replace("$CURRENT_YEAR-$CURRENT_MONTH-$CURRENT_DATE", "2026-11-20")
        text = re.sub(r"\$\{\d+\|([^,|]+)[^}]*\}", r"\1", text)
        text = re.sub(r"\$\{\d+:([^}]*)\}", r"\1", text).replace("$0", "")
        return text.replace("YYYY-MM-DD", "2026-11-25").replace("rep-id", "li-lei")

    activity = yaml.safe_load(expand(snippets["salesgen: new activity"]["body"]))[0]
    evidence = yaml.safe_load(expand(snippets["salesgen: new evidence"]["body"]))[0]
    from salesgen.schemas import load_schema

    import jsonschema

    schema = load_schema("deal")
    items = {"activities": activity, "evidence": evidence}
    for key, item in items.items():
        sub = {**schema, "properties": {key: schema["properties"][key]}, "required": []}
        jsonschema.validate({key: [json.loads(json.dumps(item, default=str))]}, sub)
