"""The Chinese site says everything in Chinese: no English word outside a short allow-list."""
from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import copy_example
from salesgen.cli import cli

# The only Latin-script words a Chinese page may show: the product's name, codes and technical names
# (the rules catalogue names the formats and libraries it checks against).
ALLOWED = {"salesgen", "git", "CNY", "ISO", "YAML", "JSON", "Schema", "ASCII", "BOM", "CLDR", "Babel", "MiB", "EIS"}
SKIPPED_TAGS = {"script", "style", "code", "pre", "svg", "template"}


class VisibleText(HTMLParser):
    """The text a reader sees in the page content: not scripts, styles, code, or hidden templates."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self.skip += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value and not self.skip:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def data_names(root: Path) -> set[str]:
    """Words the data itself holds (company and people names, ids, free text written by the team)."""
    words: set[str] = set()
    codes = coded_values()
    for path in [root / "salesgen.yaml", *root.rglob("customers/*.yaml"), *root.rglob("deals/**/*.yaml")]:
        def walk(value):
            if isinstance(value, dict):
                for v in value.values():
                    walk(v)
            elif isinstance(value, list):
                for v in value:
                    walk(v)
            elif isinstance(value, str) and value not in codes:  # free text the team wrote, in any language
                words.update(re.findall(r"[A-Za-z]+", value))
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return words


def coded_values() -> set[str]:
    """The enum values of the schemas (visit, supporter, decision_maker...): a value that is one of them is a code,
    which a page must show as a word of the language, so it is never excused as data."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for value in node.get("enum") or ():
                if isinstance(value, str):
                    found.add(value)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    for path in (Path(__file__).parent.parent / "schemas").glob("*.json"):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return found


def english_words(text: str, data: set[str]) -> set[str]:
    text = re.sub(r"`[^`]*`", " ", text)  # what to type, in a message: `due`, `- {criterion: ...}`
    text = re.sub(r"\S*[/._\-@:=<>|]\S*", " ", text)  # paths, ids, dates, file:line places
    return {w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in ALLOWED and w not in data}


@pytest.fixture(scope="module")
def zh_site(tmp_path_factory):
    root = copy_example(tmp_path_factory.mktemp("zh") / "example", site_config=True)
    config = root / "salesgen.yaml"
    config.write_text(re.sub(r"^language: \w+$", "language: zh", config.read_text(encoding="utf-8"), flags=re.M),
                      encoding="utf-8")
    out = root / "site"
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--site-dir", str(out), "--as-of", "2027-03-01",
                                      "--allow-errors"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root, out


def pages(out: Path):
    for path in sorted(out.rglob("*.html")):
        if path.name == "404.html" or "assets" in path.parts:
            continue
        yield path


def test_the_zh_site_has_no_english_word_outside_the_allow_list(zh_site):
    root, out = zh_site
    data = data_names(root)
    found: dict = {}
    for path in pages(out):
        text = path.read_text(encoding="utf-8")
        body = re.search(r'<article[^>]*>(.*)</article>', text, flags=re.S)
        parser = VisibleText()
        parser.feed(body.group(1) if body else text)
        words = set().union(*(english_words(html.unescape(part), data) for part in parser.parts))
        if words:
            found[str(path.relative_to(out))] = sorted(words)[:15]
    assert found == {}, found


def test_the_zh_site_is_chinese_where_it_counts(zh_site):
    _, out = zh_site
    rules = (out / "rules" / "index.html").read_text(encoding="utf-8")
    assert "人员名册是 salesgen.yaml 中的" in rules  # a rule's documentation, translated
    assert "owner: zhang-jq" in rules  # its examples kept as written
    assert 'lang="zh' in (out / "index.html").read_text(encoding="utf-8")
