"""What to learn at each buying stage (tables 4-1 to 4-8): known from the deal's record, from data, or still to find out."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from salesgen.analytics.insight import CRITERIA_DIMENSIONS, current_buyer_stage, learn_status
from salesgen.config import load_config
from salesgen.model import Customer, Deal

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO / "salesgen" / "data" / "default-config.yaml"

# The items each buying stage's opportunity table lists (信息收集范围), written out here from the text.
TABLES = {
    "problem_recognized": {"customer_basics"},  # table 4-1
    "feasibility_budget": {"requirements", "project_value", "competitors", "budget", "decision_process",
                           "purchase_schedule"},  # table 4-3
    "project_approved": {"requirements", "org_structure", "buying_team", "decision_process", "key_people"},  # 4-4
    "criteria_set": {"purchase_criteria", "competitor_strength", "competitor_relations"},  # table 4-7
    "tender_shortlist": {"specific_criteria", "tender_team"},  # table 4-8
}


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    root = tmp_path_factory.mktemp("config")
    shutil.copy(DEFAULT_CONFIG, root / "salesgen.yaml")
    config, problems = load_config(root)
    assert problems == []
    return config.pipelines["project"]


@pytest.mark.parametrize("config_file", [DEFAULT_CONFIG, REPO / "salesgen.yaml"], ids=["default", "example"])
def test_every_buying_stage_lists_what_its_table_says(config_file):
    data = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    stages = {b["id"]: {i["id"] for i in b.get("learn") or ()} for b in data["pipelines"][0]["buyer_stages"]}
    for buyer, items in TABLES.items():
        assert stages[buyer] == items, buyer


def deal(**extra) -> Deal:
    doc = {"id": "d", "name": "d", "customer": "c", "owner": "li-lei", "pipeline": "project", "stage": "demo",
           "amount": 1, "currency": "CNY", "expected_close": "2027-01-01", **extra}
    return Deal.from_document(doc, "deals/d.yaml")


def test_purchase_criteria_are_known_only_with_all_five_dimensions(pipeline):
    four = {dim: "写明" for dim in CRITERIA_DIMENSIONS[:-1]}
    [criteria] = [i for i in learn_status(deal(buyer_insight={"purchase_criteria": four}), None, pipeline,
                                          "criteria_set") if i.id == "purchase_criteria"]
    assert not criteria.known
    assert [dim for dim, text in criteria.parts if text is None] == ["project_management"]
    five = dict(four, project_management="  ")  # blank is not known
    [criteria] = [i for i in learn_status(deal(buyer_insight={"purchase_criteria": five}), None, pipeline,
                                          "criteria_set") if i.id == "purchase_criteria"]
    assert not criteria.known
    five["project_management"] = "分三期验收"
    [criteria] = [i for i in learn_status(deal(buyer_insight={"purchase_criteria": five}), None, pipeline,
                                          "criteria_set") if i.id == "purchase_criteria"]
    assert criteria.known and dict(criteria.parts)["project_management"] == "分三期验收"


def test_recorded_items_and_items_known_from_data(pipeline):
    plain = {i.id: i for i in learn_status(deal(), None, pipeline, "feasibility_budget")}
    assert not any(i.known for i in plain.values())
    known = {i.id: i for i in learn_status(
        deal(buyer_insight={"purchase_schedule": "2027年3月招标"},
             competitors=[{"name": "海德", "strengths": "品牌", "weaknesses": "贵"}],
             evidence=[{"criterion": "budget_known", "date": "2026-05-01", "ref": "预算"}]),
        None, pipeline, "feasibility_budget")}
    assert known["purchase_schedule"].known and known["purchase_schedule"].value == "2027年3月招标"
    assert known["competitors"].known and known["competitors"].from_data
    assert known["budget"].known and known["budget"].from_data
    assert not known["requirements"].known and not known["project_value"].known


def test_the_current_buying_stage_is_the_deals_or_the_aligned_one(pipeline):
    demo = pipeline.stage("demo")
    assert current_buyer_stage(deal(), demo) == demo.buyer_stage
    assert current_buyer_stage(deal(buyer_stage="project_approved"), demo) == "project_approved"


def test_an_unknown_item_to_learn_is_a_configuration_error(tmp_path):
    text = DEFAULT_CONFIG.read_text(encoding="utf-8").replace("{id: tender_team,", "{id: tender_teams,", 1)
    (tmp_path / "salesgen.yaml").write_text(text, encoding="utf-8")
    config, problems = load_config(tmp_path)
    [problem] = problems
    assert problem.rule == "config-reference" and "tender_teams" in problem.message
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "tender_teams" in l)
    assert problem.line == line


def test_the_deal_page_shows_what_is_known_and_what_to_find_out(tmp_path):
    from click.testing import CliRunner

    from conftest import copy_example
    from salesgen.cli import cli

    root = copy_example(tmp_path / "repo")
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--site-dir", str(tmp_path / "site")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    raw = yaml.safe_load(next((root / "deals").rglob("huazhong-food-packaging-line.yaml")).read_text(encoding="utf-8"))
    source = (tmp_path / "site" / "deals" / "huazhong-food-packaging-line" / "index.html").read_text(encoding="utf-8")
    section = source.split('id="learn"', 1)[1].split('id="team"', 1)[0]
    recorded = raw["buyer_insight"]["purchase_criteria"]
    for dim in CRITERIA_DIMENSIONS:
        state = re.search(rf'<li class="sg-c-(\w+)" data-dimension="{dim}">', section).group(1)
        assert state == ("evidenced" if dim in recorded else "missing"), dim
    state = re.search(r'<li class="sg-c-(\w+)" data-learn="competitor_relations">', section).group(1)
    assert state == "evidenced"
    assert re.search(r'<li class="sg-c-missing" data-learn="purchase_criteria">', section)


def test_an_unknown_item_to_learn_is_quoted_on_one_short_line_and_said_in_chinese(tmp_path):
    long_id = "a" * 64  # a valid id (the schema allows it) longer than the 60 characters a message may quote
    text = DEFAULT_CONFIG.read_text(encoding="utf-8").replace("{id: tender_team,", "{id: " + long_id + ",", 1)
    (tmp_path / "salesgen.yaml").write_text(text, encoding="utf-8")
    _config, [problem] = load_config(tmp_path)
    assert problem.rule == "config-reference"
    assert long_id not in problem.message and "a" * 57 + "..." in problem.message
    from salesgen.i18n import translate

    assert translate(problem.message, "zh").startswith("未知的了解事项 '")
    assert translate(problem.hint, "zh").startswith("请使用以下之一：")
