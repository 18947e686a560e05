"""The editing layer: precise text edits that keep everything else byte for byte, atomic writes."""
from __future__ import annotations

import datetime as dt
import os
import stat
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesgen.editing import EditableDocument, EditError, WriteError, create_new, write_all, write_atomic
from salesgen.editing import atomic, render
from salesgen.yamlsource import parse

DEAL = """\
# A deal full of comments.
id: acme-line   # the id
name: 'Acme 生产线'
owner: "liu-yang"    # quoted on purpose
pipeline: project
stage: visit

team: {presales: liu-yang, executive: zhao-wei}   # flow style
stage_history:
  - stage: planning   # first
    date: 2026-09-01
  - stage: visit
    date: 2026-10-01
    # reason: none needed
# between sections
activities:
- date: 2026-10-02
  type: call
  summary: |
    two lines
    of text

# trailing comment at the top level
tags: [a, b]
"""


def doc(text: str = DEAL) -> EditableDocument:
    return EditableDocument(text.encode("utf-8"), "deals/acme-line.yaml")


def test_set_replaces_only_the_value_and_keeps_its_quoting():
    d = doc()
    d.set(("owner",), "chen-ming")
    d.set(("name",), "Acme 新线")
    d.set(("stage",), "proposal")
    expected = (DEAL.replace('owner: "liu-yang"', 'owner: "chen-ming"')
                .replace("name: 'Acme 生产线'", "name: 'Acme 新线'")
                .replace("stage: visit\n\n", "stage: proposal\n\n"))
    assert d.text == expected
    assert d.data["owner"] == "chen-ming" and d.data["stage"] == "proposal"


def test_set_inside_a_flow_mapping():
    d = doc()
    d.set(("team", "presales"), "wang-xing")
    assert d.text == DEAL.replace("{presales: liu-yang,", "{presales: wang-xing,")


def test_append_to_a_block_list_keeps_the_item_style_and_its_trailing_comment():
    d = doc()
    d.append(("stage_history",), {"stage": "proposal", "date": dt.date(2026, 11, 20), "reason": "a: b"})
    new_item = '  - stage: proposal\n    date: 2026-11-20\n    reason: "a: b"\n'
    anchor = "    # reason: none needed\n"
    assert d.text == DEAL.replace(anchor, anchor + new_item)
    assert d.data["stage_history"][-1] == {"stage": "proposal", "date": "2026-11-20", "reason": "a: b"}


def test_append_to_an_indentless_list_after_a_block_scalar():
    d = doc()
    d.append(("activities",), {"date": dt.date(2026, 11, 20), "type": "handover", "who": "chen-ming",
                               "summary": "Handover from liu-yang to chen-ming (离职交接)"})
    anchor = "    of text\n"
    new_item = ("- date: 2026-11-20\n  type: handover\n  who: chen-ming\n"
                "  summary: Handover from liu-yang to chen-ming (离职交接)\n")
    assert d.text == DEAL.replace(anchor, anchor + new_item)
    assert d.data["activities"][0]["summary"] == "two lines\nof text\n"


def test_append_keeps_a_keep_chomping_block_scalar_intact():
    text = "id: x\nitems:\n  - note: |+\n      kept\n\n  - note: b\n"
    d = doc(text.replace("  - note: b\n", ""))
    d.append(("items",), {"note": "c"})
    assert d.data["items"] == [{"note": "kept\n\n"}, {"note": "c"}]


def test_append_to_flow_lists_and_flow_items():
    d = doc()
    d.append(("tags",), "c")
    assert d.text == DEAL.replace("tags: [a, b]", "tags: [a, b, c]")
    flow_items = "id: x\nstage_history:\n  - {stage: planning, date: 2026-09-01}\n"
    d = doc(flow_items)
    d.append(("stage_history",), {"stage": "visit", "date": dt.date(2026, 10, 1)})
    assert d.text == flow_items + "  - {stage: visit, date: 2026-10-01}\n"


def test_a_missing_key_is_added_at_the_end_or_under_its_commented_example():
    d = doc()
    d.set(("lost_reason",), {"code": "price", "note": "太贵"})
    assert d.text == DEAL + "lost_reason:\n  code: price\n  note: 太贵\n"
    skeleton = "id: x\n# contacts:\n#   - id: x-boss\n#     name: 王总\n\n# other notes\n"
    d = doc(skeleton)
    d.append(("contacts",), {"id": "x-li", "name": "李"})
    assert d.text == skeleton.replace("王总\n", "王总\ncontacts:\n  - id: x-li\n    name: 李\n")


def test_an_empty_value_becomes_a_list():
    d = doc("id: x\nactivities:   # none yet\nname: y\n")
    d.append(("activities",), {"date": dt.date(2026, 1, 2), "type": "call", "summary": "hi"})
    assert d.text == ("id: x\nactivities:   # none yet\n  - date: 2026-01-02\n    type: call\n    summary: hi\n"
                      "name: y\n")


def test_crlf_and_bom_are_preserved():
    raw = b"\xef\xbb\xbf" + DEAL.replace("\n", "\r\n").encode("utf-8")
    d = EditableDocument(raw, "x.yaml")
    d.set(("owner",), "chen-ming")
    d.append(("stage_history",), {"stage": "proposal", "date": dt.date(2026, 11, 20)})
    out = d.to_bytes()
    assert out.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in out.replace(b"\r\n", b"")
    assert b'owner: "chen-ming"    # quoted on purpose\r\n' in out
    assert b"  - stage: proposal\r\n    date: 2026-11-20\r\n" in out


def test_an_edit_that_would_change_more_is_refused_and_leaves_the_text():
    text = "id: x\nowner: &rep liu-yang\nteam: {presales: *rep}\n"
    d = doc(text)
    with pytest.raises(EditError, match="more than that value"):
        d.set(("owner",), "chen-ming")
    assert d.text == text and not d.changed


def test_a_file_that_does_not_read_cleanly_is_not_edited():
    with pytest.raises(EditError, match="line 3"):
        doc("id: x\nowner: a\nowner: b\n")


def test_block_scalars_are_not_replaced():
    with pytest.raises(EditError, match="not a one-line value"):
        doc().set(("activities", 0, "summary"), "x")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40), st.booleans())
def test_any_text_is_written_so_that_it_reads_back_the_same(text, in_flow):
    rendered = render.flow({"k": text}) if in_flow else "k: " + render.scalar(text)
    value, problems = parse(rendered + "\n", "t.yaml")
    assert problems == [] and value == {"k": text}, rendered
    if in_flow:
        value, problems = parse(render.flow([text, text]) + "\n", "t.yaml")
        assert problems == [] and value == [text, text]


def test_flow_context_quotes_what_only_block_context_allows():
    assert render.flow({"k": ":0"}) == '{k: ":0"}'  # found by hypothesis: plain in a block, not in a flow


def test_values_are_written_as_people_write_them():
    assert render.scalar(dt.date(2026, 11, 20)) == "2026-11-20"
    assert render.scalar(Decimal("1200000.50")) == "1200000.50"
    assert render.scalar("yes") == '"yes"'
    assert render.scalar("zhang-jiaqiang") == "zhang-jiaqiang"
    with pytest.raises(TypeError):
        render.scalar(1.5)


# -- atomic writes ---------------------------------------------------------------------


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_write_atomic_replaces_content_and_keeps_permissions(tmp_path):
    path = tmp_path / "deal.yaml"
    path.write_bytes(b"old\n")
    os.chmod(path, 0o640)
    write_atomic(path, b"new\n")
    assert path.read_bytes() == b"new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_a_failed_rename_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "deal.yaml"
    path.write_bytes(b"old content\n")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", broken_replace)
    with pytest.raises(WriteError, match="No space left"):
        write_atomic(path, b"new content\n")
    assert path.read_bytes() == b"old content\n"
    assert leftovers(tmp_path) == []


def test_an_interrupt_halfway_through_writing_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "deal.yaml"
    path.write_bytes(b"old content\n")

    def interrupted_fsync(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "fsync", interrupted_fsync)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, b"new content that never lands\n")
    assert path.read_bytes() == b"old content\n"
    assert leftovers(tmp_path) == []


def test_write_all_renames_nothing_when_one_file_cannot_be_prepared(tmp_path, monkeypatch):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_bytes(b"a\n")
    second.write_bytes(b"b\n")
    real = atomic._write_temp

    def fail_on_second(path, data):
        if path.name == "b.yaml":
            raise OSError(13, "Permission denied")
        return real(path, data)

    monkeypatch.setattr(atomic, "_write_temp", fail_on_second)
    with pytest.raises(WriteError, match="b.yaml"):
        write_all({first: b"A\n", second: b"B\n"})
    assert first.read_bytes() == b"a\n" and second.read_bytes() == b"b\n"
    assert leftovers(tmp_path) == []


def test_create_new_never_overwrites(tmp_path):
    path = tmp_path / "x.yaml"
    create_new(path, b"first\n")
    with pytest.raises(FileExistsError):
        create_new(path, b"second\n")
    assert path.read_bytes() == b"first\n"
    assert leftovers(tmp_path) == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30))
def test_any_new_value_changes_nothing_outside_its_own_characters(value):
    before, after = DEAL.split('"liu-yang"', 1)
    d = doc()
    d.set(("owner",), value)
    assert d.text.startswith(before + '"') and d.text.endswith('"' + after)  # quoting kept, rest untouched
    assert d.data["owner"] == value
    d.append(("stage_history",), {"stage": "x", "date": dt.date(2026, 1, 1), "reason": value})
    assert d.data["stage_history"][-1]["reason"] == value
    assert d.text.endswith("# between sections\n" + DEAL.split("# between sections\n", 1)[1])
