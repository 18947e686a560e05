"""Options and error handling shared by every command."""
from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from ..i18n import T
from ..problem import Problem



def recover_interrupted_edit(ctx, param, root: Path) -> Path:
    """Before a command reads the repository: finish or undo an edit a killed salesgen left half done.

    The callback of ``--root``, so every command that reads a repository runs it first
    (see ``editing/journal.py``); one line on stderr when there was something to settle.
    """
    if root is None or ctx.resilient_parsing or not root.is_dir():
        return root
    from ..editing.journal import recover

    message = recover(root)
    if message:
        click.echo(f"salesgen: {tr(message)}", err=True)
    return root


root_option = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=".", show_default=True,
    callback=recover_interrupted_edit, help="The pipeline repository (the folder with salesgen.yaml).")


def _remember_lang(ctx, param, value):
    if value:
        ctx.find_root().meta["salesgen.lang"] = value
        from ..cli_language import remember

        remember(value)  # click's own words (errors, prompts) from here on in that language
    return value


lang_option = click.option(
    "--lang", type=click.Choice(["en", "zh"]), default=None, expose_value=False, callback=_remember_lang,
    is_eager=True, help="Language of messages and reports. Default: SALESGEN_LANG, else language: in salesgen.yaml, "
                        "else en.")


def language(config=None) -> str:
    """--lang (here or before the command), else SALESGEN_LANG, else ``language:`` of salesgen.yaml, else en."""
    from ..i18n import resolve_language

    ctx = click.get_current_context(silent=True)
    chosen = ctx.find_root().meta.get("salesgen.lang") if ctx is not None else None
    configured = getattr(config, "language", None)
    if configured is None and ctx is not None:
        configured = ctx.find_root().meta.get("salesgen.configured_lang")
    return resolve_language(chosen, configured)


def as_of_option(help_text: str = "Evaluate dates as of this day (YYYY-MM-DD). "
                 "Default: as_of in salesgen.yaml, else today."):
    return click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help=help_text)


def resolve_as_of(value, config) -> dt.date:
    """--as-of, else the configured snapshot date, else today (the only clock read)."""
    if value is not None:
        return value.date() if isinstance(value, dt.datetime) else value
    if config is not None and config.as_of is not None:
        return config.as_of
    return dt.date.today()


def use_color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def styled(text: str, **style) -> str:
    """``click.style(text, **style)`` on a colour terminal, the plain text otherwise."""
    return click.style(text, **style) if use_color() else text


def message_of(error: BaseException):
    """The message an exception was raised with: the T message itself (so it translates), else its text."""
    from ..i18n import Message

    first = error.args[0] if len(error.args) == 1 else None
    return first if isinstance(first, Message) else str(error)


def tr(message) -> str:
    """``message`` (a T message, or a catalogue msgid) in the user's language."""
    from ..i18n import translate

    return translate(message, language())


def say(message, *, err: bool = False, **style) -> None:
    """One line in the user's language on stdout (or stderr), styled on a colour terminal."""
    text = tr(message)
    click.echo(styled(text, **style) if style else text, err=err)


def problem_list(problems) -> str:
    """Problems as `salesgen lint` prints them, in the user's language (file:line and rule ids as they are)."""
    from ..output import FORMATTERS

    return FORMATTERS["text"](problems, color=use_color(), lang=language())


def fail_usage(message) -> None:
    """One clear line on stderr (in the chosen language when ``message`` is a T message or an exception raised
    with one), exit code 2."""
    if isinstance(message, BaseException):
        message = message_of(message)
    click.echo(f"salesgen: {tr(message)}", err=True)
    sys.exit(2)


def report_configuration(problems: list[Problem], lang: str | None = None) -> None:
    """A configuration error: the problems with positions, then exit code 2."""
    from ..i18n import T, translate

    lang = lang or language()
    for p in problems:
        click.echo(f"{p.file}:{p.line}:{p.column}: {translate(T('error'), lang)} [{p.rule}] "
                   f"{translate(p.message, lang)}", err=True)
        if p.hint:
            click.echo("    " + translate(T("hint: {hint}", hint=p.hint), lang), err=True)
    sys.exit(2)


def load_or_exit(root: Path, as_of=None, reader=None, prepare=None):
    """Load the repository (or exit 2 on a configuration error) and resolve the as-of date."""
    from ..repository import ConfigurationError, load_repository, read_document

    if not root.is_dir():
        fail_usage(T("no such directory: {path}", path=root))
    try:
        repo = load_repository(root, reader or read_document, prepare)
    except ConfigurationError as error:
        report_configuration(error.problems)
    ctx = click.get_current_context(silent=True)
    if ctx is not None:  # reports and commands speak the configured language unless --lang says otherwise
        ctx.find_root().meta["salesgen.configured_lang"] = repo.config.language
    return repo, resolve_as_of(as_of, repo.config)


jobs_option = click.option(
    "--jobs", "-j", "jobs", type=click.IntRange(min=1), default=None, metavar="N",
    help="Processes that share the work: for lint, the deals part by part (cold or warm) and the customers the "
         "lint cache does not hold; for the reports, the files the cache does not hold and the rules. Default: "
         "every usable core from 300 files, else 1.")


SUMMARY_AFTER = 1.0  # seconds: a quicker check draws no bar and writes no summary line


def checking_progress(lang: str | None = None, summary: bool = True, label: str | None = None,
                      unit: str | None = None):
    """The progress of reading and checking the files: a bar after a second on a terminal, else (``summary``)
    one line at the end. ``label`` and ``unit`` (T messages): other work counted alike (history's file versions)."""
    from ..i18n import T, ngettext, translate
    from ..progress import Progress

    lang = lang or language()

    def line(count: int, seconds: float) -> str:
        files = ngettext("{n} file", "{n} files", count, lang).replace(str(count), f"{count:,}", 1)  # 12,000 as on the bar
        return translate(T("salesgen: {files} checked in {seconds} s", files=files, seconds=format(seconds, ".1f")), lang)

    return Progress(translate(label or T("Checking files"), lang), 0, translate(unit or T("files"), lang),
                    summary=summary and line,
                    delay=SUMMARY_AFTER, summary_after=SUMMARY_AFTER)


def cache_loader(cache, jobs: int | None, progress=None):
    """``prepare`` for ``load_repository``: check ahead over ``jobs`` processes, counting into ``progress``."""
    if progress is not None:
        cache.advance = progress.advance

    def prepare(files: list) -> None:
        if progress is not None:
            progress.total = len(files)
        cache.prepare(files, jobs)

    return prepare


def load_with_progress(root: Path, as_of=None, jobs: int | None = None):
    """``load_or_exit`` through the lint cache, checking files over ``jobs`` processes, with a progress bar."""
    if not root.is_dir():
        return load_or_exit(root, as_of)
    from ..cache import LintCache

    cache = LintCache(root)
    with checking_progress(summary=False) as progress:  # the command's own output says what it found
        loaded = load_or_exit(root, as_of, cache.reader, cache_loader(cache, jobs, progress))
    cache.save()
    return loaded


def lint_files(root: Path, as_of, files) -> list[Problem]:
    """The problems `salesgen lint` reports in ``files`` (relative paths), cross-file rules included."""
    from ..cache import LintCache
    from ..engine import lint as run_lint
    from ..repository import ConfigurationError

    cache = LintCache(root)
    try:
        result = run_lint(root, as_of, reader=cache.reader, prepare=cache_loader(cache, None), jobs=None)
    except ConfigurationError as error:
        report_configuration(error.problems)
    cache.save()
    wanted = set(files)
    return [p for p in result.problems if p.file in wanted]
