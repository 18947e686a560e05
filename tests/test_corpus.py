"""The corpus of hostile inputs: every bad file is a clean Problem (rule, file, line), never a traceback.

Each file under ``tests/data/invalid/<folder>/`` holds one mistake and says, in its first
lines, what it must produce::

    # expect: yaml-duplicate-key 7
    # path: deals/archive/acme-line.yaml     (optional: where to drop it)

The test copies the clean baseline repository ``tests/data/valid/`` into a temporary
folder, drops the file in (``deals/<name>``, ``customers/<name>``, or over
``salesgen.yaml`` for the ``config`` folder), runs ``salesgen lint --format json`` through
click's CliRunner and checks the exit code (1 for a data file, 2 for the configuration),
that no traceback escaped, that the expected (rule, file, line) is reported, and that
every error lands in the dropped file: the mistake is found where it is, and nowhere else.

Inputs that cannot carry a comment (binary, UTF-16, huge, deeply nested, empty, links,
pipes) are generated below at test time, into tmp_path.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from salesgen.cli import cli
from salesgen import cache as cache_module

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "data" / "valid"
CORPUS = HERE / "data" / "invalid"
AS_OF = "2026-11-20"
DATA_FOLDERS = ("deals", "customers")
HEADER = re.compile(r"#\s*(expect|path):\s*(.*?)\s*$")


@dataclass(frozen=True)
class Case:
    name: str
    place: str  # where the file goes, relative to the repository root
    expect: tuple  # of (rule, line)
    exit_code: int
    write: Callable[[Path], None]
    others: tuple = ()  # other files the case may put errors in

    def __str__(self) -> str:  # pytest ids
        return self.name


def read_header(source: Path) -> tuple[list, str | None]:
    expects, place = [], None
    for raw in source.read_text(encoding="utf-8").splitlines():
        match = HEADER.match(raw)
        if not match:
            if raw.startswith("#"):
                continue
            break
        key, value = match.groups()
        if key == "expect":
            rule, line = value.split()
            expects.append((rule, int(line)))
        else:
            place = value
    return expects, place


def corpus_cases(line_ending: str = "\n") -> list[Case]:
    cases = []
    for folder in (*DATA_FOLDERS, "config"):
        for source in sorted((CORPUS / folder).glob("*.yaml")):
            expects, place = read_header(source)
            if folder == "config":
                place, exit_code = "salesgen.yaml", 2
            else:
                place, exit_code = place or f"{folder}/{source.name}", 1
            data = source.read_bytes().replace(b"\n", line_ending.encode())

            def write(path: Path, data: bytes = data) -> None:
                path.write_bytes(data)

            suffix = "" if line_ending == "\n" else "-crlf"
            cases.append(Case(f"{folder}/{source.stem}{suffix}", place, tuple(expects), exit_code, write))
    return cases


def make_repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(BASELINE, root)
    return root


def lint(root: Path, *args: str):
    return CliRunner().invoke(cli, ["lint", "--root", str(root), "--as-of", AS_OF, "--format", "json", *args])


def reported(result, exit_code: int) -> list[dict]:
    """The problems of a finished run, after checking it ended cleanly with ``exit_code``."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"lint raised {type(result.exception).__name__}: {result.exception}") \
            from result.exception
    assert "Traceback" not in result.output
    assert result.exit_code == exit_code, result.output
    problems = json.loads(result.stdout)  # configuration errors too (exit 2), in the format asked for
    if exit_code == 2:
        assert problems and {p["file"] for p in problems} == {"salesgen.yaml"}, problems
    return problems


def check_case(case: Case, tmp_path: Path) -> list[dict]:
    root = make_repo(tmp_path)
    target = root / case.place
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() or target.is_symlink():
        target.unlink()
    case.write(target)
    problems = reported(lint(root), case.exit_code)
    found = {(p["rule"], p["file"], p["line"]) for p in problems}
    for rule, line in case.expect:
        assert (rule, case.place, line) in found, f"expected {rule} at {case.place}:{line}; got {sorted(found)}"
    errors = [p for p in problems if p.get("severity", "error") == "error"]
    files_with_errors = {p["file"] for p in errors}
    assert case.place in files_with_errors and files_with_errors <= {case.place, *case.others}, errors
    assert not [p for p in problems if p["rule"] == "internal-error"]
    for problem in problems:  # a message is for a human: short, even when the input is huge
        assert len(problem.get("message", "")) < 1000 and len(problem.get("hint", "")) < 1000
    return problems


CASES = corpus_cases()


def test_the_baseline_is_clean():
    """Every error a corpus case produces must come from the case, not from the baseline."""
    result = CliRunner().invoke(cli, ["lint", "--root", str(BASELINE), "--as-of", AS_OF, "--format", "json",
                                      "--no-cache"])  # no cache folder in the source tree
    assert result.exit_code == 0, result.output
    assert [p for p in json.loads(result.stdout) if p["severity"] == "error"] == []


def test_the_corpus_is_complete_and_every_file_states_its_expectation():
    names = {case.name for case in CASES}
    assert len([n for n in names if n.startswith("deals/")]) >= 60
    assert len([n for n in names if n.startswith("customers/")]) >= 20
    assert len([n for n in names if n.startswith("config/")]) >= 8
    assert all(case.expect for case in CASES), [c.name for c in CASES if not c.expect]
    # one mistake per file: one expectation each
    assert all(len(case.expect) == 1 for case in CASES)


def exactly_one_error(problems: list[dict]) -> None:
    """One mistake, one message: a second error for the same mistake is noise the user must read past."""
    errors = [p for p in problems if p.get("severity", "error") == "error"]
    assert len(errors) == 1, errors


@pytest.mark.parametrize("case", CASES, ids=str)
def test_corpus_file(case: Case, tmp_path: Path):
    exactly_one_error(check_case(case, tmp_path))


@pytest.mark.parametrize("case", [c for c in corpus_cases("\r\n") if c.name.startswith(("deals/", "customers/"))],
                         ids=str)
def test_corpus_file_with_windows_line_endings(case: Case, tmp_path: Path):
    """A file saved on Windows reports the same rule at the same line."""
    exactly_one_error(check_case(case, tmp_path))


# -- generated inputs: what cannot be a committed text file --------------------------

DEAL = """\
id: {id}
name: {name}
customer: acme
owner: li-lei
pipeline: project
stage: planning
amount: {amount}
currency: CNY
expected_close: 2027-03-31
"""


def deal(ident: str, name: str = "A generated deal", amount: str = "250000", extra: str = "") -> str:
    return DEAL.format(id=ident, name=name, amount=amount) + extra


def text(content: str, encoding: str = "utf-8", prefix: bytes = b"") -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(prefix + content.encode(encoding))
    return write


def raw(content: bytes) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(content)
    return write


def symlink_to(target: Callable[[Path], Path]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        os.symlink(target(path), path)
    return write


def outside_file(path: Path) -> Path:
    """A readable deal file next to the repository, not inside it."""
    secret = path.parents[2] / "outside.yaml"
    secret.write_text(deal("linked", name="SECRET-OUTSIDE-CONTENT"), encoding="utf-8")
    return secret


def folder_linked_outside(path: Path) -> None:
    """deals/ itself is a link to a folder elsewhere, whose files are regular files."""
    outside = path.parents[2] / "elsewhere"
    (outside / "sub").mkdir(parents=True)
    (outside / path.name).write_text("id: secret\naws_secret_access_key: SECRET-OUTSIDE-CONTENT\n", encoding="utf-8")
    (outside / "sub" / "more.yaml").write_text("SECRET-OUTSIDE-CONTENT: 1\n", encoding="utf-8")
    shutil.rmtree(path.parent)
    os.symlink(outside, path.parent)


MIB = 1024 * 1024
DEEP = 10_000
GENERATED = [
    Case("empty-file", "deals/empty-file.yaml", (("yaml-empty", 1),), 1, raw(b"")),
    Case("blank-lines-only", "deals/blank-lines-only.yaml", (("yaml-empty", 1),), 1, raw(b"\n  \n\t\n")),
    Case("document-marker-only", "deals/document-marker-only.yaml", (("yaml-empty", 1),), 1, raw(b"---\n...\n")),
    Case("nul-byte", "deals/nul-byte.yaml", (("yaml-encoding", 3),), 1,
         raw(b"id: nul-byte\nname: x\n\x00\x01\x02")),
    # A PNG renamed to .yaml: the first NUL follows the signature's two line feeds.
    Case("png-image", "customers/png-image.yaml", (("yaml-encoding", 3),), 1,
         raw(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")),
    Case("utf16-le-bom", "deals/utf16-le-bom.yaml", (("yaml-encoding", 1),), 1,
         text(deal("utf16-le-bom"), "utf-16")),  # Python writes a little-endian BOM
    Case("utf16-be-bom", "deals/utf16-be-bom.yaml", (("yaml-encoding", 1),), 1,
         text(deal("utf16-be-bom"), "utf-16-be", prefix=b"\xfe\xff")),
    Case("utf16-no-bom", "customers/utf16-no-bom.yaml", (("yaml-encoding", 1),), 1,
         text("id: utf16-no-bom\nname: x\ntype: interest\nowner: li-lei\n", "utf-16-le")),
    Case("utf8-bom", "deals/utf8-bom.yaml", (("yaml-encoding", 1),), 1,
         text(deal("utf8-bom"), prefix=b"\xef\xbb\xbf")),
    Case("gbk-encoded", "deals/gbk-encoded.yaml", (("yaml-encoding", 2),), 1,
         text(deal("gbk-encoded", name="天普冲压线扩产"), "gbk")),
    Case("latin1-encoded", "customers/latin1-encoded.yaml", (("yaml-encoding", 3),), 1,
         text("id: latin1-encoded\ntype: interest\nname: Société Générale\nowner: li-lei\n", "latin-1")),
    Case("twenty-mib", "deals/twenty-mib.yaml", (("file-too-large", 1),), 1,
         raw(deal("twenty-mib").encode() + b"# padding padding padding padding padding\n" * (20 * MIB // 42))),
    Case("just-over-the-limit", "deals/just-over-the-limit.yaml", (("file-too-large", 1),), 1,
         raw(deal("just-over-the-limit").encode().ljust(5 * MIB + 1, b"#"))),
    Case("nested-flow-lists", "deals/nested-flow-lists.yaml", (("yaml-too-deep", 10),), 1,
         text(deal("nested-flow-lists") + "tags: " + "[" * DEEP + "]" * DEEP + "\n")),
    Case("nested-flow-mappings", "deals/nested-flow-mappings.yaml", (("yaml-too-deep", 10),), 1,
         text(deal("nested-flow-mappings") + "team: " + "{a: " * DEEP + "b" + "}" * DEEP + "\n")),
    Case("nested-block-lists", "deals/nested-block-lists.yaml", (("yaml-too-deep", 11),), 1,
         text(deal("nested-block-lists") + "tags:\n  " + "- " * DEEP + "x\n")),
    Case("nested-config", "salesgen.yaml", (("yaml-too-deep", 1),), 2,
         text("rules: " + "[" * DEEP + "]" * DEEP + "\n")),
    Case("huge-integer", "deals/huge-integer.yaml", (("yaml-special-number", 7),), 1,
         text(deal("huge-integer", amount="9" * 5000))),
    Case("four-mib-name", "deals/four-mib-name.yaml", (("schema", 2),), 1,
         text(deal("four-mib-name", name="x" * (4 * MIB)))),
    Case("control-character", "deals/control-character.yaml", (("yaml-encoding", 2),), 1,
         text(deal("control-character", name="bell\x07"))),
    Case("file-name-with-spaces", "deals/acme line 2027.yaml", (("file-name-id", 1),), 1,
         text(deal("acme-line-2027"))),
    Case("symlink-outside-repo", "deals/linked.yaml", (("file-outside-root", 1),), 1, symlink_to(outside_file)),
    Case("symlink-to-etc-passwd", "customers/passwd.yaml", (("file-outside-root", 1),), 1,
         symlink_to(lambda path: Path("/etc/passwd"))),
    Case("deals-folder-linked-outside", "deals/secret.yaml", (("file-outside-root", 1),), 1, folder_linked_outside,
         others=("deals/sub/more.yaml",)),
    Case("symlink-loop", "deals/loop.yaml", (("file-unreadable", 1),), 1, symlink_to(lambda path: path)),
    Case("symlink-dangling", "deals/dangling.yaml", (("file-unreadable", 1),), 1,
         symlink_to(lambda path: path.parent / "missing.yaml")),
]
if hasattr(os, "mkfifo"):
    GENERATED.append(Case("named-pipe", "deals/pipe.yaml", (("file-unreadable", 1),), 1, os.mkfifo))


@pytest.mark.parametrize("case", GENERATED, ids=str)
def test_generated_input(case: Case, tmp_path: Path):
    if case.write.__class__ is type(os.symlink) and sys.platform == "win32":  # pragma: no cover
        pytest.skip("no symlinks or pipes")
    problems = check_case(case, tmp_path)
    if case.name in ("symlink-outside-repo", "deals-folder-linked-outside"):
        assert "SECRET-OUTSIDE-CONTENT" not in json.dumps(problems)
    if case.others:
        found = {(p["rule"], p["file"]) for p in problems}
        assert {("file-outside-root", other) for other in case.others} <= found


@pytest.mark.parametrize("name", ["symlink-outside-repo", "deals-folder-linked-outside"])
def test_links_outside_are_refused_again_when_the_cache_is_warm(name: str, tmp_path: Path):
    """The cache never stands in for the link check: a second, warm run reports the same."""
    case = next(c for c in GENERATED if c.name == name)
    first = check_case(case, tmp_path)
    second = reported(lint(tmp_path / "repo"), case.exit_code)
    assert second == first
    assert "SECRET-OUTSIDE-CONTENT" not in json.dumps(second)


def test_a_file_of_exactly_the_size_limit_is_read(tmp_path: Path):
    """The limit is not off by one: 5 MiB of valid YAML loads and lints clean."""
    root = make_repo(tmp_path)
    body = (BASELINE / "deals" / "acme-line.yaml").read_bytes().replace(b"acme-line", b"at-the-limit")
    (root / "deals" / "at-the-limit.yaml").write_bytes(body + b"\n".ljust(5 * MIB - len(body), b"#"))
    assert (root / "deals" / "at-the-limit.yaml").stat().st_size == 5 * MIB
    problems = reported(lint(root), 0)
    assert [p for p in problems if p["severity"] == "error"] == []


def test_an_unreadable_file_is_a_problem(tmp_path: Path, monkeypatch):
    """Permission denied (simulated: CI runs as root, who may read anything) is a problem, not a crash."""
    root = make_repo(tmp_path)
    path = root / "deals" / "locked.yaml"
    path.write_text(deal("locked"), encoding="utf-8")
    real_read_bytes = Path.read_bytes

    def read_bytes(self):
        if self.name == "locked.yaml":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    real_read_sized = cache_module.read_sized

    def read_sized(path, size):  # the lint cache's reader
        if path.name == "locked.yaml":
            raise PermissionError(13, "Permission denied", str(path))
        return real_read_sized(path, size)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(cache_module, "read_sized", read_sized)
    for cache in ("--no-cache", None):  # the cached reader must not crash on it either
        problems = reported(lint(root, *([cache] if cache else [])), 1)
        assert ("file-unreadable", "deals/locked.yaml", 1) in {(p["rule"], p["file"], p["line"]) for p in problems}


def test_a_python_tag_is_never_executed(tmp_path: Path):
    """The loader is safe: `!!python/object/apply` is a yaml-tag problem, not a function call."""
    marker = tmp_path / "pwned"
    case = Case("python-apply", "deals/python-apply.yaml", (("yaml-tag", 2),), 1,
                text(deal("python-apply", name=f'!!python/object/apply:os.system ["touch {marker}"]')))
    check_case(case, tmp_path)
    assert not marker.exists()


def test_one_bad_file_does_not_hide_the_others(tmp_path: Path):
    """Several hostile files at once: each is reported, at its own place."""
    root = make_repo(tmp_path)
    (root / "deals" / "a.yaml").write_bytes(b"\x00")
    (root / "deals" / "b.yaml").write_text("id: b\nid: b\n", encoding="utf-8")
    (root / "customers" / "c.yaml").write_text("[", encoding="utf-8")
    (root / "deals" / "d.yaml").write_text(deal("d", amount=".nan"), encoding="utf-8")
    found = {(p["rule"], p["file"]) for p in reported(lint(root), 1)}
    assert {("yaml-encoding", "deals/a.yaml"), ("yaml-duplicate-key", "deals/b.yaml"),
            ("yaml-syntax", "customers/c.yaml"), ("yaml-special-number", "deals/d.yaml")} <= found


@pytest.mark.parametrize("fmt", ["text", "github", "sarif"])
def test_every_output_format_survives_hostile_files(fmt: str, tmp_path: Path):
    root = make_repo(tmp_path)
    for case in GENERATED[:12]:
        target = root / case.place
        if case.place != "salesgen.yaml":
            case.write(target)
    for case in CASES[:40]:
        if case.exit_code == 1 and not (root / case.place).exists():
            (root / case.place).parent.mkdir(parents=True, exist_ok=True)
            case.write(root / case.place)
    result = CliRunner().invoke(cli, ["lint", "--root", str(root), "--as-of", AS_OF, "--format", fmt])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    if fmt == "sarif":
        assert json.loads(result.stdout)["runs"][0]["results"]


def test_the_alias_budget_counts_what_aliases_really_expand_to():
    """9,108 repeated nodes pass; one more level (a real bomb) is refused where it is written."""
    from salesgen.yamlsource import MAX_ALIAS_NODES, parse

    lines = ["a: &a [" + ", ".join(["x"] * 10) + "]"]
    for name, previous in zip("bcd", "abc"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    # nodes repeated by the aliases: b 9*11, c 9*100, d 9*901 (a list counts itself)
    repeated = 9 * 11 + 9 * (1 + 9 * 11) + 9 * (1 + 9 * (1 + 9 * 11))
    assert repeated == 9108 < MAX_ALIAS_NODES
    _value, problems = parse("\n".join(lines) + "\n", "deals/x.yaml")
    assert problems == []
    lines.append("e: &e [" + ", ".join(["*d"] * 9) + "]")
    _value, problems = parse("\n".join(lines) + "\n", "deals/x.yaml")
    assert [(p.rule, p.line) for p in problems] == [("yaml-alias", 5)]


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_a_line_break_in_a_key_cannot_forge_a_line_of_output(fmt: str, tmp_path: Path):
    """A CI log runs any line that starts with '::' as a workflow command."""
    root = make_repo(tmp_path)
    key = '"x\\n::error file=README.md::forged\\n"'
    (root / "deals" / "forged.yaml").write_text(deal("forged") + f"{key}: 1\n", encoding="utf-8")
    (root / "deals" / "forged-twice.yaml").write_text(f"{key}: 1\n{key}: 2\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", "--root", str(root), "--as-of", AS_OF, "--format", fmt])
    assert result.exit_code == 1
    assert "unknown key" in result.output and "duplicate key" in result.output
    lines = result.output.splitlines()
    if fmt == "github":
        # the deal survives its unknown key, so other rules may warn about it too: still only its own lines
        assert all(re.match(r"::(error|warning) file=deals/forged(-twice)?\.yaml,", line)
                   for line in lines if line.startswith("::"))
    else:
        assert not [line for line in lines if line.startswith("::")]
