"""`salesgen move`: the stage gate refuses or lets through; only `stage` and `stage_history` change."""
from __future__ import annotations

import json

from click.testing import CliRunner

from salesgen.cli import cli

AS_OF = "2026-11-20"

# What the planning stage's exit criteria need in the tiny repository.
SCORECARD = """\
evaluation:
  scale_position: 6
  profitability: 7
  investment: 6
  credit: 8
  project_scale: 7
  project_value: 8
  priority: 7
"""
VISIT_AND_EVIDENCE = """\
  - date: 2026-11-12
    type: visit
    who: {rep}
    contacts: [acme-buyer]
    summary: 拜访采购经理
evidence:
  - criterion: interest_confirmed
    date: 2026-11-10
    kind: email
    ref: 李采购邮件确认有兴趣
"""


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def move(root, *args):
    return run("move", "--root", str(root), "--as-of", AS_OF, *args)


def lint_json(root):
    result = run("lint", "--root", str(root), "--as-of", AS_OF, "--format", "json")
    return json.loads(result.stdout)


def owner_of(root) -> str:
    text = (root / "deals" / "acme-line.yaml").read_text(encoding="utf-8")
    return next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("owner:"))


def meet_planning_gate(root) -> bytes:
    """Fill in what the planning stage's exit criteria need; returns the deal's bytes."""
    customer = root / "customers" / "acme.yaml"
    customer.write_text(customer.read_text(encoding="utf-8").replace("contacts:\n", SCORECARD + "contacts:\n"),
                        encoding="utf-8")
    deal = root / "deals" / "acme-line.yaml"
    text = deal.read_text(encoding="utf-8")
    text = text.replace("stage_history:\n", VISIT_AND_EVIDENCE.format(rep=owner_of(root)) + "stage_history:\n")
    deal.write_text(text, encoding="utf-8")
    return deal.read_bytes()


def test_move_refuses_and_lists_the_missing_criteria(tiny_repo):
    path = tiny_repo / "deals" / "acme-line.yaml"
    before = path.read_bytes()
    result = move(tiny_repo, "acme-line", "visit")
    assert result.exit_code == 1
    missing = sorted(line.split()[1] for line in result.stdout.splitlines() if line.strip().startswith("missing"))
    # handler_reached is met: acme-buyer is the handler and in frequent contact.
    assert missing == ["interest_confirmed", "target_fit", "visit_booked"]
    assert "3 exit criteria are not met" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert path.read_bytes() == before


def test_move_succeeds_once_the_gate_is_met_and_changes_only_stage_and_history(tiny_repo):
    before = meet_planning_gate(tiny_repo).decode("utf-8")
    result = move(tiny_repo, "acme-line", "visit")
    assert result.exit_code == 0, result.output
    after = (tiny_repo / "deals" / "acme-line.yaml").read_text(encoding="utf-8")
    expected = before.replace("stage: planning\namount", "stage: visit\namount")
    expected = expected.replace("    date: 2026-11-01\n", "    date: 2026-11-01\n  - stage: visit\n    date: 2026-11-20\n")
    assert after == expected
    problems = [p for p in lint_json(tiny_repo) if p["file"] == "deals/acme-line.yaml"]
    assert [p for p in problems if p["rule"] in ("stage-gate", "stage-history")] == []


def test_a_skip_needs_a_reason_which_is_recorded(tiny_repo):
    meet_planning_gate(tiny_repo)
    path = tiny_repo / "deals" / "acme-line.yaml"
    before = path.read_bytes()
    refused = move(tiny_repo, "acme-line", "proposal")
    assert refused.exit_code == 2
    assert "skips visit" in refused.stderr and "--reason" in refused.stderr
    assert path.read_bytes() == before
    # With a reason the gate is still checked: visit's exit criteria are not met.
    gated = move(tiny_repo, "acme-line", "proposal", "--reason", "客户要求直接报方案")
    assert gated.exit_code == 1
    assert "visit_report" in gated.stdout
    # Moving back needs a reason too.
    assert move(tiny_repo, "acme-line", "visit").exit_code == 0
    back = move(tiny_repo, "acme-line", "planning")
    assert back.exit_code == 2 and "moves it back" in back.stderr
    ok = move(tiny_repo, "acme-line", "planning", "--reason", "预算冻结: 重新规划")
    assert ok.exit_code == 0, ok.output
    assert path.read_text(encoding="utf-8").endswith(
        '  - stage: planning\n    date: 2026-11-20\n    reason: "预算冻结: 重新规划"\n')


def test_moving_to_lost_needs_a_configured_lost_reason(tiny_repo):
    path = tiny_repo / "deals" / "acme-line.yaml"
    before = path.read_bytes()
    missing = move(tiny_repo, "acme-line", "lost")
    assert missing.exit_code == 2 and "--lost-reason" in missing.stderr
    typo = move(tiny_repo, "acme-line", "lost", "--lost-reason", "pricey")
    assert typo.exit_code == 2 and "did you mean 'price'" in typo.stderr
    assert path.read_bytes() == before
    done = move(tiny_repo, "acme-line", "lost", "--lost-reason", "price", "--reason", "对手报价低 20%")
    assert done.exit_code == 0, done.output
    text = path.read_text(encoding="utf-8")
    assert text.endswith("  - stage: lost\n    date: 2026-11-20\nlost_reason:\n  code: price\n  note: 对手报价低 20%\n")
    assert [p for p in lint_json(tiny_repo) if p["severity"] == "error"] == []


def test_a_valid_waiver_lets_the_move_through(tiny_repo):
    path = tiny_repo / "deals" / "acme-line.yaml"
    meet_planning_gate(tiny_repo)
    text = path.read_text(encoding="utf-8")
    # Without its evidence, interest_confirmed is missing; a manager's waiver covers it.
    text = text.replace("  - criterion: interest_confirmed\n    date: 2026-11-10\n    kind: email\n"
                        "    ref: 李采购邮件确认有兴趣\n", "  - criterion: visit_booked\n    date: 2026-11-10\n"
                        "    kind: email\n    ref: 约定拜访\n")
    path.write_text(text + "waivers:\n  - rule: stage-gate\n    criterion: interest_confirmed\n"
                    "    reason: 客户口头确认，书面确认下周补\n    approved_by: han-meimei\n    until: 2026-12-31\n",
                    encoding="utf-8")
    result = move(tiny_repo, "acme-line", "visit")
    assert result.exit_code == 0, result.output
    assert "waived" in result.stdout and "interest_confirmed" in result.stdout


def test_usage_errors_are_one_line_with_exit_code_2(tiny_repo):
    cases = {
        ("acme-lin", "visit"): "did you mean 'acme-line'",
        ("acme-line", "visiting"): "use one of: planning, visit",
        ("acme-line", "planning"): "already in stage",
    }
    for args, message in cases.items():
        result = move(tiny_repo, *args)
        assert result.exit_code == 2, args
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    early = run("move", "--root", str(tiny_repo), "--as-of", "2026-10-01", "acme-line", "lost",
                "--lost-reason", "price")
    assert early.exit_code == 2 and "before acme-line's last stage change" in early.stderr


def test_dry_run_and_a_file_path_as_the_deal(tiny_repo):
    meet_planning_gate(tiny_repo)
    path = tiny_repo / "deals" / "acme-line.yaml"
    before = path.read_bytes()
    result = move(tiny_repo, str(path), "visit", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Would move acme-line" in result.stdout
    assert path.read_bytes() == before


def test_help_has_examples():
    result = run("move", "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output and "salesgen move" in result.output


def test_a_deal_without_history_gets_its_current_stage_recorded_first(tiny_repo):
    meet_planning_gate(tiny_repo)
    path = tiny_repo / "deals" / "acme-line.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("stage_history:\n  - stage: planning\n    date: 2026-11-01\n", "")
    path.write_text(text.replace("expected_close: 2027-03-31\n", "expected_close: 2027-03-31\ncreated: 2026-10-30\n"),
                    encoding="utf-8")
    result = move(tiny_repo, "acme-line", "visit")
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8").endswith(
        "stage_history:\n  - stage: planning\n    date: 2026-10-30\n  - stage: visit\n    date: 2026-11-20\n")
    problems = [p for p in lint_json(tiny_repo) if p["file"] == "deals/acme-line.yaml"]
    assert [p for p in problems if p["severity"] == "error"] == []


# -- the gate covers everything lint checks: the repository as the move would leave it ---------

GATE_WAIVER = """\
waivers:
  - rule: stage-gate
    reason: 老客户续单，流程简化
    approved_by: han-meimei
    until: 2026-12-31
"""
FULL_TEAM = ("team: {presales: li-lei, consultant: li-lei, executive: han-meimei, commercial: li-lei, finance: li-lei, legal: li-lei, "
             "implementation: li-lei}\n")
CONTRACT = """\
contract:
  date: 2026-11-18
  value: 500000
  ref: ACME-2026-001
  payments:
    - {due: 2026-12-31, amount: 150000, milestone: 预付款}
    - {due: 2027-06-30, amount: 350000, milestone: 验收款}
"""
PROBLEM_LINE = r"^(?P<file>[\w/.-]+):(?P<line>\d+):\d+: error \[(?P<rule>[\w-]+)\] (?P<message>.+)$"


def files(root) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


def gate_waived(root, *extra: str) -> None:
    """Every exit criterion waived, so only what lint checks beyond the gate can stop the move."""
    path = root / "deals" / "acme-line.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("expected_close: 2027-03-31\n", "expected_close: 2027-03-31\n" + "".join(extra))
    path.write_text(text + GATE_WAIVER, encoding="utf-8")


def refused_problems(result) -> list[tuple]:
    import re

    return [(m["file"], m["rule"], m["message"]) for m in (re.match(PROBLEM_LINE, line) for line in
                                                         result.stdout.splitlines()) if m]


def test_moving_to_negotiation_without_its_team_roles_is_refused_and_writes_nothing(tiny_repo):
    gate_waived(tiny_repo, "team: {presales: li-lei, consultant: li-lei, executive: han-meimei}\n")
    before = files(tiny_repo)
    for dry in ((), ("--dry-run",)):
        result = move(tiny_repo, "acme-line", "negotiation", "--reason", "客户加急", *dry)
        assert result.exit_code == 1, result.output
        problems = refused_problems(result)
        assert sorted(m.split()[5].rstrip(",") for _, rule, m in problems if rule == "team-roles") == \
            ["commercial", "finance", "legal"]
        assert {file for file, _, _ in problems} == {"deals/acme-line.yaml"}
        assert "hint: Add `commercial: <rep id>` under `team:`" in result.stdout
        assert "nothing was written" in result.stderr and len(result.stderr.strip().splitlines()) == 1
        assert files(tiny_repo) == before


def test_moving_to_won_without_a_contract_is_refused(tiny_repo):
    gate_waived(tiny_repo, FULL_TEAM)
    before = files(tiny_repo)
    result = move(tiny_repo, "acme-line", "won", "--reason", "签约", "--promote-customer")
    assert result.exit_code == 1, result.output
    assert ("deals/acme-line.yaml", "closing-won", "the deal is won but has no `contract`") in refused_problems(result)
    assert files(tiny_repo) == before  # the customer too: nothing of the change is written


def test_won_needs_the_customer_promoted_and_the_flag_changes_both_files_together(tiny_repo):
    gate_waived(tiny_repo, FULL_TEAM + CONTRACT)
    before = files(tiny_repo)
    refused = move(tiny_repo, "acme-line", "won", "--reason", "签约")
    assert refused.exit_code == 1, refused.output
    assert refused_problems(refused) == [("customers/acme.yaml", "account-type",
                                          "the account has won deal 'acme-line' but its type is 'interest'")]
    assert "move with --promote-customer" in refused.stdout
    assert files(tiny_repo) == before
    done = move(tiny_repo, "acme-line", "won", "--reason", "签约", "--promote-customer")
    assert done.exit_code == 0, done.output
    after = files(tiny_repo)
    customer = before["customers/acme.yaml"].decode("utf-8")
    assert after["customers/acme.yaml"].decode("utf-8") == customer.replace("\ntype: interest\n", "\ntype: customer\n")
    assert b"\nstage: won\n" in after["deals/acme-line.yaml"]
    assert "type: interest -> customer" in done.stdout
    lint = run("lint", "--root", str(tiny_repo), "--as-of", AS_OF)
    assert lint.exit_code == 0, lint.output
    assert [p for p in lint_json(tiny_repo) if p["severity"] == "error"] == []
    assert sorted(p.name for p in tiny_repo.iterdir()) == [".salesgen-cache", "customers", "deals", "salesgen.yaml"]


def test_promote_customer_is_only_for_a_move_to_won(tiny_repo):
    meet_planning_gate(tiny_repo)
    result = move(tiny_repo, "acme-line", "visit", "--promote-customer")
    assert result.exit_code == 2 and "--promote-customer is for a move to won" in result.stderr


def test_an_error_already_in_the_deal_blocks_the_move_but_one_in_the_untouched_customer_does_not(tiny_repo):
    meet_planning_gate(tiny_repo)
    customer = tiny_repo / "customers" / "acme.yaml"
    # `intent` with no approved sales project: an account-type error the move to visit neither causes nor fixes.
    customer.write_text(customer.read_text(encoding="utf-8").replace("type: interest", "type: intent"),
                        encoding="utf-8")
    deal = tiny_repo / "deals" / "acme-line.yaml"
    clean = deal.read_text(encoding="utf-8")
    deal.write_text(clean.replace("currency: CNY\n", "currency: CNY\nteam: {presales: nobody-here}\n"),
                    encoding="utf-8")
    before = files(tiny_repo)
    refused = move(tiny_repo, "acme-line", "visit")
    assert refused.exit_code == 1, refused.output
    assert {(file, rule) for file, rule, _ in refused_problems(refused)} == {("deals/acme-line.yaml", "ref-rep")}
    assert files(tiny_repo) == before
    deal.write_text(clean, encoding="utf-8")
    moved = move(tiny_repo, "acme-line", "visit")
    assert moved.exit_code == 0, moved.output
    assert "customers/acme.yaml" in moved.stdout and "[account-type]" in moved.stdout  # still reported, not blocking
