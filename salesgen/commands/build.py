"""`salesgen build`: lint, then build the static site with MkDocs and the salesgen plugin."""
from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import click

from .. import fastexit
from .common import (as_of_option, fail_usage, language, report_configuration, resolve_as_of, root_option,
                     use_color)

PROTECTED = ("deals", "customers", "schemas", ".git", "salesgen")


@click.command("build")
@root_option
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the site. Default: site_dir of mkdocs.yml, else site/ in the repository.")
@as_of_option()
@click.option("--include-sensitive", is_flag=True,
              help="Publish all of contacts' personal data: phone, mobile, email, wechat, notes, motives "
                   "(left out by default; `publish: contact_fields:` in salesgen.yaml picks some).")
@click.option("--allow-errors", is_flag=True, help="Build even when lint finds errors (they are listed on the site).")
@click.option("--no-cache", "no_cache", is_flag=True, help="Do not read the lint cache (build never writes it).")
@click.option("--full", is_flag=True,
              help="Render every page, even those whose inputs did not change since the last build.")
@click.option("-v", "--verbose", is_flag=True, help="Show MkDocs' progress messages.")
def build(root, site_dir, as_of, include_sensitive, allow_errors, verbose, no_cache, full):
    """Build the pipeline site (dashboard, funnel, forecast, deals, customers, team, rules).

    Lints first: errors stop the build unless --allow-errors; warnings appear on the
    site's rules page. Uses the repository's mkdocs.yml when there is one, else a
    built-in configuration. Only the site folder is written; a non-empty folder that
    salesgen did not build is never cleaned. Pages whose inputs did not change since the last
    build into the same folder are kept as they are; --full renders them all.

    Exit code: 0 built, 1 lint errors or a failed build, 2 usage or configuration error.

    \b
    Examples:
      salesgen build
      salesgen build --site-dir public --as-of 2026-12-31
      salesgen build --include-sensitive --site-dir /srv/private-site
    """
    import gc

    from ..cache import LintCache
    from ..config import load_config
    from ..engine import lint
    from ..output import FORMATTERS
    from ..repository import ConfigurationError, collector_paused, read_document

    if not root.is_dir():
        fail_usage(f"no such directory: {root}")
    config, _ = load_config(root)
    as_of_date = resolve_as_of(as_of, config)
    cache = None if no_cache else LintCache(root)
    try:
        with collector_paused():  # loading makes no cycles: collections would only rescan it
            result = lint(root, as_of_date, reader=cache.reader if cache else read_document, past=True)
    except ConfigurationError as error:
        report_configuration(error.problems)
    fastexit.wanted()  # the repository is loaded: exit without freeing it object by object
    # The cache is read (what `salesgen lint` left), never written: build writes only its site folder.
    gc.freeze()  # the loaded repository lives to the end: keep it out of the page-rendering collections
    if result.errors and not allow_errors:
        click.echo(FORMATTERS["text"](result.errors, color=use_color()), nl=False, err=True)
        count = len(result.errors)
        click.echo(f"salesgen: {count} error{'s' * (count != 1)}: the site was not built "
                   "(fix them, or pass --allow-errors to publish them on the site)", err=True)
        sys.exit(1)
    keys = cache.content_keys() if cache else {}
    del cache  # what it read is the repository's now; its tables of statuses and shards (40 MB at 50,000 deals) go
    _build_site(root, site_dir, result, include_sensitive, verbose, full, keys)


def _build_site(root: Path, site_dir: Path | None, result, include_sensitive: bool, verbose: bool,
                full: bool = False, content_keys: dict | None = None) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    from ..i18n import T, translate
    from ..site import compat, mkdocs_config

    _log_to_stderr(verbose)
    try:
        config = mkdocs_config.load(root, result.repo.config.title, site_dir)
    except (ConfigurationError, Abort) as error:
        fail_usage(f"mkdocs configuration: {error}")
    if not compat.reusable(config.plugins.keys()):  # another plugin may have work to do at exit
        fastexit.wanted(False)
    plugin = config.plugins.get("salesgen")
    if plugin is None:
        fail_usage("mkdocs.yml does not enable the salesgen plugin: add `- salesgen` under `plugins:`")
    target = Path(config.site_dir)
    problem = unsafe_site_dir(target, root)
    if problem:
        fail_usage(problem)
    plugin.config.root = str(root.resolve())
    plugin.config.as_of = result.as_of.isoformat()
    plugin.config.include_sensitive = include_sensitive
    plugin.lint_result = result  # linted above: the plugin does not lint again
    plugin.content_keys = content_keys or {}  # the files' digests as linted: not read again for the pages'
    plugin.incremental = not full  # a dirty MkDocs build: the plugin keeps unchanged pages, or empties the folder
    lang = language(result.repo.config)
    started = time.monotonic()
    with _progress(lang) as progress:
        plugin.progress = progress
        try:
            mkdocs_build(config, dirty=not full)
        except (Abort, PluginError, ConfigurationError) as error:
            click.echo(f"\nsalesgen: the site build failed: {error}", err=True)
            sys.exit(1)
    seconds = f"{time.monotonic() - started:.1f}"
    if plugin.previous is not None:
        click.echo(translate(T("Rebuilt {written} of {pages} pages into {site} in {seconds} s (the others had not "
                               "changed; --full renders all).", written=len(plugin.specs) - plugin.kept,
                               pages=len(plugin.specs), site=str(target), seconds=seconds), lang))
    else:
        click.echo(translate(T("Built {pages} pages into {site} in {seconds} s.", pages=len(plugin.specs),
                               site=str(target), seconds=seconds), lang))
    click.echo(translate(T("As of {date}; {errors} errors and {warnings} warnings are listed on its rules page.",
                           date=result.as_of.isoformat(), errors=len(result.errors), warnings=len(result.warnings)),
                         lang))


def unsafe_site_dir(target: Path, root: Path) -> str | None:
    """Why ``target`` must not be (re)built into, or None when it is safe."""
    from ..site.plugin import MARKER

    target, root = target.resolve(), root.resolve()
    if target == root or target in root.parents:
        return f"the site folder {target} contains the repository; choose another --site-dir"
    for name in PROTECTED:
        guarded = root / name
        if target == guarded or guarded in target.parents:
            return f"the site folder {target} is inside {name}/; choose another --site-dir"
    if target.exists() and not target.is_dir():
        return f"{target} is a file, not a folder"
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        return (f"{target} is not empty and was not built by salesgen: refusing to replace its content "
                "(empty it, or choose another --site-dir)")
    return None


def _log_to_stderr(verbose: bool) -> None:
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_salesgen", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("mkdocs: %(levelname)s: %(message)s"))
        handler._salesgen = True
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(logging.INFO if verbose else logging.WARNING)


class _progress:
    """The page count of the build as a ``Progress`` bar on stderr (a terminal only: the summary is ``Built ...``).

    The plugin reports (pages written, pages); the bar opens at the first report, when the
    number of pages is known, so its estimate starts from the pages, not from linting.
    """

    def __init__(self, lang: str = "en"):
        self.lang = lang
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            from ..i18n import T, translate
            from ..progress import Progress

            self.bar = Progress(translate(T("Writing pages"), self.lang), total=total,
                                unit=translate(T("pages"), self.lang), summary=False)
        self.bar.update(done)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()
        return False
