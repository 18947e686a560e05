"""A file with a schema error keeps what is valid: the entity survives, its references do not cascade.

The oracle is the clean baseline repository (tests/data/valid, lint-clean): after one
mistake in one file, the problems reported are exactly that file's own problem, and no
deal of the customer is told "unknown customer", "unknown contact" or a gate error it
would not get with the mistake fixed. Every scenario is run cold and with a warm
lint cache: both report the same.
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from salesgen.cache import LintCache
from salesgen.editing.moves import MoveError, find_deal
from salesgen.engine import lint
from salesgen.repository import check_bytes, load_repository, read_document
from salesgen.salvage import kept_part
from salesgen.yamlsource import locate, parse

BASELINE = Path(__file__).resolve().parent / "data" / "valid"
AS_OF = dt.date(2026, 11, 20)
CUSTOMER = "customers/acme.yaml"
DEAL = "deals/acme-line.yaml"

# A second exit criterion of the planning stage, read from the customer's file.
SCORECARD_CRITERION = """\
          - id: target_customer
            label: {en: Target customer}
            kind: computed
            check: scorecard_filled
"""
# The deal moved on to `visit`, with the evidence the planning gate needs.
IN_VISIT = """\
evidence:
  - criterion: interest_confirmed
    date: 2026-11-12
    kind: email
    ref: Wang Lei confirmed by mail
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(BASELINE, root)
    return root


def edit(root: Path, file: str, old: str, new: str) -> None:
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert old in text, (file, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def gate_with_scorecard(root: Path) -> None:
    """The deal sits in `visit`; the planning gate checks the evidence and the customer's scorecard."""
    edit(root, "salesgen.yaml", "            kind: evidence\n",
         "            kind: evidence\n" + SCORECARD_CRITERION)
    edit(root, DEAL, "stage: planning\nbuyer_stage", "stage: visit\nbuyer_stage")
    edit(root, DEAL, "    date: 2026-11-02\nstakeholders",
         "    date: 2026-11-02\n  - stage: visit\n    date: 2026-11-15\nstakeholders")
    path = root / DEAL
    path.write_text(path.read_text(encoding="utf-8") + IN_VISIT, encoding="utf-8")


def problems(root: Path) -> list[tuple]:
    """(rule, file, line) of every problem, cold; a warm cached run must report exactly the same."""
    cold = [(p.rule, p.file, p.line, p.message) for p in lint(root, AS_OF, reader=read_document).problems]
    for _ in range(2):  # first run fills the cache, the second reads it
        store = LintCache(root)
        warm = [(p.rule, p.file, p.line, p.message) for p in lint(root, AS_OF, reader=store.reader).problems]
        store.save()
        assert warm == cold
    assert store.hits > 0 and store.misses == 0
    return [p[:3] for p in cold]


def test_the_baseline_and_the_gate_scenario_are_clean(root):
    assert problems(root) == []
    gate_with_scorecard(root)
    assert problems(root) == []


@pytest.mark.parametrize("old, new, expected", [
    ("since: 2026-09-01\n", "since: 2026-09-01\nemployees: -5\n", ("schema", CUSTOMER, 7)),
    ("industry: Metal forming\n", "industry: Metal forming\nindustri: Presses\n", ("schema-unknown-key", CUSTOMER, 6)),
    # the deal's stakeholder and activity contact: a bad level must not make the person unknown
    ("    level: management\n", "    level: boss\n", ("schema-enum", CUSTOMER, 19)),
    # the contact the deal names loses a required key: left out, but the deal is not told it is unknown
    ("    name: Wang Lei\n", "", ("schema-required", CUSTOMER, 16)),
    ("    title: Buyer\n", "    title: [Buyer]\n", ("schema-type", CUSTOMER, 23)),
    # an unusable type: the customer cannot be built at all, its deal is still not told "unknown customer"
    ("type: interest\n", "type: intrest\n", ("schema-enum", CUSTOMER, 3)),
    ("id: acme\n", "id: [acme]\n", ("schema-type", CUSTOMER, 1)),
])
def test_a_customer_with_a_schema_error_costs_its_deals_nothing(root, old, new, expected):
    edit(root, CUSTOMER, old, new)
    assert problems(root) == [expected]


def test_a_partial_customer_keeps_its_valid_contacts_and_values(root):
    edit(root, CUSTOMER, "    level: management\n", "    level: boss\n")
    edit(root, CUSTOMER, "since: 2026-09-01\n", "since: 2026-09-01\nemployees: -5\n")
    repo = load_repository(root)
    customer = repo.customers["acme"]
    assert customer.partial and customer.name == "Acme Presses Ltd" and customer.evaluation["credit"] == 8
    assert list(customer.contacts) == ["acme-wang-lei", "acme-zhao-min"]
    assert customer.contacts["acme-wang-lei"].level is None  # the bad value is left out, not kept as text
    assert customer.contacts["acme-zhao-min"].level == "operational"
    assert "employees" not in customer.raw
    assert not repo.deals["acme-line"].partial


def test_an_unparseable_customer_file_is_its_one_message(root):
    (root / CUSTOMER).write_text("id: acme\nname: [Acme\n", encoding="utf-8")
    found = problems(root)
    assert [p[:2] for p in found] == [("yaml-syntax", CUSTOMER)]


def test_an_empty_customer_file_is_its_one_message(root):
    (root / CUSTOMER).write_text("# nothing yet\n", encoding="utf-8")
    assert problems(root) == [("yaml-empty", CUSTOMER, 1)]


def test_a_customer_that_does_not_exist_is_still_unknown(root):
    (root / CUSTOMER).unlink()
    assert ("ref-customer", DEAL, 3) in problems(root)


def test_a_gate_criterion_read_from_a_partial_customer_is_not_judged(root):
    gate_with_scorecard(root)
    edit(root, CUSTOMER, "  credit: 8\n", "  credit: 11\n")
    assert problems(root) == [("schema", CUSTOMER, 11)]


def test_a_gate_criterion_is_judged_when_the_customer_lost_data_it_does_not_read(root):
    gate_with_scorecard(root)
    edit(root, CUSTOMER, "  credit: 8\n", "")
    edit(root, CUSTOMER, "since: 2026-09-01\n", "since: 2026-09-01\nemployees: -5\n")
    assert problems(root) == [("schema", CUSTOMER, 7), ("stage-gate", DEAL, 6)]


@pytest.mark.parametrize("content, expected", [
    ("id: acme\nname: [Acme\n", ["yaml-syntax"]),
    ("id: acme\nname: Acme\n", ["schema-required", "schema-required"]),  # no type, no owner: not built
])
def test_a_gate_criterion_read_from_an_unreadable_customer_is_not_judged(root, content, expected):
    gate_with_scorecard(root)
    (root / CUSTOMER).write_text(content, encoding="utf-8")
    assert [(rule, file) for rule, file, _line in problems(root)] == [(rule, CUSTOMER) for rule in expected]


def test_the_same_gate_criterion_fails_when_the_customer_really_lacks_the_factor(root):
    """The control: without the bad value the scorecard is incomplete, and the gate says so."""
    gate_with_scorecard(root)
    edit(root, CUSTOMER, "  credit: 8\n", "")
    assert problems(root) == [("stage-gate", DEAL, 6)]


def test_a_deal_with_a_bad_activity_is_still_checked(root):
    """The bad value is the one schema problem; the rest of the deal still meets its gate."""
    gate_with_scorecard(root)
    edit(root, DEAL, "    intent: medium\n", "    intent: hight\n")
    assert problems(root) == [("schema-enum", DEAL, 31)]
    deal = load_repository(root).deals["acme-line"]
    assert deal.partial and deal.stage == "visit" and deal.activities[0].intent is None
    assert deal.activities[0].contacts == ["acme-wang-lei"]


def test_a_partial_deal_still_gets_the_gate_errors_of_its_valid_data(root):
    gate_with_scorecard(root)
    edit(root, DEAL, "    intent: medium\n", "    intent: hight\n")
    edit(root, DEAL, "  - criterion: interest_confirmed\n", "  - criterion: interest_confirmd\n")
    found = problems(root)
    # the misspelt criterion is valid data: the gate is judged on it (and is not met)
    assert ("schema-enum", DEAL, 31) in found and ("stage-gate", DEAL, 6) in found


def test_a_gate_criterion_whose_evidence_was_left_out_is_not_judged(root):
    gate_with_scorecard(root)
    edit(root, DEAL, "    date: 2026-11-12\n    kind: email", "    date: 2026-11-31\n    kind: email")
    assert problems(root) == [("yaml-invalid-date", DEAL, 34)]


def test_an_activity_that_loses_a_required_key_is_left_out_and_later_lines_stay_right(root):
    edit(root, DEAL, "    summary: First call; interested in a second press line.\n", "")
    path = root / DEAL
    path.write_text(path.read_text(encoding="utf-8").replace(
        "activities:\n", "activities:\n  - date: 2026-11-01\n    type: call\n    who: nobody-here\n"
        "    summary: An earlier call\n", 1), encoding="utf-8")
    found = problems(root)
    # the second activity (no summary) is left out; the first one's unknown rep is still found on its line
    assert found == [("ref-rep", DEAL, 24), ("schema-required", DEAL, 26)]


def test_kept_part_drops_only_the_bad_values_and_keeps_positions():
    text = ("id: x\nname: X\ntype: interest\nowner: li-lei\ncontacts:\n"
            "  - {id: x-a, name: A, level: boss}\n  - {id: x-b}\n  - {id: x-c, name: C}\n")
    document = check_bytes(text.encode(), "customers/x.yaml", "customer")
    assert not document.valid
    kept = document.kept
    assert [c["id"] for c in kept["contacts"]] == ["x-a", "x-c"]
    assert "level" not in kept["contacts"][0]
    assert locate(kept, ("contacts", 1, "name")) == (8, 21)  # x-c, on its own line
    assert locate(document.data, ("contacts", 1)) == (7, 5)  # the original is untouched
    assert document.data["contacts"][0]["level"] == "boss"


def test_kept_part_is_none_without_a_usable_identity():
    value, _ = parse("name: X\ntype: interest\nowner: li-lei\n", "customers/x.yaml")
    document = check_bytes(b"name: X\ntype: interest\nowner: li-lei\n", "customers/x.yaml", "customer")
    assert document.kept is None and document.model_data is None
    assert kept_part("customer", value, document.problems, "customers/x.yaml") is None


def test_an_edit_command_refuses_a_partial_deal(root):
    edit(root, DEAL, "    intent: medium\n", "    intent: hight\n")
    repo = load_repository(root)
    assert repo.deals["acme-line"].partial
    with pytest.raises(MoveError, match="does not pass its checks"):
        find_deal(repo, "acme-line")


def test_a_partial_deal_is_still_judged_on_the_keys_that_lost_nothing(root):
    """An unknown key costs nothing else: the old follow-up is still reported, and the old intent."""
    edit(root, DEAL, "  - date: 2026-11-10\n", "  - date: 2026-10-01\n")
    expected = [("cadence-follow-up", DEAL, 22), ("cadence-intent", DEAL, 29)]
    assert problems(root) == expected
    path = root / DEAL
    path.write_text(path.read_text(encoding="utf-8") + "notez: call again\n", encoding="utf-8")
    assert problems(root) == expected + [("schema-unknown-key", DEAL, 30)]
    # once the activities lost a value, what is concluded from them waits for the fix
    edit(root, DEAL, "    intent: medium\n", "    intent: hight\n")
    assert problems(root) == [("schema-enum", DEAL, 29), ("schema-unknown-key", DEAL, 30)]


def test_kept_part_of_a_file_over_64_kib_keeps_positions():
    """Large files store positions differently (8 bytes each): the kept copy must read them right."""
    padding = "".join(f"  - tag-{i}\n" for i in range(8000))
    text = ("id: x\nname: X\ntype: interest\nowner: li-lei\nnotes: |\n" + padding.replace("  - ", "  ")
            + "contacts:\n  - {id: x-a, name: A, level: boss}\n  - {id: x-b}\n  - {id: x-c, name: C}\n")
    assert len(text) > 0xFFFF
    document = check_bytes(text.encode(), "customers/x.yaml", "customer")
    last = text.count("\n")
    assert locate(document.kept, ("contacts", 1, "name")) == (last, 21)
    assert not isinstance(document.kept.pos, bytes)  # the wide storage
    assert locate(document.kept, ("contacts", 0, "id")) == (last - 2, 10)
