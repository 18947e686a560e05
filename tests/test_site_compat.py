"""salesgen/site/compat.py: the reaches into library internals, used only on the versions they were written for.

The example site is built with the fast paths, then with the stock behaviour of every
library (forced by SALESGEN_COMPAT=stock, and chosen because every version is outside
its range), and the sites are compared file by file. A source scan checks that no other
module of salesgen touches what compat.py keeps to itself.
"""
from __future__ import annotations

import ast
import gzip
import logging
import re
from pathlib import Path

import jinja2
import pytest
from click.testing import CliRunner
from markupsafe import Markup

from conftest import REPO, copy_example
from salesgen.cli import cli
from salesgen.site import compat, incremental, render


@pytest.fixture(autouse=True)
def fresh_verdicts():
    compat.reset()
    yield
    compat.reset()


def build(root: Path, out: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--site-dir", str(out), "--as-of", "2026-11-20"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output


def site_files(site: Path) -> dict:
    files = {}
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.name != incremental.MANIFEST:  # the build's record, not the site
            data = path.read_bytes()
            if path.name.endswith(".gz"):  # the gzip header holds a time stamp: compare what it holds
                data = gzip.decompress(data)
            files[path.relative_to(site).as_posix()] = data
    return files


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> tuple[Path, dict]:
    """The example repository (a canonical address on every page) and its site built with the fast paths."""
    tmp = tmp_path_factory.mktemp("compat")
    root = copy_example(tmp / "repo", site_config=True)
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("site_url: https://sales.example.com/pipeline/\n")
    compat.reset()
    counts = {"frames": 0}
    original = compat.Frames.render

    def counting(self, context):
        counts["frames"] = self.reused
        return original(self, context)

    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(compat.ENV_VAR, raising=False)
        patch.setattr(compat.Frames, "render", counting)
        index_writes = spy_index_writes(patch)
        build(root, tmp / "fast")
    assert counts["frames"] > 10  # the fast build did reuse frames: the comparison below means something
    # salesgen wrote the search index (Material's own write is what the stock builds compare it with),
    # and turned Material's write back on for a next build in the same process
    assert [(wrote, enabled) for wrote, enabled in index_writes] == [(True, True)]
    # Material had jieba cut each run of Chinese once: the stock build below has it cut every run itself
    from material.plugins.search import plugin as material_search
    assert isinstance(material_search.jieba, compat._CutOnce) and len(material_search.jieba.cuts) > 50
    return root, site_files(tmp / "fast")


def spy_index_writes(patch) -> list:
    """(whether salesgen wrote the search index, whether Material's own write was on again after the build)."""
    calls = []
    write = compat.write_index_in_parts

    def spy(config):
        wrote = write(config)
        plugin = compat.search_plugin(config)
        calls.append([wrote, None])
        restore = compat.restore_index_write

        def restored(config):
            restore(config)
            calls[-1][1] = bool(plugin.config.enabled)
        patch.setattr(compat, "restore_index_write", restored)
        return wrote
    patch.setattr(compat, "write_index_in_parts", spy)
    return calls


class Watch:
    """What a build used: frames installed, Python-Markdown instances, Jinja environments, warnings."""

    def __init__(self, monkeypatch):
        import markdown

        self.frames = self.markdown = 0
        self.warnings: list[str] = []
        install, init = compat.install_frames, markdown.Markdown.__init__

        def counting_install(env):
            self.frames += 1
            return install(env)

        def counting_init(md, *args, **kwargs):
            self.markdown += 1
            init(md, *args, **kwargs)

        monkeypatch.setattr(compat, "install_frames", counting_install)
        self.index_writes = spy_index_writes(monkeypatch)
        monkeypatch.setattr(markdown.Markdown, "__init__", counting_init)
        handler = logging.Handler(logging.WARNING)
        handler.emit = lambda record: self.warnings.append(record.getMessage())
        logger = logging.getLogger("mkdocs.plugins.salesgen")
        logger.addHandler(handler)
        self.detach = lambda: logger.removeHandler(handler)


def assert_stock_build(watch: Watch, root: Path) -> None:
    deals = len(list((root / "deals").rglob("*.yaml")))
    assert watch.frames == 0  # Material rendered every page in full
    assert watch.markdown > deals  # MkDocs made and converted every page itself
    assert type(render.environment()) is jinja2.Environment  # Jinja's own code generator and lookups


def assert_same_sites(fast: dict, other: dict) -> None:
    assert fast.keys() == other.keys()
    assert [name for name in fast if fast[name] != other[name]] == []


def test_forced_stock_behaviour_builds_the_same_site(example, tmp_path, monkeypatch):
    root, fast = example
    monkeypatch.setenv(compat.ENV_VAR, "stock")
    watch = Watch(monkeypatch)
    try:
        build(root, tmp_path / "stock")
    finally:
        watch.detach()
    assert_stock_build(watch, root)
    assert [wrote for wrote, _ in watch.index_writes] == [False]  # Material wrote its index itself
    assert watch.warnings == []  # asked for, not a surprise: nothing to warn about
    assert_same_sites(fast, site_files(tmp_path / "stock"))


class CountingJieba:
    """A stand-in for jieba: cuts at spaces, counts its cuts, and has jieba's other names (one of them)."""

    def __init__(self):
        self.cuts = []

    def cut(self, text, cut_all=False):
        self.cuts.append(text)
        return iter(text.split(b" ") if not cut_all else [text])

    def set_dictionary(self, path):
        return f"dictionary {path}"


@pytest.fixture
def material_jieba(monkeypatch):
    from material.plugins.search import plugin as material_search

    jieba = CountingJieba()
    monkeypatch.setattr(material_search, "jieba", jieba)
    monkeypatch.setattr(compat, "search_plugin", lambda config: object())
    monkeypatch.delenv(compat.ENV_VAR, raising=False)
    return material_search, jieba


def test_each_run_of_chinese_is_cut_once_per_build_to_jiebas_own_words(material_jieba, monkeypatch):
    material_search, jieba = material_jieba
    assert compat.cut_each_run_once(config=None) is True
    cutter = material_search.jieba
    assert list(cutter.cut(b"a b")) == [b"a", b"b"] == list(cutter.cut(b"a b"))
    assert jieba.cuts == [b"a b"]  # the second time from memory
    assert list(cutter.cut(b"a b", cut_all=True)) == [b"a b"]  # other ways of cutting go to jieba every time
    assert cutter.set_dictionary("d.txt") == "dictionary d.txt"  # the rest of jieba is jieba's
    assert compat.cut_each_run_once(config=None) is True  # the next build (other words taught) forgets every cut
    assert material_search.jieba.jieba is jieba
    list(material_search.jieba.cut(b"a b"))
    assert jieba.cuts == [b"a b", b"a b", b"a b"]


def test_the_cuts_remembered_are_bounded(material_jieba, monkeypatch):
    material_search, jieba = material_jieba
    monkeypatch.setattr(compat, "SEGMENTS_KEPT", 1)
    compat.cut_each_run_once(config=None)
    for text in (b"a", b"b", b"a", b"b"):
        list(material_search.jieba.cut(text))
    assert jieba.cuts == [b"a", b"b", b"b"]  # the first one is remembered, the one past the bound is not


@pytest.mark.parametrize("why", ["stock", "outside the range", "no search"])
def test_a_stock_build_has_jieba_cut_every_run_even_after_a_fast_one(material_jieba, monkeypatch, why):
    material_search, jieba = material_jieba
    compat.cut_each_run_once(config=None)  # a fast build in the same process (`serve`) went before
    if why == "stock":
        monkeypatch.setenv(compat.ENV_VAR, "stock")
    elif why == "outside the range":
        monkeypatch.setattr(compat, "installed_version", OUTSIDE.get)
        compat.reset()
    else:
        monkeypatch.setattr(compat, "search_plugin", lambda config: None)
    assert compat.cut_each_run_once(config=None) is False
    assert material_search.jieba is jieba


OUTSIDE = {"mkdocs": "1.7.0", "mkdocs-material": "10.0.0", "jinja2": "3.2.0", "markupsafe": "3.1.0"}


def test_versions_outside_the_ranges_select_the_stock_behaviour_and_say_so_once(example, tmp_path, monkeypatch):
    root, fast = example
    monkeypatch.delenv(compat.ENV_VAR, raising=False)
    monkeypatch.setattr(compat, "installed_version", OUTSIDE.get)
    watch = Watch(monkeypatch)
    try:
        build(root, tmp_path / "outside")
        build(root, tmp_path / "again")  # `mkdocs serve` builds again in the same process
    finally:
        watch.detach()
    assert_stock_build(watch, root)
    assert len(watch.warnings) == len(OUTSIDE)
    for name, version in OUTSIDE.items():
        [line] = [w for w in watch.warnings if f"{name} {version} " in w]
        assert "\n" not in line and "same site" in line
    assert_same_sites(fast, site_files(tmp_path / "outside"))


@pytest.mark.parametrize("name, version, expected", [
    ("mkdocs", "1.6.0", True), ("mkdocs", "1.6.1", True), ("mkdocs", "1.5.3", False), ("mkdocs", "1.7.0", False),
    ("mkdocs-material", "9.5.0", True), ("mkdocs-material", "9.8.2", True), ("mkdocs-material", "9.4.14", False),
    ("mkdocs-material", "10.0.0", False),
    ("jinja2", "3.1.0", True), ("jinja2", "3.1.6", True), ("jinja2", "3.0.3", False), ("jinja2", "3.2.0", False),
    ("markupsafe", "3.0.0", True), ("markupsafe", "3.0.3", True), ("markupsafe", "2.1.5", False),
    ("markupsafe", "3.1.0", False),
    ("jinja2", None, False), ("jinja2", "not a version", False),
])
def test_the_fast_paths_are_taken_only_inside_the_ranges(monkeypatch, name, version, expected):
    monkeypatch.delenv(compat.ENV_VAR, raising=False)
    monkeypatch.setattr(compat, "installed_version", lambda distribution: version)
    assert compat.supported(name) is expected


@pytest.mark.parametrize("value, stock", [("stock", True), ("STOCK", True), (" stock ", True), ("", False),
                                          ("auto", False)])
def test_salesgen_compat_stock_turns_every_fast_path_off(monkeypatch, value, stock):
    monkeypatch.setattr(compat, "installed_version", {"mkdocs": "1.6.1", "mkdocs-material": "9.8.2",
                                                      "jinja2": "3.1.6", "markupsafe": "3.0.3"}.get)
    monkeypatch.setenv(compat.ENV_VAR, value)
    assert [compat.supported(name) for name in compat.SUPPORTED] == [not stock] * len(compat.SUPPORTED)
    assert (type(render.environment()) is jinja2.Environment) is stock


def test_a_mistyped_switch_is_warned_about_once_and_ignored(monkeypatch, caplog):
    monkeypatch.setattr(compat, "installed_version", {"jinja2": "3.1.6"}.get)
    monkeypatch.setenv(compat.ENV_VAR, "stok")
    logger = logging.getLogger("mkdocs.plugins.salesgen")
    logger.addHandler(caplog.handler)
    try:
        assert compat.supported("jinja2") and compat.supported("jinja2")
    finally:
        logger.removeHandler(caplog.handler)
    [record] = caplog.records
    assert record.levelno == logging.WARNING and "SALESGEN_COMPAT='stok'" in record.getMessage()


def test_the_fast_environment_renders_what_jinja_renders():
    fast = compat.page_environment((True, True), autoescape=True)
    stock = jinja2.Environment(autoescape=True)
    source = ("{{ row.name }}|{{ row.items }}|{{ row.missing }}|{{ row['a<b'] }}|{{ n }}|{{ m }}"
              "{% set x %}<{{ row.name }}>{% endset %}|{{ x }}")
    context = {"row": {"name": "A & <B>", "a<b": "'\"", "items": 1}, "n": 3, "m": Markup("<i>")}
    # ``row.items`` differs by design (the key, not the method): everything else must match Jinja exactly
    expected = stock.from_string(source.replace("row.items", "row['items']")).render(context)
    assert fast.from_string(source).render(context) == expected


# --- nothing outside compat.py reaches into the libraries' internals -------------------------------

# What compat.py keeps to itself: private methods and attributes, private modules, the classes
# subclassed or replaced, and the hooks of the reused frame.
INTERNALS = [
    r"code_generator_class", r"CodeGenerator", r"_output_child", r"jinja2\.compiler", r"_escape_inner",
    r"markupsafe\._", r"present_anchor_ids", r"links_to_anchors", r"read_source", r"\bfile\.page\b",
    r"structure\.pages", r"structure\.toc", r"get_toc", r"meta\[\"template\"\]",
    r"salesgen_frame", r"main\.html", r"ChoiceLoader", r"\.getattr\(",
    r"is_modified", r"search_index", r"add_entry_from_context", r"dirty' build",  # incremental builds
    r"_build_page", r"_populate_page", r"_epoch", r"_rebuild_cond", r"_want_rebuild",  # serve: the edited page first
    r"_norm_parts", r"_get_norm_url", r"search_index_prev",  # memory at 50,000 deals
    r"_segment_chinese", r"material\.plugins\.search",  # each run of Chinese cut once per build
]
LIBRARIES = ("mkdocs", "material", "jinja2", "markupsafe")


def modules() -> dict:
    return {path.relative_to(REPO).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted((REPO / "salesgen").rglob("*.py"))}


def test_no_module_but_compat_touches_the_known_internals():
    sources = modules()
    compat_source = sources.pop("salesgen/site/compat.py")
    for pattern in INTERNALS:
        assert re.search(pattern, compat_source), pattern  # the list names what compat.py really does
        assert [name for name, text in sources.items() if re.search(pattern, text)] == [], pattern


def test_no_module_but_compat_imports_a_private_name_of_the_libraries():
    for name, text in modules().items():
        if name == "salesgen/site/compat.py":
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported = [node.module + "." + alias.name for alias in node.names]
            elif isinstance(node, ast.Import):
                imported = [alias.name for alias in node.names]
            else:
                continue
            for dotted in imported:
                parts = dotted.split(".")
                if parts[0] in LIBRARIES:
                    assert not any(part.startswith("_") for part in parts), (name, dotted)


def test_the_readme_states_the_ranges_and_the_switch():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for specifier in compat.SUPPORTED.values():
        assert f"`{specifier}`" in readme, specifier
    assert f"{compat.ENV_VAR}=stock" in readme


# Names that, in salesgen's code, hold MkDocs, Material or Jinja objects (hook arguments and the like).
LIBRARY_OBJECTS = {"page", "file", "files", "config", "nav", "env", "environment", "theme", "template", "md",
                   "context", "plugins", "server", "builder"}


def test_no_module_but_compat_reads_a_private_attribute_of_a_library_object():
    found = []
    for name, text in modules().items():
        if name == "salesgen/site/compat.py":
            continue
        tree = ast.parse(text)
        libraries = {alias.asname or alias.name.split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names
                     if (getattr(node, "module", None) or alias.name).split(".")[0] in LIBRARIES}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                root = node.value
                while isinstance(root, (ast.Attribute, ast.Subscript, ast.Call)):
                    root = root.value if not isinstance(root, ast.Call) else root.func
                if isinstance(root, ast.Name) and (root.id in LIBRARY_OBJECTS or root.id in libraries):
                    found.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "setattr")
                    and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)
                    and str(node.args[1].value).startswith("_") and isinstance(node.args[0], ast.Name)
                    and node.args[0].id in LIBRARY_OBJECTS | libraries):
                found.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
    assert found == []


@pytest.mark.parametrize("stock", [False, True], ids=["fast", "stock"])
def test_mkdocs_url_caches_are_emptied_only_on_the_fast_path(monkeypatch, stock):
    from mkdocs import utils

    monkeypatch.setenv(compat.ENV_VAR, "stock" if stock else "auto")
    utils.get_relative_url("deals/a/", "deals/b/")
    utils.normalize_url("deals/a/")
    assert utils._norm_parts.cache_info().currsize > 0 and utils._get_norm_url.cache_info().currsize > 0
    compat.trim_url_caches()
    sizes = [utils._norm_parts.cache_info().currsize, utils._get_norm_url.cache_info().currsize]
    assert (sizes == [0, 0]) is not stock


@pytest.mark.parametrize("form", ["pretty", "fields"])
def test_the_search_index_head_is_materials_own_or_material_writes_the_index(example, tmp_path, monkeypatch, form):
    """The settings before the entries differ between Material's versions (9.5 has no "fields").

    Material makes the head of the file, so a version with other settings gets its own bytes
    ("fields"); a version writing another layout ("pretty") writes its index itself.
    """
    import json

    from material.plugins.search.plugin import SearchIndex

    root, fast = example
    original = SearchIndex.generate_search_index

    def other_version(self, prev):
        data = json.loads(original(self, prev))
        data["config"] = {"lang": data["config"]["lang"], "version": form}  # settings this code never named
        if form == "pretty":
            return json.dumps(data, indent=1, default=str)
        return json.dumps(data, separators=(",", ":"), default=str)

    monkeypatch.delenv(compat.ENV_VAR, raising=False)
    monkeypatch.setattr(SearchIndex, "generate_search_index", other_version)
    watch = Watch(monkeypatch)
    try:
        build(root, tmp_path / "site")
    finally:
        watch.detach()
    assert [wrote for wrote, _ in watch.index_writes] == [form == "fields"]
    written = (tmp_path / "site" / "search" / "search_index.json").read_text(encoding="utf-8")
    expected = json.loads(fast["search/search_index.json"])
    expected["config"] = {"lang": expected["config"]["lang"], "version": form}
    if form == "pretty":
        assert written == json.dumps(expected, indent=1, default=str)
    else:
        assert written == json.dumps(expected, separators=(",", ":"), default=str)
