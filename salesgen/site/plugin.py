"""The ``salesgen`` MkDocs plugin: every page of the site, generated in memory from the YAML files.

Registered as the ``salesgen`` entry point of ``mkdocs.plugins``, so a plain ``mkdocs
build`` or ``mkdocs serve`` with ``plugins: [search, salesgen]`` builds the same site as
``salesgen build``, and ``mkdocs serve`` reloads when a deal, a customer or
salesgen.yaml changes.

The build, event by event:

- ``on_config`` (before the search plugin): lint the repository once (``engine.lint``: the model and the problems
  in one pass), compute the analytics (``SiteData``), set the navigation to the index
  pages only (never one entry per deal: Material repeats the nav on every page), set
  the search separator and teach jieba the repository's names (``search.py``).
- ``on_files``: add one in-memory file per page (``File.generated``); deal, customer and
  rep pages are marked not-in-nav and get a page with no source to read and no
  Markdown to convert (``compat.generated_page``).
- ``on_page_markdown`` / ``on_page_content``: a page's title is set directly; its
  content stays empty (nothing to convert).
- ``on_env``: the theme's frame is reused across pages of one kind (``compat.Frames``).
- ``on_page_context``, before the search plugin: the page gets its table of contents and,
  as content, the short summary the search index takes (``search.py``); after the search
  plugin: the page body is rendered from the templates, just before the theme writes it.
  Both are released once the page is written. So neither the HTML nor the tables of
  contents of fifty thousand deals are ever held at once, and Python-Markdown never
  re-parses anything.

Options (mkdocs.yml), each overridden by an environment variable that ``salesgen
serve`` sets: ``root`` (SALESGEN_ROOT; default: the folder of mkdocs.yml), ``as_of``
(SALESGEN_AS_OF; default: ``as_of`` in salesgen.yaml, else today), ``include_sensitive``
(SALESGEN_INCLUDE_SENSITIVE=1; default false: contacts' personal data stays out of the
site, except the fields ``publish: contact_fields:`` of salesgen.yaml lists), ``language``
(``en`` or ``zh``; default: ``language`` of salesgen.yaml; lets a second configuration build
the site in the other language).

Whatever relies on MkDocs', Material's or Jinja's internals is in ``compat.py``, which
uses it only on the versions it was written for (or not at all with SALESGEN_COMPAT=stock).
"""
from __future__ import annotations

import datetime as dt
import gc
import logging
import os
from importlib import resources
from pathlib import Path
from typing import Callable

from markupsafe import escape
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from . import compat, incremental, lean, quick, search, template_cache

log = logging.getLogger("mkdocs.plugins.salesgen")

CSS_URI = "assets/salesgen.css"
JS_URI = "assets/salesgen-tables.js"  # filter and sort the deal tables; the pages work without it
MARKER = ".salesgen-site"
MARKER_TEXT = "This folder is built by salesgen; `salesgen build` replaces everything in it.\n"
TRUE = ("1", "true", "yes", "on")
HIDE = ("navigation",)  # every generated page's `hide:` (one tuple for all: 110,000 pages at 50,000 deals)
URL_CACHE_PAGES = 2000  # MkDocs' caches of page URLs are emptied after every so many pages written


class SalesgenConfig(base.Config):
    root = c.Optional(c.Type(str))
    as_of = c.Optional(c.Type(str))
    include_sensitive = c.Type(bool, default=False)
    language = c.Optional(c.Choice(("en", "zh")))  # default: language of salesgen.yaml
    history = c.Type(bool, default=True)  # false: the git history is not sales history (this project's example)


class SalesgenPlugin(BasePlugin[SalesgenConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.data = None
        self.specs: dict = {}  # src_uri -> PageSpec
        self.root: Path | None = None
        self.progress: Callable[[int, int], None] | None = None  # (pages written, pages) for a progress bar
        self.lint_result = None  # set by `salesgen build`, which has linted the same root at the same date
        self.content_keys: dict = {}  # rel -> digest of the bytes linted (LintCache.content_keys), with lint_result
        self.written = 0
        self.reuse_frames = False  # compat.frame_reuse_supported: known plugins, theme and versions
        self.frames: compat.Frames | None = None
        self.collecting = True  # whether the collector was on before on_files paused it
        # Incremental builds (incremental.py): on for `salesgen build` and any dirty build (`salesgen serve`).
        self.incremental = False
        self.previous: incremental.Manifest | None = None  # the last build's manifest, when its pages may be kept
        self.build_key = self.words_key = ""
        self.digests: dict = {}  # src_uri -> digest of the page's inputs (deal, forms, customer pages)
        self.dests: dict = {}  # src_uri -> the page's file in the site folder
        self.kept = 0  # pages left as the last build wrote them
        self.kept_uris: list = []
        self.built_urls: set = set()
        self.old_search: list = []
        self.search_digests: dict = {}  # src_uri -> compat.search_digest of each page indexed
        self.same_search: set = set()  # URLs rendered again whose index entries are the last build's
        self.words: set = set()
        self.words_taught = False
        self.quick = False  # rendering an edited deal's pages before serve's rebuild (show_edited_deals)
        self.files = None
        self.site_dir: str | None = None
        self.index_written_for = None  # the MkDocs config whose search index this plugin wrote (compat)
        # `salesgen serve` (quick.py): the last build, kept to render an edited deal before the rebuild ends.
        self.serving = False
        self.server = None
        self.last: quick.LastBuild | None = None
        self.watcher = None  # quick.watch's observer
        self.stamps: dict = {}  # quick.snapshot of the files as this build read them
        self.nav = self.env = None

    # ------------------------------------------------------------------ configuration
    def resolve_root(self, config) -> Path:
        base_dir = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        value = os.environ.get("SALESGEN_ROOT") or self.config.root
        return (base_dir / value).resolve() if value else base_dir.resolve()

    def resolve_as_of(self, root: Path) -> dt.date:
        from ..config import load_config

        value = os.environ.get("SALESGEN_AS_OF") or self.config.as_of
        if value:
            try:
                return dt.date.fromisoformat(str(value))
            except ValueError:
                raise PluginError(f"salesgen: as_of '{value}' is not a date (YYYY-MM-DD)") from None
        repo_config, _ = load_config(root)
        if repo_config is not None and repo_config.as_of is not None:
            return repo_config.as_of
        return dt.date.today()  # the site build, like the CLI, may read the clock

    def include_sensitive(self) -> bool:
        env = os.environ.get("SALESGEN_INCLUDE_SENSITIVE")
        return env.lower() in TRUE if env is not None else bool(self.config.include_sensitive)

    def on_startup(self, *, command, dirty):
        self.incremental = self.incremental or dirty
        self.serving = command == "serve"

    @event_priority(50)  # before the search plugin, which reads the theme language and its separator
    def on_config(self, config):
        from ..engine import lint
        from ..repository import ConfigurationError, collector_paused
        from .data import SiteData
        from .pages import nav, pages

        self.root = self.resolve_root(config)
        self.last = None  # the previous build's objects may go: this build replaces them
        if self.serving:  # before anything is read: an edit from now on is seen as one by the next rebuild
            self.stamps = quick.snapshot(self.root)
        if not (self.root / "salesgen.yaml").is_file():
            raise PluginError(f"salesgen: no salesgen.yaml in {self.root} (set `root:` of the salesgen plugin)")
        as_of = self.resolve_as_of(self.root)
        result = self.lint_result
        if result is None or result.as_of != as_of or result.repo.root.resolve() != self.root:
            from ..cache import LintCache

            cache = LintCache(self.root)
            try:  # through the lint cache `salesgen lint` left (read, never written): serve rebuilds on every edit
                result = lint(self.root, as_of, reader=cache.reader, past=True)
                self.content_keys = cache.content_keys()
            except ConfigurationError as error:
                lines = [f"{p.file}:{p.line}:{p.column}: [{p.rule}] {p.message}" for p in error.problems]
                raise PluginError("salesgen: the configuration cannot be used:\n  " + "\n  ".join(lines)) from None
        with collector_paused():  # the analytics and the page list live to the end of the build
            self.data = SiteData(result, include_sensitive=self.include_sensitive(), language=self.config.language)
            self.data.history_enabled = self.config.history
        self.reuse_frames = compat.frame_reuse_supported(config)
        if config.nav is None:
            config.nav = nav(self.data)
        if self.data.config.language == "zh" and config.theme.get("language", "en") == "en":
            config.theme["language"] = "zh"
        search.configure(config)
        self.words = search.words(self.data)  # taught to jieba before the first page is indexed (teach_words)
        self.words_taught = False
        self.plan_incremental(config, self.words)
        with collector_paused():
            if self.previous is None:  # every page is rendered: the memory they need is what the parsed files
                lean.slim(result.repo)  # give up, first, so the page list and analytics reuse it (lean.py)
            self.specs = {spec.src_uri: spec for spec in pages(self.data)}
        self.digests = incremental.page_digests(self.data, self.specs, self.content_keys)
        if self.previous is None:  # every page is indexed: jieba's dictionary is needed, and loaded before the
            self.teach_words(config)  # pages, it is frozen with the repository (on_env) out of the collector's scans
        if CSS_URI not in config.extra_css:
            config.extra_css.append(CSS_URI)
        if JS_URI not in [str(script) for script in config.extra_javascript]:
            config.extra_javascript.append(JS_URI)
        errors, warnings = len(result.errors), len(result.warnings)
        log.info(f"salesgen: {len(self.specs)} pages from {len(self.data.deals)} deals and "
                 f"{len(self.data.customers)} customers as of {as_of}; {errors} errors, {warnings} warnings")
        if errors:
            log.warning(f"salesgen: the data has {errors} lint errors; they are listed on the rules page "
                        f"(run `salesgen lint` for details)")
        return config

    def plan_incremental(self, config, words) -> None:
        """Whether this build may keep pages of the last one (``self.previous``), and the keys to record.

        Decided before the page list is made: a build that keeps no page slims the parsed files first.
        """
        self.kept, self.built_urls, self.old_search, self.previous = 0, set(), [], None
        self.search_digests, self.same_search = {}, set()
        self.site_dir = config.site_dir
        self.words_key = incremental.words_key(words)
        compat_state = (compat.jinja_fast_paths(), self.reuse_frames, compat.stock_forced())
        options = {"language": str(self.config.language), "history": self.config.history}
        self.build_key = incremental.global_key(self.data, config, options, compat_state)
        if not (self.incremental and compat.incremental_supported() and compat.reusable(config.plugins.keys())):
            return
        previous = incremental.read(config.site_dir)
        if previous is None or previous.key != self.build_key:
            return
        if compat.search_plugin(config) is not None:
            old_search = compat.previous_search_entries(config.site_dir)
            if old_search is None:
                return
            self.old_search = old_search
        self.previous = previous

    def on_pre_build(self, *, config):
        if not self.incremental:
            return
        compat.quiet_dirty_build()
        if self.previous is None:  # a full build: empty the folder as MkDocs does when not dirty
            from mkdocs.utils import clean_directory

            clean_directory(config.site_dir)
            Path(config.site_dir, incremental.MANIFEST).unlink(missing_ok=True)

    # ------------------------------------------------------------------ pages
    def on_files(self, files: Files, *, config) -> Files:
        # The site folder was just cleaned: mark it as ours, so that `salesgen build` may clean it next time.
        Path(config.site_dir).mkdir(parents=True, exist_ok=True)
        Path(config.site_dir, MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        self.written, self.dests, self.kept_uris = 0, {}, []
        docs = files.src_uris  # the page URIs are POSIX paths already: no PurePath per page (22,000 at 10,000 deals)
        for uri, spec in self.specs.items():
            existing = docs.get(uri)
            if existing is not None:
                log.info(f"salesgen: the generated page {uri} replaces {existing.src_uri} from docs_dir")
                files.remove(existing)
            inclusion = InclusionLevel.INCLUDED if spec.in_nav else InclusionLevel.NOT_IN_NAV
            file = File.generated(config, uri, content="", inclusion=inclusion)
            files.append(file)
            self.dests[uri] = file.dest_uri
            if not spec.in_nav:  # pages in the navigation get their title from it: MkDocs makes those
                compat.generated_page(file, config)
                digest = self.digests.get(uri)
                if self.previous is not None and digest and incremental.unchanged(
                        self.previous, uri, digest, file.dest_uri, config.site_dir):
                    compat.keep_unchanged(file)
                    self.kept += 1
                    self.kept_uris.append(uri)
        for uri in (CSS_URI, JS_URI):
            if files.get_file_from_path(uri) is None:
                text = resources.files("salesgen.site").joinpath(uri).read_text(encoding="utf-8")
                files.append(File.generated(config, uri, content=text, inclusion=InclusionLevel.INCLUDED))
        # MkDocs now builds the navigation and reads every page: objects that live to the end, which the
        # collector would rescan again and again. Paused until on_env, which freezes them.
        self.collecting = gc.isenabled()
        gc.disable()
        self.files = files
        return files

    def on_page_markdown(self, markdown: str, *, page, config, files) -> str:
        spec = self.specs.get(page.file.src_uri)
        if spec is None:
            return markdown
        set_meta(page, spec)
        if self.reuse_frames and not spec.in_nav:
            compat.use_reused_frame(page)
        return ""

    def on_page_content(self, html: str, *, page, config, files) -> str:
        # The table of contents and the search summary come in on_page_context, just before they are read:
        # held from here to the page's turn, they would be there for every page at once (110,000 at 50,000 deals).
        return "" if page.file.src_uri in self.specs else html

    @event_priority(100)  # before the search plugin indexes the page and the theme shows its table of contents
    def _prepare_page(self, context, *, page, config, nav):
        uri = page.file.src_uri
        spec = self.specs.get(uri)
        if spec is not None:
            set_toc_and_summary(page, spec)
            if not spec.searchable:
                return context
            if self.quick:  # serve shows an edited deal before its rebuild: that rebuild indexes it
                page.meta["search"] = {"exclude": True}
                self.same_search.add(page.url)
                return context
            digest = self.search_digests[uri] = compat.search_digest(page)
            if self.previous is not None and self.previous.words == self.words_key \
                    and self.previous.search.get(uri) == digest:
                # indexed as in the last build: its entries are taken from there (_merge_search), and jieba
                # need not load its dictionary for a build whose pages all say what they said
                page.meta["search"] = {"exclude": True}
                self.same_search.add(page.url)
                return context
        self.teach_words(config)
        return context

    def teach_words(self, config) -> None:
        """Teach jieba this repository's words (``search.add_words``) once, before it cuts a page's text."""
        if not self.words_taught:
            search.add_words(self.data, self.words)
            compat.cut_each_run_once(config)
            self.words_taught = True

    def on_nav(self, nav, *, config, files):
        self.nav = nav
        return nav

    def on_env(self, env, *, config, files):
        self.env = env
        if env.bytecode_cache is None:  # the theme's templates compiled once, not every build
            env.bytecode_cache = template_cache.bytecode_cache("theme")
        gc.freeze()  # every page is read, every model built: they live to the end, out of the collections
        self.resume_collector()
        self.frames = compat.install_frames(env) if self.reuse_frames else None
        return env

    @event_priority(-100)  # after the search plugin has indexed the summary
    def _render_page(self, context, *, page, config, nav):
        spec = self.specs.get(page.file.src_uri)
        if spec is not None:
            if page.url in self.same_search:
                page.meta.pop("search", None)  # searchable, as the page is (only this build's index skipped it)
            page.content = spec.render()
        return context

    on_page_context = CombinedEvent(_prepare_page, _render_page)

    def on_post_page(self, output: str, *, page, config) -> str:
        if page.file.src_uri in self.specs:
            page.content = ""  # release the body: it is written, nothing reads it again
            compat.release_page_toc(page)  # and its table of contents (its anchors stay known to MkDocs)
            self.written += 1
            if self.written % URL_CACHE_PAGES == 0:
                compat.trim_url_caches()
            self.built_urls.add(page.url)
            if self.progress is not None:
                self.progress(self.written, len(self.specs) - self.kept)
        return output

    # ------------------------------------------------------------------ serve and finish
    def resume_collector(self) -> None:
        if self.collecting:
            gc.enable()

    def restore_index_write(self) -> None:
        if self.index_written_for is not None:
            compat.restore_index_write(self.index_written_for)
            self.index_written_for = None

    def on_build_error(self, *, error):
        self.restore_index_write()
        self.resume_collector()
        gc.unfreeze()
        if self.site_dir is not None:  # what is in the folder is unknown: build it all next time
            Path(self.site_dir, incremental.MANIFEST).unlink(missing_ok=True)

    @event_priority(50)  # before the search plugin writes its index
    def _merge_search(self, *, config):
        """An incremental build's search index: the pages built now, the others' entries from the last index."""
        if self.previous is None or compat.search_plugin(config) is None:
            return
        fresh: dict = {}
        for entry in compat.search_entries(config) or ():
            fresh.setdefault(entry["location"].split("#", 1)[0], []).append(entry)
        old: dict = {}
        for entry in self.old_search:
            old.setdefault(str(entry.get("location", "")).split("#", 1)[0], []).append(entry)
        reindex = self.previous.words != self.words_key  # jieba learnt other words: every page's text again
        merged = []
        for uri, page in compat.documentation_pages(self.files):
            spec = self.specs.get(uri)
            if page.url in self.same_search:
                merged += old.get(page.url, [])
            elif page.url in self.built_urls or spec is None and page.url in fresh:
                merged += fresh.get(page.url, [])
            elif reindex and spec is not None:
                self.teach_words(config)
                set_meta(page, spec)
                set_toc_and_summary(page, spec)
                merged += compat.index_page(config, page)
                if spec.searchable:
                    self.search_digests[uri] = compat.search_digest(page)
                page.content = ""
                compat.release_page_toc(page)
            else:
                merged += old.get(page.url, [])
        compat.set_search_entries(config, merged)

    @event_priority(10)  # after _merge_search, before the search plugin writes its index
    def _write_index(self, *, config):
        if not self.serving and compat.write_index_in_parts(config):  # `serve` keeps Material's: it merges
            self.index_written_for = config  # the index of the last build

    @event_priority(-100)  # after every plugin has written its files
    def _finish(self, *, config):
        self.restore_index_write()
        gc.unfreeze()  # `mkdocs serve` builds again: the previous build's objects may go then
        if self.frames is not None:
            log.debug(f"salesgen: {self.frames.reused} pages joined from a reused frame, "
                      f"{self.frames.rendered} rendered in full by the theme")
        files = None
        if self.previous is not None:  # pages that are gone, and files no build of this site wrote
            gone = {entry[1] for uri, entry in self.previous.pages.items() if uri not in self.specs}
            keep = (set(self.previous.files) - gone) | set(self.dests.values()) | {incremental.MANIFEST}
            files = incremental.remove_stale(config.site_dir, keep)
        kept = {uri: self.previous.pages[uri] for uri in self.kept_uris} if self.previous is not None else {}
        searched = self.search_digests  # 60,000 at 50,000 deals: completed in place, not copied
        if self.previous is not None:  # the kept pages' entries are the last build's, from the same inputs
            for uri in self.kept_uris:
                found = self.previous.search.get(uri)
                if found is not None:
                    searched.setdefault(uri, found)
        incremental.write(config.site_dir, self.build_key, self.words_key,
                          {uri: (self.digests.get(uri, ""), dest) for uri, dest in self.dests.items()},
                          kept, files, searched)
        if self.serving:
            self.last = quick.LastBuild(config, self.files, self.nav, self.env, self.data)

    on_post_build = CombinedEvent(_merge_search, _write_index, _finish)

    def on_serve(self, server, *, config, builder):
        paths = [str(self.root / name) for name in ("deals", "customers", "salesgen.yaml")
                 if (self.root / name).exists()]
        if not compat.quick_serve_supported(server):
            for path in paths:
                server.watch(path)
            return server
        self.server = server
        server.builder = self.quick_then(server.builder)
        self.watcher = quick.watch(paths, lambda: compat.request_rebuild(server))
        if self.watcher is None:  # no file-system notifications here: MkDocs' own polling
            for path in paths:
                server.watch(path)
        return server

    def on_shutdown(self):
        if self.watcher is not None:
            self.watcher.stop()

    def quick_then(self, builder: Callable) -> Callable:
        """``builder`` that first shows the edited deals' pages (``quick.py``) and reloads browsers at the end."""
        def rebuild(*args, **kwargs):
            shown, collecting = False, gc.isenabled()
            gc.disable()  # a full collection of the last build's millions of objects would take seconds
            try:
                shown = self.show_edited_deals()
            except Exception as error:  # a quicker path only: the rebuild below shows the edit anyway
                log.warning(f"salesgen: the edited deal could not be shown before the rebuild: "
                            f"{type(error).__name__}: {str(error)[:200]}")
            finally:
                if collecting:
                    gc.enable()
            builder(*args, **kwargs)
            if shown:
                compat.reload_when_built(self.server)
        return rebuild

    def show_edited_deals(self) -> bool:
        """Render the pages of the deals edited since the last build and serve them; False when not possible."""
        self.quick = True
        try:
            if self.last is None or not quick.show_edited_deals(self.last, self.stamps, self.specs):
                return False
        finally:
            self.quick = False
        compat.publish(self.server)
        return True


def set_meta(page, spec) -> None:
    """A generated page's front matter, as a Markdown page would have it."""
    page.meta["title"] = str(escape(spec.title))  # Material writes meta titles into <title> unescaped
    page.meta["hide"] = HIDE  # the tabs are the navigation; the page gets the width
    if not spec.searchable:
        page.meta["search"] = {"exclude": True}  # Material's front matter: the page stays out of the index


def set_toc_and_summary(page, spec) -> None:
    """What the search plugin and the theme read of a page before its body: its table of contents, and as
    content the summary for the index (``search.py``)."""
    compat.set_page_toc(page, [(anchor, str(escape(title))) for anchor, title in spec.toc])
    page.content = spec.summary()
