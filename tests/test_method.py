"""The default pipeline and the example follow the method (salesgen/method/).

Two oracles, both independent of the configurations under test: the method's data
(``salesgen/method/method.yaml``, explained in ``METHOD.md``), and the key defaults written
out below as literals, so that changing the method file and a configuration together
still fails a test.
"""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
METHOD_DIR = REPO / "salesgen" / "method"
CONFIGS = {"default-config": REPO / "salesgen" / "data" / "default-config.yaml", "example": REPO / "salesgen.yaml"}

# The method, written out: 8 seller stages (plus lost), 29 exit criteria, probabilities, weights.
STAGES = ["planning", "visit", "proposal", "demo", "design", "evaluation", "negotiation", "won", "lost"]
PROBABILITIES = {"planning": 10, "visit": 20, "proposal": 30, "demo": 40, "design": 50, "evaluation": 70,
                 "negotiation": 90, "won": 100, "lost": 0}
BUYER_STAGES = ["problem_recognized", "feasibility_budget", "project_approved", "criteria_set",
                "tender_shortlist", "preferred_supplier", "negotiation", "signed"]
FUNNEL = {"planning": "prospecting", "visit": "prospecting", "proposal": "in_funnel", "demo": "in_funnel",
          "design": "in_funnel", "evaluation": "best", "negotiation": "best", "won": "closed", "lost": "closed"}
EXIT_CRITERIA = {
    "planning": ["target_fit", "handler_reached", "interest_confirmed", "visit_booked"],
    "visit": ["visit_report", "pain_confirmed", "budget_known", "buying_process_mapped", "org_chart",
              "roles_attitudes"],
    "proposal": ["interviews_held", "preliminary_proposal", "handler_satisfied", "price_as_range", "exec_ack",
                 "project_initiation_approved"],
    "demo": ["presales_engaged", "demo_done", "decision_makers_known", "formal_proposal_requested"],
    "design": ["requirements_researched", "proposal_meets_criteria", "shortlisted", "quote_approved"],
    "evaluation": ["evaluation_attitudes", "competitor_analysis", "preferred_supplier"],
    "negotiation": ["terms_agreed", "contract_reviewed"],
    "won": [],
    "lost": [],
}
WEIGHTS = {"scale_position": 10, "profitability": 10, "investment": 10, "credit": 20, "project_scale": 20,
           "project_value": 10, "priority": 20}


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


METHOD = load(METHOD_DIR / "method.yaml")


def project_pipeline(name: str) -> dict:
    pipelines = load(CONFIGS[name])["pipelines"]
    assert pipelines[0]["id"] == "project", f"{name}: the first pipeline is the method's project pipeline"
    return pipelines[0]


# --- the method's own data is the method -------------------------------------------------------------------

def test_method_data_is_the_method():
    stages = METHOD["stages"]
    assert [s["id"] for s in stages] == STAGES
    assert {s["id"]: s["probability"] for s in stages} == PROBABILITIES
    assert {s["id"]: s["exit"] for s in stages} == EXIT_CRITERIA
    assert sum(len(ids) for ids in EXIT_CRITERIA.values()) == 29
    assert [b["id"] for b in METHOD["buyer_stages"]] == BUYER_STAGES
    assert [s["buyer_stage"] for s in stages] == BUYER_STAGES + [None]
    assert {s["id"]: s["funnel"] for s in stages} == FUNNEL
    assert [f["id"] for f in METHOD["funnel_states"]] == ["prospecting", "in_funnel", "best", "closed"]
    assert METHOD["scorecard"] == WEIGHTS and list(METHOD["scorecard"]) == list(WEIGHTS)
    assert [a["id"] for a in METHOD["account_types"]] == ["organization", "interest", "intent", "customer"]
    assert METHOD["cadence"] == {"review_days": 7, "follow_up_days": 15, "intent_days": 30}


def test_roles_join_at_the_stages_the_method_names():
    joins = {s["id"]: s["roles"] for s in METHOD["stages"] if s["roles"]}
    assert joins == {"planning": ["owner"], "demo": ["presales"], "design": ["consultant"],
                     "evaluation": ["executive"], "negotiation": ["commercial", "finance", "legal"],
                     "won": ["implementation"]}
    assert {r["id"] for r in METHOD["roles"]} == {role for roles in joins.values() for role in roles}


def test_worked_example_ranks_b_above_a_with_the_method_weights():
    from salesgen.analytics.scorecard import scorecard

    example = METHOD["scorecard_example"]
    assert example == {"A": [5, 7, 7, 7, 7, 7, 3], "B": [5, 9, 7, 5, 5, 9, 7]}
    a, b = (scorecard(dict(zip(WEIGHTS, example[k])), METHOD["scorecard"]) for k in ("A", "B"))
    assert (a.rounded, b.rounded) == (Decimal("6.0"), Decimal("6.4"))
    assert b.total > a.total


# --- the default pipeline and the example follow it --------------------------------------------------------

@pytest.mark.parametrize("name", CONFIGS)
def test_project_pipeline_follows_the_method(name):
    pipeline = project_pipeline(name)
    stages = pipeline["stages"]
    assert [s["id"] for s in stages] == [s["id"] for s in METHOD["stages"]] == STAGES
    assert {s["id"]: [c["id"] for c in s.get("exit") or ()] for s in stages} \
        == {s["id"]: s["exit"] for s in METHOD["stages"]} == EXIT_CRITERIA
    assert {s["id"]: s["probability"] for s in stages} \
        == {s["id"]: s["probability"] for s in METHOD["stages"]} == PROBABILITIES
    assert [b["id"] for b in pipeline["buyer_stages"]] == [b["id"] for b in METHOD["buyer_stages"]] == BUYER_STAGES
    assert {s["id"]: s.get("buyer_stage") for s in stages} == {s["id"]: s["buyer_stage"] for s in METHOD["stages"]}
    assert {s["id"]: s["funnel"] for s in stages} == {s["id"]: s["funnel"] for s in METHOD["stages"]} == FUNNEL
    assert {s["id"]: s.get("outcome") for s in stages} \
        == {s["id"]: s.get("outcome") for s in METHOD["stages"]} \
        == {**{s: None for s in STAGES}, "won": "won", "lost": "lost"}


@pytest.mark.parametrize("name", CONFIGS)
def test_buyer_stage_chinese_names_follow_the_method(name):
    labels = {b["id"]: b["label"]["zh"] for b in project_pipeline(name)["buyer_stages"]}
    assert labels == {b["id"]: b["zh"] for b in METHOD["buyer_stages"]}
    stage_labels = {s["id"]: s["label"]["zh"] for s in project_pipeline(name)["stages"]}
    assert stage_labels == {s["id"]: s["zh"] for s in METHOD["stages"]}


@pytest.mark.parametrize("name", CONFIGS)
def test_scorecard_weights_follow_the_method(name):
    weights = load(CONFIGS[name])["scorecard"]
    assert weights == METHOD["scorecard"] == WEIGHTS
    assert list(weights) == list(WEIGHTS), "the method's factor order"


@pytest.mark.parametrize("name", CONFIGS)
def test_cadence_follows_the_method(name):
    cadence = load(CONFIGS[name])["cadence"]
    assert cadence == {k: METHOD["cadence"][k] for k in ("follow_up_days", "intent_days")} \
        == {"follow_up_days": 15, "intent_days": 30}


@pytest.mark.parametrize("name", CONFIGS)
def test_interest_account_roles_follow_the_method(name):
    roles = load(CONFIGS[name])["interest_accounts"]
    assert roles == METHOD["interest_accounts"] == {"held_by": ["executive"], "assigned_by": ["executive"]}


def test_a_configuration_without_interest_account_roles_gets_the_methods(tmp_path):
    from salesgen.config import load_config

    data = load(CONFIGS["default-config"])
    del data["interest_accounts"]
    (tmp_path / "salesgen.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    config, problems = load_config(tmp_path)
    assert problems == [] and config is not None
    assert (config.account_holder_roles, config.account_assigner_roles) == (("executive",), ("executive",))


def test_a_configuration_without_weights_gets_the_method_weights(tmp_path):
    """The one place the default weights live (the default configuration) is the method's."""
    from salesgen.config import load_config

    data = load(CONFIGS["default-config"])
    del data["scorecard"]
    (tmp_path / "salesgen.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    config, problems = load_config(tmp_path)
    assert problems == [] and config is not None
    assert config.weights == WEIGHTS
    data["scorecard"] = {"credit": 40}
    (tmp_path / "salesgen.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    config, _ = load_config(tmp_path)
    assert config.weights == {**WEIGHTS, "credit": 40}


def test_a_configuration_without_cadence_gets_the_method_cadence(tmp_path):
    from salesgen.config import load_config

    data = load(CONFIGS["default-config"])
    del data["cadence"]
    (tmp_path / "salesgen.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    config, problems = load_config(tmp_path)
    assert problems == [] and config is not None
    assert (config.follow_up_days, config.intent_days) == (15, 30)


def test_scorecard_factors_are_the_methods_in_its_order():
    from salesgen.criteria import SCORECARD_FACTORS

    assert list(SCORECARD_FACTORS) == list(WEIGHTS)


def test_named_checks_and_account_types_use_the_methods_names():
    import json

    from salesgen.criteria import NAMED_CHECKS

    method_ids = {c for ids in EXIT_CRITERIA.values() for c in ids}
    # every named check is a criterion of the method, but for the weaker "the scorecard is filled in",
    # kept for teams that judge target fit without a threshold
    assert set(NAMED_CHECKS) - method_ids == {"scorecard_filled"}
    schema = json.loads((REPO / "schemas" / "customer.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["type"]["enum"] == [a["id"] for a in METHOD["account_types"]]


# --- the method document ------------------------------------------------------------------------------------

def test_method_document_states_every_id_of_the_method_data():
    text = (METHOD_DIR / "METHOD.md").read_text(encoding="utf-8")
    ids = {f"`{c}`" for ids in EXIT_CRITERIA.values() for c in ids}
    ids |= {f"`{s}`" for s in STAGES} | {f"`{b}`" for b in BUYER_STAGES} | {f"`{w}`" for w in WEIGHTS}
    ids |= {f"`{r['id']}`" for r in METHOD["roles"]} | {f"`{a['id']}`" for a in METHOD["account_types"]}
    ids |= {f"`{f['id']}`" for f in METHOD["funnel_states"]}
    assert sorted(i for i in ids if i not in text) == []
    for stage in METHOD["stages"]:
        assert stage["zh"] in text, stage["id"]
        assert re.search(rf"\| `{stage['id']}` \| {re.escape(stage['zh'])} \| {stage['probability']} % \|", text)
    for factor, weight in WEIGHTS.items():
        assert re.search(rf"\| `{factor}` \| [^|]+ \| {weight} % \|", text), factor


def test_readme_links_the_method_document():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "](salesgen/method/METHOD.md)" in readme


# --- the repository stands alone ----------------------------------------------------------------------------

# Written in pieces so that this file does not match itself.
OUTSIDE = re.compile("|".join([
    r"\.\./" + "sha" + "red",
    "/work" + "/",
    "DOM" + r"AIN\.md",
    r"\bsha" + "red/" + "(seed|STYLE)",
]))
SKIP_DIRS = {".git", "site", ".salesgen-cache", "__pycache__", ".pytest_cache", ".hypothesis"}


def repository_text_files():
    for path in sorted(REPO.rglob("*")):
        if path.is_file() and not SKIP_DIRS.intersection(path.relative_to(REPO).parts):
            try:
                yield path, path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue  # binary test data


def test_nothing_in_the_repository_names_a_file_outside_it():
    found = [f"{path.relative_to(REPO)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
             for path, text in repository_text_files() for m in OUTSIDE.finditer(text)]
    assert found == []


@pytest.mark.parametrize("doc", ["README.md", "salesgen/method/METHOD.md"])
def test_relative_links_of_the_docs_stay_in_the_repository(doc):
    path = REPO / doc
    targets = re.findall(r"\]\(([^)\s]+)\)", path.read_text(encoding="utf-8"))
    relative = [t.split("#")[0] for t in targets if not re.match(r"[a-z]+:", t) and not t.startswith("#")]
    for target in relative:
        resolved = (path.parent / target).resolve()
        assert resolved.is_relative_to(REPO) and resolved.exists(), f"{doc} links {target}"
