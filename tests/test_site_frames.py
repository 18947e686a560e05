"""The reused theme frame (``Frames`` in salesgen/site/compat.py): the same bytes as Material's own render, or no reuse.

The whole example site is built twice, once with frames reused and once with every page
rendered by Material in full, and compared file by file. The fallbacks are checked
on small Jinja environments whose "theme" puts something other than the slots into the
frame.
"""
from __future__ import annotations

import gc
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from jinja2 import DictLoader, Environment

from conftest import copy_example
from salesgen.cli import cli
from salesgen.site import compat, incremental



def build(root: Path, out: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--site-dir", str(out), "--as-of", "2026-11-20"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output


def site_files(site: Path) -> dict:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and p.name not in ("sitemap.xml.gz", incremental.MANIFEST)}  # the manifest: build state


def test_reused_frames_give_the_bytes_of_materials_full_render(tmp_path, monkeypatch):
    root = copy_example(tmp_path / "repo", site_config=True)
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as config:  # a canonical address on every page
        config.write("site_url: https://sales.example.com/pipeline/\n")
    counts = {}
    original = compat.Frames.render

    def counting(self, context):
        html = original(self, context)
        counts["reused"], counts["rendered"] = self.reused, self.rendered
        return html

    full_renders = []
    original_full = compat.Frames.full

    def recording(self, context):
        full_renders.append(context["page"].file.src_uri)
        return original_full(self, context)

    monkeypatch.setattr(compat.Frames, "render", counting)
    monkeypatch.setattr(compat.Frames, "full", recording)
    build(root, tmp_path / "reused")
    assert counts["reused"] > 20, counts  # most deal, customer and rep pages come from a reused frame
    # the forms pages (one per deal, all alike) are one group: cut once, checked once, then joined
    assert len([uri for uri in full_renders if uri.endswith("/forms/index.md")]) == 2
    monkeypatch.setattr(compat.Frames, "full", original_full)
    monkeypatch.setattr(compat, "reusable", lambda plugins: False)
    build(root, tmp_path / "full")
    reused, full = site_files(tmp_path / "reused"), site_files(tmp_path / "full")
    assert reused.keys() == full.keys()
    different = [name for name in full if reused[name] != full[name]]
    assert different == []
    assert b'<link rel="canonical" href="https://sales.example.com/pipeline/deals/temp-capacity-expansion/">' \
        in reused["deals/temp-capacity-expansion/index.html"]
    assert gc.isenabled()  # paused while MkDocs read the pages, resumed after


def test_a_paused_collector_stays_paused(tmp_path):
    root = copy_example(tmp_path / "repo", site_config=True)
    gc.disable()
    try:
        build(root, tmp_path / "site")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_generated_pages_never_reach_python_markdown(tmp_path, monkeypatch):
    import markdown

    root = copy_example(tmp_path / "repo")
    made = []
    original = markdown.Markdown.__init__

    def init(self, *args, **kwargs):
        made.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(markdown.Markdown, "__init__", init)
    build(root, tmp_path / "site")
    deals = len(list((root / "deals").rglob("*.yaml")))
    assert (tmp_path / "site" / "deals").is_dir()
    assert len(made) < deals  # only the few index pages MkDocs itself creates, never one per deal


# --- the fallbacks, on a small "theme" -----------------------------------------------------------

class Page:
    def __init__(self, name: str, title: str, body: str, canonical: str | None = None):
        self.meta = {"title": title}
        self.content = body
        self.canonical_url = canonical
        self.url = f"deals/{name}/"
        self.file = SimpleNamespace(src_uri=f"deals/{name}/index.md")
        self.toc = []
        self.is_homepage = False
        self.previous_page = self.next_page = self.parent = None


def render_all(main: str, pages: list) -> tuple[list, compat.Frames]:
    env = Environment(loader=DictLoader({"main.html": main}))
    reuse = compat.Frames(env)
    out = [reuse.render({"page": page, "base_url": "../.."}) for page in pages]
    expected = [env.get_template("main.html").render({"page": page, "base_url": "../.."}) for page in pages]
    assert out == expected  # whatever the theme does, the pages are what it renders
    return out, reuse


def pages(count: int, canonical: bool = False) -> list:
    return [Page(f"d{i}", f"Deal {i} &amp; co", f"<h1>Deal {i}</h1><p>body {i}</p>",
                 f"https://example.com/deals/d{i}/" if canonical else None) for i in range(count)]


def test_a_frame_with_only_the_slots_is_reused():
    main = ("<title>{{ page.meta.title }} - Site</title>{% if page.canonical_url %}<link href='{{ page.canonical_url }}'>"
            "{% endif %}<header>{{ page.meta.title }}</header><main>{{ page.content }}</main>")
    _, reuse = render_all(main, pages(10, canonical=True))
    assert reuse.reused == 8  # the first page cuts the frame, the second checks it, the rest are joined


def test_a_frame_showing_more_of_the_page_falls_back_to_the_full_render():
    main = "<title>{{ page.meta.title }}</title><a href='{{ page.url }}'>here</a>{{ page.content }}"
    _, reuse = render_all(main, pages(6))
    assert reuse.reused == 0


def test_a_frame_that_transforms_a_slot_falls_back_to_the_full_render():
    main = "<title>{{ page.meta.title | upper }}</title>{{ page.content }}"
    _, reuse = render_all(main, pages(6))
    assert reuse.reused == 0


def test_a_page_without_a_heading_is_not_joined_into_a_frame_cut_with_one():
    main = "{% if '<h1' not in page.content %}<h1>{{ page.meta.title }}</h1>{% endif %}{{ page.content }}"
    plain = [Page(f"p{i}", f"P{i}", f"<p>no heading {i}</p>") for i in range(5)]
    render_all(main, pages(4) + plain)


@pytest.mark.parametrize("plugins, expected", [
    (["search", "salesgen"], True),
    (["material/search", "salesgen", "offline"], True),
    (["search", "salesgen", "git-revision-date-localized"], False),
])
def test_frames_are_reused_only_with_known_plugins(plugins, expected):
    assert compat.reusable(plugins) is expected
