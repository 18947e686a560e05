"""Rules account-assignment and account-unassigned: who assigned a new interest account (figure 1-3).

The text creates an interest customer held by the head of the sales centre, who reviews it
and assigns it to an account manager. Each case is one customer file and the problems it
must give, as (rule, line); the dates are written out here, not computed from the rule.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from salesgen import engine, rules
from salesgen.problem import Severity

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO / "salesgen" / "data" / "default-config.yaml"
AS_OF = dt.date(2026, 11, 20)

# The default roster is li-lei (no roles), han-meimei (presales) and zhang-wei (executive, commercial).
EXTRA_REPS = [
    {"id": "gone-exec", "name": "刘总", "active": False, "left": "2026-10-31", "roles": ["executive"]},
    {"id": "ops-exec", "name": "李总", "roles": ["executive"]},
]

BASE = """\
id: acme
name: Acme 机械
type: interest
owner: li-lei
since: 2026-06-03
assigned: {by: zhang-wei, date: 2026-06-10}
"""
OWNER_LINE, ASSIGNED_LINE = 4, 6


def write_repo(root: Path, customer: str, interest_accounts: dict | None = None, levels: dict | None = None) -> Path:
    data = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    data["reps"] = list(data["reps"]) + EXTRA_REPS
    if interest_accounts is not None:
        data["interest_accounts"] = interest_accounts
    if levels:
        data["rules"] = levels
    (root / "salesgen.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (root / "customers").mkdir(exist_ok=True)
    (root / "deals").mkdir(exist_ok=True)
    (root / "customers" / "acme.yaml").write_text(customer, encoding="utf-8")
    return root


def problems(root: Path, as_of: dt.date = AS_OF) -> list:
    return engine.lint(root, as_of).problems


def found(root: Path, as_of: dt.date = AS_OF) -> set:
    return {(p.rule, p.line) for p in problems(root, as_of)}


def edit(*pairs) -> str:
    text = BASE
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


NO_ASSIGNMENT = ("assigned: {by: zhang-wei, date: 2026-06-10}\n", "")

CASES = {
    # who assigned it
    "assigned-by-an-executive": ([], set()),
    "assigned-by-the-owner": ([("owner: li-lei", "owner: zhang-wei")], {("account-assignment", ASSIGNED_LINE)}),
    "assigned-by-the-owner-without-the-role": ([("by: zhang-wei", "by: li-lei")],
                                               {("account-assignment", ASSIGNED_LINE)}),
    "assigned-by-a-rep-without-the-role": ([("by: zhang-wei", "by: han-meimei")],
                                           {("account-assignment", ASSIGNED_LINE)}),
    "assigned-by-another-executive": ([("by: zhang-wei", "by: ops-exec")], set()),
    "assigned-by-an-unknown-rep-is-ref-rep-alone": ([("by: zhang-wei", "by: zhang-wie")], {("ref-rep", ASSIGNED_LINE)}),
    # the assigner left on 2026-10-31
    "assigned-on-the-day-the-assigner-left": ([("by: zhang-wei, date: 2026-06-10", "by: gone-exec, date: 2026-10-31")],
                                              set()),
    "assigned-the-day-after-the-assigner-left": ([("by: zhang-wei, date: 2026-06-10", "by: gone-exec, date: 2026-11-01")],
                                                 {("account-assignment", ASSIGNED_LINE)}),
    # the date against the account's creation (since: 2026-06-03) and the as-of date (2026-11-20)
    "assigned-the-day-before-creation": ([("date: 2026-06-10", "date: 2026-06-02")],
                                         {("account-assignment", ASSIGNED_LINE)}),
    "assigned-on-the-day-of-creation": ([("date: 2026-06-10", "date: 2026-06-03")], set()),
    "assigned-the-day-after-creation": ([("date: 2026-06-10", "date: 2026-06-04")], set()),
    "assigned-on-the-as-of-date": ([("date: 2026-06-10", "date: 2026-11-20")], set()),
    "assigned-after-the-as-of-date": ([("date: 2026-06-10", "date: 2026-11-21")], {("account-assignment", ASSIGNED_LINE)}),
    "no-since-only-the-future-counts": ([("since: 2026-06-03\n", ""), ("date: 2026-06-10", "date: 2020-01-01")], set()),
    # no assignment
    "missing-assignment": ([NO_ASSIGNMENT], {("account-unassigned", OWNER_LINE)}),
    "pending-with-the-head-of-sales": ([NO_ASSIGNMENT, ("owner: li-lei", "owner: zhang-wei")], set()),
    "unassigned-owner-who-left-is-also-a-handover": (
        [NO_ASSIGNMENT, ("owner: li-lei", "owner: gone-exec")], {("handover-pending", OWNER_LINE)}),
    # other account types are not this rule's
    "organization-needs-no-assignment": ([NO_ASSIGNMENT, ("type: interest", "type: organization")], set()),
    "organization-keeps-its-record-unchecked": ([("type: interest", "type: organization"), ("by: zhang-wei", "by: li-lei")],
                                          set()),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(tmp_path, name):
    edits, expected = CASES[name]
    write_repo(tmp_path, edit(*edits))
    assert found(tmp_path) == expected


def test_two_mistakes_in_one_record_are_two_messages(tmp_path):
    write_repo(tmp_path, edit(("by: zhang-wei, date: 2026-06-10", "by: han-meimei, date: 2026-06-02")))
    got = [(p.rule, p.path) for p in problems(tmp_path)]
    assert sorted(got) == [("account-assignment", ("assigned", "by")), ("account-assignment", ("assigned", "date"))]


def test_a_wrong_record_is_an_error_a_missing_one_a_warning(tmp_path):
    write_repo(tmp_path, edit(("by: zhang-wei", "by: han-meimei")))
    assert [p.severity for p in problems(tmp_path)] == [Severity.ERROR]
    write_repo(tmp_path, edit(NO_ASSIGNMENT))
    assert [p.severity for p in problems(tmp_path)] == [Severity.WARNING]
    assert engine.lint(tmp_path, AS_OF).errors == []


def test_a_team_can_make_a_missing_assignment_block(tmp_path):
    write_repo(tmp_path, edit(NO_ASSIGNMENT), levels={"account-unassigned": "error"})
    assert [(p.rule, p.severity) for p in problems(tmp_path)] == [("account-unassigned", Severity.ERROR)]


def test_the_missing_assignment_hint_says_what_to_add(tmp_path):
    write_repo(tmp_path, edit(NO_ASSIGNMENT))
    [problem] = problems(tmp_path)
    assert problem.message == "the interest account is owned by 'li-lei', but nobody is recorded assigning it"
    assert problem.hint.startswith("Add `assigned: {by: <rep>, date: YYYY-MM-DD}`: the rep with the role executive "
                                   "(such as zhang-wei) who reviewed the account and assigned it to 'li-lei'")
    assert "make its owner a rep with the role executive" in problem.hint


def test_without_anybody_to_assign_the_hint_says_to_give_the_role(tmp_path):
    write_repo(tmp_path, edit(NO_ASSIGNMENT), {"held_by": ["executive"], "assigned_by": ["legal"]})
    [problem] = problems(tmp_path)
    assert problem.rule == "account-unassigned"
    assert problem.hint.startswith("Nobody in the roster holds the role legal that assigns new accounts")


@pytest.mark.parametrize("edits, message", [
    ([("owner: li-lei", "owner: zhang-wei")], "the account is assigned by its own owner 'zhang-wei'"),
    ([("by: zhang-wei", "by: han-meimei")],
     "the account is assigned by 'han-meimei' (韩梅梅), who holds no role that assigns new accounts (executive)"),
    ([("by: zhang-wei, date: 2026-06-10", "by: gone-exec, date: 2026-11-01")],
     "the account is assigned on 2026-11-01 by 'gone-exec' (刘总), who had left on 2026-10-31"),
    ([("date: 2026-06-10", "date: 2026-06-02")], "the account is assigned on 2026-06-02, before it was created on 2026-06-03"),
    ([("date: 2026-06-10", "date: 2026-11-21")], "the account is assigned on 2026-11-21, after the as-of date 2026-11-20"),
])
def test_each_wrong_record_says_what_is_wrong(tmp_path, edits, message):
    write_repo(tmp_path, edit(*edits))
    assert [p.message for p in problems(tmp_path)] == [message]


def test_the_as_of_date_moves_the_future_boundary(tmp_path):
    write_repo(tmp_path, edit(("date: 2026-06-10", "date: 2026-11-21")))
    assert found(tmp_path, dt.date(2026, 11, 21)) == set()
    assert found(tmp_path, dt.date(2026, 11, 20)) == {("account-assignment", ASSIGNED_LINE)}


# --- the roles come from the configuration ------------------------------------------------------------------

def test_configured_holder_role_keeps_an_account_pending(tmp_path):
    roles = {"held_by": ["presales"], "assigned_by": ["executive"]}
    write_repo(tmp_path, edit(NO_ASSIGNMENT, ("owner: li-lei", "owner: han-meimei")), roles)
    assert found(tmp_path) == set()
    write_repo(tmp_path, edit(NO_ASSIGNMENT, ("owner: li-lei", "owner: zhang-wei")), roles)
    assert found(tmp_path) == {("account-unassigned", OWNER_LINE)}


def test_configured_assigner_role_decides_who_may_assign(tmp_path):
    roles = {"held_by": ["executive"], "assigned_by": ["commercial"]}
    write_repo(tmp_path, BASE, roles)  # zhang-wei is commercial too
    assert found(tmp_path) == set()
    write_repo(tmp_path, edit(("by: zhang-wei", "by: ops-exec")), roles)  # an executive, not commercial
    assert found(tmp_path) == {("account-assignment", ASSIGNED_LINE)}


def test_an_unknown_role_in_the_configuration_is_a_configuration_error(tmp_path):
    from salesgen.config import load_config

    write_repo(tmp_path, BASE, {"held_by": ["sales_head"], "assigned_by": ["executive"]})
    config, found_problems = load_config(tmp_path)
    assert config is None and [(p.rule, p.path) for p in found_problems] == [("schema-enum", ("interest_accounts", "held_by", 0))]


def test_without_the_setting_both_roles_are_executive(tmp_path):
    from salesgen.config import load_config

    write_repo(tmp_path, BASE)
    data = yaml.safe_load((tmp_path / "salesgen.yaml").read_text(encoding="utf-8"))
    del data["interest_accounts"]
    (tmp_path / "salesgen.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    config, found_problems = load_config(tmp_path)
    assert found_problems == [] and (config.account_holder_roles, config.account_assigner_roles) == \
        (("executive",), ("executive",))


# --- the schema and the example repository -------------------------------------------------------------------

@pytest.mark.parametrize("record", ["assigned: {by: zhang-wei}", "assigned: {date: 2026-06-10}",
                                    "assigned: {by: zhang-wei, date: 2026-06-10, to: li-lei}",
                                    "assigned: {by: zhang-wei, date: 2026-13-10}"])
def test_an_incomplete_or_unknown_record_is_a_schema_problem_alone(tmp_path, record):
    write_repo(tmp_path, edit(("assigned: {by: zhang-wei, date: 2026-06-10}", record)))
    rules_found = {p.rule for p in problems(tmp_path)}
    assert rules_found and not rules_found & {"account-assignment", "account-unassigned"}, rules_found


def test_the_documented_failing_example_fails_in_the_example_repository(example_repo):
    customer = example_repo / "customers" / "hengchuan.yaml"
    text = customer.read_text(encoding="utf-8")
    assert "assigned: {by: zhao-wei, date: 2026-06-03}" in text
    customer.write_text(text.replace("by: zhao-wei", "by: chen-ming"), encoding="utf-8")
    got = [(p.file, p.rule, p.message) for p in engine.lint(example_repo, AS_OF).problems if p.rule.startswith("account-")]
    assert got == [("customers/hengchuan.yaml", "account-assignment",
                    "the account is assigned by its own owner 'chen-ming'")]


def test_the_example_interest_accounts_record_their_assignment():
    result = engine.lint(REPO, AS_OF)
    assert [p for p in result.problems if p.rule in ("account-assignment", "account-unassigned")] == []
    interest = sorted(f.name for f in (REPO / "customers").glob("*.yaml")
                      if yaml.safe_load(f.read_text(encoding="utf-8"))["type"] == "interest")
    assert interest == ["hengchuan.yaml", "xibu-cable.yaml"]


def test_both_rules_are_registered_with_their_severity():
    assert (rules.get("account-assignment").SEVERITY, rules.get("account-unassigned").SEVERITY) == ("error", "warning")


@pytest.mark.parametrize("rule_id", ["account-assignment", "account-unassigned"])
def test_the_documented_examples_are_yaml_and_the_failing_one_names_its_rule(rule_id):
    import re

    doc = rules.doc(rules.get(rule_id))
    passing, failing = (re.search(r"```yaml\n(.*?)```", doc[doc.index(word):], re.S).group(1)
                        for word in ("Passing:", "Failing:"))
    assert yaml.safe_load(passing)["type"] == yaml.safe_load(failing)["type"] == "interest"
    assert f"# {rule_id}:" in failing and rule_id not in passing
