"""The JSON Schemas: valid 2020-12, strict, documented, and their errors well placed."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from salesgen import schemas
from salesgen.yamlsource import parse

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
KINDS = ["deal", "customer", "config"]


def walk(node, path=()):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, path + (index,))


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_2020_12(kind):
    schema = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("kind", KINDS)
def test_every_object_is_closed(kind):
    schema = schemas.load_schema(kind)
    open_objects = [path for path, node in walk(schema)
                    if node.get("type") == "object" and "properties" in node and "additionalProperties" not in node]
    assert open_objects == []


@pytest.mark.parametrize("kind", ["deal", "customer"])
def test_top_level_fields_are_documented(kind):
    schema = schemas.load_schema(kind)
    undocumented = [key for key, prop in schema["properties"].items() if not prop.get("title")]
    assert undocumented == []


def test_enums_carry_the_method_vocabulary():
    deal = schemas.load_schema("deal")
    holder = deal["properties"]["stakeholders"]["items"]["properties"]
    assert holder["role"]["enum"] == ["initiator", "designer", "decision_maker", "user", "evaluator"]
    assert holder["attitude"]["enum"] == ["supporter", "neutral", "opponent"]
    assert holder["closeness"]["enum"] == ["close", "frequent", "distant", "none"]
    assert sorted(deal["properties"]["team"]["properties"]) == sorted(
        ["presales", "consultant", "executive", "commercial", "finance", "legal", "implementation"])
    customer = schemas.load_schema("customer")
    assert customer["properties"]["type"]["enum"] == ["organization", "interest", "intent", "customer"]
    contact = customer["$defs"]["contact"]["properties"]
    assert contact["level"]["enum"] == ["operational", "management", "decision"]
    assert contact["function"]["enum"] == ["finance", "procurement", "user", "technical"]


def test_sensitive_fields_are_marked_in_the_schema():
    contact = schemas.load_schema("customer")["$defs"]["contact"]["properties"]
    assert sorted(k for k, v in contact.items() if v.get("x-sensitive")) == ["motives", "notes"]


def problems_of(kind, text):
    value, _ = parse(text, "x.yaml")
    return [(p.rule, p.line, p.column) for p in schemas.validate(kind, value, "x.yaml")], \
        schemas.validate(kind, value, "x.yaml")


CUSTOMER = "id: acme\nname: Acme\ntype: interest\nowner: li-lei\n"


def test_unknown_key_points_at_the_key_and_suggests():
    found, problems = problems_of("customer", CUSTOMER + "contacts:\n  - id: acme-a\n    name: A\n    titel: 经理\n")
    assert found == [("schema-unknown-key", 8, 5)]
    assert problems[0].hint == "Did you mean 'title'?"


def test_missing_required_key_points_at_the_mapping():
    found, problems = problems_of("customer", "id: acme\nname: Acme\ntype: interest\n")
    assert found == [("schema-required", 1, 1)]
    assert "'owner'" in problems[0].message


def test_enum_with_suggestion():
    found, problems = problems_of("customer", CUSTOMER.replace("interest", "intrest"))
    assert found == [("schema-enum", 3, 7)]
    assert problems[0].hint.startswith("Did you mean 'interest'?")


def test_type_and_pattern():
    found, _ = problems_of("customer", CUSTOMER.replace("id: acme", "id: Acme Co"))
    assert found == [("schema-pattern", 1, 5)]
    found, problems = problems_of("customer", CUSTOMER + "employees: many\n")
    assert found == [("schema-type", 5, 12)]
    assert "whole number" in problems[0].message


def test_quoted_impossible_date_fails_the_format():
    found, _ = problems_of("customer", CUSTOMER + 'since: "2026-02-30"\n')
    assert found == [("schema-format", 5, 8)]


def test_fast_and_reference_validators_agree_on_valid_and_invalid():
    valid, _ = parse(CUSTOMER, "x.yaml")
    assert schemas.validate("customer", valid, "x.yaml") == []
    invalid, _ = parse(CUSTOMER + "extra: 1\n", "x.yaml")
    assert schemas.validate("customer", invalid, "x.yaml") != []


def test_every_unknown_key_is_reported():
    found, _ = problems_of("customer", CUSTOMER + "colour: red\nsize: big\n")
    assert found == [("schema-unknown-key", 5, 1), ("schema-unknown-key", 6, 1)]


# --- the fast paths agree with the reference jsonschema ----------------------------------------------

DATES = ["2026-11-20", "2024-02-29", "2026-02-29", "2026-13-01", "2026-1-01", "20261120", "0000-01-01",
         "９９９９-01-01", "2026-11-20T00:00", " 2026-11-20", "", 20261120, None]


@pytest.mark.parametrize("value", DATES, ids=repr)
def test_the_date_format_is_the_reference_one(value):
    reference = jsonschema.FormatChecker(formats=("date",))
    assert schemas.is_date(value) is reference.conforms(value, "date")


FRAGMENTS = [
    {"required": ["team"], "properties": {"team": {"required": ["presales"]}}},
    {"required": ["competitors"],
     "properties": {"competitors": {"minItems": 1, "items": {"required": ["strengths", "weaknesses"]}}}},
    {"properties": {"amount": {"minimum": 1_000_000}}},
    {"properties": {"contract": {"properties": {"date": {"type": "string", "format": "date"}}}}},
]
DEALS = [{}, {"team": {"presales": "x"}}, {"team": {}}, {"competitors": []},
         {"competitors": [{"strengths": "a", "weaknesses": "b"}]}, {"competitors": [{"strengths": "a"}]},
         {"amount": 999_999}, {"amount": 1_000_000}, {"contract": {"date": "2026-02-29"}},
         {"contract": {"date": "2026-02-28"}}]


@pytest.mark.parametrize("fragment", FRAGMENTS, ids=lambda f: json.dumps(f)[:40])
def test_a_computed_criterion_is_met_as_the_reference_validator_says(fragment):
    fast, reference = schemas.fragment_checker(fragment), schemas.validator_for_fragment(fragment)
    for deal in DEALS:
        document = parse(json.dumps(deal), "deal.yaml")[0]  # the loader's own mappings and lists
        assert fast.is_valid(document) is reference.is_valid(document), deal


def test_an_invalid_fragment_is_explained_by_the_reference_message():
    assert schemas.fragment_schema_error({"required": ["team"]}) is None
    why = schemas.fragment_schema_error({"required": "team"})
    assert why is not None and "'team' is not of type 'array'" in why


def test_a_clean_lint_never_loads_the_reference_jsonschema(tmp_path):
    """It is imported only to explain a failing file: a clean run is the fast path end to end."""
    import shutil
    import subprocess
    import sys

    repo = Path(__file__).resolve().parent.parent
    for name in ("salesgen.yaml", "customers", "deals"):
        (shutil.copytree if (repo / name).is_dir() else shutil.copy)(repo / name, tmp_path / name)
    code = ("import sys; from salesgen.cli import cli\n"
            "try:\n    cli(['lint', '--root', sys.argv[1], '--no-cache'])\n"
            "except SystemExit as end:\n    print('exit', end.code, 'jsonschema' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "exit 0 False", done.stdout + done.stderr


def test_an_invalid_fragment_in_the_configuration_is_a_config_error(tmp_path):
    import shutil

    from click.testing import CliRunner

    from salesgen.cli import cli

    repo = Path(__file__).resolve().parent.parent
    for name in ("customers", "deals"):
        shutil.copytree(repo / name, tmp_path / name)
    text = (repo / "salesgen.yaml").read_text(encoding="utf-8")
    assert text.count("required: [team]") == 1
    (tmp_path / "salesgen.yaml").write_text(text.replace("required: [team]", "required: team"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert "[config-schema] criterion 'presales_engaged' has an invalid schema fragment: 'team' is not of type " \
           "'array'" in result.stderr
    assert "salesgen.yaml:" in result.stderr and "Traceback" not in result.output
