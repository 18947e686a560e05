"""`salesgen lint` through click's CliRunner: formats, exit codes, narrowing."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from salesgen.cli import cli

AS_OF = "2026-11-20"


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def lint(root, *args, env=None):
    return run("lint", "--root", str(root), "--as-of", AS_OF, *args, env=env)


def test_tiny_repo_is_clean(tiny_repo):
    result = lint(tiny_repo, "--format", "json")
    assert result.exit_code == 0, result.output
    assert [p for p in json.loads(result.output) if p["severity"] == "error"] == []


def break_owner(root):
    path = root / "deals" / "acme-line.yaml"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("owner:"))
    lines[index] = "owner: nobody-here"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return index + 1


def test_text_format_points_at_file_line_and_rule(tiny_repo):
    line = break_owner(tiny_repo)
    result = lint(tiny_repo)
    assert result.exit_code == 1
    assert f"deals/acme-line.yaml:{line}:8: error [ref-rep] unknown rep 'nobody-here'" in result.output
    assert "    hint: " in result.output
    assert result.output.rstrip().endswith("warnings") or "error" in result.output.splitlines()[-1]


def test_json_format_has_the_documented_keys(tiny_repo):
    line = break_owner(tiny_repo)
    problems = json.loads(lint(tiny_repo, "--format", "json").output)
    match = [p for p in problems if p["rule"] == "ref-rep"]
    assert match == [{"file": "deals/acme-line.yaml", "line": line, "column": 8, "rule": "ref-rep",
                      "severity": "error", "message": "unknown rep 'nobody-here'", "hint": match[0]["hint"]}]
    assert match[0]["hint"]


def test_github_format_escapes_and_writes_a_summary(tiny_repo, tmp_path):
    path = tiny_repo / "deals" / "acme-line.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Acme 生产线", "name: Acme\nnam: 50%, a:b"),
                    encoding="utf-8")
    summary = tmp_path / "summary.md"
    result = lint(tiny_repo, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    line = next(l for l in result.output.splitlines() if "schema-unknown-key" in l)
    assert line.startswith("::error file=deals/acme-line.yaml,line=3,col=1,title=schema-unknown-key::")
    assert "%0A" in line  # the hint goes on a second line, escaped
    assert "\n" not in line
    text = summary.read_text(encoding="utf-8")
    assert "| <code>deals/acme-line.yaml:3</code> | error | `schema-unknown-key` |" in text


def test_github_escaping_of_properties():
    from salesgen.output.github import format_github
    from salesgen.problem import Problem

    out = format_github([Problem("a,b:c%\r\n.yaml", 1, 2, "r", "50% done", "next")])
    assert out == "::error file=a%2Cb%3Ac%25%0D%0A.yaml,line=1,col=2,title=r::50%25 done%0Anext\n"


def test_sarif_is_well_formed_with_stable_fingerprints(tiny_repo):
    break_owner(tiny_repo)
    first = json.loads(lint(tiny_repo, "--format", "sarif").output)
    assert first["version"] == "2.1.0"
    run_ = first["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert "ref-rep" in ids and all(r["help"]["text"] for r in rules)
    result = next(r for r in run_["results"] if r["ruleId"] == "ref-rep")
    assert rules[result["ruleIndex"]]["id"] == "ref-rep"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "deals/acme-line.yaml"
    # an unrelated edit that moves the line keeps the fingerprint
    path = tiny_repo / "deals" / "acme-line.yaml"
    path.write_text("# a new comment line\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    second = json.loads(lint(tiny_repo, "--format", "sarif").output)
    moved = next(r for r in second["runs"][0]["results"] if r["ruleId"] == "ref-rep")
    assert moved["locations"][0]["physicalLocation"]["region"]["startLine"] == \
        result["locations"][0]["physicalLocation"]["region"]["startLine"] + 1
    assert moved["partialFingerprints"] == result["partialFingerprints"]


def test_paths_narrow_the_report_but_not_the_context(tiny_repo):
    break_owner(tiny_repo)
    only_customers = lint(tiny_repo, "--format", "json", str(tiny_repo / "customers"))
    assert only_customers.exit_code == 0
    assert [p for p in json.loads(only_customers.output) if p["file"].startswith("deals/")] == []
    only_deal = lint(tiny_repo, "--format", "json", str(tiny_repo / "deals" / "acme-line.yaml"))
    assert only_deal.exit_code == 1


def test_strict_fails_on_warnings(tiny_repo):
    import re

    config = tiny_repo / "salesgen.yaml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^rules:.*$", "rules:\n  ref-rep: warning", text) if re.search(r"(?m)^rules:", text) \
        else text + "\nrules:\n  ref-rep: warning\n"
    config.write_text(text, encoding="utf-8")
    break_owner(tiny_repo)
    relaxed = lint(tiny_repo)
    assert relaxed.exit_code == 0 and "warning [ref-rep]" in relaxed.output
    assert lint(tiny_repo, "--strict").exit_code == 1


@pytest.mark.parametrize("args, message", [
    (["lint", "--root", "/no/such/dir"], "no such directory"),
    (["lint", "--root", ".", "does-not-exist.yaml"], "no such file"),
    (["lint", "--format", "xml"], "Invalid value"),
])
def test_usage_errors_exit_2(args, message):
    result = run(*args)
    assert result.exit_code == 2 and message in result.output


def test_configuration_errors_exit_2_with_a_position(tiny_repo):
    config = tiny_repo / "salesgen.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("reps:", "reps_typo:", 1), encoding="utf-8")
    result = lint(tiny_repo)
    assert result.exit_code == 2
    assert "salesgen.yaml:" in result.output and "[schema-unknown-key]" in result.output


def test_missing_configuration(tmp_path):
    result = lint(tmp_path)
    assert result.exit_code == 2 and "config-missing" in result.output


def test_rules_shows_the_configured_level(tiny_repo):
    import re

    config = tiny_repo / "salesgen.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^rules:.*$", "rules:\n  ref-rep: off", text), encoding="utf-8")
    listed = {item["id"]: item for item in json.loads(run("rules", "--root", str(tiny_repo), "--format", "json").output)}
    assert listed["ref-rep"]["severity"] == "off" and listed["ref-rep"]["default"] == "error"
    assert "ref-rep (off, default error)" in run("rules", "--root", str(tiny_repo)).output
    full = run("rules", "--doc").output
    assert "Passing:" in full and "Failing:" in full


def test_text_output_cannot_be_split_by_control_characters():
    from salesgen.output.text import format_text
    from salesgen.problem import Problem

    out = format_text([Problem("deals/a\n::error::x.yaml", 1, 1, "r", "bad\rvalue", "fix\nit")])
    assert not any(line.startswith("::error") for line in out.splitlines())
    assert "deals/a\\n::error::x.yaml:1:1: error [r] bad\\rvalue" in out


def break_config(root):
    """A duplicate key and an unknown key in salesgen.yaml; returns their 1-based lines."""
    config = root / "salesgen.yaml"
    lines = config.read_text(encoding="utf-8").splitlines()
    title = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    lines[title + 1:title + 1] = ["title: again", "colour_scheme: blue"]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return title + 2, title + 3


def test_a_bad_configuration_is_a_sarif_log(tiny_repo):
    from sarif_subset import assert_valid_sarif

    duplicate, unknown = break_config(tiny_repo)
    result = lint(tiny_repo, "--format", "sarif")
    assert result.exit_code == 2
    log = json.loads(result.stdout)
    assert_valid_sarif(log)
    found = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              r["locations"][0]["physicalLocation"]["region"]["startLine"], r["level"])
             for r in log["runs"][0]["results"]}
    assert ("yaml-duplicate-key", "salesgen.yaml", duplicate, "error") in found


def test_a_bad_configuration_is_a_github_annotation(tiny_repo, tmp_path):
    duplicate, unknown = break_config(tiny_repo)
    summary = tmp_path / "summary.md"
    result = lint(tiny_repo, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 2
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert any(line.startswith(f"::error file=salesgen.yaml,line={duplicate},col=1,title=yaml-duplicate-key::")
               for line in annotations), result.stdout
    assert f"| <code>salesgen.yaml:{duplicate}</code> | error | `yaml-duplicate-key` |" in summary.read_text(encoding="utf-8")


def test_an_unknown_configuration_key_in_json_and_sarif(tiny_repo):
    config = tiny_repo / "salesgen.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text + "colour_scheme: blue\n", encoding="utf-8")
    line = len(text.splitlines()) + 1
    result = lint(tiny_repo, "--format", "json")
    assert result.exit_code == 2
    problems = json.loads(result.stdout)
    assert [(p["file"], p["line"], p["rule"], p["severity"]) for p in problems] == \
        [("salesgen.yaml", line, "schema-unknown-key", "error")]
    assert "colour_scheme" in problems[0]["message"] and problems[0]["hint"]
    sarif = json.loads(lint(tiny_repo, "--format", "sarif").stdout)
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["schema-unknown-key"]


def test_a_bad_configuration_in_text_goes_to_stderr(tiny_repo):
    duplicate, _ = break_config(tiny_repo)
    result = lint(tiny_repo)
    assert result.exit_code == 2 and result.stdout == ""
    assert f"salesgen.yaml:{duplicate}:1: error [yaml-duplicate-key]" in result.stderr


def test_a_missing_configuration_is_a_sarif_log(tmp_path):
    from sarif_subset import assert_valid_sarif

    result = lint(tmp_path, "--format", "sarif")
    assert result.exit_code == 2
    log = json.loads(result.stdout)
    assert_valid_sarif(log)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["config-missing"]
