"""`salesgen lint`: the CI gate."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .. import fastexit
from ..i18n import T
from .common import (as_of_option, checking_progress, fail_usage, jobs_option, lang_option, language,
                     report_configuration, resolve_as_of, root_option, use_color)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@root_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "sarif"]), default="text",
              show_default=True, help="Output format.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@as_of_option()
@click.option("--changed", is_flag=True,
              help="Report only problems in files changed since the branch left --base (committed, staged, "
                   "edited or untracked); cross-file checks still see the whole repository.")
@click.option("--base", "base", metavar="REF", default=None,
              help="Git ref --changed compares against. Default: the pull request's base in GitHub Actions "
                   "(origin/$GITHUB_BASE_REF) or GitLab, else the default branch (origin/HEAD, origin/main, "
                   "origin/master, main or master).")
@click.option("--staged", is_flag=True,
              help="Check the files as staged in git's index (what the next commit holds): unstaged edits "
                   "and untracked files are left out. For pre-commit hooks.")
@click.option("--no-cache", "no_cache", is_flag=True,
              help="Do not read or write the lint cache (.salesgen-cache/).")
@jobs_option
@lang_option
def lint(paths, root, fmt, strict, as_of, changed, base, staged, no_cache, jobs):
    """Check deals, customers and salesgen.yaml against the schemas and the stage rules.

    PATHS narrow what is reported (files or folders); cross-file checks always see the
    whole repository. Exit code: 0 clean or only warnings, 1 errors (or warnings with
    --strict), 2 usage or configuration error.

    \b
    Examples:
      salesgen lint
      salesgen lint deals/temp-press-line.yaml
      salesgen lint --format github --strict
      salesgen lint --as-of 2026-12-31 --format json > problems.json
      salesgen lint --changed --base origin/main --format github
      salesgen lint --staged
      salesgen lint --jobs 4
      salesgen lint --lang zh
    """
    import gc

    from ..config import load_config
    from ..engine_parts import lint_in_parts
    from ..output import FORMATTERS
    from ..repository import ConfigurationError

    if gc.isenabled():  # the collector would only rescan the loaded repository (~2 s per 10,000 deals)
        gc.disable()
        click.get_current_context().call_on_close(_collector_back)  # for callers in the same process
    if not root.is_dir():
        fail_usage(T("no such directory: {path}", path=root))
    for path in paths:
        if not path.exists():
            fail_usage(T("no such file or directory: {path}", path=path))
    if base is not None and not changed:
        fail_usage(T("--base needs --changed"))
    if staged and changed:
        fail_usage(T("--staged and --changed do not go together: --staged checks what the next commit holds"))
    scope = _changes(root, base) if changed else None
    lint_root = _staged_copy(root) if staged else root
    if staged:
        paths = [_inside(lint_root, root, path) for path in paths]
    config, _ = load_config(lint_root)
    from ..cache import LintCache

    # entries are keyed by the bytes checked; with --no-cache nothing is read from or written to the folder
    cache = LintCache(lint_root, store=root, enabled=not no_cache)
    try:
        with checking_progress(language(config)) as progress:  # the deals a shard at a time (engine_parts)
            result = lint_in_parts(lint_root, resolve_as_of(as_of, config), paths, cache=cache, jobs=jobs,
                                   progress=progress)
    except ConfigurationError as error:
        _report_configuration(error.problems, fmt, language(config))
    cache.save()
    fastexit.wanted()  # the customers are loaded: exit without freeing them object by object
    problems = result.problems
    note = ""
    if scope is not None:
        note = _scope_note(scope, result.files)
        if "salesgen.yaml" not in scope.files:
            problems = result.problems = [p for p in problems if p.file in scope.files]
    elif staged:
        count = len(result.files) + 1
        note = (f"checked the {count} files as staged for commit; "
                "unstaged edits and untracked files are not part of it")
    from ..output.help_links import site_url

    lang = language(config)
    click.echo(FORMATTERS[fmt](problems, color=use_color(), note=note, help_base=site_url(root), lang=lang), nl=False)
    if note:
        _echo_note(note, fmt, "--staged" if staged else "--changed")
    if fmt == "github":
        _write_summary(problems, note, lang)
    failed = bool(result.errors) or (strict and bool(result.warnings))
    sys.exit(1 if failed else 0)


def _echo_note(note: str, fmt: str, option: str) -> None:
    """What a narrowed run left out: after the text summary, a GitHub notice, else on stderr."""
    from ..output.github import format_notice

    if fmt == "text":
        click.echo(note)
    elif fmt == "github":
        click.echo(format_notice(f"salesgen lint {option}", note))
    else:  # JSON and SARIF stay one document on stdout (SARIF also has it in the run's properties)
        click.echo(note, err=True)


def _report_configuration(problems, fmt: str, lang: str = "en") -> None:
    """An unusable salesgen.yaml, exit 2: on stderr as text, else in the machine format CI reads."""
    if fmt == "text":
        report_configuration(problems, lang)
    from ..output import FORMATTERS

    click.echo(FORMATTERS[fmt](problems, color=False, lang=lang), nl=False)
    if fmt == "github":
        _write_summary(problems, lang=lang)
    sys.exit(2)


def _write_summary(problems, note: str = "", lang: str = "en") -> None:
    """With GITHUB_STEP_SUMMARY set, every problem as a table on the run's page."""
    from ..output import github_summary

    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        with open(summary_path, "a", encoding="utf-8") as handle:
            handle.write(github_summary(problems, note, lang=lang))


def _changes(root: Path, base):
    """The files --changed reports on, and what they were compared with (exit 2 when git cannot tell)."""
    from ..gitdiff import GitError, changes

    try:
        return changes(root, base)
    except GitError as error:
        _git_failed(error)


def _git_failed(error) -> None:
    """A GitError: one line and its hint on stderr, exit 2."""
    click.echo(f"salesgen: {error}", err=True)
    if error.hint:
        click.echo(f"    hint: {error.hint}", err=True)
    sys.exit(2)


def _staged_copy(root: Path) -> Path:
    """The index's salesgen.yaml, deals/ and customers/ in a scratch folder removed when the command ends."""
    import tempfile

    from ..gitdiff import GitError
    from ..gitindex import export_index

    scratch = tempfile.TemporaryDirectory(prefix="salesgen-staged-")
    click.get_current_context().call_on_close(scratch.cleanup)
    try:
        return export_index(root, Path(scratch.name))
    except GitError as error:
        _git_failed(error)


def _inside(staged_root: Path, root: Path, path: Path) -> Path:
    """A PATH argument of the working tree -> the same place in the staged copy."""
    try:
        return staged_root / path.resolve().relative_to(root.resolve())
    except ValueError:
        return path  # outside the repository: selects nothing, as without --staged


def _scope_note(scope, checked: list) -> str:
    """One line saying what --changed left out, so a green run is not mistaken for a full one."""
    from ..yamlsource import one_line

    files = set(checked) | {"salesgen.yaml"}
    since = f"since {one_line(scope.base)} (merge-base {scope.short_merge_base})"
    if "salesgen.yaml" in scope.files:
        return f"salesgen.yaml changed {since}: all {len(files)} files were checked and reported"
    checked = len(files & scope.files)
    return (f"checked {checked} of {len(files)} files, those changed {since}; "
            f"the {len(files) - checked} unchanged files were not reported")


def _collector_back() -> None:
    """Re-enable the collector without a first pass over everything loaded (0.4 s for 10,000 deals)."""
    import gc

    gc.freeze()  # what exists now is left out of future collections; it has no cycles to collect
    gc.enable()
