"""Run the checks: load -> rules -> levels and waivers -> the problems to report.

Pure apart from reading the repository through the loader: no printing, no exit codes.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable

from . import rules
from .i18n import T
from .problem import Problem, Severity
from .repository import ConfigurationError, Repository, load_repository, read_document
from .rules.base import Context
from .rules.waiver_invalid import waiver_is_valid
from .yamlsource import one_line


@dataclass
class LintResult:
    repo: Repository  # as read; a lint in parts (engine_parts) holds the customers only
    as_of: dt.date
    problems: list  # sorted, levels and waivers applied, narrowed to the requested paths
    checked: list | None = None  # every data file checked (rel); None: the files of repo.documents

    @property
    def files(self) -> list:
        return self.checked if self.checked is not None else [d.file for d in self.repo.documents]

    @property
    def errors(self) -> list:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list:
        return [p for p in self.problems if p.severity is Severity.WARNING]


def check_rule_levels(repo: Repository) -> None:
    from .yamlsource import locate

    bad = []
    for rule_id in repo.config.rule_levels:
        if rule_id not in rules.REGISTRY:
            line, column = locate(repo.config.raw, ("rules", rule_id), key=True)
            bad.append(Problem(repo.config.path, line, column, "config-reference",
                               T("unknown rule id '{rule}'", rule=one_line(rule_id)),
                               T("See `salesgen rules` for the rule ids.")))
    if bad:
        raise ConfigurationError(bad)


def run_rules(repo: Repository, as_of: dt.date, jobs: int | None = 1) -> list[Problem]:
    """Every file's own problems, then every rule's, in rule order. ``jobs``: processes that share the rules
    (``parallel.rule_workers``: None is every usable core for a large repository); the result is the same."""
    from . import parallel

    ctx = Context(repo, as_of)
    found = list(repo.file_problems)
    left_out = {d.file: repo.left_out(d.file) for d in repo.documents if d.kept is not None}
    checks = rules.CHECKS

    def run(index: int) -> list[Problem]:
        rule = checks[index]
        try:
            return list(_judged_on_what_was_kept(rule, rule.check(ctx), left_out))
        except Exception as error:  # a bug in a rule must not hide every other problem
            return [internal_error(repo, rule, error)]

    for problems in parallel.share(len(checks), run, parallel.rule_workers(jobs, len(repo.documents))):
        found.extend(problems)
    return found


def internal_error(repo: Repository, rule, error: Exception) -> Problem:
    """The one problem a rule that raised gives instead of all it found."""
    return Problem(repo.config.path, 0, 0, "internal-error",
                   T("rule {rule} failed: {error}", rule=rule.ID, error=type(error).__name__ + ": " + one_line(error)),
                   T("This is a bug in salesgen; please report it with the file that triggers it."))


def _judged_on_what_was_kept(rule, problems: Iterable[Problem], left_out: dict) -> Iterable[Problem]:
    """Leave out what ``rule`` concludes about a file from keys that lost data to the file's own problems.

    A rule that declares ``READS`` (the top-level keys it judges a file by) may conclude
    from an absence ("no activity", "no decision maker"): where that key lost a value
    or an item for a schema problem, the conclusion is not known, and that problem is
    the one message.
    """
    reads = getattr(rule, "READS", None)
    if not reads or not left_out:
        yield from problems
        return
    for problem in problems:
        if left_out.get(problem.file, frozenset()).isdisjoint(reads):
            yield problem


def apply_levels(repo: Repository, problems: Iterable[Problem], as_of: dt.date,
                 waivers: dict | None = None) -> list[Problem]:
    """Configured levels (error | warning | off), then valid waivers turn errors into warnings.
    ``waivers``: file -> the valid waivers of its deal (default: those of ``repo``'s deals)."""
    levels = repo.config.rule_levels
    waivers = waivers_by_file(repo, as_of) if waivers is None else waivers
    result = []
    for problem in problems:
        rule = rules.REGISTRY.get(problem.rule)
        level = levels.get(problem.rule, rule.SEVERITY if rule else "error")
        if level == "off":
            continue
        problem = problem.with_severity(Severity(level))
        waiver = _matching_waiver(waivers.get(problem.file, ()), problem)
        if waiver is not None:  # errors become warnings; warnings say they are accepted
            problem = Problem(problem.file, problem.line, problem.column, problem.rule,
                              T("{message} (waived until {until}: {reason})", message=problem.message,
                                until=waiver["until"], reason=one_line(waiver["reason"])),
                              problem.hint, Severity.WARNING, problem.path, problem.subject)
        result.append(problem)
    return result


def waivers_by_file(repo: Repository, as_of: dt.date) -> dict:
    """deal file -> the deal's valid waivers, for the deals of ``repo``."""
    ctx = Context(repo, as_of)
    table: dict = {}
    for deal in repo.deals.values():
        valid = [w for w in deal.get("waivers") or () if waiver_is_valid(ctx, deal, w)]
        if valid:
            table[deal.file] = valid
    return table


def _matching_waiver(waivers, problem: Problem):
    if problem.rule == "waiver-invalid":
        return None
    for waiver in waivers:
        if waiver["rule"] == problem.rule and waiver.get("criterion") in (None, problem.subject):
            return waiver
    return None


def select(problems: Iterable[Problem], root: Path, paths: Iterable[Path]) -> list[Problem]:
    """Keep problems in files below any of ``paths`` (all when none are given)."""
    prefixes = []
    for path in paths:
        resolved = Path(path).resolve()
        try:
            prefixes.append(PurePosixPath(resolved.relative_to(root.resolve()).as_posix()))
        except ValueError:
            continue
    if not prefixes:
        return list(problems) if not list(paths) else []
    kept = []
    for problem in problems:
        file = PurePosixPath(problem.file)
        if any(file == prefix or prefix in file.parents or str(prefix) == "." for prefix in prefixes):
            kept.append(problem)
    return kept


def lint(root: Path, as_of: dt.date, paths: Iterable[Path] = (), reader=read_document, *,
         past: bool = False, prepare=None, jobs: int | None = 1) -> LintResult:
    """Check the repository at ``root``. Raises ConfigurationError for an unusable configuration.

    ``past``: when ``as_of`` is earlier than the latest change the files record, check the
    deals as they were then (``analytics.asof``), as the site built for that day shows them,
    instead of today's deals against an old date. ``LintResult.repo`` is the repository as read.
    ``prepare``: see ``load_repository`` (``LintCache.prepare``, to check files over several processes).
    ``jobs``: processes that share the rules (``run_rules``); 1, the default, is this one alone.
    """
    repo = load_repository(root, reader, prepare)
    check_rule_levels(repo)
    checked = repo
    if past:
        from .analytics.asof import repository_as_of

        checked = repository_as_of(repo, as_of)
    problems = apply_levels(checked, run_rules(checked, as_of, jobs), as_of)
    paths = list(paths)
    if paths:
        problems = select(problems, root, paths)
    return LintResult(repo, as_of, sorted(set(problems)))
