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
