"""Full-width characters typed by a Chinese input method: one yaml-full-width problem, at the right place.

The oracle for each case is the baseline deal written correctly: after the mistake, the
file reports exactly one problem (rule, line, column) and is read with the values the
correct file has (so nothing else cascades from it).
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from salesgen.cache import LintCache
from salesgen.engine import lint
from salesgen.fullwidth import scan
from salesgen.repository import check_bytes, read_document

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "data" / "valid"
DEAL_FILE = "deals/acme-line.yaml"
DEAL = (BASELINE / DEAL_FILE).read_text(encoding="utf-8")
CUSTOMER = (BASELINE / "customers" / "acme.yaml").read_text(encoding="utf-8")
AS_OF = dt.date(2026, 11, 20)


def read(text: str, file: str = DEAL_FILE, kind: str = "deal"):
    return check_bytes(text.encode("utf-8"), file, kind)


def found(document) -> list[tuple]:
    return [(p.rule, p.line, p.column) for p in document.problems]


def mistake(old: str, new: str, text: str = DEAL) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


CASES = [
    # (name, old, new, line, column, message fragment)
    ("colon", "amount: 1200000", "amount：1200000", 8, 7, "full-width colon '：'"),
    ("colon then space", "amount: 1200000", "amount： 1200000", 8, 7, "full-width colon '：'"),
    ("colon after spaces", "amount: 1200000", "amount ：1200000", 8, 8, "full-width colon '：'"),
    ("colon of a nested key", "    role: initiator", "    role：initiator", 17, 9, "full-width colon '：'"),
    ("colon of a key that opens a list", "stakeholders:\n", "stakeholders：\n", 15, 13, "full-width colon '：'"),
    ("indentation", "    role: initiator", "　　role: initiator", 17, 1, "in the indentation"),
    ("indentation after spaces", "    handler: true", "  　handler: true", 18, 3, "in the indentation"),
    ("space after the colon", "amount: 1200000", "amount:　1200000", 8, 8, "after ':'"),
    ("digits", "amount: 1200000", "amount: １２０００００", 8, 9, "full-width digits"),
    ("commas", "amount: 1200000", "amount: 1，200，000", 8, 9, "full-width comma '，'"),
    ("digits with a comment", "amount: 1200000", "amount: １２０００００  # 含税", 8, 9, "full-width digits"),
    ("date", "expected_close: 2027-06-30", "expected_close: ２０２７－０６－３０", 10, 17, "in the date"),
    ("date with ASCII digits", "expected_close: 2027-06-30", "expected_close: 2027－06－30", 10, 17, "in the date"),
    ("colon and digits of a nested date", "    date: 2026-11-02", "    date：２０２６-11-02", 14, 9,
     "full-width colon '：'"),
]


@pytest.mark.parametrize("name, old, new, line, column, message", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_one_full_width_mistake_is_one_problem_and_the_file_reads_as_intended(
        name, old, new, line, column, message, newline):
    correct = read(DEAL.replace("\n", newline))
    document = read(mistake(old, new).replace("\n", newline))
    problems = [p for p in document.problems if p.rule == "yaml-full-width"]
    if name == "colon and digits of a nested date":  # two mistakes on one line: two problems
        assert found(document) == [("yaml-full-width", 14, 9), ("yaml-full-width", 14, 10)]
    else:
        assert found(document) == [("yaml-full-width", line, column)]
    assert message in problems[0].message and problems[0].hint
    assert document.model_data == correct.data  # the values the correct file has: nothing cascades


def test_indentation_that_does_not_line_up_once_fixed_is_still_one_message():
    """One '　' stands for two spaces: here that misses the item's column, a syntax error of the same mistake."""
    document = read(mistake("    role: initiator", "　role: initiator"))
    assert found(document) == [("yaml-full-width", 17, 1)]
    assert document.data is None  # unreadable as it stands: the entity is not built from a guess


def test_a_full_width_comma_between_the_ids_of_a_list():
    document = read(mistake("contacts: [acme-wang-lei]", "contacts: [acme-wang-lei，acme-zhao-min ，x-y]"))
    assert found(document) == [("yaml-full-width", 25, 29)]
    assert document.model_data["activities"][0]["contacts"] == ["acme-wang-lei", "acme-zhao-min", "x-y"]


def test_a_full_width_colon_in_a_customer_contact():
    document = read(mistake("    title: Buyer", "    title：Buyer", CUSTOMER), "customers/acme.yaml", "customer")
    assert found(document) == [("yaml-full-width", 23, 10)]
    assert document.model_data["contacts"][1]["title"] == "Buyer"


@pytest.mark.parametrize("text", [
    "summary: 会议：讨论方案，客户有兴趣",
    "summary: \"会议：讨论方案\"",
    "summary: '第一点：价格；第二点：交期'",
    "summary: 王经理说：预算１２０万，下月定",
    "summary: |\n      会议：讨论方案\n      note：不是键\n      　　本项目为二期扩产",
    "summary: >-\n      预算：１２０万\n      date：２０２６－１１－２０",
    "summary: First call # 备注：电话",
    "summary: First call\n    promises: [下周送样，月底报价]",
])
def test_full_width_punctuation_inside_text_is_left_alone(text):
    document = read(mistake("summary: First call; interested in a second press line.", text))
    assert found(document) == [] and document.valid
    # a file with another mistake is scanned: the text is still left alone
    document = read(mistake("currency: CNY", "currency: CNY\ncurrancy: CNY",
                            mistake("summary: First call; interested in a second press line.", text)))
    assert [p.rule for p in document.problems] == ["schema-unknown-key"]


@pytest.mark.parametrize("text", ["１２３", "2027－01－15", "1，2"])
def test_full_width_digits_in_a_text_field_are_text(text):
    document = read(mistake("currency: CNY", "currency: CNY\ncurrancy: CNY",
                            mistake("next_step: Book a visit", f"next_step: {text}")))
    assert [p.rule for p in document.problems] == ["schema-unknown-key"]


def test_full_width_text_in_a_list_is_left_alone():
    text = mistake("    contacts: [acme-wang-lei]\n", "    contacts: [acme-wang-lei]\n    promises:\n"
                   "      - 会议：下周二送样\n      - 报价：１２０万\n")
    document = read(text)
    assert found(document) == [] and document.valid


def test_the_scan_leaves_a_clean_file_untouched():
    problems, text = scan(DEAL, DEAL_FILE)
    assert problems == [] and text is DEAL


def test_another_mistake_in_the_same_file_is_still_reported():
    text = mistake("currency: CNY", "currency: [CNY")
    document = read(mistake("amount: 1200000", "amount：1200000", text))
    assert ("yaml-full-width", 8, 7) in found(document)
    assert [p.rule for p in document.problems if p.rule != "yaml-full-width"] == ["yaml-syntax"]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(BASELINE, root)
    return root


def test_lint_reports_only_the_full_width_problem_cold_and_warm(root):
    (root / DEAL_FILE).write_text(mistake("amount: 1200000", "amount: １２０００００"), encoding="utf-8")
    (root / "customers" / "acme.yaml").write_text(mistake("name: Acme Presses Ltd", "name：Acme Presses Ltd",
                                                          CUSTOMER), encoding="utf-8")
    cold = [(p.rule, p.file, p.line, p.column) for p in lint(root, AS_OF, reader=read_document).problems]
    assert cold == [("yaml-full-width", "customers/acme.yaml", 2, 5), ("yaml-full-width", DEAL_FILE, 8, 9)]
    for _ in range(2):
        store = LintCache(root)
        warm = [(p.rule, p.file, p.line, p.column) for p in lint(root, AS_OF, reader=store.reader).problems]
        store.save()
        assert warm == cold
    assert store.hits == 3


def test_a_huge_file_of_full_width_lines_is_scanned_in_one_pass():
    """A hostile file: every line is a candidate; the scan must not look back over the file per line."""
    text = "notes: |\n" + "  会议：讨论\n" * 200_000 + "amount：1\n"
    problems, fixed = scan(text, DEAL_FILE)
    assert [(p.line, p.column) for p in problems] == [(200_002, 7)]
    assert fixed.endswith("amount: 1\n")


def test_a_huge_full_width_number_is_quoted_short():
    document = read(mistake("amount: 1200000", "amount: " + "１" * 5000))
    # once read as digits, 5,000 of them are a number too long to be an amount: a second mistake
    assert found(document) == [("yaml-full-width", 8, 9), ("yaml-special-number", 8, 9)]
    assert len(document.problems[0].message) < 120 and len(document.problems[0].hint) < 120
