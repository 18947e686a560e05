"""Schema titles and descriptions quoted in hints: only the part in the user's language."""
from __future__ import annotations

import json
import re

from click.testing import CliRunner

from salesgen.cli import cli
from salesgen.i18n import translate
from salesgen.schemas import load_schema, schema_msgids, schema_text

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_a_bilingual_description_gives_each_language_its_part():
    text = "Win probability in percent, 0 to 100. — 赢单概率（百分比，0 到 100）。"
    assert translate(schema_text(text), "en") == "Win probability in percent, 0 to 100."
    assert translate(schema_text(text), "zh") == "赢单概率（百分比，0 到 100）。"
    glossed = schema_text("Account manager (客户经理)")
    assert (translate(glossed, "en"), translate(glossed, "zh")) == ("Account manager", "客户经理")


def test_an_english_only_text_is_a_catalogue_message_and_chinese_only_stays():
    assert translate(schema_text("ISO date YYYY-MM-DD."), "zh") == "ISO 日期 YYYY-MM-DD。"
    assert translate(schema_text("ISO date YYYY-MM-DD."), "en") == "ISO date YYYY-MM-DD."
    assert translate(schema_text("客户经理"), "en") == "客户经理"
    assert translate(schema_text("A text no schema has."), "zh") == "A text no schema has."  # falls back


def test_every_description_and_required_title_of_the_schemas_has_both_languages():
    texts = []

    def walk(node):
        if isinstance(node, dict):
            texts.append(node.get("description"))
            properties = node.get("properties") if isinstance(node.get("properties"), dict) else {}
            texts.extend(properties[key].get("title") for key in node.get("required", [])
                         if isinstance(properties.get(key), dict))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for kind in ("deal", "customer", "config"):
        walk(load_schema(kind))
    texts = [t for t in texts if isinstance(t, str) and t]
    assert len(texts) > 100
    assert {t for t, _ in schema_msgids()} == {t for t in texts if not CJK.search(t)}
    for text in texts:
        chinese, english = translate(schema_text(text), "zh"), translate(schema_text(text), "en")
        assert CJK.search(chinese), text
        assert " — " not in chinese and " — " not in english, text
        if " — " in text:
            assert (english, chinese) == tuple(text.split(" — ", 1)), text


def test_lint_hints_quote_the_schema_in_one_language_with_the_same_places(example_repo):
    deal = next((example_repo / "deals").rglob("*.yaml"))
    text = deal.read_text(encoding="utf-8")
    text = re.sub(r"^owner: .*\n", "", text, flags=re.M)
    text = re.sub(r"^(amount: .*)$", r"\1\nprobability: {value: 150}", text, count=1, flags=re.M)
    deal.write_text(text, encoding="utf-8")

    def problems(*extra):
        out = CliRunner().invoke(cli, ["lint", "--root", str(example_repo), "--format", "json", "--no-cache", *extra],
                                 env={"SALESGEN_LANG": None}).output
        return {(p["file"], p["line"], p["column"], p["rule"]): p for p in json.loads(out)
                if p["rule"] in ("schema", "schema-required")}

    english, chinese = problems(), problems("--lang", "zh")
    assert english.keys() == chinese.keys() and len(english) == 2
    hints = {key[3]: (english[key]["hint"], chinese[key]["hint"]) for key in english}
    assert hints["schema-required"] == ("Add `owner:` (Account manager).", "请添加 `owner:`（客户经理）。")
    assert hints["schema"][0] == "Win probability in percent, 0 to 100."
    assert hints["schema"][1] == "赢单概率（百分比，0 到 100）。"
