"""Lint in parts: every customer, then the deals one lint-cache shard at a time, so memory does not grow
with the history.

``engine.lint`` holds the whole repository, as the site and the reports need it: at 50,000 deals
about 1.1 GB. `salesgen lint` only needs the problems, and most rules judge a deal from that deal
alone. So it reads every customer (the deals refer to them), then, for each shard of deal files
(``cache.shard_of``: about one deal in 64), reads and checks those files, builds their deals and runs
the rules that judge one deal at a time on them, keeps what the other rules need to know of them, and
lets them go. The shards are shared by the command's processes (``parallel.share``), each forked
after the customers are read. The rules say how they can be run (``SCOPE``, see ``rules``):

- ``deal``: on each part; ``split``: ``check_deals`` on each part, ``check_rest`` once;
- ``customers``: once, on the customers and the configuration;
- ``whole``: ``collect`` on each part (and on the customers), ``judge`` once on all that was collected.

The problems are those of ``engine.lint`` on the whole repository (tested on every repository the
tests have): where two files give one deal id, the first file's deal is the deal (as in
``repository.build_model``), so what the rules said of the other file's deal is left out at the end;
a rule that fails on any part gives its first failure instead of everything it found.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from . import parallel, rules
from .engine import (LintResult, _judged_on_what_was_kept, apply_levels, check_rule_levels, internal_error,
                     select, waivers_by_file)
from .model import Deal
from .repository import (ConfigurationError, Repository, build_model, collector_paused, list_files,
                         read_document)
from .rules.base import Context


@dataclass
class PartResult:
    """What one part of the deals leaves behind (it travels back from a forked process as a pickle)."""

    file_problems: list = field(default_factory=list)  # the files' own problems
    found: dict = field(default_factory=dict)  # rule index -> its problems on this part (levels not applied)
    failures: dict = field(default_factory=dict)  # rule index -> internal-error problem
    collected: dict = field(default_factory=dict)  # rule index -> records (SCOPE "whole")
    built: list = field(default_factory=list)  # (deal id, file) of every deal built, in file order
    waivers: dict = field(default_factory=dict)  # deal file -> its valid waivers
    statuses: dict = field(default_factory=dict)  # the lint cache's remembered statuses of these files
    files: int = 0
    pid: int = 0  # the process that checked them


def lint_in_parts(root: Path, as_of: dt.date, paths: Iterable[Path] = (), cache=None, jobs: int | None = 1,
                  progress=None) -> LintResult:
    """The problems ``engine.lint(root, as_of, paths)`` gives, holding one shard of deals at a time.

    ``cache``: a ``LintCache`` (files read through it, its shards written part by part), or None.
    ``jobs``: processes that share the parts (``parallel.rule_workers``). ``progress``: a
    ``progress.Progress`` told the number of files and counting them as they are checked (by this
    process; the other processes' files are counted when they are done).
    Raises ConfigurationError for an unusable configuration.
    """
    from .config import load_config

    config, config_problems = load_config(root)
    if config is None or any(p.severity.value == "error" for p in config_problems):
        raise ConfigurationError(config_problems)
    repo = Repository(root=root, config=config)
    check_rule_levels(repo)
    with collector_paused():  # nothing lint allocates from here on makes a cycle (see collector_paused): at
        # 60,000 files the collector would rescan the file list alone for a second, and the parts' results again
        return _problems_in_parts(repo, as_of, list(paths), cache, jobs, progress)


def _problems_in_parts(repo: Repository, as_of: dt.date, paths: list, cache, jobs: int | None,
                       progress) -> LintResult:
    root = repo.root
    files = list_files(root)
    customers = [f for f in files if f[1] == "customer"]
    reader = cache.reader if cache is not None else read_document
    parent = os.getpid()
    counted = progress.advance if progress is not None else _nothing
    if progress is not None:
        progress.total = len(files)

    def here(count: int) -> None:  # a forked process must not draw on the terminal
        if os.getpid() == parent:
            counted(count)

    if cache is not None:
        cache.advance = here
    if cache is not None:
        cache.prepare([(rel, kind, path) for rel, kind, path, outside in customers if outside is None], jobs)
    for rel, kind, path, outside in customers:
        repo.documents.append(outside or reader(root, rel, kind, path))
    build_model(repo)
    if cache is None:
        here(len(customers))
    parts = deal_parts(files)
    if cache is not None:
        cache.known_statuses()  # read once here: the forked processes share it
    repo.document_table()  # likewise

    def run(index: int) -> PartResult:
        if index == 0:  # the rules of the customers and the configuration, first: they need no part
            return check_rest(repo, as_of)
        shard, part = parts[index - 1]
        if cache is not None:  # what here() would do, decided once a part, not with a getpid() per file
            cache.advance = counted if os.getpid() == parent else _nothing
        result = check_part(repo, part, as_of, reader)
        result.pid = os.getpid()
        if cache is not None:
            result.statuses = cache.finish_part(shard)
        else:
            here(len(part))
        return result

    processes = parallel.rule_workers(jobs, len(files))
    results = parallel.share(len(parts) + 1, run, processes)  # each part is freed as it ends, by reference counts
    counted(sum(result.files for result in results if result.pid != parent))
    if cache is not None:
        for result in results:
            cache.merge_statuses(result.statuses)
        cache.forget_shards_without_files({shard for shard, _part in parts})
    problems, waivers = merge(repo, results, as_of)
    problems = apply_levels(repo, problems, as_of, waivers)
    if paths:
        problems = select(problems, root, paths)
    return LintResult(repo, as_of, sorted(set(problems)), checked=[rel for rel, *_ in files])


def deal_parts(files: list) -> list[tuple[int, list]]:
    """(shard, the deal files of that shard in file order) for every shard that has deal files, in shard order."""
    from .cache import shard_of

    by_shard: dict = {}
    for item in files:
        if item[1] == "deal":
            by_shard.setdefault(shard_of(item[0]), []).append(item)
    return sorted(by_shard.items())


def check_part(base: Repository, part: list, as_of: dt.date, reader) -> PartResult:
    """Read and check the deal files of ``part``, build their deals and run the rules on them alone."""
    result = PartResult(files=len(part))
    documents = [outside or reader(base.root, rel, kind, path) for rel, kind, path, outside in part]
    repo = Repository(root=base.root, config=base.config, documents=base.documents + documents,
                      customers=base.customers, contacts=base.contacts, unbuilt=base.unbuilt)
    by_file = dict(base.document_table())  # a copy of the customers' table, not 10,000 lookups per part
    by_file.update((d.file, d) for d in documents)
    repo.__dict__["_by_file_cache"] = by_file
    for document in documents:
        result.file_problems += document.problems
        data = document.model_data
        if data is not None and document.kind == "deal":
            deal = Deal.from_document(data, document.file, partial=not document.valid)
            result.built.append((deal.id, deal.file))
            repo.deals.setdefault(deal.id, deal)
    ctx = Context(repo, as_of)
    left_out = {d.file: repo.left_out(d.file) for d in documents if d.kept is not None}
    for index, rule in enumerate(rules.CHECKS):
        try:
            if rule.SCOPE == "whole":
                result.collected[index] = rule.collect(ctx, documents)
            elif rule.SCOPE in ("deal", "split"):
                check = rule.check if rule.SCOPE == "deal" else rule.check_deals
                result.found[index] = list(_judged_on_what_was_kept(rule, check(ctx), left_out))
        except Exception as error:  # a bug in a rule must not hide every other problem
            result.failures[index] = internal_error(repo, rule, error)
    result.waivers = waivers_by_file(repo, as_of)
    return result


def check_rest(repo: Repository, as_of: dt.date) -> PartResult:
    """What the rules say of the customers and the configuration (SCOPE "customers", and "split" rules' rest)."""
    result = PartResult()
    ctx = Context(repo, as_of)
    left_out = {d.file: repo.left_out(d.file) for d in repo.documents if d.kept is not None}
    for index, rule in enumerate(rules.CHECKS):
        if rule.SCOPE not in ("customers", "split"):
            continue
        check = rule.check if rule.SCOPE == "customers" else rule.check_rest
        try:
            result.found[index] = list(_judged_on_what_was_kept(rule, check(ctx), left_out))
        except Exception as error:
            result.failures[index] = internal_error(repo, rule, error)
    return result


def merge(repo: Repository, results: list, as_of: dt.date) -> tuple[list, dict]:
    """Every problem of the parts and of the rules run once, and the waivers of the deals that count."""
    first: dict = {}  # deal id -> the first file that gives it
    for result in results:
        for deal_id, file in result.built:
            if deal_id not in first or file < first[deal_id]:
                first[deal_id] = file
    shadowed = {file for result in results for deal_id, file in result.built if first[deal_id] != file}
    problems = [p for d in repo.documents for p in d.problems]
    waivers: dict = {}
    for result in results:
        problems += result.file_problems
        waivers.update((file, valid) for file, valid in result.waivers.items() if file not in shadowed)
    ctx = Context(repo, as_of)
    left_out = {d.file: repo.left_out(d.file) for d in repo.documents if d.kept is not None}
    for index, rule in enumerate(rules.CHECKS):
        failure = next((r.failures[index] for r in results if index in r.failures), None)
        found = [p for r in results for p in r.found.get(index, ()) if p.file not in shadowed]
        try:
            if failure is None and rule.SCOPE == "whole":
                found += judge(ctx, rule, index, results, shadowed, left_out)
        except Exception as error:
            failure = internal_error(repo, rule, error)
        problems += [failure] if failure is not None else found
    return problems, waivers


def judge(ctx: Context, rule, index: int, results: list, shadowed: set, left_out: dict) -> list:
    """A SCOPE "whole" rule's judgement of what was collected of every file, in the files' order."""
    records = list(rule.collect(ctx, ctx.repo.documents))
    for result in results:
        records += [r for r in result.collected.get(index, ())
                    if getattr(rule, "COLLECTS", "documents") != "deals" or r.file not in shadowed]
    records.sort(key=lambda record: record.file)  # the files' order, as one run over the repository
    return list(_judged_on_what_was_kept(rule, rule.judge(ctx, records), left_out))


def _nothing(_count: int) -> None:
    pass
