"""`salesgen new customer|deal|contact`: valid commented skeletons, never an overwrite."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from salesgen.cli import cli
from salesgen.commands import new as new_module
from salesgen.yamlsource import parse

AS_OF = "2026-11-20"


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def new(root, *args, input=None):
    return run("new", *args[:1], "--root", str(root), "--as-of", AS_OF, *args[1:], input=input)


def problems_in(root, file):
    result = run("lint", "--root", str(root), "--as-of", AS_OF, "--format", "json")
    return [p for p in json.loads(result.stdout) if p["file"] == file]


def read(root, rel):
    value, problems = parse((root / rel).read_text(encoding="utf-8"), rel)
    assert problems == []
    return value


def test_new_customer_is_a_commented_skeleton_that_lints_clean(tiny_repo):
    result = new(tiny_repo, "customer", "beta", "--name", "Beta: 精工", "--owner", "li-lei", "--region", "华东")
    assert result.exit_code == 0, result.output
    assert "Created customers/beta.yaml." in result.stdout and "It lints clean." in result.stdout
    text = (tiny_repo / "customers" / "beta.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Beta: 精工: a customer account")
    assert "# evaluation:" in text  # optional sections are shown, commented out
    assert read(tiny_repo, "customers/beta.yaml") == {
        "id": "beta", "name": "Beta: 精工", "type": "organization", "owner": "li-lei", "region": "华东",
        "since": AS_OF}
    assert problems_in(tiny_repo, "customers/beta.yaml") == []


def test_new_never_overwrites(tiny_repo):
    path = tiny_repo / "customers" / "acme.yaml"
    before = path.read_bytes()
    result = new(tiny_repo, "customer", "acme", "--name", "Other", "--owner", "li-lei")
    assert result.exit_code == 2 and "never overwrites" in result.stderr
    deal = new(tiny_repo, "deal", "acme-line", "--customer", "acme", "--name", "x", "--amount", "1",
               "--expected-close", "2027-01-01", "--folder", "elsewhere")
    assert deal.exit_code == 2 and "deals/acme-line.yaml" in deal.stderr
    assert path.read_bytes() == before
    assert not (tiny_repo / "deals" / "elsewhere").exists()


def test_missing_values_are_a_usage_error_off_a_terminal_and_asked_for_on_one(tiny_repo, monkeypatch):
    result = new(tiny_repo, "customer", "beta", "--owner", "li-lei")
    assert result.exit_code == 2 and "missing --name" in result.stderr
    assert not (tiny_repo / "customers" / "beta.yaml").exists()
    monkeypatch.setattr(new_module, "_interactive", lambda: True)
    asked = new(tiny_repo, "customer", input="beta\nBeta 精工\nli-lei\n")
    assert asked.exit_code == 0, asked.output
    assert read(tiny_repo, "customers/beta.yaml")["name"] == "Beta 精工"


@pytest.mark.parametrize("args, message", [
    (("customer", "Beta Co", "--name", "B", "--owner", "li-lei"), "is not a slug"),
    (("customer", "beta", "--name", "B", "--owner", "nobody"), "not in the roster"),
    (("deal", "beta-line", "--customer", "nope", "--name", "B", "--amount", "1", "--expected-close", "2027-01-01"),
     "no customer 'nope'"),
    (("deal", "beta-line", "--customer", "acme", "--name", "B", "--amount", "1,200,000",
      "--expected-close", "2027-01-01"), "is not an amount"),
    (("deal", "beta-line", "--customer", "acme", "--name", "B", "--amount", "1", "--expected-close", "2027-02-30"),
     "is not a date"),
    (("deal", "beta-line", "--customer", "acme", "--name", "B", "--amount", "1", "--expected-close", "2027-01-01",
      "--stage", "won-ish"), "has no stage 'won-ish'"),
    (("deal", "beta-line", "--customer", "acme", "--name", "B", "--amount", "1", "--expected-close", "2027-01-01",
      "--folder", "../outside"), "must be a subfolder"),
    (("deal", "beta-line", "--customer", "acme", "--name", "x" * 600, "--amount", "1",
      "--expected-close", "2027-01-01"), "would not be valid"),
    (("deal", "beta-line", "--customer", "acme", "--name", "X", "--amount", "1", "--expected-close", "2027-01-01",
      "--currency", "rmb"), "--currency 'RMB' is not an ISO 4217 currency code. Did you mean CNY?"),
    (("contact", "acme-boss", "--customer", "acme", "--name", "X"), "already exists in customers/acme.yaml"),
    (("contact", "acme-x", "--customer", "acme", "--name", "X", "--reports-to", "acme-nobody"),
     "not a contact of acme"),
])
def test_bad_values_are_refused_in_one_line(tiny_repo, args, message):
    result = new(tiny_repo, *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tiny_repo / "deals" / "beta-line.yaml").exists()


@pytest.mark.parametrize("pipeline", ["project", "product"])
def test_new_deal_at_the_first_stage_lints_clean(tiny_repo, pipeline):
    result = new(tiny_repo, "deal", "acme-spares", "--customer", "acme", "--name", "Acme 备件", "--pipeline", pipeline,
                 "--amount", "80000.50", "--expected-close", "2027-02-28", "--folder", "east-china")
    assert result.exit_code == 0, result.output
    rel = "deals/east-china/acme-spares.yaml"
    data = read(tiny_repo, rel)
    assert data["owner"] == "li-lei"  # the customer's owner by default
    assert data["currency"] == "CNY" and str(data["amount"]) == "80000.50"
    assert data["stage_history"] == [{"stage": data["stage"], "date": AS_OF}]
    assert problems_in(tiny_repo, rel) == []
    assert "It lints clean." in result.stdout


def test_new_deal_past_the_first_stage_says_what_is_still_to_fill_in(tiny_repo):
    result = new(tiny_repo, "deal", "acme-demo", "--customer", "acme", "--name", "Acme 演示", "--stage", "visit",
                 "--amount", "1", "--expected-close", "2027-02-28")
    assert result.exit_code == 0, result.output
    problems = problems_in(tiny_repo, "deals/acme-demo.yaml")
    assert {p["rule"] for p in problems} >= {"stage-gate", "stage-history"}
    assert "Still to fill in" in result.stdout
    for problem in problems:  # every reported problem is printed, with its line and rule
        assert f"deals/acme-demo.yaml:{problem['line']}:{problem['column']}:" in result.stdout
        assert f"[{problem['rule']}]" in result.stdout


def test_new_contact_appends_to_the_customer_and_keeps_the_rest(tiny_repo):
    path = tiny_repo / "customers" / "acme.yaml"
    before = path.read_text(encoding="utf-8")
    result = new(tiny_repo, "contact", "acme-wang", "--customer", "acme", "--name", "王工", "--title", "设备科长",
                 "--department", "设备科", "--level", "management", "--reports-to", "acme-boss")
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == before + (
        "  - id: acme-wang\n    name: 王工\n    title: 设备科长\n    department: 设备科\n    level: management\n"
        "    reports_to: acme-boss\n")
    assert problems_in(tiny_repo, "customers/acme.yaml") == []


@pytest.mark.parametrize("command", [(), ("customer",), ("deal",), ("contact",)])
def test_help_has_examples(command):
    result = run("new", *command, "--help")
    assert result.exit_code == 0 and "Examples:" in result.output and "salesgen new" in result.output


# --- a new interest account and who assigned it (figure 1-3; rules account-assignment, account-unassigned) ---

def test_new_interest_customer_records_who_assigned_it(tiny_repo):
    # the default roster: li-lei is an account manager, zhang-wei the head of sales (executive)
    result = new(tiny_repo, "customer", "beta", "--name", "Beta", "--type", "interest", "--owner", "li-lei",
                 "--assigned-by", "zhang-wei")
    assert result.exit_code == 0, result.output
    assert "It lints clean." in result.stdout
    assert read(tiny_repo, "customers/beta.yaml")["assigned"] == {"by": "zhang-wei", "date": AS_OF}


def test_new_interest_customer_without_assignment_says_what_to_add(tiny_repo):
    result = new(tiny_repo, "customer", "beta", "--name", "Beta", "--type", "interest", "--owner", "li-lei")
    assert result.exit_code == 0, result.output
    assert "# assigned: {by: <rep>, date: YYYY-MM-DD}" in (tiny_repo / "customers" / "beta.yaml").read_text("utf-8")
    assert [(p["rule"], p["severity"]) for p in problems_in(tiny_repo, "customers/beta.yaml")] == \
        [("account-unassigned", "warning")]


def test_new_interest_customer_held_by_the_head_of_sales_needs_no_assignment(tiny_repo):
    result = new(tiny_repo, "customer", "beta", "--name", "Beta", "--type", "interest", "--owner", "zhang-wei")
    assert result.exit_code == 0 and "It lints clean." in result.stdout, result.output


@pytest.mark.parametrize("assigner, message", [
    ("han-meimei", "--assigned-by 'han-meimei' (韩梅梅) does not hold the role executive that assigns new accounts"),
    ("li-lei", "--assigned-by 'li-lei' is the owner"),
    ("nobody", "--assigned-by 'nobody' is not an active rep"),
])
def test_an_assigner_who_may_not_assign_is_refused_before_writing(tiny_repo, assigner, message):
    result = new(tiny_repo, "customer", "beta", "--name", "Beta", "--type", "interest", "--owner", "li-lei",
                 "--assigned-by", assigner)
    assert result.exit_code == 2 and message in result.output
    assert not (tiny_repo / "customers" / "beta.yaml").exists()
