"""PyYAML's syntax-error texts read in Chinese under zh; English stays PyYAML's own words; place and rule the same."""
from __future__ import annotations

import json
import re

import pytest
import yaml
from click.testing import CliRunner

from salesgen.cli import cli
from salesgen.i18n import translate
from salesgen.yaml_errors import syntax_message
from salesgen.yamlsource import _Loader, parse

CJK = re.compile(r"[\u4e00-\u9fff]")

BROKEN = {
    "a colon too many": "name: a: b\n",
    "a key without a colon": "name: a\nstage\nowner: b\n",
    "a tab for indentation": "name: a\ncustomer:\n\tid: b\n",
    "an indentation that goes back too little": "name: a\nteam:\n  role: x\n owner: b\n",
    "an unclosed list": "name: a\ntags: [x, y\nowner: b\n",
    "an unclosed mapping": "name: a\ntags: {x: 1\nowner: b\n",
    "an unclosed quote": "name: \"a\nowner: b\n",
    "an unknown escape": "name: \"a\\q\"\n",
    "an undefined alias": "name: *nope\n",
    "a list item among keys": "name: a\n- b\n",
    "a key among list items": "tags:\n  - a\n  b: 1\n",
    "an empty anchor": "name: &\n",
    "a character that starts nothing": "name: @x\n",
    "a bad block scalar": "notes: |x\n  b\n",
    "a duplicate anchor": "a: &x 1\nb: &x 2\n",
    "a stray closing bracket": "tags: [b, c]]\n",
}


def pyyaml_text(text: str, loader) -> tuple[str, yaml.MarkedYAMLError]:
    """PyYAML's own explanation (the oracle): context and problem as PyYAML words them."""
    with pytest.raises(yaml.MarkedYAMLError) as caught:
        yaml.compose(text, Loader=loader)
    error = caught.value
    return " ".join(p for p in (error.context, error.problem) if p), error


def english_words(text: str) -> list[str]:
    text = re.sub(r"'[^']*'|<[^>]*>", " ", text)  # the characters and tokens PyYAML quotes are data
    return re.findall(r"[A-Za-z]{2,}", text)


@pytest.mark.parametrize("text", BROKEN.values(), ids=BROKEN.keys())
def test_a_syntax_error_of_the_loader_in_use_reads_in_chinese(text):
    [problem] = parse(text, "deals/x.yaml")[1]
    english, error = pyyaml_text(text, _Loader)
    assert problem.rule == "yaml-syntax"
    assert str(problem.message) == english  # English: PyYAML's words, unchanged
    chinese = translate(problem.message, "zh")
    assert CJK.search(chinese), chinese
    assert english_words(chinese) == [], chinese


@pytest.mark.parametrize("text", BROKEN.values(), ids=BROKEN.keys())
def test_the_pure_python_readers_texts_with_their_values_read_in_chinese(text):
    english, error = pyyaml_text(text, yaml.SafeLoader)
    message = syntax_message(error.context, error.problem)
    assert message == english
    chinese = translate(message, "zh")
    assert CJK.search(chinese) and english_words(chinese) == [], chinese
    for quoted in re.findall(r"'[^']*'", english):  # the character or name found is kept as PyYAML quoted it
        assert quoted in chinese


def test_known_texts_translate_exactly():
    assert translate(syntax_message(None, "mapping values are not allowed here"), "zh") == "此处不允许出现映射值（键: 值）"
    assert translate(syntax_message("while scanning a simple key", "could not find expected ':'"), "zh") == \
        "扫描简单键时，找不到应有的':'"
    assert translate(syntax_message("while scanning for the next token",
                                    "found character '\\t' that cannot start any token"), "zh") == \
        "查找下一个记号时，发现不能作为记号开头的字符'\\t'"
    assert translate(syntax_message("while parsing a block mapping",
                                    "expected <block end>, but found '<block mapping start>'"), "zh") == \
        "解析块映射（键: 值）时，应为<block end>，但发现了'<block mapping start>'"


def test_a_text_pyyaml_words_otherwise_stays_english():
    assert syntax_message("while doing something new", "a problem nobody has seen") == \
        "while doing something new a problem nobody has seen"
    assert translate(syntax_message("while doing something new", "a problem nobody has seen"), "zh") == \
        "while doing something new a problem nobody has seen"
    half = syntax_message("while scanning a simple key", "a problem nobody has seen")
    assert translate(half, "zh") == "扫描简单键时，a problem nobody has seen"
    assert syntax_message(None, None) is None


def test_lint_reports_the_same_place_and_rule_in_both_languages(example_repo):
    deal = next((example_repo / "deals").rglob("*.yaml"))
    deal.write_text(deal.read_text(encoding="utf-8") + "broken: a: b\n", encoding="utf-8")

    def run(*extra):
        out = CliRunner().invoke(cli, ["lint", "--root", str(example_repo), "--format", "json", "--no-cache", *extra],
                                 env={"SALESGEN_LANG": None}).output
        return [p for p in json.loads(out) if p["rule"] == "yaml-syntax"]

    [english], [chinese] = run(), run("--lang", "zh")
    assert (english["file"], english["line"], english["column"]) == (chinese["file"], chinese["line"],
                                                                    chinese["column"])
    assert "mapping values are not allowed" in english["message"]
    assert chinese["message"] == "此处不允许出现映射值（键: 值）"
    assert CJK.search(chinese["hint"])
