"""`salesgen log` and `salesgen evidence`: what they append, every refusal, and the bytes they leave alone."""
from __future__ import annotations

import difflib
import json

import pytest
from click.testing import CliRunner

from salesgen.cli import cli
from salesgen.commands import new as new_module
from salesgen.commands import prompting

AS_OF = "2026-11-20"
DEAL = "deals/acme-line.yaml"
SCORECARD = """evaluation:
  scale_position: 8
  profitability: 7
  investment: 7
  credit: 9
  project_scale: 8
  project_value: 8
  priority: 9
"""


def run(root, *args, input=None):
    return CliRunner().invoke(cli, [*args, "--root", str(root)], input=input, catch_exceptions=False)


def inserted(old: str, new: str) -> list[str]:
    """The lines ``new`` adds to ``old``; fails if any line of ``old`` was changed or removed."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    added = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        assert tag in ("equal", "insert"), f"changed {a[i1:i2]} -> {b[j1:j2]}"
        if tag == "insert":
            added += b[j1:j2]
    return added


@pytest.fixture
def commented(tiny_repo):
    """The tiny deal with comments, odd spacing and quoting that an edit must keep byte for byte."""
    path = tiny_repo / DEAL
    text = path.read_text(encoding="utf-8")
    text = "# 冲压线项目  -- keep this comment\n" + text.replace("amount: 500000", "amount: 500000   # 含税")
    text = text.replace("summary: 电话邀约", "summary: '电话邀约'  # quoted on purpose")
    path.write_text(text, encoding="utf-8")
    return tiny_repo


def lint_clean(root) -> bool:
    result = run(root, "lint", "--as-of", AS_OF)
    return result.exit_code == 0 and "0 errors" in result.output


# --- log ----------------------------------------------------------------------------------------------------

def test_log_appends_one_activity_and_leaves_every_other_byte(commented):
    before = (commented / DEAL).read_text(encoding="utf-8")
    result = run(commented, "log", "acme-line", "--as-of", AS_OF, "--type", "visit", "--contact", "acme-buyer",
                 "--summary", "现场拜访", "--next-step", "提交方案", "--next-date", "2026-12-01", "--intent", "high",
                 "--promise", "2026-11-25", "送样品")
    assert result.exit_code == 0, result.output
    assert "Logged a visit on acme-line dated 2026-11-20" in result.output
    added = inserted(before, (commented / DEAL).read_text(encoding="utf-8"))
    assert added == ["  - date: 2026-11-20\n", "    type: visit\n", "    who: li-lei\n", "    contacts: [acme-buyer]\n",
                     "    summary: 现场拜访\n", "    next_step: 提交方案\n", "    next_date: 2026-12-01\n",
                     "    intent: high\n", "    promises: [{text: 送样品, due: 2026-11-25, done: false}]\n"]
    assert lint_clean(commented)


def test_log_creates_the_activities_key_when_the_deal_has_none(tiny_repo):
    path = tiny_repo / DEAL
    text = path.read_text(encoding="utf-8")
    start = text.index("activities:")
    path.write_text(text[:start] + text[text.index("stage_history:"):], encoding="utf-8")
    result = run(tiny_repo, "log", "acme-line", "--as-of", AS_OF, "--type", "call", "--summary", "电话")
    assert result.exit_code == 0, result.output
    assert "activities:\n  - date: 2026-11-20\n    type: call\n" in path.read_text(encoding="utf-8")


def test_log_defaults_date_to_as_of_and_who_to_the_owner(tiny_repo):
    run(tiny_repo, "log", "acme-line", "--as-of", "2026-11-18", "--type", "email", "--summary", "x")
    text = (tiny_repo / DEAL).read_text(encoding="utf-8")
    assert "  - date: 2026-11-18\n    type: email\n    who: li-lei\n    summary: x\n" in text


@pytest.mark.parametrize("args, message", [
    (("--type", "vist", "--summary", "x"), "did you mean 'visit'?"),
    (("--type", "visit", "--summary", "x", "--contact", "acme-buyr"), "did you mean 'acme-buyer'?"),
    (("--type", "visit", "--summary", "x", "--who", "li-le"), "did you mean 'li-lei'?"),
    (("--type", "visit", "--summary", "x", "--intent", "hi"), "not a known intent level"),
    (("--type", "visit",), "missing --summary"),
    (("--summary", "x",), "missing --type"),
    (("--type", "visit", "--summary", "x", "--date", "2026-13-01"), "is not a date"),
    (("--type", "visit", "--summary", "x", "--promise", "soon", "送样品"), "is not a date"),
])
def test_log_refuses_a_mistake_off_a_terminal_and_writes_nothing(tiny_repo, args, message):
    before = (tiny_repo / DEAL).read_bytes()
    result = run(tiny_repo, "log", "acme-line", "--as-of", AS_OF, *args)
    assert result.exit_code == 2 and message in result.stderr, result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert (tiny_repo / DEAL).read_bytes() == before


def test_log_names_the_close_deal_id(tiny_repo):
    result = run(tiny_repo, "log", "acme-lin", "--as-of", AS_OF, "--type", "call", "--summary", "x")
    assert result.exit_code == 2 and "did you mean 'acme-line'?" in result.stderr


def test_log_refuses_what_lint_would_reject_and_writes_nothing(tiny_repo):
    before = (tiny_repo / DEAL).read_bytes()
    result = run(tiny_repo, "log", "acme-line", "--as-of", AS_OF, "--type", "call", "--summary", "x",
                 "--next-step", "长" * 501)  # the schema allows 500 characters
    assert result.exit_code == 1
    assert "[schema]" in result.output and "nothing was written" in result.stderr
    assert (tiny_repo / DEAL).read_bytes() == before


def test_log_dry_run_writes_nothing(tiny_repo):
    before = (tiny_repo / DEAL).read_bytes()
    result = run(tiny_repo, "log", "acme-line", "--as-of", AS_OF, "--type", "call", "--summary", "x", "--dry-run")
    assert result.exit_code == 0 and "dry run" in result.output
    assert (tiny_repo / DEAL).read_bytes() == before


def test_log_on_a_terminal_asks_again_after_a_typo(tiny_repo, monkeypatch):
    monkeypatch.setattr(prompting, "interactive", lambda: True)
    answers = "\n".join(["",            # date: the as-of default
                         "vist", "visit",  # a typo, then the type
                         "",            # who: the owner
                         "acme-buyr", "acme-buyer", "",  # contacts, a typo, then done
                         "现场拜访",     # summary
                         "", "", "high"]) + "\n"  # no next step, no next date, intent
    result = run(tiny_repo, "log", "acme-line", "--as-of", AS_OF, input=answers)
    assert result.exit_code == 0, result.output
    assert "did you mean 'visit'?" in result.stderr and "did you mean 'acme-buyer'?" in result.stderr
    text = (tiny_repo / DEAL).read_text(encoding="utf-8")
    assert ("  - date: 2026-11-20\n    type: visit\n    who: li-lei\n    contacts: [acme-buyer]\n"
            "    summary: 现场拜访\n    intent: high\n") in text


def test_new_on_a_terminal_asks_again_after_an_unknown_owner(tiny_repo, monkeypatch):
    monkeypatch.setattr(new_module, "_interactive", lambda: True)
    monkeypatch.setattr(prompting, "interactive", lambda: True)
    result = CliRunner().invoke(cli, ["new", "customer", "--root", str(tiny_repo), "--as-of", AS_OF],
                                input="beta\nBeta 精工\nli-le\nli-lei\n")
    assert result.exit_code == 0, result.output
    assert "did you mean 'li-lei'?" in result.stderr
    assert "owner: li-lei" in (tiny_repo / "customers" / "beta.yaml").read_text(encoding="utf-8")


# --- evidence -----------------------------------------------------------------------------------------------

def test_evidence_appends_a_record_and_says_what_is_still_missing(commented):
    before = (commented / DEAL).read_text(encoding="utf-8")
    result = run(commented, "evidence", "acme-line", "interest_confirmed", "--as-of", AS_OF, "--kind", "meeting",
                 "--ref", "电话邀约记录")
    assert result.exit_code == 0, result.output
    added = inserted(before, (commented / DEAL).read_text(encoding="utf-8"))
    assert added == ["evidence:\n", "  - criterion: interest_confirmed\n", "    date: 2026-11-20\n",
                     "    kind: meeting\n", "    ref: 电话邀约记录\n"]
    assert "Still missing before 'visit' (2): target_fit, visit_booked" in result.output


def test_evidence_says_which_gate_it_opens(tiny_repo):
    with open(tiny_repo / "customers" / "acme.yaml", "a", encoding="utf-8") as handle:
        handle.write(SCORECARD)
    run(tiny_repo, "log", "acme-line", "--as-of", AS_OF, "--type", "visit", "--date", "2026-11-24", "--contact", "acme-buyer", "--summary", "约定拜访")
    result = run(tiny_repo, "evidence", "acme-line", "interest_confirmed", "--as-of", AS_OF, "--kind", "email",
                 "--ref", "邮件")
    assert result.exit_code == 0, result.output
    assert "All exit criteria before 'visit' are met: `salesgen move acme-line visit`" in result.output
    moved = run(tiny_repo, "move", "acme-line", "visit", "--as-of", AS_OF)
    assert moved.exit_code == 0, moved.output


def left_planning(root, on="2026-11-10"):
    path = root / DEAL
    text = path.read_text(encoding="utf-8").replace("stage: planning\n", "stage: visit\n", 1)
    path.write_text(text + f"  - stage: visit\n    date: {on}\n", encoding="utf-8")


@pytest.mark.parametrize("args, message", [
    (("interest_confirmd", "--kind", "email", "--ref", "x"), "did you mean 'interest_confirmed'?"),
    (("po_received", "--kind", "email", "--ref", "x"), "not an exit criterion of pipeline 'project'"),
    (("target_fit", "--kind", "email", "--ref", "x"), "computed from the deal's data"),
    (("interest_confirmed", "--kind", "letter", "--ref", "x"), "did you mean"),
    (("interest_confirmed", "--kind", "email"), "missing --ref"),
    (("interest_confirmed", "--kind", "email", "--ref", "x", "--date", "2026-11-21"), "after the as-of date"),
])
def test_evidence_refusals_write_nothing(tiny_repo, args, message):
    before = (tiny_repo / DEAL).read_bytes()
    result = run(tiny_repo, "evidence", "acme-line", *args, "--as-of", AS_OF)
    assert result.exit_code == 2 and message in result.stderr, result.output
    assert (tiny_repo / DEAL).read_bytes() == before


def test_evidence_of_a_computed_criterion_says_what_data_meets_it(tiny_repo):
    result = run(tiny_repo, "evidence", "acme-line", "target_fit", "--as-of", AS_OF, "--kind", "email", "--ref", "x")
    assert result.exit_code == 2
    assert "scorecard is complete and its weighted score reaches `scorecard_threshold`" in result.stderr


def test_evidence_of_an_approval_criterion_gives_the_approve_command(tiny_repo):
    before = (tiny_repo / DEAL).read_bytes()
    result = run(tiny_repo, "evidence", "acme-line", "project_initiation_approved", "--as-of", AS_OF,
                 "--kind", "form", "--ref", "立项申请")
    assert result.exit_code == 2, result.output
    assert "'project_initiation_approved' is an approval" in result.stderr
    assert "`salesgen approve acme-line project_initiation --by zhang-wei --date 2026-11-20" in result.stderr
    assert "by a rep holding executive: zhang-wei; never the owner li-lei" in result.stderr
    assert "computed from the deal's data" not in result.stderr
    assert (tiny_repo / DEAL).read_bytes() == before


def scorecard_with_credit(credit: int) -> str:
    """All factors 6 except credit (weight 20%): 6.0 weighted with credit 6, 5.8 with credit 5."""
    return "evaluation: {scale_position: 6, profitability: 6, investment: 6, credit: %d, project_scale: 6, " \
           "project_value: 6, priority: 6}\n" % credit


@pytest.mark.parametrize("credit, opens", [(6, True), (5, False)])
def test_the_gate_opens_only_when_the_scorecard_reaches_the_threshold(tiny_repo, credit, opens):
    with open(tiny_repo / "customers" / "acme.yaml", "a", encoding="utf-8") as handle:
        handle.write(scorecard_with_credit(credit))
    run(tiny_repo, "log", "acme-line", "--as-of", AS_OF, "--type", "visit", "--date", "2026-11-24",
        "--contact", "acme-buyer", "--summary", "约定拜访")
    result = run(tiny_repo, "evidence", "acme-line", "interest_confirmed", "--as-of", AS_OF, "--kind", "email",
                 "--ref", "邮件")
    assert result.exit_code == 0, result.output
    if opens:
        assert "All exit criteria before 'visit' are met" in result.output
    else:
        assert "Still missing before 'visit' (1): target_fit" in result.output


@pytest.mark.parametrize("contact, opens", [("acme-buyer", True), ("acme-boss", False)])
def test_the_visit_must_include_the_handler(tiny_repo, contact, opens):
    with open(tiny_repo / "customers" / "acme.yaml", "a", encoding="utf-8") as handle:
        handle.write(SCORECARD)
    run(tiny_repo, "log", "acme-line", "--as-of", AS_OF, "--type", "visit", "--date", "2026-11-24",
        "--contact", contact, "--summary", "约定拜访")
    result = run(tiny_repo, "evidence", "acme-line", "interest_confirmed", "--as-of", AS_OF, "--kind", "email",
                 "--ref", "邮件")
    assert result.exit_code == 0, result.output
    assert ("All exit criteria before 'visit' are met" in result.output) is opens
    assert ("Still missing before 'visit' (1): visit_booked" in result.output) is not opens


def test_evidence_accepted_for_a_computed_criterion_that_allows_it(tiny_repo):
    result = run(tiny_repo, "evidence", "acme-line", "visit_booked", "--as-of", AS_OF, "--kind", "email", "--ref", "约定")
    assert result.exit_code == 0, result.output


def test_evidence_dated_after_the_deal_left_the_stage_is_refused(tiny_repo):
    left_planning(tiny_repo, on="2026-11-10")
    late = run(tiny_repo, "evidence", "acme-line", "interest_confirmed", "--as-of", AS_OF, "--date", "2026-11-11",
               "--kind", "email", "--ref", "x")
    assert late.exit_code == 2 and "left stage 'planning' on 2026-11-10" in late.stderr


def test_evidence_dated_the_day_the_deal_left_the_stage_is_accepted(tiny_repo):
    left_planning(tiny_repo, on="2026-11-10")
    with open(tiny_repo / "customers" / "acme.yaml", "a", encoding="utf-8") as handle:
        handle.write(SCORECARD)
    on_time = run(tiny_repo, "evidence", "acme-line", "interest_confirmed", "--as-of", AS_OF, "--date", "2026-11-10",
                  "--kind", "email", "--ref", "x")
    # accepted and written; the deal skipped its gates in this fixture, so the file still does not lint
    assert on_time.exit_code == 1 and "it already had" in on_time.stderr, on_time.output
    assert "    date: 2026-11-10\n" in (tiny_repo / DEAL).read_text(encoding="utf-8")


@pytest.mark.parametrize("date, ok", [("2026-11-10", True), ("2026-11-11", False)])
def test_evidence_of_a_skipped_stage_counts_from_the_skip_like_evidence_late(tiny_repo, date, ok):
    """planning -> demo on 2026-11-10 skips visit: the visit gate was passed that day."""
    path = tiny_repo / DEAL
    text = path.read_text(encoding="utf-8").replace("stage: planning\n", "stage: demo\n", 1)
    path.write_text(text + "  - stage: demo\n    date: 2026-11-10\n", encoding="utf-8")
    result = run(tiny_repo, "evidence", "acme-line", "visit_report", "--as-of", AS_OF, "--date", date,
                 "--kind", "document", "--ref", "报告")
    if ok:  # written; the fixture's skipped gates are errors the file already had
        assert result.exit_code == 1 and "it already had" in result.stderr, result.output
        assert f"date: {date}" in path.read_text(encoding="utf-8")
    else:
        assert result.exit_code == 2 and "left stage 'visit' on 2026-11-10" in result.stderr, result.output


def test_evidence_of_a_later_stage_while_still_in_the_stage_has_no_limit(tiny_repo):
    result = run(tiny_repo, "evidence", "acme-line", "visit_report", "--as-of", AS_OF, "--date", "2026-11-19",
                 "--kind", "document", "--ref", "报告")
    assert result.exit_code == 0, result.output


# --- show ---------------------------------------------------------------------------------------------------

def test_show_text_gives_the_command_for_each_missing_criterion(tiny_repo):
    run(tiny_repo, "log", "acme-line", "--as-of", AS_OF, "--type", "call", "--summary", "x",
        "--promise", "2026-11-19", "送样品")
    result = run(tiny_repo, "show", "acme-line", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "\x1b[" not in out  # not a terminal: no colour
    assert "▶ planning (2026-11-01)" in out and "· visit" in out
    assert "missing interest_confirmed" in out
    assert "salesgen evidence acme-line interest_confirmed --date YYYY-MM-DD --kind document" in out
    assert "missing target_fit" in out
    assert "salesgen set customer acme evaluation.FACTOR SCORE" in out and "scorecard_threshold (6.0)" in out
    assert "missing visit_booked" in out and "salesgen log acme-line --type visit --contact acme-buyer" in out
    assert "red flag: no decision maker is known" in out
    assert "2026-11-19 送样品 (promised 2026-11-20) overdue" in out
    assert "the stage expects problem_recognized" in out


def at_stage(root, stage, on="2026-11-10"):
    path = root / DEAL
    text = path.read_text(encoding="utf-8").replace("stage: planning\n", f"stage: {stage}\n", 1)
    path.write_text(text + f"  - stage: {stage}\n    date: {on}\n", encoding="utf-8")


def test_show_gives_the_approve_command_for_a_missing_approval(tiny_repo):
    at_stage(tiny_repo, "proposal")
    view = json.loads(run(tiny_repo, "show", "acme-line", "--as-of", AS_OF, "--format", "json").output)
    item = next(c for c in view["gate"]["criteria"] if c["id"] == "project_initiation_approved")
    assert item["kind"] == "approval" and item["met"] is False
    assert item["record"].startswith("salesgen approve acme-line project_initiation --by zhang-wei --date YYYY-MM-DD")
    assert "by a rep holding executive (zhang-wei), not the owner li-lei" in item["record"]
    assert "salesgen evidence" not in item["record"]
    run(tiny_repo, "approve", "acme-line", "project_initiation", "--by", "zhang-wei", "--as-of", AS_OF)
    view = json.loads(run(tiny_repo, "show", "acme-line", "--as-of", AS_OF, "--format", "json").output)
    item = next(c for c in view["gate"]["criteria"] if c["id"] == "project_initiation_approved")
    assert item["met"] is True and item["how"] == "approval" and item["record"] is None


def test_show_gives_data_commands_for_decision_makers_and_competitors(tiny_repo):
    at_stage(tiny_repo, "evaluation")
    view = json.loads(run(tiny_repo, "show", "acme-line", "--as-of", AS_OF, "--format", "json").output)
    record = {c["id"]: c["record"] for c in view["gate"]["criteria"] if not c["met"]}
    assert "salesgen set customer acme contacts.CONTACT.motives.personality" in record["decision_makers_known"]
    assert "salesgen set deal acme-line competitors --append" in record["competitor_analysis"]
    assert "strengths: ..., weaknesses: ..." in record["competitor_analysis"]


def test_show_json_for_scripts(tiny_repo):
    result = run(tiny_repo, "show", "acme-line", "--as-of", AS_OF, "--format", "json")
    view = json.loads(result.output)
    assert view["stage"]["id"] == "planning" and view["gate"]["to"] == "visit"
    missing = {c["id"] for c in view["gate"]["criteria"] if not c["met"]}
    assert missing == {"target_fit", "interest_confirmed", "visit_booked"}
    assert view["gate"]["move"] is None
    assert view["buying_centre"][0]["contact"] == "acme-buyer" and view["buying_centre"][0]["handler"] is True
    assert view["cadence"]["follow_up_due"] == "2026-11-25" and view["cadence"]["follow_up_overdue"] is False


def test_show_follow_up_overdue_on_the_day_it_is_due(tiny_repo):
    view = json.loads(run(tiny_repo, "show", "acme-line", "--as-of", "2026-11-25", "--format", "json").output)
    assert view["cadence"]["follow_up_overdue"] is True
    view = json.loads(run(tiny_repo, "show", "acme-line", "--as-of", "2026-11-24", "--format", "json").output)
    assert view["cadence"]["follow_up_overdue"] is False


def test_show_an_unknown_deal(tiny_repo):
    result = run(tiny_repo, "show", "acme", "--as-of", AS_OF)
    assert result.exit_code == 2 and "no deal 'acme'" in result.stderr


def test_show_colours_only_on_a_colour_terminal(tiny_repo, monkeypatch):
    from salesgen.commands import common
    from salesgen.commands.show import render_text

    view = json.loads(run(tiny_repo, "show", "acme-line", "--as-of", AS_OF, "--format", "json").output)
    assert not any("\x1b[" in line for line in render_text(view))
    monkeypatch.setattr(common, "use_color", lambda: True)
    coloured = "\n".join(render_text(view))
    assert "\x1b[31m\x1b[1mmissing\x1b[0m interest_confirmed" in coloured


def test_tab_completes_names_at_a_prompt():
    readline = pytest.importorskip("readline")  # absent on Windows only
    with prompting._tab_completion(["acme-boss", "acme-buyer"]):
        complete = readline.get_completer()
        assert [complete("acme-b", 0), complete("acme-b", 1), complete("acme-b", 2)] == ["acme-boss", "acme-buyer", None]
        assert complete("acme-bu", 0) == "acme-buyer"


def test_a_log_on_a_deal_with_an_old_error_is_written_but_exits_1_saying_why(tiny_repo):
    """The issue: an editing command exits non-zero, saying why, if the file would not lint.
    An old error does not block the visit being recorded, but the file still does not lint."""
    path = tiny_repo / DEAL
    path.write_text(path.read_text(encoding="utf-8").replace("currency: CNY\n", "currency: CNY\nteam: {presales: nobody-here}\n"),
                    encoding="utf-8")
    result = run(tiny_repo, "log", "acme-line", "--as-of", AS_OF, "--type", "call", "--summary", "回访")
    assert result.exit_code == 1, result.output
    assert "回访" in path.read_text(encoding="utf-8")  # written
    assert "[ref-rep]" in result.stdout and "still does not lint: 1 error it already had" in result.stderr


def test_a_log_on_a_clean_deal_exits_0(tiny_repo):
    result = run(tiny_repo, "log", "acme-line", "--as-of", AS_OF, "--type", "call", "--summary", "回访")
    assert result.exit_code == 0, result.output
    assert "still does not lint" not in result.output
