"""The site build drops what its pages do not read (salesgen/site/lean.py), and no page changes for it.

The oracle is the site made from the lint result as lint left it: every page's title, body,
search summary and table of contents, rendered from a slimmed result, must be the same
text. The example repository and a generated one are rendered as of their day and as of a
past day (the pipeline reconstructed from the files' history, which reads activities and
stage entries).
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_example
from salesgen.cli import cli
from salesgen.engine import lint
from salesgen.site import lean
from salesgen.site.data import SiteData
from salesgen.site.pages import pages
from salesgen.synthetic import generate
from salesgen.yamlsource import Mapping, Sequence, forget_positions, parse

TODAY = dt.date(2026, 11, 20)
PAST = dt.date(2026, 6, 30)


def site_text(result) -> dict:
    data = SiteData(result)
    return {spec.src_uri: (spec.title, spec.render(), spec.summary(), tuple(spec.toc)) for spec in pages(data)}


def containers(node):
    """Every mapping and sequence of a loaded document, ``node`` first."""
    yield node
    values = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for value in values:
        if isinstance(value, (Mapping, Sequence)):
            yield from containers(value)


@pytest.fixture(scope="module")
def repositories(tmp_path_factory) -> list[Path]:
    base = tmp_path_factory.mktemp("lean")
    example = copy_example(base / "example")
    generated = base / "generated"
    generate(generated, deals=60, customers=12, seed=5, as_of=TODAY)
    return [example, generated]


@pytest.mark.parametrize("as_of", [TODAY, PAST], ids=["today", "past"])
def test_no_page_changes_when_the_parsed_files_are_slimmed(repositories, as_of):
    for root in repositories:
        expected = site_text(lint(root, as_of, past=True))
        result = lint(root, as_of, past=True)
        lean.slim(result.repo)
        assert site_text(result) == expected, root.name


def test_slim_drops_every_position_and_the_fields_the_model_holds(repositories):
    result = lint(repositories[1], TODAY, past=True)
    deals = list(result.repo.deals.values())
    assert any(d.activities for d in deals) and any(d.stage_history for d in deals)
    assert any(m.position(k) is not None for d in result.repo.documents for m in containers(d.data)
               if isinstance(m, Mapping) for k in m)  # there were positions to drop
    counts = [(len(d.activities), len(d.stage_history)) for d in deals]
    lean.slim(result.repo)
    for document in result.repo.documents:
        for node in containers(document.data):
            if isinstance(node, Mapping):
                assert all(node.position(key) is None for key in node), document.file
            else:
                assert all(node.position(index) is None for index in range(len(node))), document.file
    for deal in deals:
        assert "activities" not in deal.raw and "stage_history" not in deal.raw
    assert [(len(d.activities), len(d.stage_history)) for d in deals] == counts  # the model keeps them
    lean.slim(result.repo)  # twice is once (serve may hand the same result to a second build)
    assert [(len(d.activities), len(d.stage_history)) for d in deals] == counts


def test_forget_positions_keeps_the_values():
    text = "a: 1\nb:\n  - x: [1, 2]\n    y: {z: 3}\n  - 4\n"
    data, problems = parse(text, "t.yaml")
    assert problems == []
    assert data["b"][0].position("y") is not None
    forget_positions(data)
    assert data == {"a": 1, "b": [{"x": [1, 2], "y": {"z": 3}}, 4]}
    assert [node.position(key) for node in containers(data) if isinstance(node, Mapping) for key in node] == \
        [None] * 5
    assert [node.position(0) for node in containers(data) if isinstance(node, Sequence)] == [None] * 2


def test_a_build_that_renders_every_page_slims_and_one_that_keeps_pages_does_not(repositories, tmp_path,
                                                                                  monkeypatch):
    root = tmp_path / "repo"
    shutil.copytree(repositories[1], root)
    calls = []
    slim = lean.slim
    monkeypatch.setattr(lean, "slim", lambda repo: calls.append(len(repo.deals)) or slim(repo))

    def build(*options):
        result = CliRunner().invoke(cli, ["build", "--root", str(root), "--site-dir", str(tmp_path / "site"),
                                          "--as-of", TODAY.isoformat(), "--allow-errors", *options])
        assert result.exit_code == 0, result.output

    build()  # the first build renders every page
    assert calls == [60]
    deal = sorted((root / "deals").rglob("*.yaml"))[0]
    deal.write_text(re.sub(r"(?m)^name: ", "name: Edited ", deal.read_text(encoding="utf-8"), count=1),
                    encoding="utf-8")
    build()  # keeps all but the edited deal's pages and the summaries: the parsed files stay as they are
    assert calls == [60]
    build("--full")
    assert calls == [60, 60]
