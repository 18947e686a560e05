"""Every reach into MkDocs, Material, Jinja and MarkupSafe internals, in this one module.

The site is quick to build because of a few things that none of those libraries
documents or promises to keep:

- the reused frame: Material's page frame is rendered once per kind of page, cut where
  the title, body and canonical address go, and the pages are joined around it
  (``Frames``);
- generated pages: a ``Page`` subclass that replaces ``read_source`` and ``render`` and
  is registered on ``file.page`` before MkDocs would make its own, so that no page of
  ours goes through Python-Markdown (``generated_page``); it also fills the page's
  ``present_anchor_ids`` (``set_page_toc``);
- a Jinja code generator subclass that overrides a private method so that ``{{ value }}``
  compiles to MarkupSafe's escaping without a Markup object per value, using
  MarkupSafe's private ``_escape_inner``, and an ``Environment.getattr`` that looks a
  dict's key up first (``page_environment``).

Each was written for, and is tested on, the versions in ``SUPPORTED``. With any other
version of the library it depends on, or with ``SALESGEN_COMPAT=stock`` in the
environment, the stock, documented behaviour is used instead: Material renders every
page in full, MkDocs makes and converts its own pages, Jinja compiles with its own
code generator and looks attributes up its own way. The site is the same bytes either
way (``tests/test_site_compat.py`` builds it both ways); only the build time differs.
A version outside the range is said once per library, as a one-line warning.
"""
from __future__ import annotations

import functools
import logging
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from importlib import metadata

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

log = logging.getLogger("mkdocs.plugins.salesgen")

ENV_VAR = "SALESGEN_COMPAT"  # "stock": the documented behaviour of every library, whatever the versions
# The versions each reach below was written for and tested on (distribution name -> specifier).
SUPPORTED = {
    "mkdocs": ">=1.6,<1.7",  # GeneratedPage, file.page, present_anchor_ids
    "mkdocs-material": ">=9.5,<10",  # the reused frame (main.html, where the slots are); the search index's write;
    # its search plugin's global jieba
    "jinja2": ">=3.1,<3.2",  # PageCodeGenerator._output_child_pre, Environment.getattr
    "markupsafe": ">=3.0,<3.1",  # markupsafe._speedups._escape_inner
}
_warned: set[str] = set()


# ---------------------------------------------------------------------------------- versions

def installed_version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def stock_forced() -> bool:
    """True when ``SALESGEN_COMPAT=stock``: no reach into any library's internals.

    ``auto`` (or unset) lets the versions decide; any other value is warned about once and ignored.
    """
    value = os.environ.get(ENV_VAR, "").strip().lower()
    if value == "stock":
        return True
    if value not in ("", "auto") and ENV_VAR not in _warned:
        _warned.add(ENV_VAR)
        log.warning(f"salesgen: {ENV_VAR}={value[:60]!r} is neither 'stock' nor 'auto': ignored "
                    f"(the fast paths stay on where the library versions allow them)")
    return False


def supported(distribution: str) -> bool:
    """True when the fast path for ``distribution`` may be used (its version is in ``SUPPORTED``).

    Read once per process; a version outside the range is warned about once, never raised.
    """
    return not stock_forced() and _in_range(distribution)


@functools.lru_cache(maxsize=None)
def _in_range(distribution: str) -> bool:
    found = installed_version(distribution)
    try:
        ok = found is not None and Version(found) in SpecifierSet(SUPPORTED[distribution])
    except InvalidVersion:
        ok = False
    if not ok and distribution not in _warned:
        _warned.add(distribution)
        installed = "is not installed" if found is None else f"{found[:60]} is installed"
        log.warning(f"salesgen: {distribution} {installed}, its speed-ups were written for "
                    f"{SUPPORTED[distribution]}: using its stock, documented behaviour instead (the same site, "
                    f"built more slowly; {ENV_VAR}=stock chooses it without this warning)")
    return ok


def reset() -> None:
    """Forget the versions read and the warnings given (for tests that change them)."""
    _in_range.cache_clear()
    _warned.clear()


# ---------------------------------------------------------------------------------- Jinja and MarkupSafe

def jinja_fast_paths() -> tuple[bool, bool]:
    """Which fast paths the page environment may take: (Jinja's, MarkupSafe's); a cache key."""
    return supported("jinja2"), supported("markupsafe")


def page_environment(fast_paths: tuple[bool, bool], **options):
    """A Jinja environment for the page templates: ``PageEnvironment`` on supported Jinja, else Jinja's own."""
    from jinja2 import Environment

    jinja, markupsafe = fast_paths
    if not jinja:
        return Environment(**options)
    env = _page_environment_class()(**options)
    env.html_text = _fast_html_text if markupsafe else _stock_html_text
    return env


def _stock_html_text(value) -> str:
    from markupsafe import escape

    return str(escape(value))


def _fast_html_text(value) -> str:
    """``str(escape(value))`` without the Markup object: MarkupSafe's own escaping, byte for byte."""
    if type(value) is str:
        return _escape_inner(value)
    html = getattr(value, "__html__", None)
    if html is not None:
        return html()
    return _escape_inner(str(value))


try:
    from markupsafe._speedups import _escape_inner  # what escape() itself calls: C, str in, str out
except ImportError:  # pure-Python MarkupSafe, or another version's layout
    def _escape_inner(text: str) -> str:
        from markupsafe import escape

        return str(escape(text))


@functools.lru_cache(maxsize=None)
def _page_environment_class():
    from jinja2 import Environment
    from jinja2.compiler import CodeGenerator

    class PageCodeGenerator(CodeGenerator):
        """Compiles ``{{ value }}`` to ``environment.html_text(value)`` where Jinja writes ``escape(value)``.

        What a template outputs is only ever joined into the page (or into a macro's or a
        ``set`` block's text, which Jinja marks safe as a whole), so wrapping every escaped
        value in a Markup object first is wasted work: two Python calls per value, a sixth
        of the time of a deal page. The escaping is MarkupSafe's, byte for byte.
        """

        def _output_child_pre(self, node, frame, finalize) -> None:
            if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
                self.write("environment.html_text(")
                if finalize.src is not None:
                    self.write(finalize.src)
            else:
                super()._output_child_pre(node, frame, finalize)

    class PageEnvironment(Environment):
        """Jinja with escaped output as plain text (``PageCodeGenerator``), and ``row.key`` on a dict
        with that key a lookup, not a failed getattr first.

        The page templates read dicts (YAML mappings, rows prepared for the page) with dot
        syntax; Jinja tries the attribute first and handles the AttributeError for each
        one, about a third of the time of a deal page. A key that is present wins, as it
        would in ``row["key"]``; a missing key that is not a dict method is undefined at once
        (so ``row.key`` is as cheap as ``row.get("key")`` and renders the same: nothing);
        ``row.get``, ``row.items`` and the like are the usual lookup.
        """

        code_generator_class = PageCodeGenerator

        def getattr(self, obj, attribute):
            if type(obj) is dict:
                if attribute in obj:
                    return obj[attribute]
                if not hasattr(dict, attribute):  # a key the mapping lacks: undefined, without two failed lookups
                    return self.undefined(obj=obj, name=attribute)
            return Environment.getattr(self, obj, attribute)

    return PageEnvironment


# ---------------------------------------------------------------------------------- MkDocs pages

def generated_page(file, config) -> None:
    """Give ``file`` (generated, empty) a page that skips reading and Markdown; stock MkDocs makes its own."""
    if supported("mkdocs"):
        _generated_page_class()(None, file, config)  # Page.__init__ sets file.page: MkDocs then keeps it


_NO_ANCHORS: frozenset = frozenset()


@functools.lru_cache(maxsize=None)
def _generated_page_class():
    from mkdocs.structure.pages import Page

    class GeneratedPage(Page):
        """A page whose body salesgen renders: there is no source to read and no Markdown to convert."""

        def read_source(self, config) -> None:
            self.markdown, self.meta = "", {}

        def render(self, config, files) -> None:  # the table of contents comes just before the page is written
            self.content, self.toc, self.present_anchor_ids, self.links_to_anchors = "", _empty_toc(), _NO_ANCHORS, None

    return GeneratedPage


def set_page_toc(page, entries) -> None:
    """The page's table of contents: ``entries`` are (anchor id, title as HTML), all at level 2."""
    from mkdocs.structure.toc import get_toc

    page.toc = get_toc([{"level": 2, "id": anchor, "name": title, "children": []} for anchor, title in entries])
    if supported("mkdocs"):  # what MkDocs checks links to this page's anchors against
        page.present_anchor_ids = _anchor_set(tuple(anchor for anchor, _ in entries))


@functools.lru_cache(maxsize=256)  # deal pages share a handful of section lists: one set each, not one per page
def _anchor_set(anchors: tuple) -> frozenset:
    return frozenset(anchors)


def release_page_toc(page) -> None:
    """Forget a written page's table of contents (MkDocs reads only its anchors afterwards)."""
    page.toc = _empty_toc()


@functools.lru_cache(maxsize=None)
def _empty_toc():
    """One empty table of contents for every page that has none now (nothing adds to a built page's)."""
    from mkdocs.structure.toc import get_toc

    return get_toc([])


URL_CACHES = ("_norm_parts", "_get_norm_url")  # mkdocs.utils: unbounded caches of every page's URL


def trim_url_caches() -> None:
    """Empty MkDocs' caches of normalised URLs, which keep an entry per page for the whole build (some 40 MB
    at 50,000 deals); the URLs every page uses (assets, navigation) are cached again at the next page."""
    if not supported("mkdocs"):
        return
    from mkdocs import utils

    for name in URL_CACHES:
        clear = getattr(getattr(utils, name, None), "cache_clear", None)
        if clear is not None:
            clear()


# ---------------------------------------------------------------------------------- the reused frame

FRAME_TEMPLATE = "salesgen-frame.html"  # what a page with a reusable frame names as its template
FRAME_SOURCE = "{{ salesgen_frame() }}"
SAFE_PLUGINS = frozenset({"search", "material/search", "offline", "material/offline", "salesgen"})
SLOTS = ("title", "body", "canonical")


def reusable(plugin_names) -> bool:
    """True when no plugin outside SAFE_PLUGINS could write into the frame."""
    return set(plugin_names) <= SAFE_PLUGINS


def frame_reuse_supported(config) -> bool:
    """Whether this build may reuse Material's frame: known plugins, the Material theme, supported versions."""
    if not reusable(config.plugins.keys()) or config.theme.name != "material":
        return False
    mkdocs, material = supported("mkdocs"), supported("mkdocs-material")  # both read: both warned about
    return mkdocs and material


def use_reused_frame(page) -> None:
    """Have the theme render ``page`` through the reused frame (``install_frames`` must run in on_env)."""
    page.meta["template"] = FRAME_TEMPLATE


def install_frames(env) -> "Frames":
    """Serve ``FRAME_TEMPLATE`` from a ``Frames`` of the theme's environment ``env``."""
    from jinja2 import ChoiceLoader, DictLoader, pass_context

    reuse = Frames(env)
    env.loader = ChoiceLoader([DictLoader({FRAME_TEMPLATE: FRAME_SOURCE}), env.loader])
    env.globals["salesgen_frame"] = pass_context(lambda context: reuse.render(context.get_all()))
    return reuse


@dataclass
class Frame:
    literals: list | None  # the frame cut at the markers; None: this group is rendered in full
    slots: list = field(default_factory=list)  # the slot between literals[i] and literals[i + 1]
    checked: bool = False

    def join(self, values: dict) -> str:
        out = [self.literals[0]]
        for name, literal in zip(self.slots, self.literals[1:]):
            out.append(values[name])
            out.append(literal)
        return "".join(out)


class Frames:
    """The theme's frame, rendered once per kind of page instead of once per page.

    Material wraps every page in the same frame: header and search box, tabs, the
    (hidden) navigation, footer, scripts. Around the deal, customer and rep pages (not in
    the navigation, all at one folder depth) that frame changes in three places only:
    the title, the body and the canonical address. Rendering Material's templates again
    for each of ten thousand deals costs about as much as the rest of the page.

    So for each group of pages that share everything else (folder depth, table of
    contents, metadata, neighbours) the frame is rendered once with a marker in each of
    those places, cut at the markers, and every page of the group is the pieces joined
    around its own title, body and address.

    The result is the same bytes as Material's own render, and that is checked, not
    assumed: the second page of every group is rendered both ways and compared, and a
    group whose pages differ anywhere else (another theme, a template override, a plugin
    that writes something of the page into the frame) goes back to Material's full render
    for all its pages. ``main`` is the theme's page template.
    """

    def __init__(self, env, main: str = "main.html"):
        self.env = env
        self.main = main
        self.marker = "sgframe" + secrets.token_hex(8)  # never in a real page
        self.pattern = re.compile(f"<h1>{self.marker}(body)</h1>|{self.marker}(title|canonical)")
        self.groups: dict = {}
        self.reused = 0  # pages joined from a cut frame
        self.rendered = 0  # pages rendered in full

    def render(self, context: dict) -> str:
        page = context["page"]
        key = group_key(page, context)
        frame = self.groups.get(key)
        if frame is None:
            self.groups[key] = self.cut(context)
            return self.full(context)
        if frame.literals is None:
            return self.full(context)
        joined = frame.join(slot_values(page))
        if not frame.checked:  # a second page of the group: both ways, compared
            frame.checked = True
            full = self.full(context)
            if joined != full:
                frame.literals = None
            return full
        self.reused += 1
        return joined

    def full(self, context: dict) -> str:
        self.rendered += 1
        return self.env.get_template(self.main).render(context)

    def cut(self, context: dict) -> Frame:
        """The frame of this page's group: rendered once with markers in the slots, cut there."""
        page = context["page"]
        saved = page.meta.get("title"), page.content, page.canonical_url
        page.meta["title"] = f"{self.marker}title"
        page.content = f"<h1>{self.marker}body</h1>"
        if page.canonical_url is not None:
            page.canonical_url = f"{self.marker}canonical"
        try:
            html = self.env.get_template(self.main).render(context)
        finally:
            page.meta["title"], page.content, page.canonical_url = saved
        literals, slots, start = [], [], 0
        for match in self.pattern.finditer(html):
            literals.append(html[start:match.start()])
            slots.append(match.group(1) or match.group(2))
            start = match.end()
        literals.append(html[start:])
        if "body" not in slots or any(self.marker in literal for literal in literals):
            return Frame(None)  # the theme transforms a slot (escapes, truncates...): not reusable
        return Frame(literals, slots)


def slot_values(page) -> dict:
    return {"title": page.meta["title"], "body": page.content, "canonical": page.canonical_url}


def group_key(page, context: dict) -> tuple:
    """Everything of a page, other than its slots, that the frame could show."""
    return (context.get("base_url"), page.file.src_uri.split("/", 1)[0], _toc(page.toc),
            tuple(sorted((k, repr(v)) for k, v in page.meta.items() if k != "title")),
            page.canonical_url is None, "<h1" in page.content, page.is_homepage,
            _url(page.previous_page), _url(page.next_page), page.parent is None)


def _toc(items) -> tuple:
    return tuple((item.id, item.title, item.level, _toc(item.children)) for item in items)


def _url(page) -> str | None:
    return None if page is None else page.url


# ---------------------------------------------------------------------------------- incremental builds

DIRTY_MESSAGES = ("A 'dirty' build is being performed", "The directory contains stale files")


def incremental_supported() -> bool:
    """Whether a build may skip the pages whose inputs did not change (MkDocs' dirty build, known versions)."""
    mkdocs, material = supported("mkdocs"), supported("mkdocs-material")
    return mkdocs and material


def keep_unchanged(file) -> None:
    """Have MkDocs' dirty build leave ``file``'s page as it is in the site folder (neither read nor written).

    A dirty build skips a page whose ``File.is_modified()`` is false; a generated file always
    says it is modified, so this file says otherwise for itself.
    """
    file.is_modified = lambda: False


class _DirtyNotice(logging.Filter):
    """Drops MkDocs' notices about a dirty build: salesgen's incremental build is one on purpose."""

    def filter(self, record) -> bool:
        return not str(record.msg).startswith(DIRTY_MESSAGES)


_dirty_notice = _DirtyNotice()


def quiet_dirty_build() -> None:
    logger = logging.getLogger("mkdocs.commands.build")
    if _dirty_notice not in logger.filters:
        logger.addFilter(_dirty_notice)


def documentation_pages(files):
    """(src_uri, page) of every page of the build, in the order MkDocs builds them (a full build's index order)."""
    for file in files.documentation_pages():
        if file.page is not None:
            yield file.src_uri, file.page


def search_plugin(config):
    """Material's search plugin of this build, or None (another search plugin, or none)."""
    for name in ("material/search", "search"):
        plugin = config.plugins.get(name)
        if plugin is not None and type(plugin).__module__.startswith("material.plugins.search"):
            return plugin
    return None


def previous_search_entries(site_dir) -> list | None:
    """The entries of the search index Material wrote into ``site_dir``, or None when it cannot be read."""
    import json

    try:
        with open(os.path.join(site_dir, "search", "search_index.json"), encoding="utf-8") as handle:
            docs = json.load(handle)["docs"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return docs if isinstance(docs, list) and all(isinstance(d, dict) for d in docs) else None


def search_entries(config) -> list | None:
    """The entries Material's search plugin has collected in this build (a list it writes at the end)."""
    plugin = search_plugin(config)
    index = getattr(plugin, "search_index", None)
    entries = getattr(index, "entries", None)
    return entries if isinstance(entries, list) else None


def index_page(config, page) -> list:
    """The search entries of ``page`` (its content set to what the index should get), as Material makes them."""
    plugin = search_plugin(config)
    index = plugin.search_index
    saved, index.entries = index.entries, []
    try:
        index.add_entry_from_context(page)
        return index.entries
    finally:
        index.entries = saved


def search_digest(page) -> str:
    """A digest of what Material's search plugin makes a page's index entries of (read in its
    ``add_entry_from_context``, 9.5 to 9.8): the page's URL, titles, table of contents and content, and the
    ``tags`` and ``search`` of its front matter. Equal digests, on the same versions (the build's key holds
    them) and with the same words taught to jieba, give equal entries."""
    import hashlib

    toc = [(item.id, item.title, item.url, [(c.id, c.title, c.url) for c in item.children]) for item in page.toc]
    meta = page.meta
    text = repr((page.url, meta.get("title"), page.title, toc, page.content or "", meta.get("tags"),
                 meta.get("search")))
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def set_search_entries(config, entries: list) -> None:
    """Replace the entries Material's search plugin writes at the end of this build (and no earlier build's)."""
    plugin = search_plugin(config)
    plugin.search_index.entries = entries
    plugin.search_index_prev = None  # under `serve --dirty` Material would merge the previous build's in


SEGMENTS_KEPT = 100_000  # runs whose cuts one build remembers: at 10,000 deals it meets some 7,000 (160 KB)


def cut_each_run_once(config) -> bool:
    """Have Material's search plugin cut each run of Chinese characters with jieba once per build.

    Material (``SearchIndex._segment_chinese``, 9.5 to 9.8) hands ``jieba.cut`` every run of
    Han characters of every page, through the module's global ``jieba``: labels and names
    recur on page after page (97 % of the runs at 10,000 deals), and cutting them was a
    tenth of the build. The global is replaced by an object whose ``cut`` gives jieba's own
    cut of a run, remembered; everything else is jieba's. Call it after the words are
    taught (``search.add_words``): a cut depends on them, and a new call forgets every
    cut. False, with nothing changed, when Material's plugin is not the one this was
    written for; the pages are then cut one by one, to the same words.
    """
    module = _material_search_module()
    if module is None:
        return False
    jieba = getattr(module, "jieba", None)
    if isinstance(jieba, _CutOnce):  # an earlier build's, with its cuts: forgotten
        jieba = module.jieba = jieba.jieba
    if jieba is None or search_plugin(config) is None or not supported("mkdocs-material"):
        return False  # Material without jieba does not segment; a stock build has it cut every run itself
    module.jieba = _CutOnce(jieba)
    return True


def _material_search_module():
    try:
        from material.plugins.search import plugin as module
    except ImportError:
        return None
    return module if callable(getattr(module.SearchIndex, "_segment_chinese", None)) else None


class _CutOnce:
    """jieba, with ``cut`` remembering its result for each text (up to SEGMENTS_KEPT texts)."""

    def __init__(self, jieba) -> None:
        self.jieba = jieba
        self.cuts: dict = {}

    def cut(self, text, *args, **options):
        if args or options:
            return self.jieba.cut(text, *args, **options)
        words = self.cuts.get(text)
        if words is None:
            words = list(self.jieba.cut(text))
            if len(self.cuts) < SEGMENTS_KEPT:
                self.cuts[text] = words
        return iter(words)

    def __getattr__(self, name):
        return getattr(self.jieba, name)


def write_index_in_parts(config) -> bool:
    """Write Material's search index entry by entry, and have its plugin skip its own write in this build.

    Material writes the index as one string, then as its encoding: at 50,000 deals two copies
    of some 70 MB at the very end, the build's peak of memory. The bytes written here are
    Material's (``SearchIndex.generate_search_index``: "config" then "docs", compact separators,
    ``default=str``); Material makes the part before the entries. False, with nothing written, when the
    plugin is not Material's on a version this was written for, makes a head of another layout, or merges
    an earlier build's index (a dirty reload): it then writes the index itself. ``restore_index_write`` turns its write back on.
    """
    import json

    plugin = search_plugin(config)
    if plugin is None or not supported("mkdocs-material") or not plugin.config.enabled:
        return False
    if getattr(plugin, "search_index_prev", None) is not None or not isinstance(search_entries(config), list):
        return False
    head = _index_head(plugin.search_index)
    if head is None:
        return False
    dumps = functools.partial(json.dumps, separators=(",", ":"), default=str)
    folder = os.path.join(config.site_dir, "search")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "search_index.json"), "wb") as out:
        out.write(head.encode("utf-8"))
        for n, entry in enumerate(plugin.search_index.entries):
            out.write(b"," + dumps(entry).encode("utf-8") if n else dumps(entry).encode("utf-8"))
        out.write(b"]}")
    plugin.config.enabled = False  # read by its on_post_build, which comes next
    plugin.salesgen_wrote_index = True
    return True


EMPTY_DOCS_TAIL = '"docs":[]}'


def _index_head(index) -> str | None:
    """The index file up to its first entry, as Material writes it: ``{"config":{...},"docs":[``.

    Material makes it (its settings differ between versions: newer ones add "fields"), from an
    index with no entries; None when what it makes does not end as expected.
    """
    saved, index.entries = index.entries, []
    try:
        empty = index.generate_search_index(None)
    finally:
        index.entries = saved
    if not isinstance(empty, str) or not empty.endswith(EMPTY_DOCS_TAIL):
        return None
    return empty[: -len("]}")]


def restore_index_write(config) -> None:
    """After ``write_index_in_parts``: the search plugin writes its index again in the next build."""
    plugin = search_plugin(config)
    if plugin is not None and getattr(plugin, "salesgen_wrote_index", False):
        plugin.config.enabled = True
        plugin.salesgen_wrote_index = False


# ---------------------------------------------------------------------------------- serve: the edited page first

SERVER_STATE = ("builder", "_epoch_cond", "_visible_epoch", "_wanted_epoch", "_rebuild_cond", "_want_rebuild")


def quick_serve_supported(server) -> bool:
    """Whether `salesgen serve` may show an edited deal before its rebuild ends (``quick.py``).

    It needs MkDocs' live-reload server as written for: the epochs that tell the browsers
    to reload and hold requests while a build runs, and the flag that asks for a rebuild.
    Otherwise (or with SALESGEN_COMPAT=stock) serve waits for the whole rebuild, as MkDocs does.
    """
    return supported("mkdocs") and supported("mkdocs-material") and all(hasattr(server, a) for a in SERVER_STATE)


def has_page(file) -> bool:
    return file is not None and file.page is not None


def render_page(file, config, files, nav, env) -> None:
    """Render the page of ``file`` from the last build again and write it, as MkDocs' build does for each page.

    The search plugin's index of that build is left as it was (it is written already).
    """
    from mkdocs.commands.build import _build_page, _populate_page

    page = file.page
    entries = search_entries(config)
    count = None if entries is None else len(entries)
    try:
        _populate_page(page, config, files)
        _build_page(page, config, files, nav, env)
    finally:
        if count is not None:
            del entries[count:]


def publish(server) -> None:
    """Serve the site folder as it is now and have the browsers reload, while a rebuild is still under way."""
    with server._epoch_cond:
        server._visible_epoch = server._wanted_epoch
        server._epoch_cond.notify_all()


def reload_when_built(server) -> None:
    """Have the browsers reload once more when the rebuild under way ends (after ``publish``)."""
    with server._rebuild_cond:
        server._wanted_epoch = max(server._wanted_epoch + 1, int(time.monotonic() * 1000))


def request_rebuild(server) -> None:
    """Ask the server for a rebuild, as its own file watcher does."""
    with server._rebuild_cond:
        server._want_rebuild = True
        server._rebuild_cond.notify_all()
