"""`salesgen rules RULE-ID`, help links in JSON and SARIF, and shell completion from the repository."""
from __future__ import annotations

import json

import pytest
from click.shell_completion import ShellComplete
from click.testing import CliRunner

from salesgen import rules
from salesgen.cli import cli


def invoke(*args, root=None):
    extra = ["--root", str(root)] if root is not None else []
    return CliRunner().invoke(cli, [*args, *extra], catch_exceptions=False)


@pytest.mark.parametrize("rule_id", list(rules.REGISTRY))
def test_every_rule_id_is_explained_with_its_examples(rule_id):
    result = invoke("rules", rule_id)
    assert result.exit_code == 0
    assert result.output.startswith(f"{rule_id} (")
    assert "Passing:" in result.output and "Failing:" in result.output


@pytest.mark.parametrize("rule_id", ["config-missing", "config-schema", "config-reference", "config-duplicate-id",
                                     "internal-error", "yaml-syntax", "schema-enum", "file-name-id"])
def test_ids_reported_outside_the_rule_modules_are_explainable_too(rule_id):
    assert invoke("rules", rule_id).exit_code == 0


def test_an_unknown_rule_id_names_the_close_one():
    result = invoke("rules", "stage-gat")
    assert result.exit_code == 2 and "did you mean 'stage-gate'?" in result.stderr


def with_site_url(root, url="https://sales.example.com/pipeline/"):
    (root / "mkdocs.yml").write_text(f"site_name: x\nsite_url: {url}\nplugins: [salesgen]\n", encoding="utf-8")


def test_rule_page_link_with_site_url(tiny_repo):
    with_site_url(tiny_repo)
    result = invoke("rules", "stage-gate", root=tiny_repo)
    assert "On the site: https://sales.example.com/pipeline/rules/#rule-stage-gate" in result.output
    data = json.loads(invoke("rules", "stage-gate", "--format", "json", root=tiny_repo).output)
    assert data["help_uri"] == "https://sales.example.com/pipeline/rules/#rule-stage-gate"


def break_deal(root):
    path = root / "deals" / "acme-line.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("stage: planning\n", "stage: visit\n", 1), encoding="utf-8")


def test_sarif_and_json_link_each_rule_to_its_page(tiny_repo):
    with_site_url(tiny_repo)
    break_deal(tiny_repo)
    sarif = json.loads(invoke("lint", "--format", "sarif", "--as-of", "2026-11-20", root=tiny_repo).output)
    descriptors = {d["id"]: d for d in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert descriptors["stage-gate"]["helpUri"] == "https://sales.example.com/pipeline/rules/#rule-stage-gate"
    problems = json.loads(invoke("lint", "--format", "json", "--as-of", "2026-11-20", root=tiny_repo).output)
    gate = [p for p in problems if p["rule"] == "stage-gate"]
    assert gate and all(p["help_uri"] == "https://sales.example.com/pipeline/rules/#rule-stage-gate" for p in gate)


def test_without_site_url_there_is_no_relative_link(tiny_repo):
    break_deal(tiny_repo)
    sarif = json.loads(invoke("lint", "--format", "sarif", "--as-of", "2026-11-20", root=tiny_repo).output)
    assert all("helpUri" not in d for d in sarif["runs"][0]["tool"]["driver"]["rules"])
    problems = json.loads(invoke("lint", "--format", "json", "--as-of", "2026-11-20", root=tiny_repo).output)
    assert problems and all("help_uri" not in p for p in problems)


def test_the_site_rules_page_has_the_anchor_the_links_point_to():
    from pathlib import Path

    template = Path(__file__).resolve().parent.parent / "salesgen" / "site" / "templates" / "rules.html"
    assert 'id="rule-{{ r.id }}"' in template.read_text(encoding="utf-8")


# --- completion ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("shell, marker", [("bash", "complete -o nosort -F"), ("zsh", "compdef"),
                                           ("fish", "complete --no-files --command salesgen")])
def test_completion_prints_the_script(shell, marker):
    result = invoke("completion", shell)
    assert result.exit_code == 0 and marker in result.output and "_SALESGEN_COMPLETE" in result.output


def test_completion_refuses_an_unknown_shell():
    assert invoke("completion", "tcsh").exit_code == 2


def complete(args, incomplete):
    return [item.value for item in ShellComplete(cli, {}, "salesgen", "_SALESGEN_COMPLETE")
            .get_completions(args, incomplete)]


def test_deal_ids_complete_from_file_names(tiny_repo):
    (tiny_repo / "deals" / "east").mkdir()
    (tiny_repo / "deals" / "east" / "acme-spares.yaml").write_text("id: acme-spares\n", encoding="utf-8")
    assert complete(["log", "--root", str(tiny_repo)], "acme") == ["acme-line", "acme-spares"]
    assert complete(["show", "--root", str(tiny_repo)], "x") == []


def test_contacts_complete_from_the_deals_customer(tiny_repo):
    assert complete(["log", "--root", str(tiny_repo), "acme-line", "--contact"], "") == ["acme-boss", "acme-buyer"]
    assert complete(["stakeholder", "--root", str(tiny_repo), "acme-line"], "acme-bu") == ["acme-buyer"]


def test_reps_stages_criteria_customers_and_rules_complete(tiny_repo):
    root = ["--root", str(tiny_repo)]
    assert complete(["log", *root, "acme-line", "--who"], "li") == ["li-lei"]
    assert complete(["move", *root, "acme-line"], "pro") == ["proposal"]
    assert complete(["evidence", *root, "acme-line"], "interest") == ["interest_confirmed"]
    assert complete(["set", *root, "customer"], "ac") == ["acme"]
    assert complete(["rules"], "stage-g") == ["stage-gate"]
    assert complete(["log", *root, "acme-line", "--type"], "vi") == ["visit"]


def test_completion_in_a_folder_without_a_repository_is_empty(tmp_path):
    assert complete(["log", "--root", str(tmp_path)], "") == []
    assert complete(["log", "--root", str(tmp_path), "x", "--who"], "") == []


def test_the_shell_protocol_answers_with_deal_ids(tiny_repo):
    """What the printed bash script does on Tab: call salesgen with _SALESGEN_COMPLETE=bash_complete."""
    env = {"_SALESGEN_COMPLETE": "bash_complete", "COMP_WORDS": f"salesgen show --root {tiny_repo} acme",
           "COMP_CWORD": "4"}
    result = CliRunner().invoke(cli, [], env=env, prog_name="salesgen")
    assert result.exit_code == 0
    assert result.output.splitlines() == ["plain,acme-line"]


def test_handover_reps_complete(tiny_repo):
    assert complete(["handover", "--root", str(tiny_repo), "--to"], "han") == ["han-meimei"]
