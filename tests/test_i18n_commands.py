"""The editing and rep commands in Chinese: every line from the catalogue, ids and places as in English.

Each case runs twice, on two fresh copies of the tiny repository: once in English, once
with ``--lang zh``. The Chinese run must say something in Chinese and leave no English
word outside an allow-list (ids of the configuration and data, commands, paths, quoted
values); both runs end with the same exit code and report the same file:line:col and
rule ids.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import AS_OF, DEFAULT_CONFIG, TINY_CUSTOMER, TINY_DEAL, first_active_rep, first_assigner
from salesgen import rules
from salesgen.cli import cli
from salesgen.commands.evidence import KINDS
from salesgen.commands.log import ACTIVITY_TYPES, INTENTS
from salesgen.commands.records import APPROVALS, ATTITUDES, CLOSENESS, ROLES, TEAM_ROLES
from salesgen.editing.journal import JOURNAL

CJK = re.compile(r"[\u4e00-\u9fff]")
PLACE = re.compile(r"^(\S+:\d+:\d+): \S+ \[([a-z0-9-]+)\]", re.M)
OWNER = first_active_rep(DEFAULT_CONFIG.read_text(encoding="utf-8"))  # li-lei in the default roster


def build_tiny(root: Path) -> Path:
    """The tiny repository of conftest (one customer, one deal in planning, linting clean as of AS_OF)."""
    root.mkdir(parents=True)
    shutil.copy(DEFAULT_CONFIG, root / "salesgen.yaml")
    (root / "customers").mkdir()
    (root / "deals").mkdir()
    (root / "customers" / "acme.yaml").write_text(TINY_CUSTOMER.format(rep=OWNER, assigner=first_assigner(DEFAULT_CONFIG.read_text(encoding="utf-8"))), encoding="utf-8")
    (root / "deals" / "acme-line.yaml").write_text(TINY_DEAL.format(rep=OWNER), encoding="utf-8")
    return root


def allowed_words() -> set[str]:
    """Words that are data, not prose: ids of the default configuration, enum codes, command and format names."""
    config = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    ids = set(rules.REGISTRY) | set(ACTIVITY_TYPES) | set(INTENTS) | set(KINDS) | set(ROLES) | set(ATTITUDES) \
        | set(CLOSENESS) | set(TEAM_ROLES) | set(APPROVALS) | set(config.get("lost_reasons") or ())
    for pipeline in config["pipelines"]:
        ids.add(pipeline["id"])
        for stage in pipeline["stages"]:
            ids.add(stage["id"])
            ids.update(criterion["id"] for criterion in stage.get("exit") or ())
        ids.update(buyer["id"] for buyer in pipeline.get("buyer_stages") or ())
    for rep in config["reps"]:
        ids.update(rep.get("roles") or ())
    words = {part for ident in ids for part in re.split(r"[^A-Za-z]+", ident) if part}
    # and metavars and codes in capitals (KIND, CNY); the tiny repository's ids and folders
    return words | {"salesgen", "lint", "Acme", "acme", "customer", "type", "customers", "deals", "owner"}


ALLOWED = allowed_words()


def english_words(text: str, extra: frozenset = frozenset()) -> list[str]:
    """English words left in ``text`` once code, quoted values, commands, paths, options and ids are taken out."""
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"'[^'\n]*'", " ", text)
    text = re.sub(r'"[^"\n]*"', " ", text)
    text = re.sub(r"^\s*(salesgen|git|cd) [^#\n]*", " ", text, flags=re.M)  # a command line; its comment stays
    text = re.sub(r"salesgen [a-z]+", " ", text)  # a command named in a sentence
    text = re.sub(r"[!-~]*[/._\-<>=|:@\[\]{}][!-~]*", " ", text)  # paths, file:line, --options, dotted keys
    return [word for word in re.findall(r"[A-Za-z]{2,}", text) if word not in ALLOWED | extra and not word.isupper()]


def run(root: Path, lang: str, args: list[str], *, stdin: str | None = None):
    """``salesgen --lang LANG ARGS`` with {root} in ARGS replaced; stdout and stderr together."""
    args = [a.replace("{root}", str(root)) for a in args]
    return CliRunner().invoke(cli, ["--lang", lang, *args], env={"SALESGEN_LANG": None, "NO_COLOR": "1"},
                              input=stdin, catch_exceptions=False)


R = ["--root", "{root}", "--as-of", AS_OF]
CASES = {
    # show
    "show": (["show", "acme-line", *R], 0),
    "show an unknown deal": (["show", "acme-lin", *R], 2),
    # log
    "log a visit": (["log", "acme-line", "--type", "visit", "--contact", "acme-buyer", "--summary", "现场调研",
                     "--next-step", "提交方案", "--next-date", "2026-11-27", "--intent", "high", *R], 0),
    "log, dry run": (["log", "acme-line", "--type", "call", "--summary", "电话", "--dry-run", *R], 0),
    "log a mistyped type": (["log", "acme-line", "--type", "vist", "--summary", "x", *R], 2),
    "log without a summary": (["log", "acme-line", "--type", "call", *R], 2),
    "log a bad date": (["log", "acme-line", "--type", "call", "--summary", "x", "--date", "2026-13-01", *R], 2),
    "log an unknown contact": (["log", "acme-line", "--type", "call", "--summary", "x", "--contact", "acme-bos",
                                *R], 2),
    "log a value that does not lint": (["log", "acme-line", "--type", "call", "--summary", "x", "--promise",
                                        "2026-11-01", "早已过期的承诺", "--date", "2026-10-01", *R], None),
    # evidence
    "evidence": (["evidence", "acme-line", "interest_confirmed", "--kind", "meeting", "--ref", "电话邀约记录", *R], 0),
    "evidence of an unknown criterion": (["evidence", "acme-line", "interest_confirmd", *R], 2),
    "evidence of a computed criterion": (["evidence", "acme-line", "target_fit", *R], 2),
    "evidence of an approval": (["evidence", "acme-line", "project_initiation_approved", *R], 2),
    "evidence of an approval several roles give": (["evidence", "acme-line", "contract_reviewed", *R], 2),
    "evidence dated after the as-of date": (["evidence", "acme-line", "interest_confirmed", "--date", "2026-12-01",
                                             "--kind", "meeting", "--ref", "x", *R], 2),
    # move
    "move refused by the gate": (["move", "acme-line", "visit", *R], 1),
    "move skipping stages": (["move", "acme-line", "design", *R], 2),
    "move to lost without a reason code": (["move", "acme-line", "lost", *R], 2),
    "move to lost with a mistyped code": (["move", "acme-line", "lost", "--lost-reason", "prise", *R], 2),
    "move to lost": (["move", "acme-line", "lost", "--lost-reason", "price", "--reason", "客户嫌贵", *R], 0),
    "move to lost, dry run": (["move", "acme-line", "lost", "--lost-reason", "price", "--dry-run", *R], 0),
    "move to the same stage": (["move", "acme-line", "planning", *R], 2),
    # handover
    "handover, dry run": (["handover", "--from", OWNER, "--to", "han-meimei", "--dry-run", *R], 0),
    "handover": (["handover", "--from", OWNER, "--to", "han-meimei", *R], 0),
    "handover from an unknown rep": (["handover", "--from", "li-le", "--to", "han-meimei", *R], 2),
    "handover to the same rep": (["handover", "--from", OWNER, "--to", OWNER, *R], 2),
    "handover from a rep who owns nothing": (["handover", "--from", "zhang-wei", "--to", "han-meimei", *R], 0),
    # fix
    "fix with nothing to fix": (["fix", *R], 0),
    # set
    "set a scorecard factor": (["set", "customer", "acme", "evaluation.credit", "8", *R], 0),
    "set what another command owns": (["set", "deal", "acme-line", "stage", "visit", *R], 2),
    "set a value that is not YAML": (["set", "deal", "acme-line", "quote", "{low: 1", *R], 2),
    "set on an unknown customer": (["set", "customer", "acm", "evaluation.credit", "8", *R], 2),
    "set an unknown contact": (["set", "customer", "acme", "contacts.acme-bos.title", "经理", *R], 2),
    "set a value lint refuses": (["set", "deal", "acme-line", "currency", "XYZ", *R], 1),
    # approve
    "approve": (["approve", "acme-line", "project_initiation", "--by", "zhang-wei", "--ref", "立项申请", *R], 0),
    "approve one's own deal": (["approve", "acme-line", "project_initiation", "--by", OWNER, *R], 2),
    "approve without the role": (["approve", "acme-line", "project_initiation", "--by", "han-meimei", *R], 2),
    "approve without any of the roles": (["approve", "acme-line", "contract_review", "--by", "han-meimei", *R], 2),
    "approve an unknown kind": (["approve", "acme-line", "quot", "--by", "zhang-wei", *R], 2),
    "approve after the as-of date": (["approve", "acme-line", "project_initiation", "--by", "zhang-wei", "--date",
                                      "2026-12-01", *R], 2),
    # team
    "team": (["team", "acme-line", "presales", "han-meimei", *R], 0),
    "team, already so": (["team", "acme-line", "presales", "han-meimei", *R], 0),
    "team with a mistyped role": (["team", "acme-line", "presale", "han-meimei", *R], 2),
    # stakeholder
    "stakeholder added": (["stakeholder", "acme-line", "acme-boss", "--role", "decision_maker", "--attitude",
                           "neutral", "--closeness", "distant", *R], 0),
    "stakeholder updated": (["stakeholder", "acme-line", "acme-buyer", "--influence", "high", *R], 0),
    "stakeholder not a contact": (["stakeholder", "acme-line", "acme-bos", *R], 2),
    # new
    "new customer": (["new", "customer", "beta", "--name", "贝塔机械", "--owner", OWNER, *R], 0),
    "new customer that exists": (["new", "customer", "acme", "--name", "x", "--owner", OWNER, *R], 2),
    "new customer without an owner": (["new", "customer", "beta", "--name", "x", *R], 2),
    "new customer, not a slug": (["new", "customer", "Beta", "--name", "x", "--owner", OWNER, *R], 2),
    "new customer, unknown owner": (["new", "customer", "beta", "--name", "x", "--owner", "li-le", *R], 2),
    "new deal": (["new", "deal", "acme-spares", "--customer", "acme", "--name", "备件", "--amount", "80000",
                  "--expected-close", "2027-01-15", *R], 0),
    "new deal, not an amount": (["new", "deal", "acme-spares", "--customer", "acme", "--name", "x", "--amount",
                                 "8万", "--expected-close", "2027-01-15", *R], 2),
    "new deal, unknown customer": (["new", "deal", "acme-spares", "--customer", "acm", "--name", "x", "--amount",
                                    "1", "--expected-close", "2027-01-15", *R], 2),
    "new deal, unknown currency": (["new", "deal", "acme-spares", "--customer", "acme", "--name", "x", "--amount",
                                    "1", "--currency", "RMB", "--expected-close", "2027-01-15", *R], 2),
    "new contact": (["new", "contact", "acme-zhao", "--customer", "acme", "--name", "赵工", "--level", "operational",
                     *R], 0),
    "new contact that exists": (["new", "contact", "acme-boss", "--customer", "acme", "--name", "x", *R], 2),
    # init
    "init": (["init", "{root}/new-pipeline", "--as-of", AS_OF], 0),
    "init into a folder that is not empty": (["init", "{root}", "--as-of", AS_OF], 2),
}
# PyYAML's own words for a syntax error are quoted as they are (see README, Languages).
EXTRA = {"set a value that is not YAML": frozenset({"expected", "or", "but", "got"})}
# Steps a case needs first (in both languages): the second `team` finds the value already there.
BEFORE = {"team, already so": ["team", "acme-line", "presales", "han-meimei", *R]}


def run_both(tmp_path: Path, args: list[str], before: list[str] | None = None, prepare=None):
    results = {}
    for lang in ("en", "zh"):
        root = build_tiny(tmp_path / lang)
        if prepare is not None:
            prepare(root)
        if before:
            assert run(root, lang, before).exit_code == 0
        results[lang] = (root, run(root, lang, args))
    return results


def assert_chinese(output: str, extra: frozenset = frozenset()) -> None:
    assert CJK.search(output), output
    assert english_words(output, extra) == [], output


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_line_of_an_editing_command_is_chinese_with_ids_and_places_as_in_english(tmp_path, case):
    args, code = CASES[case]
    results = run_both(tmp_path, args, BEFORE.get(case))
    (en_root, english), (zh_root, chinese) = results["en"], results["zh"]
    if code is not None:
        assert english.exit_code == code, english.output
    assert chinese.exit_code == english.exit_code, chinese.output
    assert not CJK.search(_without_data(english.output)), english.output
    assert_chinese(_without_data(chinese.output), EXTRA.get(case, frozenset()))
    assert PLACE.findall(chinese.output) == PLACE.findall(english.output)
    assert _files(zh_root) == _files(en_root), "the same edit is made in both languages"


def _data_words() -> list[str]:
    """What the team wrote in Chinese (names, titles, summaries) in the tiny repository, the roster and the cases."""
    config = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    text = TINY_CUSTOMER + TINY_DEAL + " ".join(rep.get("name", "") for rep in config["reps"]) \
        + " ".join(arg for args, _ in CASES.values() for arg in args)
    return sorted(set(re.findall(r"[\u4e00-\u9fff0-9]*[\u4e00-\u9fff]+", text)), key=len, reverse=True)


def _without_data(text: str) -> str:
    """The output without what the team wrote: Chinese data is not a translation."""
    for value in DATA_WORDS:
        text = text.replace(value, "")
    return text


def _files(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.yaml"))
            if ".salesgen-cache" not in p.parts}


DATA_WORDS = _data_words()


def test_the_english_output_reads_as_before(tmp_path):
    """A few English lines other tests and scripts rely on, word for word."""
    root = build_tiny(tmp_path / "en")
    logged = run(root, "en", ["log", "acme-line", "--type", "visit", "--summary", "x", *R])
    assert logged.output == "Logged a visit on acme-line dated 2026-11-20 (deals/acme-line.yaml).\n"
    refused = run(root, "en", ["move", "acme-line", "visit", *R])
    assert re.search(r"^salesgen: cannot move acme-line from '[^']+' \(planning\) to '[^']+' \(visit\): 3 exit "
                     r"criteria are not met$", refused.output, flags=re.M), refused.output
    missing = run(root, "en", ["log", "acme-line", "--type", "call", *R])
    assert missing.output == ("salesgen: missing --summary (summary (what was said and done)); pass it, or run on a "
                              "terminal to be asked\n")
    assert run(root, "en", ["team", "acme-line", "presales", "han-meimei", *R]).output == \
        "Set the presales of acme-line to han-meimei.\n"


def test_chinese_messages_say_what_happened(tmp_path):
    """Spot checks of the wording, so a wrong translation that is still Chinese is noticed."""
    root = build_tiny(tmp_path / "zh")
    logged = run(root, "zh", ["log", "acme-line", "--type", "visit", "--summary", "x", *R])
    assert logged.output == "已为acme-line记录2026-11-20的拜访（deals/acme-line.yaml）。\n"
    gate = run(root, "zh", ["move", "acme-line", "visit", *R])
    assert "无法把acme-line从" in gate.output and "个完成条件未满足" in gate.output
    shown = run(root, "zh", ["show", "acme-line", *R]).output
    assert "采购相关人：" in shown and "经手人" in shown and "下一个阶段条件" in shown
    assert "acme-buyer 李采购: 发起者，支持，经常联系 · 经手人" in shown


def test_the_language_also_comes_from_the_configuration_and_the_option_after_the_command(tmp_path):
    root = build_tiny(tmp_path / "cfg")
    config = root / "salesgen.yaml"
    config.write_text(re.sub(r"^language: \w+", "language: zh", config.read_text(encoding="utf-8"), flags=re.M)
                      if re.search(r"^language:", config.read_text(encoding="utf-8"), flags=re.M)
                      else "language: zh\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    runner = CliRunner()
    from_config = runner.invoke(cli, ["team", "acme-line", "presales", "han-meimei", *[a.replace("{root}", str(root))
                                                                                        for a in R]],
                                env={"SALESGEN_LANG": None}, catch_exceptions=False)
    assert from_config.output == "已把acme-line的presales设为han-meimei。\n"
    after = runner.invoke(cli, ["show", "acme-line", "--lang", "en", *[a.replace("{root}", str(root)) for a in R]],
                          env={"SALESGEN_LANG": None}, catch_exceptions=False)
    assert "Buying centre:" in after.output and "采购相关人" not in after.output


def test_a_file_that_still_does_not_lint_is_reported_in_chinese_with_the_same_places(tmp_path):
    def unknown_owner(root: Path) -> None:  # an error the deal already has: the edit is written, exit 1
        deal = root / "deals" / "acme-line.yaml"
        deal.write_text(deal.read_text(encoding="utf-8").replace(f"owner: {OWNER}", "owner: zhang-jq"),
                        encoding="utf-8")

    results = run_both(tmp_path, ["log", "acme-line", "--type", "call", "--summary", "电话", *R],
                       prepare=unknown_owner)
    english, chinese = results["en"][1], results["zh"][1]
    assert english.exit_code == chinese.exit_code == 1
    assert "still does not lint" in english.output
    assert PLACE.findall(english.output) == PLACE.findall(chinese.output) == [("deals/acme-line.yaml:4:8", "ref-rep")]
    assert "仍未通过检查" in chinese.output
    assert_chinese(_without_data(chinese.output))


def test_mechanical_fixes_are_announced_in_chinese(tmp_path):
    def lower_case_currency(root: Path) -> None:
        deal = root / "deals" / "acme-line.yaml"
        deal.write_text(deal.read_text(encoding="utf-8").replace("currency: CNY", "currency: cny"), encoding="utf-8")

    for step, (args, said) in enumerate(((["fix", *R], "已列出1处修复"), (["fix", "--apply", *R], "已完成1处修复。"))):
        results = run_both(tmp_path / str(step), args, prepare=lower_case_currency)
        english, chinese = results["en"][1], results["zh"][1]
        assert english.exit_code == chinese.exit_code == 0
        assert said in chinese.output
        prose = "\n".join(line for line in chinese.output.splitlines() if not re.match(r"^([-+@ ]|---|\+\+\+)", line))
        assert_chinese(_without_data(prose))


def test_an_interrupted_edit_is_settled_and_said_in_chinese(tmp_path):
    def broken_journal(root: Path) -> None:
        (root / JOURNAL).write_text(json.dumps({"salesgen-journal": 1, "state": "prepared",
                                                "files": [{"target": "deals/acme-line.yaml", "old": None,
                                                           "new": "x", "temp": ""}]}), encoding="utf-8")

    results = run_both(tmp_path, ["show", "acme-line", *R], prepare=broken_journal)
    english, chinese = results["en"][1], results["zh"][1]
    assert "rolled back an interrupted edit of 1 file (deals/acme-line.yaml)" in english.output
    assert "已撤销一次中断的修改（1个文件：deals/acme-line.yaml）" in chinese.output
    assert_chinese(_without_data(chinese.output))


def test_the_completion_script_is_the_same_in_every_language(tmp_path):
    english = run(tmp_path, "en", ["completion", "bash"])
    chinese = run(tmp_path, "zh", ["completion", "bash"])
    assert english.exit_code == chinese.exit_code == 0
    assert chinese.output == english.output and "_SALESGEN_COMPLETE" in english.output


def test_the_questions_asked_on_a_terminal_are_chinese(tmp_path, monkeypatch):
    from salesgen.commands import prompting

    monkeypatch.setattr(prompting, "interactive", lambda: True)
    root = build_tiny(tmp_path / "zh")
    answers = "\n".join(["", "vist", "visit", "", "acme-buyer", "", "现场调研", "", "2026-13-01", "2026-11-27",
                         "high"]) + "\n"
    result = run(root, "zh", ["log", "acme-line", *R], stdin=answers)
    assert result.exit_code == 0, result.output
    for question in ("日期（YYYY-MM-DD）", "类型 [call, visit", "由谁进行（销售人员编号）", "联系到的人（输入完毕请留空）",
                     "摘要（谈了什么、做了什么）", "下一步", "下次联系日期（YYYY-MM-DD，没有请留空）", "意向 [high"):
        assert question in result.output
    assert "'vist' 不是已知的活动类型；是不是'visit'？" in result.output
    assert "'2026-13-01' 不是日期：请写成 YYYY-MM-DD" in result.output
    assert_chinese(_without_data(result.output), frozenset({"vist"}))  # the typo as typed
    assert "date: 2026-11-20" in (root / "deals" / "acme-line.yaml").read_text(encoding="utf-8")
