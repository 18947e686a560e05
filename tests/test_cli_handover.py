"""`salesgen handover`: a departed rep's accounts and open deals move; nothing else in the files changes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from salesgen.cli import cli
from salesgen.editing import atomic

AS_OF = "2026-11-20"

LEFT_REP = """\
  # Left in October; work to hand over.
  - id: wang-old
    name: 王旧
    active: false
    left: 2026-10-31
  - id: zhao-gone
    name: 赵已离
    active: false
"""

CUSTOMER = """\
# Acme: an account of a rep who left.   
#   (trailing spaces on the line above are kept)

id: acme
name: 'Acme 机械'    # single-quoted on purpose
type: interest
owner: "wang-old"     # quoted, with a comment


contacts:   # org chart
  - id: acme-boss
    name: 王总
    level: decision
    department: 总经办
  - {id: acme-buyer, name: 李采购, level: management, department: 采购部, reports_to: acme-boss}
# end of file comment
"""

OPEN_DEAL = """\
# Open deal, owned by the rep who left; the presales role is theirs too.
id: acme-line
name: Acme 生产线
customer: acme
owner: wang-old   # account manager
pipeline: project
stage: planning
amount: 500000
currency: CNY
expected_close: 2027-03-31
team: {presales: wang-old}    # flow style, kept
stakeholders:
  - contact: acme-buyer
    role: initiator
    handler: true
    attitude: supporter
    closeness: frequent

activities:
  - date: 2026-11-10
    type: call
    who: wang-old        # history: stays
    contacts: [acme-buyer]
    summary: |
      电话邀约
      约下周拜访
    intent: medium
    # next_step: to be agreed

stage_history:
  - stage: planning
    date: 2026-11-01
"""

LOST_DEAL = """\
id: acme-old
name: Acme 旧项目
customer: acme
owner: wang-old
pipeline: project
stage: lost
amount: 300000
currency: CNY
expected_close: 2026-06-30
stage_history:
  - {stage: planning, date: 2026-03-01}
  - {stage: lost, date: 2026-06-01}
lost_reason: {code: price}
"""

OTHER_DEAL = """\
id: beta-line
name: Beta 线
customer: acme
owner: {active}
pipeline: product
stage: lead
amount: 80000
currency: CNY
expected_close: 2027-01-31
team:
  presales: wang-old
activities:
  - {{date: 2026-11-15, type: call, who: {active}, contacts: [acme-buyer], summary: 询价, intent: low}}
stage_history:
  - {{stage: lead, date: 2026-11-05}}
"""


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def handover(root, *args):
    return run("handover", "--root", str(root), "--as-of", AS_OF, *args)


@pytest.fixture
def departed(tiny_repo: Path) -> Path:
    """The tiny repository plus a rep who left, owning an account, an open deal, a lost deal and a team role."""
    config = tiny_repo / "salesgen.yaml"
    text = config.read_text(encoding="utf-8")
    assert "\nreps:\n  - id: " in text
    config.write_text(text.replace("\nreps:\n", "\nreps:\n" + LEFT_REP, 1), encoding="utf-8")
    active = next(r["id"] for r in yaml.safe_load(text)["reps"] if r.get("active", True))
    (tiny_repo / "deals" / "acme-line.yaml").unlink()
    (tiny_repo / "customers" / "acme.yaml").write_text(CUSTOMER, encoding="utf-8")
    (tiny_repo / "deals" / "acme-line.yaml").write_text(OPEN_DEAL, encoding="utf-8")
    (tiny_repo / "deals" / "acme-old.yaml").write_text(LOST_DEAL, encoding="utf-8")
    (tiny_repo / "deals" / "beta-line.yaml").write_text(OTHER_DEAL.format(active=active), encoding="utf-8")
    return tiny_repo


def snapshot(root: Path) -> dict:
    """Every file's bytes, except the lint cache that `salesgen lint` keeps."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".salesgen-cache" not in p.relative_to(root).parts}


def lint_problems(root: Path) -> list:
    result = run("lint", "--root", str(root), "--as-of", AS_OF, "--format", "json")
    return json.loads(result.stdout)


def test_handover_changes_exactly_the_values_and_appends_the_activity(departed):
    before = snapshot(departed)
    active = next(p for p in lint_problems(departed) if p["rule"] == "handover-pending")
    assert active  # the fixture really has handover work pending
    result = handover(departed, "--from", "wang-old", "--to", "han-meimei")
    assert result.exit_code == 0, result.output
    after = snapshot(departed)

    activity = ("  - date: 2026-11-20\n    type: handover\n    who: han-meimei\n"
                "    summary: Handover from wang-old to han-meimei (离职交接)\n")
    expected = dict(before)
    expected["customers/acme.yaml"] = CUSTOMER.replace('owner: "wang-old"', 'owner: "han-meimei"').encode()
    expected["deals/acme-line.yaml"] = (
        OPEN_DEAL.replace("owner: wang-old   #", "owner: han-meimei   #")
        .replace("team: {presales: wang-old}", "team: {presales: han-meimei}")
        .replace("    # next_step: to be agreed\n", "    # next_step: to be agreed\n" + activity)).encode()
    beta = before["deals/beta-line.yaml"].decode()
    expected["deals/beta-line.yaml"] = (
        beta.replace("  presales: wang-old\n", "  presales: han-meimei\n")
        .replace("intent: low}\n", "intent: low}\n  - {date: 2026-11-20, type: handover, who: han-meimei, "
                 "summary: Handover from wang-old to han-meimei (离职交接)}\n")).encode()
    assert after == expected  # everything else, the lost deal and the config included, byte for byte
    assert "who: wang-old        # history: stays" in after["deals/acme-line.yaml"].decode()

    problems = lint_problems(departed)
    assert [p for p in problems if p["rule"] == "handover-pending"] == []
    assert [p for p in problems if p["severity"] == "error"] == []
    assert "Moved 1 customer and 2 open deals to han-meimei." in result.stdout
    assert "kept: lost" in result.stdout


def test_dry_run_changes_nothing_and_prints_the_plan(departed):
    before = snapshot(departed)
    result = handover(departed, "--from", "wang-old", "--to", "han-meimei", "--dry-run")
    assert result.exit_code == 0, result.output
    assert snapshot(departed) == before
    assert "customers/acme.yaml" in result.stdout and "owner, team.presales, + handover activity" in result.stdout
    assert "Would move 1 customer and 2 open deals" in result.stdout


@pytest.mark.parametrize("to, message", [
    ("nobody", "'nobody' is not in the roster"),
    ("han-meime", "did you mean 'han-meimei'"),
    ("zhao-gone", "is not an active rep"),
    ("wang-old", "the same rep"),
])
def test_an_unknown_or_inactive_successor_is_refused(departed, to, message):
    before = snapshot(departed)
    result = handover(departed, "--from", "wang-old", "--to", to)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(departed) == before


def test_a_write_that_fails_midway_leaves_every_file_as_it_was(departed, monkeypatch):
    before = snapshot(departed)
    real = atomic._write_temp
    calls = []

    def fail_on_third(path, data):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(atomic, "_write_temp", fail_on_third)
    result = handover(departed, "--from", "wang-old", "--to", "han-meimei")
    assert result.exit_code == 2
    assert "No space left on device" in result.stderr
    assert snapshot(departed) == before  # no file changed, no temporary file left behind


def test_a_rep_with_nothing_to_hand_over(departed):
    result = handover(departed, "--from", "zhao-gone", "--to", "han-meimei")
    assert result.exit_code == 0
    assert "nothing to move" in result.stdout


def test_the_example_repository_departure_leaves_no_handover_pending(example_repo):
    config = (example_repo / "salesgen.yaml").read_text(encoding="utf-8")
    assert "id: liu-yang" in config and "active: false" in config
    before = lint_problems(example_repo)
    assert any(p["rule"] == "handover-pending" for p in before)
    result = handover(example_repo, "--from", "liu-yang", "--to", "chen-ming")
    assert result.exit_code == 0, result.output
    after = lint_problems(example_repo)
    assert [p for p in after if p["rule"] == "handover-pending"] == []
    # The handover adds no problem of its own: whatever remains was there before.
    assert {(p["file"], p["rule"]) for p in after} <= {(p["file"], p["rule"]) for p in before}


def test_help_has_examples():
    result = run("handover", "--help")
    assert result.exit_code == 0 and "Examples:" in result.output and "--dry-run" in result.output


def test_an_assigned_interest_account_keeps_its_assignment(example_repo):
    # xibu-cable (interest) was assigned to liu-yang by zhao-wei; the handover is no new review
    before = (example_repo / "customers" / "xibu-cable.yaml").read_text(encoding="utf-8")
    result = handover(example_repo, "--from", "liu-yang", "--to", "chen-ming")
    assert result.exit_code == 0, result.output
    after = (example_repo / "customers" / "xibu-cable.yaml").read_text(encoding="utf-8")
    assert after == before.replace("owner: liu-yang", "owner: chen-ming")
    assert "assigned: {by: zhao-wei, date: 2026-08-25}" in after
    assert not any(p["rule"].startswith("account-") for p in lint_problems(example_repo))


def test_an_account_handed_back_to_the_rep_who_assigned_it_is_warned_about(example_repo):
    result = handover(example_repo, "--from", "liu-yang", "--to", "zhao-wei")
    assert result.exit_code == 0, result.output
    assert ("warning: customers/xibu-cable.yaml: the account was assigned by zhao-wei, who now owns it "
            "(account-assignment)") in result.output
    assert [(p["file"], p["rule"]) for p in lint_problems(example_repo) if p["rule"].startswith("account-")] == \
        [("customers/xibu-cable.yaml", "account-assignment")]
