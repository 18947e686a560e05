"""The strict loader: values, positions, and what PyYAML would silently accept."""
from decimal import Decimal

import pytest
from hypothesis import example, given, settings, strategies as st

from salesgen.yamlsource import Mapping, Sequence, _only_comments, decode, iter_positions, locate, parse, unpack


def rules_and_lines(problems):
    return [(p.rule, p.line) for p in problems]


def test_values_are_plain_with_exact_money():
    value, problems = parse("id: temp\namount: 1200000.50\ncount: 3\nok: true\nnothing: ~\n", "f.yaml")
    assert problems == []
    assert value == {"id": "temp", "amount": Decimal("1200000.50"), "count": 3, "ok": True, "nothing": None}
    assert isinstance(value["amount"], Decimal)


def test_every_key_and_value_keeps_its_position():
    text = "id: temp\nteam:\n  presales: wang-xing\nlist:\n  - a: 1\n    b: 2\n  - c\n"
    value, _ = parse(text, "f.yaml")
    assert locate(value, ("team", "presales")) == (3, 13)
    assert locate(value, ("team", "presales"), key=True) == (3, 3)
    assert locate(value, ("list", 0, "b")) == (6, 8)
    assert locate(value, ("list", 1)) == (7, 5)
    # a path past what exists resolves to the deepest existing part
    assert locate(value, ("team", "missing")) == (3, 3)
    lines = {path: unpack(pos)[0] for path, pos in iter_positions(value)}
    assert lines[("list", 0, "a")] == 5


def test_dates_stay_iso_text_and_impossible_dates_are_problems():
    value, problems = parse("a: 2026-02-28\nb: 2026-02-30\n", "f.yaml")
    assert value["a"] == "2026-02-28"
    assert rules_and_lines(problems) == [("yaml-invalid-date", 2)]


@pytest.mark.parametrize("text, shown", [
    ("name: yes", "True"), ("name: no", "False"), ("name: on", "True"), ("name: off", "False"),
    ("name: 0755", "493"), ("name: 1:30", "90"), ("name: 0x1F", "31"),
])
def test_yaml11_surprises_are_reported_and_kept_as_typed(text, shown):
    value, problems = parse(text + "\n", "f.yaml")
    assert rules_and_lines(problems) == [("yaml-ambiguous-value", 1)]
    assert shown in problems[0].message
    assert value["name"] == text.split(": ")[1]  # kept as the text the user typed


def test_quoted_values_are_never_ambiguous():
    value, problems = parse('name: "yes"\ncode: "0755"\n', "f.yaml")
    assert problems == [] and value == {"name": "yes", "code": "0755"}


@pytest.mark.parametrize("special", [".nan", ".inf", "-.inf", ".NaN"])
def test_special_floats(special):
    _, problems = parse(f"amount: {special}\n", "f.yaml")
    assert rules_and_lines(problems) == [("yaml-special-number", 1)]


def test_duplicate_keys_at_depth_keep_the_first():
    value, problems = parse("a:\n  b:\n    c: 1\n    c: 2\n", "f.yaml")
    assert rules_and_lines(problems) == [("yaml-duplicate-key", 4)]
    assert "line 3" in problems[0].message
    assert value["a"]["b"]["c"] == 1


@pytest.mark.parametrize("padding", [0, 70_000], ids=["under 64 KiB", "over 64 KiB"])
def test_positions_count_lines_and_columns_from_one_in_small_and_large_files(padding):
    """Positions are stored as the parser counts them (from 0) and read back from 1, in either storage."""
    text = "notes: y" + "x" * padding + "\nteam:\n  presales: wang-xing\n  presales: li-lei\nlist:\n- a\n"
    value, problems = parse(text, "f.yaml")
    assert isinstance(value.pos, bytes) is (padding == 0)
    assert locate(value, ("notes",)) == (1, 8)
    assert locate(value, ("team", "presales")) == (3, 13)
    assert locate(value, ("team", "presales"), key=True) == (3, 3)
    assert locate(value, ("list", 0)) == (6, 3)
    assert rules_and_lines(problems) == [("yaml-duplicate-key", 4)]
    assert "line 3" in problems[0].message


def test_a_column_past_what_positions_can_hold_is_kept_at_the_largest_one():
    """A value more than a million characters into its line: the right line, the column held at 2**20 - 1."""
    text = "a: [" + "v, " * 360_000 + "here]\nb: 1\n"
    value, problems = parse(text, "f.yaml")
    assert problems == []
    assert locate(value, ("a", 360_000)) == (1, 2**20 - 1)
    assert locate(value, ("a", 1)) == (1, 8)
    assert locate(value, ("b",)) == (2, 4)


def test_several_documents():
    _, problems = parse("id: a\n---\nid: b\n", "f.yaml")
    assert rules_and_lines(problems) == [("yaml-multiple-documents", 2)]


def test_tabs_get_a_tab_hint():
    _, problems = parse("a:\n\tb: 1\n", "f.yaml")
    assert problems[0].rule == "yaml-syntax" and problems[0].line == 2
    assert "tabs" in problems[0].hint


def test_alias_bomb_is_refused():
    text = 'a: &a ["x","x","x","x","x","x","x","x","x","x"]\n'
    previous = "a"
    for name in "bcdefgh":
        text += f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]\n"
        previous = name
    value, problems = parse(text, "f.yaml")
    assert value is None
    assert [p.rule for p in problems] == ["yaml-alias"]


def test_small_aliases_are_fine_and_recursive_ones_are_not():
    value, problems = parse("a: &x [1, 2]\nb: *x\n", "f.yaml")
    assert problems == [] and value["b"] == [1, 2]
    _, problems = parse("a: &a\n  b: *a\n", "f.yaml")
    assert [p.rule for p in problems] == ["yaml-alias"]


def test_deep_nesting_is_a_problem_not_a_crash():
    _, problems = parse("[" * 10000 + "]" * 10000, "f.yaml")
    assert [p.rule for p in problems] == ["yaml-too-deep"]


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n", "---\n"])
def test_empty(text):
    value, problems = parse(text, "f.yaml")
    assert value is None and [p.rule for p in problems] == ["yaml-empty"]


def test_tags_are_refused():
    _, problems = parse("a: !!python/name:os.system x\n", "f.yaml")
    assert [p.rule for p in problems] == ["yaml-tag"]


def test_decode_refuses_bad_encodings():
    assert decode("a: 1\n".encode("utf-16"), "f")[1][0].rule == "yaml-encoding"
    text, problems = decode(b"\xef\xbb\xbfa: 1\n", "f")
    assert text == "a: 1\n" and [p.rule for p in problems] == ["yaml-encoding"]
    text, problems = decode(b"a: 1\nb: \xff\n", "f")
    assert text is None and (problems[0].rule, problems[0].line, problems[0].column) == ("yaml-encoding", 2, 4)
    assert decode(b"a\x00b", "f")[1][0].rule == "yaml-encoding"
    assert decode(b"a: 1\n" * (2 * 1024 * 1024), "f")[1][0].rule == "file-too-large"


def test_positioned_values_pickle():
    import pickle

    value, _ = parse("a:\n  - b: 1\n", "f.yaml")
    copy = pickle.loads(pickle.dumps(value))
    assert isinstance(copy, Mapping) and isinstance(copy["a"], Sequence)
    assert locate(copy, ("a", 0, "b")) == locate(value, ("a", 0, "b")) == (2, 8)


@pytest.mark.parametrize("levels, too_deep", [(99, False), (100, True)])
def test_a_text_value_just_past_the_depth_limit_is_too_deep(levels, too_deep):
    """The text value itself counts as a level (block mapping and flow sequence alike), at the boundary."""
    from salesgen.yamlsource import MAX_DEPTH

    assert MAX_DEPTH == 100
    block = "".join(" " * i + "k:\n" for i in range(levels)) + " " * levels + "k: x\n"
    flow = "v: " + "[" * levels + "x" + "]" * levels + "\n"
    for text in (block, flow):
        value, problems = parse(text, "f.yaml")
        assert [p.rule for p in problems] == (["yaml-too-deep"] if too_deep else []), text[:40]
        assert (value is None) is too_deep


@settings(max_examples=500, deadline=None)
@example("# note\rid: d-1")  # a line break str.splitlines knows of, inside what looks like one comment line
@example("# note\x85id: d-1")
@example("# note\u2028id: d-1")
@example("---\r\n# x")
@given(st.lists(st.sampled_from(["#", " ", "\t", "\n", "\r", "\r\n", "-", ".", "a", ":", "\x0b", "\x1c", "\x85",
                                  "\u2028", "---", "..."]), max_size=12).map("".join))
def test_only_comments_reads_lines_as_str_splitlines_does(text):
    # the reference: every line (as str.splitlines cuts them) blank, a comment, or a document marker
    expected = all(not line.strip() or line.lstrip().startswith("#") or line.strip() in ("---", "...")
                   for line in text.splitlines())
    assert _only_comments(text) is expected


# Every way a node gets its tag: implicit (plain: each implicit resolver; quoted; block), explicit on a scalar,
# a sequence and a mapping, the non-specific `!`, tagged keys, and aliases (the alias path of the builder).
TAGGED = [
    "a: plain\nb: 12\nc: -3\nd: 1.5\ne: 1e3\nf: .inf\ng: yes\nh: No\ni: ~\nj: null\nk: \nl: 2026-02-28\n"
    "m: 2026-02-30 10:00:00\nn: 0x1F\no: 0o17\np: 1_000\nq: 1:30\nr: =\ns: <<\n",
    "a: 'yes'\nb: \"12\"\nc: |\n  12\nd: >\n  true\n",
    "a: !!str 12\nb: !!int 12\nc: !!float 1\nd: !!bool yes\ne: !!null ''\nf: !!timestamp 2026-01-01\n"
    "g: !custom x\nh: ! 12\ni: !!binary aGk=\nj: !!python/name:os.system x\nk: !!str\n",
    "a: !!seq [1, 2]\nb: !!map {x: 1}\nc: !custom [1]\nd: !other {x: 1}\ne: ! [1]\nf: !!set {x}\n",
    "!!int 1: a\n!custom k: b\n? !!str yes\n: c\n",
    "list:\n  - 1\n  - yes\n  - !!str 2\n  - [true, ~, 2026-01-01, 1.25, '0755']\n  - {a: 0755}\n",
    "base: &b {amount: 1.5, flag: on, text: 'off', when: 2026-02-30}\nuse: *b\nitems: &i [1, no, \"12\", x]\n"
    "again: *i\nquoted: &q 'yes'\nsame: *q\n",
    "- !!int 7\n- !custom 8\n- plain\n",
    "x: " + "[" * 120 + "]" * 120 + "\ny: yes\n",
]


def _same_with_the_stock_loader(text):
    import salesgen.yamlsource as source

    fast = parse(text, "f.yaml")
    source._FastLoader, fast_loader = source._Loader, source._FastLoader  # tags as PyYAML's resolver gives them
    try:
        stock = parse(text, "f.yaml")
    finally:
        source._FastLoader = fast_loader
    assert source._FastLoader.resolve is slice  # the fast loader was the one measured against it
    assert fast[0] == stock[0]
    assert [(p.rule, p.line, p.column, str(p.message), p.path) for p in fast[1]] == \
        [(p.rule, p.line, p.column, str(p.message), p.path) for p in stock[1]]
    assert [pos for _path, pos in iter_positions(fast[0])] == [pos for _path, pos in iter_positions(stock[0])]
    return fast


@pytest.mark.parametrize("text", TAGGED)
def test_tags_resolved_by_the_builder_are_those_of_pyyaml_s_resolver(text):
    _same_with_the_stock_loader(text)


def test_the_builder_resolves_each_kind_of_tag_as_the_method_reads_it():
    value, problems = _same_with_the_stock_loader(TAGGED[0])
    assert value["b"] == 12 and value["d"] == Decimal("1.5") and value["i"] is None and value["l"] == "2026-02-28"
    assert value["g"] == "yes" and value["a"] == "plain"
    assert ("yaml-ambiguous-value", "g") in [(p.rule, p.path[-1]) for p in problems]
    value, problems = _same_with_the_stock_loader(TAGGED[2])
    assert value["a"] == "12" and value["b"] == 12 and value["k"] == ""  # !!str and !!int as written
    assert {p.path[-1] for p in problems if p.rule == "yaml-tag"} >= {"g", "i", "j"}
    _value, problems = _same_with_the_stock_loader(TAGGED[3])
    assert {p.path[-1] for p in problems if p.rule == "yaml-tag"} == {"c", "d", "f"}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "yes", "1"]),
                          st.sampled_from(["x", "12", "1.5", "yes", "~", "2026-01-01", "'q'", "!!str 3", "!t v", "! 4",
                                           "[1, no]", "{k: off}", "!!map {k: 1}", "0755", ".nan", ""])),
                min_size=1, max_size=8))
def test_any_mix_of_tags_reads_as_with_the_stock_loader(entries):
    _same_with_the_stock_loader("".join(f"{key}: {value}\n" for key, value in entries))
