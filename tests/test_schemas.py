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
    assert sorted(k for k, v in contact.items() if v.get("x-sensitive")) == ["email", "mobile", "motives", "notes",
                                                                            "phone", "wechat"]


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


# --- patterns match whole values, as every JSON Schema validator reads them (ECMA-262) ---------------

NOT_BLANK = "\\S"  # free text that must not be blank: a line break inside it is fine, a pattern of it is not anchored


def schema_patterns() -> set:
    return {node["pattern"] for kind in KINDS for _, node in walk(schemas.load_schema(kind))
            if isinstance(node.get("pattern"), str) and node["pattern"] != NOT_BLANK}


def test_the_schemas_use_patterns():
    assert "^[A-Z]{3}$" in schema_patterns() and len(schema_patterns()) >= 4


@pytest.mark.parametrize("pattern", sorted(schema_patterns()))
def test_a_trailing_line_break_fails_every_pattern_in_both_validators(pattern):
    import jsonschema_rs

    sample = {"^[A-Z]{3}$": "CNY", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "2027-03-31"}.get(pattern, "a1")
    schema = {"type": "string", "pattern": pattern}
    reference = schemas.validator_for_fragment(schema)
    fast = jsonschema_rs.validator_for(schema)
    assert reference.is_valid(sample) and fast.is_valid(sample)
    for broken in (sample + "\n", sample + "\r\n", "\n" + sample):
        assert not reference.is_valid(broken), repr(broken)
        assert not fast.is_valid(broken), repr(broken)


VALUES = ["CNY", "CNY\n", "CNY\n\n", "\nCNY", "CN\nY", "cny", "ＣＮＹ", "2027-03-31", "2027-03-31\n", "２０２７-03-31",
          "acme", "acme\n", "acme-line", "a" * 64, "a" * 65, "", " acme"]


@pytest.mark.parametrize("pattern", sorted(schema_patterns()))
def test_the_fast_and_the_reference_validator_agree_on_every_pattern(pattern):
    import jsonschema_rs

    schema = {"type": "string", "pattern": pattern}
    reference, fast = schemas.validator_for_fragment(schema), jsonschema_rs.validator_for(schema)
    for value in VALUES:
        assert reference.is_valid(value) is fast.is_valid(value), repr(value)


def test_a_block_scalar_currency_is_one_problem_on_its_line():
    deal = ("id: x\nname: X\ncustomer: acme\nowner: li-lei\npipeline: project\nstage: planning\n"
            "amount: 1000\ncurrency: |\n  CNY\nexpected_close: 2027-03-31\n")
    found, problems = problems_of("deal", deal)
    assert found == [("schema-pattern", 8, 11)]
    assert problems[0].message == "'currency': value ends with a line break: write it on one line"
    assert "`currency: CNY`" in problems[0].hint
    # the customer schema reads the same way
    found, problems = problems_of("customer", CUSTOMER.replace("owner: li-lei", "owner: >\n  li-lei"))
    assert found == [("schema-pattern", 4, 8)] and "line break" in problems[0].message


def test_a_value_the_fast_validator_refuses_is_never_let_through(monkeypatch):
    """Were the reference validator ever laxer (Python's `$`), the compiled one's errors are reported."""
    import jsonschema

    lax = jsonschema.Draft202012Validator(schemas.load_schema("customer"), format_checker=schemas._formats())
    monkeypatch.setattr(schemas, "_reference_validator", lambda kind: lax)
    value, _ = parse(CUSTOMER.replace("owner: li-lei", "owner: |\n  li-lei"), "x.yaml")
    assert lax.is_valid(value)  # Python's re: '$' matches before the final line break
    problems = schemas.validate("customer", value, "x.yaml")
    assert [(p.rule, p.line) for p in problems] == [("schema", 4)]
    assert "li-lei" in problems[0].message


# --- one mistake, one problem --------------------------------------------------------------------------

DEAL = ("id: x\nname: X\ncustomer: acme\nowner: li-lei\npipeline: project\nstage: planning\n"
        "amount: 1000\ncurrency: CNY\nexpected_close: 2027-03-31\n")


@pytest.mark.parametrize("date, guess", [("2027/03/31", "2027-03-31"), ("2027.3.31", "2027-03-31"),
                                         ("2027年3月31日", "2027-03-31"), ("03/31/2027", None),
                                         ("2027/02/30", None)])
def test_a_date_in_another_notation_is_one_problem_with_the_iso_form(date, guess):
    found, problems = problems_of("deal", DEAL.replace("2027-03-31", date))
    assert found == [("schema-pattern", 9, 17)]
    assert problems[0].message == f"'expected_close': '{date}' is not a date"
    assert problems[0].hint.startswith("Dates are YYYY-MM-DD")
    assert (f"write {guess}" in problems[0].hint) if guess else ("write" not in problems[0].hint)


def test_a_misspelled_required_key_is_one_unknown_key():
    found, problems = problems_of("deal", DEAL.replace("amount:", "amout:"))
    assert found == [("schema-unknown-key", 7, 1)]
    assert problems[0].hint == "Did you mean 'amount'? It is required and missing."


def test_a_missing_key_is_still_reported_when_the_unknown_key_means_something_else():
    found, _ = problems_of("deal", DEAL.replace("amount: 1000\n", "colour: red\n"))
    assert sorted(found) == [("schema-required", 1, 1), ("schema-unknown-key", 7, 1)]


def test_a_lowercase_currency_is_one_problem_that_names_the_code():
    found, problems = problems_of("deal", DEAL.replace("CNY", "cny"))
    assert found == [("schema-pattern", 8, 11)]
    assert problems[0].message == "'currency': 'cny' is not a currency code"
    assert problems[0].hint.startswith("Did you mean CNY?")


def test_a_bad_key_in_a_mapping_of_codes_is_reported_on_the_key():
    config = "reps:\n  - {id: a, name: A}\npipelines: []\nrates:\n  USD: 7.1\n  usd: 7.1\n"
    found, problems = problems_of("config", config)
    assert ("schema-pattern", 6, 3) in found
    assert next(p for p in problems if p.line == 6).hint.startswith("Did you mean USD?")


def test_a_misspelled_key_in_a_list_item_is_one_unknown_key():
    found, problems = problems_of("deal", DEAL + "stakeholders:\n  - contcat: acme-a\n    role: user\n")
    assert found == [("schema-unknown-key", 11, 5)]
    assert problems[0].hint == "Did you mean 'contact'? It is required and missing."


CONFIG = ("reps:\n  - {id: a, name: A}\npipelines:\n  - id: p\n    label: {en: P}\n    stages:\n"
          "      - id: s\n        label: {en: S}\n        probability: 1\n        funnel: best\n        exit:\n"
          "          - {id: c, label: {en: C}, kind: computed%s}\n"
          "      - {id: w, label: {en: W}, probability: 100, funnel: closed, outcome: won}\n")


def test_a_choice_of_required_keys_is_one_problem_that_names_both():
    assert problems_of("config", CONFIG % ", check: budget_confirmed")[0] == []
    found, problems = problems_of("config", CONFIG % "")
    assert found == [("schema-required", 12, 13)]
    assert problems[0].message == "'pipelines[0].stages[0].exit[0]' needs `check:` or `schema:`"
    found, problems = problems_of("config", CONFIG % ", chek: budget_confirmed")
    assert [p.rule for p in problems] == ["schema-unknown-key"] and problems[0].hint == "Did you mean 'check'?"


def test_too_few_items_is_counted_not_quoted():
    one_stage = CONFIG.split("      - {id: w")[0].replace("computed%s", "evidence")
    found, problems = problems_of("config", one_stage)
    assert found == [("schema", 7, 7)]
    assert problems[0].message == "'pipelines[0].stages' has 1 item; at least 2 are needed"


def test_a_number_written_as_a_block_scalar_is_one_type_problem():
    found, problems = problems_of("deal", DEAL.replace("amount: 1000", "amount: |\n  1000"))
    assert found == [("schema-type", 7, 9)]
    assert "line break" in problems[0].message and "`amount: 1000`" in problems[0].hint


def test_a_line_break_is_only_blamed_where_one_line_is_meant():
    long_text = "line\n" * 4001  # 20,005 characters of a description, over its limit
    found, problems = problems_of("deal", DEAL + "description: |\n" + "".join("  " + l + "\n" for l in
                                                                              long_text.splitlines()))
    assert found == [("schema", 10, 14)] and "characters long" in problems[0].message
    found, problems = problems_of("deal", DEAL + "stakeholders: |\n  - contact: acme-a\n")
    assert found == [("schema-type", 10, 15)] and "line break" not in problems[0].message
