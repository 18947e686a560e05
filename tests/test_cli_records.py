"""stakeholder, team, approve, set: what each changes, what each refuses, and the bytes each keeps."""
from __future__ import annotations

import difflib

import pytest
from click.testing import CliRunner

from salesgen.cli import cli

AS_OF = "2026-11-20"
DEAL = "deals/acme-line.yaml"
CUSTOMER = "customers/acme.yaml"


def run(root, *args):
    return CliRunner().invoke(cli, [*args, "--root", str(root), "--as-of", AS_OF], catch_exceptions=False)


def changed_lines(old: str, new: str) -> tuple[list, list]:
    removed, added = [], []
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            removed += a[i1:i2]
            added += b[j1:j2]
    return removed, added


def test_team_adds_the_team_mapping_and_nothing_else(tiny_repo):
    before = (tiny_repo / DEAL).read_text(encoding="utf-8")
    result = run(tiny_repo, "team", "acme-line", "presales", "han-meimei")
    assert result.exit_code == 0, result.output
    removed, added = changed_lines(before, (tiny_repo / DEAL).read_text(encoding="utf-8"))
    assert removed == [] and added == ["team:\n", "  presales: han-meimei\n"]
    again = run(tiny_repo, "team", "acme-line", "executive", "han-meimei")
    assert again.exit_code == 0
    assert "team:\n  presales: han-meimei\n  executive: han-meimei\n" in (tiny_repo / DEAL).read_text(encoding="utf-8")


@pytest.mark.parametrize("args, message", [
    (("acme-line", "presale", "han-meimei"), "did you mean 'presales'?"),
    (("acme-line", "presales", "han-meimi"), "did you mean 'han-meimei'?"),
])
def test_team_refuses_unknown_roles_and_reps(tiny_repo, args, message):
    before = (tiny_repo / DEAL).read_bytes()
    result = run(tiny_repo, "team", *args)
    assert result.exit_code == 2 and message in result.stderr
    assert (tiny_repo / DEAL).read_bytes() == before


def test_stakeholder_adds_then_updates_in_place(tiny_repo):
    before = (tiny_repo / DEAL).read_text(encoding="utf-8")
    result = run(tiny_repo, "stakeholder", "acme-line", "acme-boss", "--role", "decision_maker", "--attitude",
                 "neutral", "--closeness", "distant")
    assert result.exit_code == 0, result.output
    removed, added = changed_lines(before, (tiny_repo / DEAL).read_text(encoding="utf-8"))
    assert removed == [] and added == ["  - contact: acme-boss\n", "    role: decision_maker\n",
                                       "    attitude: neutral\n", "    closeness: distant\n"]
    middle = (tiny_repo / DEAL).read_text(encoding="utf-8")
    result = run(tiny_repo, "stakeholder", "acme-line", "acme-boss", "--closeness", "close")
    assert result.exit_code == 0 and "Updated acme-boss" in result.output
    removed, added = changed_lines(middle, (tiny_repo / DEAL).read_text(encoding="utf-8"))
    assert removed == ["    closeness: distant\n"] and added == ["    closeness: close\n"]


def test_stakeholder_refuses_a_contact_of_another_customer(tiny_repo):
    result = run(tiny_repo, "stakeholder", "acme-line", "acme-bos", "--role", "user")
    assert result.exit_code == 2 and "did you mean 'acme-boss'?" in result.stderr


def test_approve_appends_an_approval(tiny_repo):
    result = run(tiny_repo, "approve", "acme-line", "quote", "--by", "zhang-wei", "--ref", "报价审批 Q-1")
    assert result.exit_code == 0, result.output
    assert ("approvals:\n  - kind: quote\n    date: 2026-11-20\n    approver: zhang-wei\n    ref: 报价审批 Q-1\n"
            in (tiny_repo / DEAL).read_text(encoding="utf-8"))


def test_approve_by_the_owner_is_refused_and_nothing_is_written(tiny_repo):
    before = (tiny_repo / DEAL).read_bytes()
    result = run(tiny_repo, "approve", "acme-line", "quote", "--by", "li-lei")
    assert result.exit_code == 2
    assert "li-lei owns acme-line: nobody approves their own deal" in result.stderr
    assert "it may be approved by zhang-wei" in result.stderr
    assert (tiny_repo / DEAL).read_bytes() == before


@pytest.mark.parametrize("kind, rep, ok", [
    ("quote", "han-meimei", False),              # presales only: may not approve a quote
    ("quote", "zhang-wei", True),                # commercial
    ("project_initiation", "zhang-wei", True),   # executive
    ("contract_review", "zhang-wei", True),      # commercial
])
def test_approve_needs_one_of_the_criterions_roles(tiny_repo, kind, rep, ok):
    before = (tiny_repo / DEAL).read_bytes()
    result = run(tiny_repo, "approve", "acme-line", kind, "--by", rep)
    if ok:
        assert result.exit_code == 0, result.output
        assert f"approver: {rep}" in (tiny_repo / DEAL).read_text(encoding="utf-8")
    else:
        assert result.exit_code == 2 and f"--by {rep} does not hold commercial or executive" in result.stderr
        assert (tiny_repo / DEAL).read_bytes() == before


def test_approve_refuses_a_future_date_and_unknown_kind(tiny_repo):
    assert "after the as-of date" in run(tiny_repo, "approve", "acme-line", "quote", "--by", "zhang-wei",
                                         "--date", "2026-11-21").stderr
    assert "did you mean 'quote'?" in run(tiny_repo, "approve", "acme-line", "quot", "--by", "zhang-wei").stderr


def in_demo_since(root, on):
    """The tiny deal moved (skipping stages) from planning to demo on ``on``: planning..proposal were left then."""
    path = root / DEAL
    text = path.read_text(encoding="utf-8").replace("stage: planning\n", "stage: demo\n", 1)
    path.write_text(text + f"  - stage: demo\n    date: {on}\n", encoding="utf-8")


@pytest.mark.parametrize("date, ok", [("2026-11-10", True), ("2026-11-11", False)])
def test_approve_after_the_deal_left_the_stage_is_refused(tiny_repo, date, ok):
    in_demo_since(tiny_repo, "2026-11-10")
    result = run(tiny_repo, "approve", "acme-line", "project_initiation", "--by", "zhang-wei", "--date", date)
    if ok:  # written; the fixture's skipped gates are errors the file already had
        assert result.exit_code == 1 and "it already had" in result.stderr, result.output
        assert f"date: {date}" in (tiny_repo / DEAL).read_text(encoding="utf-8")
    else:
        assert result.exit_code == 2 and "left stage 'proposal' on 2026-11-10" in result.stderr, result.output


def test_set_a_known_contacts_personality_by_contact_id(tiny_repo):
    before = (tiny_repo / CUSTOMER).read_text(encoding="utf-8")
    result = run(tiny_repo, "set", "customer", "acme", "contacts.acme-buyer.motives.personality", "稳重，重数据")
    assert result.exit_code == 0, result.output
    removed, added = changed_lines(before, (tiny_repo / CUSTOMER).read_text(encoding="utf-8"))
    assert removed == [] and [line.strip() for line in added] == ["motives:", "personality: 稳重，重数据"]
    unknown = run(tiny_repo, "set", "customer", "acme", "contacts.acme-byer.motives.personality", "x")
    assert unknown.exit_code == 2 and "no contact 'acme-byer'" in unknown.stderr
    renamed = run(tiny_repo, "set", "customer", "acme", "contacts.acme-buyer.id", "x")
    assert renamed.exit_code == 2 and "use salesgen new contact" in renamed.stderr


def test_set_creates_nested_keys_and_keeps_the_rest(tiny_repo):
    before = (tiny_repo / CUSTOMER).read_text(encoding="utf-8")
    result = run(tiny_repo, "set", "customer", "acme", "evaluation.credit", "8")
    assert result.exit_code == 0, result.output
    removed, added = changed_lines(before, (tiny_repo / CUSTOMER).read_text(encoding="utf-8"))
    assert removed == [] and added == ["evaluation:\n", "  credit: 8\n"]
    run(tiny_repo, "set", "customer", "acme", "evaluation.credit", "9")
    assert "  credit: 9\n" in (tiny_repo / CUSTOMER).read_text(encoding="utf-8")


def test_set_append_to_a_list(tiny_repo):
    for step in ("技术部提出需求", "总经理审批"):
        assert run(tiny_repo, "set", "customer", "acme", "buying_process", "--append", f"{{step: {step}}}").exit_code == 0
    text = (tiny_repo / CUSTOMER).read_text(encoding="utf-8")
    assert "buying_process:\n  - step: 技术部提出需求\n  - step: 总经理审批\n" in text


@pytest.mark.parametrize("key", ["stage", "activities", "evidence", "id", "approvals"])
def test_set_refuses_what_another_command_owns(tiny_repo, key):
    result = run(tiny_repo, "set", "deal", "acme-line", key, "x")
    assert result.exit_code == 2 and "not set with `salesgen set`" in result.stderr


def test_set_refuses_a_value_the_schema_rejects(tiny_repo):
    before = (tiny_repo / CUSTOMER).read_bytes()
    result = run(tiny_repo, "set", "customer", "acme", "evaluation.credit", "11")
    assert result.exit_code == 1 and "nothing was written" in result.stderr
    assert (tiny_repo / CUSTOMER).read_bytes() == before


def test_set_refuses_bad_yaml(tiny_repo):
    result = run(tiny_repo, "set", "deal", "acme-line", "quote", "{low: 1")
    assert result.exit_code == 2 and "not a YAML value" in result.stderr
