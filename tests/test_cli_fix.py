"""`salesgen fix`: each mechanical fix, shown first, applied with --apply; never a business fact."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from salesgen.cli import cli

AS_OF = "2026-11-20"
DEAL = "deals/acme-line.yaml"
CUSTOMER = "customers/acme.yaml"


def run(root, *args):
    return CliRunner().invoke(cli, ["fix", *args, "--root", str(root), "--as-of", AS_OF], catch_exceptions=False)


def lint(root):
    return CliRunner().invoke(cli, ["lint", "--root", str(root), "--as-of", AS_OF])


def edit(root, rel, old, new):
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_currency_case_is_shown_then_applied(tiny_repo):
    edit(tiny_repo, DEAL, "currency: CNY", "currency: cny  # 人民币")
    before = (tiny_repo / DEAL).read_bytes()
    shown = run(tiny_repo)
    assert "-currency: cny  # 人民币\n+currency: CNY  # 人民币\n" in shown.output
    assert (tiny_repo / DEAL).read_bytes() == before  # shown, not written
    applied = run(tiny_repo, "--apply")
    assert applied.exit_code == 0 and "Applied 1 fix." in applied.output
    assert (tiny_repo / DEAL).read_bytes() == before.replace(b"currency: cny", b"currency: CNY")
    assert lint(tiny_repo).exit_code == 0


def test_an_unknown_currency_is_not_guessed(tiny_repo):
    edit(tiny_repo, DEAL, "currency: CNY", "currency: rmb")
    before = (tiny_repo / DEAL).read_bytes()
    result = run(tiny_repo, "--apply")
    assert "Nothing to fix mechanically." in result.output and "1 problem needs a person" in result.output
    assert (tiny_repo / DEAL).read_bytes() == before


def test_a_file_name_that_differs_from_its_id_is_renamed(tiny_repo):
    (tiny_repo / DEAL).rename(tiny_repo / "deals" / "acme-old.yaml")
    assert "rename deals/acme-old.yaml -> deals/acme-line.yaml" in run(tiny_repo).output
    assert (tiny_repo / "deals" / "acme-old.yaml").exists()
    run(tiny_repo, "--apply")
    assert (tiny_repo / DEAL).exists() and not (tiny_repo / "deals" / "acme-old.yaml").exists()
    assert lint(tiny_repo).exit_code == 0


def test_no_rename_over_an_existing_file(tiny_repo):
    text = (tiny_repo / DEAL).read_text(encoding="utf-8")
    (tiny_repo / "deals" / "acme-copy.yaml").write_text(text, encoding="utf-8")
    result = run(tiny_repo, "--apply")
    assert "rename" not in result.output
    assert (tiny_repo / "deals" / "acme-copy.yaml").exists()


def test_a_value_yaml_would_misread_is_quoted(tiny_repo):
    edit(tiny_repo, CUSTOMER, "    title: 总经理\n", "    title: 总经理\n    phone: 0755   # 区号\n")
    result = run(tiny_repo, "--apply")
    assert '-    phone: 0755   # 区号\n+    phone: "0755"   # 区号\n' in result.output
    assert '    phone: "0755"   # 区号\n' in (tiny_repo / CUSTOMER).read_text(encoding="utf-8")
    assert lint(tiny_repo).exit_code == 0


def test_a_yes_on_a_true_false_field_is_left_to_a_person(tiny_repo):
    edit(tiny_repo, DEAL, "handler: true", "handler: yes")
    before = (tiny_repo / DEAL).read_bytes()
    result = run(tiny_repo, "--apply")
    assert "Nothing to fix mechanically." in result.output
    assert (tiny_repo / DEAL).read_bytes() == before


def approve_project(root):
    with open(root / DEAL, "a", encoding="utf-8") as handle:
        handle.write("approvals:\n  - {kind: project_initiation, date: 2026-11-15, approver: han-meimei}\n")


def test_account_type_promotion_the_rules_require(tiny_repo):
    approve_project(tiny_repo)
    assert "account-type" in lint(tiny_repo).output
    result = run(tiny_repo, "--apply")
    assert "-type: interest\n+type: intent\n" in result.output
    assert "type: intent\n" in (tiny_repo / CUSTOMER).read_text(encoding="utf-8")
    assert lint(tiny_repo).exit_code == 0


@pytest.mark.parametrize("type_", ["intent", "customer"])
def test_an_account_type_is_never_moved_back(tiny_repo, type_):
    edit(tiny_repo, CUSTOMER, "type: interest", f"type: {type_}")
    before = (tiny_repo / CUSTOMER).read_bytes()
    result = run(tiny_repo, "--apply")
    assert "account" not in result.output.lower() or "Nothing to fix" in result.output
    assert (tiny_repo / CUSTOMER).read_bytes() == before


def test_fix_never_invents_a_business_fact(tiny_repo):
    edit(tiny_repo, DEAL, "amount: 500000\n", "")
    edit(tiny_repo, DEAL, "expected_close: 2027-03-31\n", "")
    before = (tiny_repo / DEAL).read_bytes()
    result = run(tiny_repo, "--apply")
    assert result.exit_code == 0
    assert "Nothing to fix mechanically." in result.output and "2 problems need a person" in result.output
    assert (tiny_repo / DEAL).read_bytes() == before


def test_a_clean_repository_has_nothing_to_fix(tiny_repo):
    assert run(tiny_repo).output == "Nothing to fix mechanically.\n"


def test_a_customer_with_an_approved_open_deal_but_none_won_is_not_demoted(tiny_repo):
    approve_project(tiny_repo)
    edit(tiny_repo, CUSTOMER, "type: interest", "type: customer")
    assert "account-type" in lint(tiny_repo).output
    before = (tiny_repo / CUSTOMER).read_bytes()
    result = run(tiny_repo, "--apply")
    assert "Nothing to fix mechanically." in result.output
    assert (tiny_repo / CUSTOMER).read_bytes() == before
