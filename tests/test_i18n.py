"""Messages in the user's language: the catalogue is complete and current, lint in zh keeps ids and places."""
from __future__ import annotations

import io
import json
import pickle
import re

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from salesgen import i18n, rules
from salesgen.cache import _SafeUnpickler
from salesgen.cli import cli
from salesgen.i18n import T, join, resolve_language, translate
from salesgen.i18n_catalog import TEMPLATE, build_template, render
from salesgen.problem import Problem

ZH_PO = i18n.LOCALE_DIR / "zh" / "LC_MESSAGES" / "salesgen.po"
CJK = re.compile(r"[\u4e00-\u9fff]")


def fields(text: str) -> list:
    """The named values of a template: ``{name}`` (``{{`` and ``}}`` are literal braces)."""
    return sorted(re.findall(r"(?<!\{)\{(\w+)\}(?!\})", text))


def zh_catalogue():
    with ZH_PO.open("rb") as handle:
        return read_po(handle, locale="zh")


def test_the_template_is_what_the_code_says():
    # Run `python -m salesgen.i18n_catalog` after changing a message, then translate the new msgids.
    # The messages are compared, not the text: Babel releases differ in the flags they write.
    from babel.messages.pofile import read_po

    with TEMPLATE.open("rb") as handle:
        written = {(m.id, m.context) for m in read_po(handle) if m.id}
    assert written == {(m.id, m.context) for m in build_template() if m.id}


def test_every_msgid_has_a_chinese_translation_with_the_same_placeholders():
    template = {(m.id, m.context) for m in build_template() if m.id}
    catalogue = {(m.id, m.context): m for m in zh_catalogue() if m.id}
    assert template - set(catalogue) == set()
    untranslated, mismatched = [], []
    for msgid, context in template:
        message = catalogue[msgid, context]
        strings = message.string if isinstance(msgid, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            untranslated.append(msgid)
            continue
        source = msgid[0] if isinstance(msgid, tuple) else msgid
        if any(fields(s) != fields(source) for s in strings):
            mismatched.append(msgid)
    assert untranslated == []
    assert mismatched == []


def test_a_message_is_its_english_text_and_translates_with_the_same_values():
    message = T("unknown rep '{rep}'", rep="zhang-jq")
    assert message == "unknown rep 'zhang-jq'"
    assert translate(message, "en") == "unknown rep 'zhang-jq'"
    assert translate(message, "zh") == "未知的销售人员'zhang-jq'"
    nested = T("{hint} The next contact was planned for {date}.", hint=T("Use one of: {choices}.", choices="a, b"),
               date="2026-11-30")
    assert translate(nested, "zh") == "请使用以下之一：a, b。原计划于2026-11-30进行下一次联系。"
    assert translate(join([T("visit"), T("call")]), "zh") == "拜访, 电话"


def test_a_value_with_braces_is_never_read_as_a_template():
    message = T("unknown rep '{rep}'", rep="{evil}")
    assert translate(message, "zh") == "未知的销售人员'{evil}'"


def test_text_outside_the_catalogue_falls_back_to_english():
    assert translate(T("no such message {x}", x=1), "zh") == "no such message 1"
    assert translate("plain text", "zh") == "plain text"


def test_messages_survive_the_lint_cache_unpickler():
    problem = Problem("deals/x.yaml", 4, 8, "ref-rep", T("unknown rep '{rep}'", rep="zhang-jq"),
                      T("Add the rep to `reps:` in salesgen.yaml."))
    back = _SafeUnpickler(io.BytesIO(pickle.dumps(problem, protocol=pickle.HIGHEST_PROTOCOL))).load()
    assert back == problem
    assert translate(back.message, "zh") == "未知的销售人员'zhang-jq'"
    assert back.message.args == (("rep", "zhang-jq"),)


@pytest.mark.parametrize(("option", "env", "configured", "expected"), [
    (None, None, None, "en"),
    (None, None, "zh", "zh"),
    (None, "zh_CN.UTF-8", "en", "zh"),
    ("en", "zh", "zh", "en"),
    (None, "fr", "zh", "zh"),  # a language without a catalogue is skipped, not guessed
])
def test_the_language_comes_from_option_then_environment_then_configuration(monkeypatch, option, env, configured,
                                                                             expected):
    if env is None:
        monkeypatch.delenv("SALESGEN_LANG", raising=False)
    else:
        monkeypatch.setenv("SALESGEN_LANG", env)
    assert resolve_language(option, configured) == expected


def test_rule_documentation_translates_prose_and_keeps_examples():
    rule = rules.REGISTRY["ref-rep"]
    english, chinese = rules.doc(rule, "en"), rules.doc(rule, "zh")
    blocks = re.findall(r"```.*?```", english, flags=re.S)
    assert blocks and re.findall(r"```.*?```", chinese, flags=re.S) == blocks
    prose = re.sub(r"```.*?```", "", chinese, flags=re.S)
    assert CJK.search(rules.summary(rule, "zh"))
    assert "roster" not in prose and CJK.search(prose)


# --- lint in Chinese ---------------------------------------------------------------------------------

AS_OF = "2027-03-01"  # late enough for cadence, close-date and promise problems in the example


def lint(root, *args, env=None):
    return CliRunner().invoke(cli, ["lint", "--root", str(root), "--as-of", AS_OF, *args], env=env or {},
                              catch_exceptions=False)


def broken_example(example_repo):
    path = next((example_repo / "deals").rglob("*.yaml"))
    text = path.read_text(encoding="utf-8")
    owner = re.search(r"^owner: (\S+)", text, flags=re.M).group(1)
    path.write_text(text.replace(f"owner: {owner}", "owner: zhang-jq", 1), encoding="utf-8")
    return example_repo


def english_words(text: str) -> list[str]:
    """Words of English prose left in a message: code in backticks, quoted values, paths, ids, dates and
    numbers are data, not words."""
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"[（(][a-z0-9_-]+[）)]", " ", text)  # an id in brackets after its label
    text = re.sub(r"'[^']*'", " ", text)
    text = re.sub(r"\S*[/._\-<>=|:]\S*", " ", text)
    words = re.findall(r"[A-Za-z]{2,}", text)
    return [w for w in words if w not in {"ISO", "YYYY", "MM", "DD", "CNY", "USD"}]


def test_lint_in_chinese_keeps_rule_ids_and_places_and_says_the_rest_in_chinese(example_repo):
    root = broken_example(example_repo)
    english = json.loads(lint(root, "--format", "json", "--no-cache").output)
    chinese = json.loads(lint(root, "--format", "json", "--no-cache", "--lang", "zh").output)
    key = [(p["file"], p["line"], p["column"], p["rule"], p["severity"]) for p in english]
    assert key == [(p["file"], p["line"], p["column"], p["rule"], p["severity"]) for p in chinese]
    assert len({p["rule"] for p in english}) >= 5
    for p in chinese:
        assert CJK.search(p["message"]), p
        assert english_words(p["message"]) == [], p
        assert english_words(p["hint"]) == [], p
    [rep] = [p for p in chinese if p["rule"] == "ref-rep"]
    assert rep["message"] == "未知的销售人员'zhang-jq'"


def test_text_output_in_chinese_reads_like_english_up_to_the_words(example_repo):
    root = broken_example(example_repo)
    english = lint(root, "--no-cache").output.splitlines()
    chinese = lint(root, "--no-cache", env={"SALESGEN_LANG": "zh"}).output.splitlines()
    assert len(english) == len(chinese)
    place = re.compile(r"^(\S+:\d+:\d+:) (\S+) (\[[a-z0-9-]+\])")
    for en, zh in zip(english, chinese):
        if en.startswith("    hint: "):
            assert zh.startswith("    提示：")
        elif place.match(en):
            where_en, severity, rule = place.match(en).groups()
            where_zh, severity_zh, rule_zh = place.match(zh).groups()
            assert (where_en, rule) == (where_zh, rule_zh)
            assert severity_zh == {"error": "错误", "warning": "警告"}[severity]
    assert re.fullmatch(r"\d+个错误，\d+个警告", chinese[-1])


def test_the_global_option_and_the_configuration_choose_the_language(example_repo):
    root = broken_example(example_repo)
    before = CliRunner().invoke(cli, ["--lang", "zh", "lint", "--root", str(root), "--as-of", AS_OF, "--no-cache"],
                                env={}).output
    assert "未知的销售人员'zhang-jq'" in before
    config = root / "salesgen.yaml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"^language: \w+\n", "", text, flags=re.M)
    config.write_text("language: zh\n" + text, encoding="utf-8")
    assert "未知的销售人员'zhang-jq'" in lint(root, "--no-cache").output
    assert "unknown rep 'zhang-jq'" in lint(root, "--no-cache", "--lang", "en").output


def test_warm_cache_output_in_chinese_equals_cold(example_repo):
    root = broken_example(example_repo)
    cold = lint(root, "--no-cache", "--lang", "zh").output
    lint(root, "--lang", "zh")  # fills the cache
    assert (root / ".salesgen-cache").is_dir()
    assert lint(root, "--lang", "zh").output == cold


def test_sarif_keeps_machine_fields_and_fingerprints_across_languages(example_repo):
    root = broken_example(example_repo)
    english = json.loads(lint(root, "--format", "sarif", "--no-cache").output)["runs"][0]["results"]
    chinese = json.loads(lint(root, "--format", "sarif", "--no-cache", "--lang", "zh").output)["runs"][0]["results"]
    assert [(r["ruleId"], r["level"], r["partialFingerprints"]) for r in english] == \
           [(r["ruleId"], r["level"], r["partialFingerprints"]) for r in chinese]
    assert all(CJK.search(r["message"]["text"]) for r in chinese)


# --- terminal reports ---------------------------------------------------------------------------------

def report(root, *args):
    return CliRunner().invoke(cli, ["--lang", "zh", *args, "--root", str(root), "--as-of", "2026-11-20"], env={},
                              catch_exceptions=False).output


def test_reports_in_chinese_translate_headings_and_words_not_data(example_repo):
    forecast = report(example_repo, "forecast").splitlines()
    assert forecast[0].startswith("按季度预测（CNY，数据日期2026-11-20）")
    assert forecast[1].split() == ["期间", "项目数", "储备", "乐观", "承诺", "已成交", "加权金额"]
    review = report(example_repo, "review")
    assert review.startswith("1、15、30例会，数据日期2026-11-20")
    assert "跟进期限 " in review and "follow-up" not in review
    csv_rows = report(example_repo, "forecast", "--format", "csv").splitlines()
    assert csv_rows[0].startswith("period,deals,pipeline")  # machine formats keep their keys


def test_a_forecast_category_and_a_sales_process_are_different_words():
    from salesgen.i18n import TC

    assert translate(TC("forecast category", "Pipeline"), "zh") == "储备"
    assert translate(T("Pipeline"), "zh") == "销售流程"
    assert TC("forecast category", "Pipeline") == "Pipeline"


def test_the_rules_command_explains_a_rule_in_chinese_with_its_examples(tmp_path):
    result = CliRunner().invoke(cli, ["rules", "ref-rep", "--lang", "zh", "--root", str(tmp_path)], env={},
                                catch_exceptions=False)
    assert "人员名册是 salesgen.yaml 中的 `reps:`" in result.output
    assert "owner: zhang-jq   # ref-rep: not in salesgen.yaml reps" in result.output
    english = CliRunner().invoke(cli, ["rules", "ref-rep", "--root", str(tmp_path)], env={}).output
    assert "The roster is `reps:` in salesgen.yaml." in english


def test_labels_given_in_both_languages_read_in_english_under_lang_en():
    # salesgen.yaml says language: zh, so a stage label is its Chinese text; --lang en must still show English.
    from salesgen.i18n import Localized, Message, translate

    label = Localized("商务谈判", (("en", "Negotiation"), ("zh", "商务谈判")))
    assert translate(label, "en") == "Negotiation"
    message = Message("deal moved to {stage}", (("stage", label),))
    assert translate(message, "en") == "deal moved to Negotiation"
    assert translate(Message("plain {n}", (("n", 3),)), "en") == "plain 3"
