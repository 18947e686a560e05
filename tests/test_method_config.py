"""The method's numbers and settings: scorecard weights add up, the target threshold, the probability a table uses."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from salesgen import engine
from salesgen.analytics.funnel import by_stage
from salesgen.cli import cli
from salesgen.config import load_config

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO / "salesgen" / "data" / "default-config.yaml"
AS_OF = "2026-11-20"


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def set_weight(root: Path, factor: str, weight: int) -> int:
    """Change one weight in salesgen.yaml by editing its line; returns that line's number."""
    path = root / "salesgen.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if re.match(rf"\s+{factor}:\s*\d+", line))
    lines[number] = re.sub(r":\s*\d+", f": {weight}", lines[number], count=1)
    path.write_text("".join(lines), encoding="utf-8")
    return number + 1


@pytest.mark.parametrize("weight, total", [(19, 99), (21, 101)])
def test_weights_that_do_not_add_up_to_100_are_a_configuration_error(tiny_repo, weight, total):
    set_weight(tiny_repo, "priority", weight)
    result = run("lint", "--root", str(tiny_repo), "--as-of", AS_OF)
    assert result.exit_code == 2, result.output
    scorecard_line = next(i for i, line in enumerate((tiny_repo / "salesgen.yaml").read_text(encoding="utf-8")
                                                     .splitlines(), 1) if line.startswith("scorecard:"))
    assert f"salesgen.yaml:{scorecard_line}:" in result.output
    assert "[config-scorecard]" in result.output and f"{total} %" in result.output


def test_weights_moved_between_factors_still_adding_up_to_100_are_fine(tiny_repo):
    set_weight(tiny_repo, "priority", 10)
    set_weight(tiny_repo, "profitability", 20)
    result = run("lint", "--root", str(tiny_repo), "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output


def write_threshold(root: Path, value: str) -> None:
    path = root / "salesgen.yaml"
    text = path.read_text(encoding="utf-8")
    text, count = re.subn(r"(?m)^scorecard_threshold: .*$", f"scorecard_threshold: {value}", text)
    assert count == 1
    path.write_text(text, encoding="utf-8")


def test_target_fit_needs_the_score_to_reach_the_threshold(example_repo):
    # customers/temp.yaml is the text's customer B: 5,9,7,5,5,9,7 -> 6.4 with the default weights
    deal = "deals/east-china/temp-capacity-expansion.yaml"

    def gate_problems():
        return [p for p in engine.lint(example_repo, load_config(example_repo)[0].as_of).problems
                if p.file == deal and p.subject == "target_fit"]

    write_threshold(example_repo, "6.4")
    assert gate_problems() == []  # reaching the threshold exactly is enough
    write_threshold(example_repo, "6.41")
    [problem] = gate_problems()
    assert problem.rule == "stage-gate" and "scorecard_threshold" in problem.hint


def test_the_threshold_defaults_to_six_when_left_out(tmp_path):
    shutil.copy(DEFAULT_CONFIG, tmp_path / "salesgen.yaml")
    text = (tmp_path / "salesgen.yaml").read_text(encoding="utf-8")
    (tmp_path / "salesgen.yaml").write_text(re.sub(r"(?m)^scorecard_threshold: .*\n", "", text), encoding="utf-8")
    config, problems = load_config(tmp_path)
    assert problems == [] and str(config.scorecard_threshold) == "6.0"


def test_funnel_tables_show_the_probability_they_used(example_repo):
    deal = next((example_repo / "deals").rglob("temp-capacity-expansion.yaml"))
    stage_default = 90  # negotiation in the example pipeline
    config = yaml.safe_load((example_repo / "salesgen.yaml").read_text(encoding="utf-8"))
    negotiation = next(s for s in config["pipelines"][0]["stages"] if s["id"] == "negotiation")
    assert negotiation["probability"] == stage_default

    def funnel_row():
        result = run("funnel", "--root", str(example_repo), "--format", "json")
        assert result.exit_code == 0, result.output
        return next(r for r in json.loads(result.stdout) if r["pipeline"] == "project" and r["stage"] == "negotiation")

    before = funnel_row()
    assert before["probability"] == str(stage_default)
    text = deal.read_text(encoding="utf-8")
    deal.write_text(text.replace("expected_close: 2026-12-18", "expected_close: 2026-12-18\nprobability: {value: 80}"),
                    encoding="utf-8")
    after = funnel_row()
    others = before["deals"] - 1
    assert after["probability"] == ("80" if others == 0 else "80-90")
    repo, _ = load_config(example_repo)
    from salesgen.repository import load_repository

    loaded = load_repository(example_repo)
    row = next(r for r in by_stage(loaded.deals.values(), loaded.config)["project"] if r.stage.id == "negotiation")
    assert 80 in row.bucket.used


def test_lixiang_names_an_approval_never_the_day_a_deal_was_opened():
    from salesgen.site.i18n import EN, ZH

    assert "立项" not in ZH["created"] and "立项" not in EN["created"]
    # 立项 appears only where an approval is meant: our sales-project approval (销售项目立项审批) and the
    # form that requests it (销售项目立项申请表)
    assert {key for key, value in ZH.items() if "立项" in value} == {"approval.project_initiation", "forms.initiation"}
    assert "申请" in ZH["forms.initiation"]
    assert "审批" in ZH["approval.project_initiation"]
