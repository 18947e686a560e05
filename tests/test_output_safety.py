"""Hostile text renders as inert text on every page of the built site.

``tests/data/hostile-repo`` is a lint-clean repository whose free-text fields (names,
titles, notes, summaries, descriptions, competitor names, labels in salesgen.yaml...)
carry ``<script>``, ``onerror=`` attributes, ``javascript:`` links, Markdown table and
attribute-list breakers and Jinja syntax. It is built (with ``--include-sensitive``, so
that the personal notes are rendered and checked too) and every HTML page, and every
entry of the search index (Material inserts it into the page as HTML), is parsed:

- no inline script holds a payload, no ``on*=`` attribute exists, no URL attribute
  starts with ``javascript:``, no ``<img src=x>``, ``<iframe>`` or injected ``<style>``;
- the payloads *are* on the pages, as text: '<script>alert("deal")</script>' is what a
  reader sees (so the test cannot pass by the data being left out);
- ``{{ 7*7 }}`` and ``{% raw %}`` are shown as typed, never evaluated (no "49");
- a Markdown table breaker stays inside one text run, and Markdown in a summary is
  not turned into headings, tables or links.

The headless-browser test (tests/test_browser.py) runs the same site in Chromium.
"""
from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis import given

from salesgen.cli import cli

HERE = Path(__file__).resolve().parent
HOSTILE = HERE / "data" / "hostile-repo"
AS_OF = "2026-11-20"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "background", "srcset",
                  "cite", "longdesc", "ping"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
FORBIDDEN_TAGS = {"iframe", "frame", "object", "embed", "applet", "base"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """Tags, attributes, inline scripts and styles, and runs of text of one HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list = []  # (tag, {attr: value})
        self.scripts: list = []  # inline script text
        self.styles: list = []
        self.runs: list = []  # text between two tags
        self.inside: list = []  # for each run, the tags open around it
        self._raw: str | None = None
        self._run: list = []
        self._open: list = []

    def handle_starttag(self, tag, attrs):
        self._flush()
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        if tag not in VOID:
            self._open.append(tag)
        if tag in ("script", "style"):
            self._raw = tag
            (self.scripts if tag == "script" else self.styles).append("")

    def handle_startendtag(self, tag, attrs):
        self._flush()
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        self._flush()
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag):]
        if tag == self._raw:
            self._raw = None

    def handle_data(self, data):
        if self._raw == "script":
            self.scripts[-1] += data
        elif self._raw == "style":
            self.styles[-1] += data
        else:
            self._run.append(data)

    def _flush(self):
        if self._run:
            self.runs.append("".join(self._run))
            self.inside.append(frozenset(self._open))
            self._run = []

    def close(self):
        super().close()
        self._flush()


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def normalized_url(value: str) -> str:
    """What a browser makes of a URL attribute: control characters and spaces do not count."""
    return re.sub(r"[\x00-\x20]+", "", value).lower()


def violations(page: Page) -> list[str]:
    found = []
    for tag, attrs in page.tags:
        if tag in FORBIDDEN_TAGS:
            found.append(f"<{tag}> element")
        if tag == "img" and attrs.get("src") == "x":
            found.append("<img src=x> injected")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}={value!r}>: event-handler attribute")
            if name in URL_ATTRIBUTES and normalized_url(value).startswith(DANGEROUS_SCHEMES):
                found.append(f"<{tag} {name}={value!r}>: script URL")
    for script in page.scripts:
        if "alert(" in script:
            found.append(f"inline script runs a payload: {script[:80]!r}")
    for style in page.styles:
        if "display:none" in style.replace(" ", ""):
            found.append("an injected <style> element")
    return found


def build(root: Path, site: Path, *extra: str) -> None:
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--site-dir", str(site), "--as-of", AS_OF,
                                      *extra])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"build raised {type(result.exception).__name__}") from result.exception
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    assert "build" in cli.commands, "`salesgen build` is documented: it must exist"
    base = tmp_path_factory.mktemp("hostile")
    root = base / "repo"
    shutil.copytree(HOSTILE, root)
    build(root, base / "site", "--include-sensitive")
    return base / "site"


@pytest.fixture(scope="module")
def pages(site: Path) -> dict:
    return {path.relative_to(site).as_posix(): parse(path.read_text(encoding="utf-8"))
            for path in sorted(site.rglob("*.html"))}


@pytest.fixture(scope="module")
def search_entries(site: Path) -> dict:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return {f"search:{doc['location']}:{field}": parse(doc[field])
            for doc in index["docs"] for field in ("title", "text")}


def all_runs(pages: dict) -> list[str]:
    return [run for page in pages.values() for run in page.runs]


def test_the_hostile_repository_lints_clean():
    result = CliRunner().invoke(cli, ["lint", "--root", str(HOSTILE), "--as-of", AS_OF, "--format", "json",
                                      "--no-cache"])  # no cache folder in the source tree
    assert result.exit_code == 0, result.output
    assert [p for p in json.loads(result.stdout) if p["severity"] == "error"] == []


def test_every_page_is_built(pages: dict):
    names = set(pages)
    for expected in ("index.html", "deals/evil-corp-line/index.html", "deals/evil-corp-retrofit/index.html",
                     "deals/evil-corp-spares/index.html", "customers/evil-corp/index.html",
                     "team/li-lei/index.html"):
        assert expected in names


def test_no_page_runs_a_payload(pages: dict):
    found = {name: violations(page) for name, page in pages.items()}
    assert {name: v for name, v in found.items() if v} == {}


def test_no_search_result_runs_a_payload(search_entries: dict):
    """Material writes search titles and snippets into the page as HTML."""
    assert search_entries
    found = {name: violations(page) for name, page in search_entries.items()}
    assert {name: v for name, v in found.items() if v} == {}


def test_the_detector_catches_what_it_must():
    """The control: the checks above do fail on the raw payloads."""
    raw = ('<p><script>alert(1)</script><img src=x onerror=alert(1)><a href=" JaVa\tScRipt:alert(1)">x</a>'
           '<a href="javascript&#58;alert(1)">y</a><iframe src=x></iframe>'
           '<style>body{display: none}</style><svg onload=alert(1)></svg></p>')
    found = violations(parse(raw))
    assert len(found) == 8, found


PAYLOADS_SHOWN_AS_TEXT = [
    'Line <script>alert("deal")</script> <img src=x onerror=alert("deal-img")>',  # deal name
    'Evil <script>alert("customer")</script> Corp',  # customer name
    'Mallory <script>alert("contact")</script>',  # contact name
    '<img src=x onerror=alert("contact-title")>',  # contact title
    'Rival <script>alert("competitor")</script>',  # competitor name
    'Summary <script>alert("activity")</script> [x](javascript:alert("activity-link")) {{ 7*7 }}',
    'Retrofit [x](javascript:alert("won"))',  # a Markdown link in a deal name
    'Li <script>alert("rep")</script> Lei',  # a rep name from salesgen.yaml
    'SENSITIVE-NOTE <script>alert("notes")</script>',  # a personal note (built with --include-sensitive)
]


@pytest.mark.parametrize("payload", PAYLOADS_SHOWN_AS_TEXT)
def test_payloads_are_shown_as_typed(pages: dict, payload: str):
    runs = all_runs(pages)
    assert any(payload in run for run in runs), f"{payload!r} is not on any page as text"


def test_jinja_is_never_evaluated(pages: dict):
    runs = all_runs(pages)
    assert any("Han {{ 7*7 }} Meimei" in run for run in runs)
    assert any("Spares {{ 7*7 }} {% raw %} | a | b |" in run for run in runs)
    assert not any("Han 49 Meimei" in run or "Spares 49" in run for run in runs)
    assert not any(re.search(r"Evaluation 49\b", run) for run in runs)


def test_markdown_in_data_stays_text(pages: dict):
    customer = pages["customers/evil-corp/index.html"]
    text = "\n".join(customer.runs)
    # the summary's Markdown table and link are shown as typed, not rendered
    assert '| <img src=x onerror=alert("summary-table")> | [x](javascript:alert("summary-link")) |' in text
    assert '# Not a heading <script>alert("summary")</script>' in text
    in_headings = [run for run, tags in zip(customer.runs, customer.inside)
                   if tags & {"h1", "h2", "h3", "h4", "h5", "h6"}]
    assert in_headings and not any("Not a heading" in run for run in in_headings)
    in_tables = [run for run, tags in zip(customer.runs, customer.inside) if "table" in tags]
    assert not any("summary-table" in run for run in in_tables)
    # a table breaker in a name stays in one cell / one run of text
    runs = all_runs(pages)
    assert any("Zhao | a | b | Wei" in run for run in runs)
    # the attr_list syntax `{: onclick=... }` never becomes an attribute (checked by the
    # violations test) and is shown as typed
    assert any('{: onclick="alert(1)" }' in run for run in runs)


def test_problem_messages_on_the_rules_page_are_inert(tmp_path: Path):
    """Built with --allow-errors, problems quote file names, keys and values: all as text."""
    assert "build" in cli.commands, "`salesgen build` is documented: it must exist"
    root = tmp_path / "repo"
    shutil.copytree(HOSTILE, root)
    (root / "deals" / "<img src=x onerror=alert(9)>.yaml").write_text(
        "id: \"<script>alert('id')</script>\"\n"
        "name: x\n"
        "stage: \"<img src=x onerror=alert('stage')>\"\n"
        "\"<svg onload=alert('key')>\": 1\n", encoding="utf-8")
    build(root, tmp_path / "site", "--allow-errors")
    site = tmp_path / "site"
    pages = {path.relative_to(site).as_posix(): parse(path.read_text(encoding="utf-8"))
             for path in site.rglob("*.html")}
    assert {name: v for name, page in pages.items() if (v := violations(page))} == {}
    runs = all_runs(pages)
    assert any("deals/<img src=x onerror=alert(9)>.yaml" in run for run in runs)
    assert any("unknown key '<svg onload=alert('key')>'" in run for run in runs)


# --- Lint output formats hold their contracts with hostile file names and values ---------

def test_sarif_uris_are_percent_encoded(tmp_path: Path):
    from sarif_subset import assert_valid_sarif

    root = tmp_path / "repo"
    shutil.copytree(HOSTILE, root)
    source = (root / "deals" / "evil-corp-spares.yaml").read_text(encoding="utf-8")
    (root / "deals" / "中文 #1.yaml").write_text(source, encoding="utf-8")  # also an id clash: fine
    (root / "deals" / "50% off?.yaml").write_text(source, encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", "--root", str(root), "--as-of", AS_OF, "--format", "sarif",
                                      "--no-cache"])
    assert result.exit_code == 1, result.output
    log = json.loads(result.stdout)
    assert_valid_sarif(log)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    # UTF-8 of 中 is E4 B8 AD, of 文 E6 96 87; ' ' is %20, '#' %23, '%' %25, '?' %3F
    assert "deals/%E4%B8%AD%E6%96%87%20%231.yaml" in uris
    assert "deals/50%25%20off%3F.yaml" in uris


def test_the_sarif_check_rejects_a_raw_uri():
    """The control: the subset schema does catch an unencoded uri."""
    import jsonschema
    from sarif_subset import assert_valid_sarif

    log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
        {"message": {"text": "m"}, "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "deals/中文 #1.yaml"}, "region": {"startLine": 1}}}]}]}]}
    with pytest.raises(jsonschema.ValidationError):
        assert_valid_sarif(log)


def test_the_step_summary_keeps_one_row_per_problem():
    from salesgen.output.github import github_summary
    from salesgen.problem import Problem

    problems = [
        Problem("deals/a\rb|c`d.yaml", 3, 1, "file-name-id", "x\r| y", "hint\r\nnext | cell"),
        Problem("deals/ok.yaml", 4, 1, "ref-rep", "unknown rep 'z'", "Did you mean 'y'?"),
    ]
    summary = github_summary(problems)
    assert "\r" not in summary
    lines = summary.split("\n")
    rows = [line for line in lines if line.startswith("| ")]
    assert len(rows) == 1 + len(problems)  # header, then one row each
    # every row has exactly 5 cells: 6 unescaped '|'
    assert all(len(re.findall(r"(?<!\\)\|", row)) == 6 for row in rows), rows
    assert rows[1].startswith("| <code>deals/a b\\|c`d.yaml:3</code> |")


# --- Every message and hint: one line, no quoted value past 60 characters -----------------
#
# Each line of a repository that holds a value or a key gets, one at a time, a 400-character
# value with a line break and a carriage return in the middle, a 64-character id (the longest
# a slug may be, so it passes the schema and reaches the cross-file rules), and a long key
# with a line break. The repository is linted after each change and every problem's
# message and hint must be one line holding no more than 60 characters of the payload.

VALUE_LINE = re.compile(r"^(\s*(?:- )?)([A-Za-z_][\w-]*)(:\s*)(.*)$")
ITEM_LINE = re.compile(r"^(\s*- )([^:#\[{]+)$")
LONG_TEXT = '"' + "长" * 200 + "\\n::error::forged\\r" + "长" * 200 + '"'
LONG_ID = "a" * 64
LONG_KEY = '"' + "键" * 100 + "\\n::warning::forged" + '"'
OVERLONG = re.compile(r"长{61,}|a{61,}|键{61,}")


def line_variants(line: str) -> list[str]:
    variants = []
    match = VALUE_LINE.match(line)
    if match:
        indent, key, colon, value = match.groups()
        if value and not value.startswith(("|", ">")):
            variants += [indent + key + colon + payload for payload in (LONG_TEXT, LONG_ID)]
        variants.append(indent + LONG_KEY + colon + value)
    item = ITEM_LINE.match(line)
    if item:
        variants += [item.group(1) + payload for payload in (LONG_TEXT, LONG_ID)]
    return variants


def unsafe_texts(root: Path, cache) -> tuple[list, set]:
    import datetime as dt

    from salesgen.engine import lint
    from salesgen.repository import ConfigurationError

    try:
        problems = lint(root, dt.date(2026, 11, 20), reader=cache.reader).problems
    except ConfigurationError as error:
        problems = error.problems
    bad = [(p.rule, text) for p in problems for text in (p.message, p.hint)
           if "\n" in text or "\r" in text or OVERLONG.search(text)]
    return bad, {p.rule for p in problems}


def mutations(root: Path):
    """(file, line number, changed line) for every data line of the repository at ``root``.

    Criterion descriptions in salesgen.yaml are left alone: they are the team's own
    guidance, written to be shown whole in stage-gate hints, not values being reported.
    """
    files = sorted([root / "salesgen.yaml", *(root / "deals").rglob("*.yaml"), *(root / "customers").rglob("*.yaml")])
    for path in files:
        rel = path.relative_to(root).as_posix()
        in_description = None  # the indentation of a `description:` key whose block we are in
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            indent = len(line) - len(line.lstrip())
            if in_description is not None and line.strip() and indent <= in_description:
                in_description = None
            if line.strip() == "description:":
                in_description = indent
            if in_description is None:
                for variant in line_variants(line):
                    yield rel, number, variant


def sweep(root: Path, cases) -> tuple[dict, set]:
    from salesgen.cache import LintCache

    cache = LintCache(root)  # unchanged files are not parsed again
    originals: dict = {}
    offenders: dict = {}
    seen: set = set()
    for rel, number, variant in cases:
        path = root / rel
        original = originals.setdefault(rel, path.read_text(encoding="utf-8"))
        lines = original.splitlines()
        lines[number] = variant
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        try:
            bad, rules = unsafe_texts(root, cache)
        finally:
            path.write_text(original, encoding="utf-8")
        seen |= rules
        for rule, text in bad:
            offenders.setdefault(rule, f"{rel}:{number + 1} -> {text[:120]!r}")
    return offenders, seen


def test_the_sweep_catches_what_it_must():
    """The control: a message quoting a value whole, or a raw line break, is caught."""
    assert OVERLONG.search(f"unknown rep '{LONG_ID}'")
    assert not OVERLONG.search(f"unknown rep '{LONG_ID[:57]}...'")
    assert line_variants("owner: li-lei") == ["owner: " + LONG_TEXT, "owner: " + LONG_ID, LONG_KEY + ": li-lei"]
    assert line_variants("  - quality") == ["  - " + LONG_TEXT, "  - " + LONG_ID]


def test_no_message_breaks_a_line_or_quotes_a_long_value_hostile_repo(tmp_path: Path):
    root = tmp_path / "repo"
    shutil.copytree(HOSTILE, root)
    offenders, seen = sweep(root, list(mutations(root)))
    assert offenders == {}
    assert {"schema-unknown-key", "schema-pattern", "file-name-id", "ref-customer"} <= seen  # the sweep reached them


@pytest.fixture(scope="module")
def example_cases(tmp_path_factory) -> tuple:
    """A copy of the example pipeline (every rule has a case in it) and its mutations."""
    root = tmp_path_factory.mktemp("sweep") / "example"
    root.mkdir()
    repo = HERE.parent
    shutil.copy(repo / "salesgen.yaml", root / "salesgen.yaml")
    for name in ("customers", "deals"):
        shutil.copytree(repo / name, root / name)
    return root, list(mutations(root))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_no_message_breaks_a_line_or_quotes_a_long_value_example_repo(example_cases, data):
    root, cases = example_cases
    case = data.draw(st.sampled_from(cases), label="mutation")
    offenders, _ = sweep(root, [case])
    assert offenders == {}


def test_a_problem_never_holds_a_line_break():
    """The last line of defence: whatever a rule writes, a Problem's message and hint are one line."""
    from salesgen.problem import Problem

    problem = Problem("deals/a.yaml", 1, 1, "r", "unknown 'a\nb\rc\u2028d'", "fix\x1b[31m it\x85")
    assert problem.message == "unknown 'a\\nb\\rc\\u2028d'"
    assert problem.hint == "fix\\x1b[31m it\\x85"
    assert Problem("f", 1, 1, "r", "长 'ok' | fine", "").message == "长 'ok' | fine"
