"""Every key of the three schemas explains itself in an editor: English and Chinese, Markdown, examples.

The YAML language server (VS Code's YAML extension) shows ``markdownDescription`` (or
``description``) when a key is hovered and offers ``examples`` and ``enum`` values on
completion. A wrong example would teach a rep to write an invalid file, so each one is
validated against its own property's schema.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
KINDS = ["deal", "customer", "config"]
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{3,}")


def load(kind: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))


def properties(node, path=()):
    """(path, subschema) of every key a YAML file can hold: properties, map values, through items and branches."""
    if not isinstance(node, dict):
        return
    for key, child in (node.get("properties") or {}).items():
        yield path + (key,), child
        yield from properties(child, path + (key,))
    for key, child in (node.get("patternProperties") or {}).items():
        yield path + (key,), child
        yield from properties(child, path + (key,))
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        if "properties" not in extra:  # a map's values, such as a rate or a rule level
            yield path + ("*",), extra
        yield from properties(extra, path + ("*",))
    for key in ("items", "then", "else"):
        yield from properties(node.get(key), path)


def all_properties(kind: str):
    root = load(kind)
    found = list(properties(root))
    for name, definition in root.get("$defs", {}).items():
        found += list(properties(definition, ("$defs", name)))
    return root, found


def ids(kind):
    return [".".join(path) for path, _ in all_properties(kind)[1]]


@pytest.mark.parametrize("kind, expected", [
    ("deal", {"id", "stakeholders.strategy.motives", "activities.promises.done", "buyer_insight.purchase_criteria.price",
              "contract.payments.paid", "assessment.feasibility.customer"}),
    ("customer", {"type", "evaluation.priority", "$defs.contact.motives.personal_needs", "$defs.contact.wechat"}),
    ("config", {"rates.*", "rules.*", "reps.quota.currency", "$defs.criterion.approval.roles",
                "$defs.pipeline.buyer_stages.learn.id", "$defs.label.zh", "$defs.stage.exit"}),
])
def test_the_walk_reaches_nested_keys(kind, expected):
    assert expected <= set(ids(kind))


@pytest.mark.parametrize("kind", KINDS)
def test_every_key_has_a_bilingual_description_markdown_and_examples(kind):
    _, found = all_properties(kind)
    bare = []
    for path, prop in found:
        description, markdown, examples = prop.get("description"), prop.get("markdownDescription"), prop.get("examples")
        if not (isinstance(description, str) and CJK.search(description) and LATIN.search(description)
                and " — " in description):
            bare.append((".".join(path), "description"))
        if not (isinstance(markdown, str) and CJK.search(markdown) and LATIN.search(markdown)):
            bare.append((".".join(path), "markdownDescription"))
        if not (isinstance(examples, list) and 1 <= len(examples) <= 3):
            bare.append((".".join(path), "examples"))
    assert bare == []


@pytest.mark.parametrize("kind", KINDS)
def test_markdown_and_plain_description_say_the_same(kind):
    """The plain description is the Markdown one without backticks, English then Chinese."""
    _, found = all_properties(kind)
    differ = [".".join(path) for path, prop in found
              if prop["description"] != " — ".join(part.replace("`", "") for part in prop["markdownDescription"].split("\n\n", 1))]
    assert differ == []


@pytest.mark.parametrize("kind", KINDS)
def test_every_example_is_valid_for_its_key(kind):
    root, found = all_properties(kind)
    invalid = []
    for path, prop in found:
        schema = {"$defs": root.get("$defs", {}), **prop}
        validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        for example in prop.get("examples", []):
            for error in validator.iter_errors(example):
                invalid.append((".".join(path), example, error.message))
    assert invalid == []


def test_an_invalid_example_would_be_caught():
    """The check above is not vacuous: a date example that is no date fails its property's schema."""
    root = load("deal")
    prop = root["properties"]["expected_close"]
    validator = jsonschema.Draft202012Validator({"$defs": root["$defs"], **prop},
                                                format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert not validator.is_valid("2026-02-30")
    assert not validator.is_valid("18.12.2026")


@pytest.mark.parametrize("kind", ["deal", "customer"])
def test_personal_data_examples_are_obviously_fake(kind):
    """Phone numbers in examples are placeholders no one could dial by mistake."""
    text = json.dumps([prop.get("examples") for _, prop in all_properties(kind)[1]], ensure_ascii=False)
    assert not re.search(r"1[3-9]\d{9}", text)  # no real-looking mainland mobile number
