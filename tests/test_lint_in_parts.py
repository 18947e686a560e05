"""`salesgen lint` checks the deals a shard at a time (engine_parts): the problems of one pass over the whole
repository (engine.lint), holding the customers and one shard of deals.

The oracle is ``engine.lint``, which the site and the reports use and every rule's own tests
exercise; the repositories are those where most can go wrong: the hostile corpus all at once,
a generated pipeline months later (most rules fire), deal ids given by two files (in one shard
and in two), broken and partly valid files, waivers on a deal whose id is taken.
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from salesgen import engine, engine_parts, rules
from salesgen.cache import CACHE_DIR, DEAL_SHARDS, LintCache, shard_of
from salesgen.repository import Repository
from salesgen.rules.base import Context
from salesgen.synthetic import generate

HERE = Path(__file__).resolve().parent
AS_OF = dt.date(2026, 11, 20)
LATE = dt.date(2027, 9, 30)  # months later: slipped close dates, overdue follow-ups and promises


def snapshot(problems) -> list:
    return [(p.file, p.line, p.column, p.rule, p.severity.value, str(p.message), str(p.hint), p.path, p.subject)
            for p in problems]


def both(root: Path, as_of: dt.date, **kwargs) -> tuple[list, list]:
    return snapshot(engine.lint(root, as_of).problems), snapshot(engine_parts.lint_in_parts(root, as_of, **kwargs).problems)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    from test_parallel_lint import HOSTILE

    root = tmp_path_factory.mktemp("parts") / "repo"
    generate(root, deals=160, customers=14, contacts=60, seed=8)
    for rel, data in HOSTILE.items():  # files that cannot be read, parsed or trusted
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    deals = sorted((root / "deals").glob("*.yaml"))
    for deal, old, new in ((deals[1], "\nowner: ", "\nowner: nobody-"), (deals[2], "\ncustomer: ", "\ncustomer: nowhere-"),
                           (deals[3], "\namount: ", "\namount: -")):  # a rep, a customer unknown; a schema error
        deal.write_text(deal.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return root


def same_id_twice(root: Path) -> tuple[str, str]:
    """Give a second file the id of a deal in another shard, and a third one in the same shard; a waiver on the
    second. Returns the two copies' paths."""
    deals = sorted((root / "deals").rglob("*.yaml"))
    original = deals[0]
    text = original.read_text(encoding="utf-8")
    other = next(n for n in (f"zz-copy-{i}" for i in range(200))
                 if shard_of(f"deals/{n}.yaml") != shard_of(original.relative_to(root).as_posix()))
    same = next(n for n in (f"zz-same-{i}" for i in range(2000))
                if shard_of(f"deals/{n}.yaml") == shard_of(original.relative_to(root).as_posix()))
    (root / "deals" / f"{other}.yaml").write_text(
        text.replace("\nstage: ", "\nwaivers:\n  - {rule: file-name-id, reason: copied, approved_by: nobody, "
                                  "until: 2027-12-31}\nstage: ", 1), encoding="utf-8")
    (root / "deals" / f"{same}.yaml").write_text(text.replace("\nexpected_close: ", "\nexpected_close: 2020-01-0"
                                                              "1\nx_expected_close: ", 1), encoding="utf-8")
    return other, same


@pytest.mark.parametrize("as_of", [AS_OF, LATE])
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_generated_pipeline_gives_the_problems_of_one_pass(generated, tmp_path, as_of, jobs):
    root = tmp_path / "repo"
    shutil.copytree(generated, root)
    same_id_twice(root)
    full, parts = both(root, as_of, jobs=jobs)
    assert len({p[3] for p in full}) >= (10 if as_of == LATE else 8)
    assert parts == full


def test_the_hostile_corpus_all_at_once(tmp_path):
    """Every file of tests/data/invalid (deals and customers) dropped into the clean baseline together."""
    from test_corpus import BASELINE, corpus_cases

    root = tmp_path / "repo"
    shutil.copytree(BASELINE, root)
    for case in corpus_cases():
        if case.place == "salesgen.yaml":
            continue
        target = root / case.place
        if target.exists():
            target = target.with_name(f"{target.stem}-{case.name.replace('/', '-')}{target.suffix}")
        target.parent.mkdir(parents=True, exist_ok=True)
        case.write(target)
    full, parts = both(root, AS_OF, jobs=2)
    assert len(full) > 100
    assert parts == full


@pytest.mark.parametrize("as_of", [AS_OF, LATE])
def test_the_hostile_strings_repository(tmp_path, as_of):
    """Valid files full of hostile strings (markup, control characters, right-to-left marks)."""
    root = tmp_path / "repo"
    shutil.copytree(HERE / "data" / "hostile-repo", root)
    full, parts = both(root, as_of)
    assert parts == full


@pytest.mark.parametrize("warm", [False, True])
def test_through_the_cache_cold_and_warm(generated, tmp_path, warm):
    root = tmp_path / "repo"
    shutil.copytree(generated, root)
    same_id_twice(root)
    expected = snapshot(engine.lint(root, LATE).problems)
    if warm:
        store = LintCache(root)
        engine_parts.lint_in_parts(root, LATE, cache=store, jobs=2)
        store.save()
    store = LintCache(root)
    result = engine_parts.lint_in_parts(root, LATE, cache=store, jobs=2)
    store.save()
    assert snapshot(result.problems) == expected
    again = LintCache(root)
    assert snapshot(engine_parts.lint_in_parts(root, LATE, cache=again, jobs=1).problems) == expected
    assert again.misses == 0  # every shard was written, by whichever process checked it


def test_a_part_holds_one_shard_of_deals_and_the_cache_lets_it_go(generated, tmp_path, monkeypatch):
    root = tmp_path / "repo"
    shutil.copytree(generated, root)
    seen = []
    real = engine_parts.check_part

    def spy(base, part, as_of, reader):
        seen.append([rel for rel, *_ in part])
        assert not base.deals  # the customers only
        return real(base, part, as_of, reader)

    monkeypatch.setattr(engine_parts, "check_part", spy)
    store = LintCache(root)
    engine_parts.lint_in_parts(root, AS_OF, cache=store, jobs=1)
    deal_files = sorted(p.relative_to(root).as_posix() for p in (root / "deals").rglob("*.yaml"))
    assert sorted(rel for part in seen for rel in part) == deal_files  # each deal file in exactly one part
    for part in seen:
        assert len({shard_of(rel) for rel in part}) == 1 and part == sorted(part)
    assert len(seen) > 1
    assert all(shard >= DEAL_SHARDS for shard in store._shards)  # no deal shard is still held


def test_the_shard_of_deleted_files_is_removed(generated, tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(generated, root)
    store = LintCache(root)
    engine_parts.lint_in_parts(root, AS_OF, cache=store)
    store.save()
    shard = shard_of(sorted(p.relative_to(root).as_posix() for p in (root / "deals").rglob("*.yaml"))[0])
    path = root / CACHE_DIR / f"shard-{shard:02d}.pickle"
    assert path.exists()
    for deal in (root / "deals").rglob("*.yaml"):
        if shard_of(deal.relative_to(root).as_posix()) == shard:
            deal.unlink()
    store = LintCache(root)
    result = engine_parts.lint_in_parts(root, AS_OF, cache=store)
    store.save()
    assert not path.exists()
    assert snapshot(result.problems) == snapshot(engine.lint(root, AS_OF).problems)


def test_a_rule_that_fails_on_one_part_gives_its_failure_only(generated, tmp_path, monkeypatch):
    """As in one pass: the rule's first failure instead of everything it found, the other rules as ever."""
    from salesgen.rules import close_date_passed

    root = tmp_path / "repo"
    shutil.copytree(generated, root)
    victim = sorted(p.stem for p in (root / "deals").rglob("*.yaml"))[-1]
    real = close_date_passed.check

    def failing(ctx):
        for problem in real(ctx):
            yield problem
        if victim in ctx.repo.deals:
            raise ValueError("boom")

    monkeypatch.setattr(close_date_passed, "check", failing)
    full, parts = both(root, LATE, jobs=1)
    assert [p for p in full if p[3] == "internal-error"] and not [p for p in full if p[3] == close_date_passed.ID]
    assert parts == full


# ------------------------------------------------------------------ every rule says how it may be run

SCOPES = {"deal", "split", "customers", "whole"}


def test_every_rule_declares_how_it_may_be_run():
    for rule in rules.CHECKS:
        assert rule.SCOPE in SCOPES, rule.ID
        if rule.SCOPE == "split":
            assert callable(rule.check_deals) and callable(rule.check_rest), rule.ID
        if rule.SCOPE == "whole":
            assert callable(rule.collect) and callable(rule.judge), rule.ID
            assert rule.COLLECTS in ("deals", "documents"), rule.ID


@pytest.fixture(scope="module")
def late_repo(generated) -> Repository:
    return engine.lint(generated, LATE).repo


def deals_part(repo: Repository, keep) -> Repository:
    part = Repository(root=repo.root, config=repo.config, documents=repo.documents, customers=repo.customers,
                      contacts=repo.contacts, unbuilt=repo.unbuilt)
    part.deals = {deal_id: deal for deal_id, deal in repo.deals.items() if keep(deal_id)}
    return part


@pytest.mark.parametrize("rule", [r for r in rules.CHECKS if r.SCOPE in ("deal", "split")], ids=lambda r: r.ID)
def test_a_per_deal_rule_judges_each_deal_alone(rule, late_repo):
    """Its problems on half of the deals are exactly its problems on all of them in those deals' files."""
    check = rule.check if rule.SCOPE == "deal" else rule.check_deals
    ids = sorted(late_repo.deals)
    half = set(ids[::2])
    everything = list(check(Context(late_repo, LATE)))
    files = {late_repo.deals[i].file for i in half}
    on_half = list(check(Context(deals_part(late_repo, half.__contains__), LATE)))
    assert on_half == [p for p in everything if p.file in files]
    assert all(p.file in {d.file for d in late_repo.deals.values()} for p in everything)


@pytest.mark.parametrize("rule", [r for r in rules.CHECKS if r.SCOPE in ("customers", "split")], ids=lambda r: r.ID)
def test_a_customers_rule_never_reads_a_deal(rule, late_repo):
    check = rule.check if rule.SCOPE == "customers" else rule.check_rest
    assert list(check(Context(deals_part(late_repo, lambda _id: False), LATE))) == \
        list(check(Context(late_repo, LATE)))


@pytest.mark.parametrize("rule", [r for r in rules.CHECKS if r.SCOPE == "whole"], ids=lambda r: r.ID)
def test_a_whole_rule_judges_what_it_collected_in_parts(rule, late_repo):
    ctx = Context(late_repo, LATE)
    ids = sorted(late_repo.deals)
    records = []
    for start in range(0, len(ids), 7):
        chunk = set(ids[start:start + 7])
        part = deals_part(late_repo, chunk.__contains__)
        documents = [d for d in late_repo.documents if d.kind == "deal" and d.file in
                     {late_repo.deals[i].file for i in chunk}]
        records += rule.collect(Context(part, LATE), documents)
    records += rule.collect(Context(deals_part(late_repo, lambda _id: False), LATE),
                            [d for d in late_repo.documents if d.kind == "customer"])
    records.sort(key=lambda r: r.file)
    assert list(rule.judge(ctx, records)) == list(rule.check(ctx))


def test_what_a_second_file_of_a_deal_id_says_of_its_account_is_left_out(generated, tmp_path):
    """account-type judges the deals the model holds: a won copy of an open deal, in another file of the same
    id, does not make its account a customer's (one pass never builds the copy)."""
    import re

    import yaml

    root = tmp_path / "repo"
    shutil.copytree(generated, root)
    config = yaml.safe_load((root / "salesgen.yaml").read_text(encoding="utf-8"))
    won = {p["id"]: next(s["id"] for s in p["stages"] if s.get("outcome") == "won") for p in config["pipelines"]}
    types = {yaml.safe_load(p.read_text(encoding="utf-8"))["id"]: yaml.safe_load(p.read_text(encoding="utf-8"))["type"]
             for p in (root / "customers").glob("*.yaml") if p.stat().st_size > 20}
    for path in sorted((root / "deals").glob("*.yaml")):
        deal = yaml.safe_load(path.read_text(encoding="utf-8"))
        if types.get(deal.get("customer")) not in (None, "customer") and deal["stage"] != won[deal["pipeline"]]:
            break
    text = re.sub(r"(?m)^stage: .*$", f"stage: {won[deal['pipeline']]}", path.read_text(encoding="utf-8"), count=1)
    rel = path.relative_to(root).as_posix()
    copy = next(n for n in (f"deals/zz-copy-{i}.yaml" for i in range(500)) if shard_of(n) != shard_of(rel))
    (root / copy).write_text(text, encoding="utf-8")  # sorts after the original, in another shard: shadowed
    full, parts = both(root, AS_OF, jobs=1)
    assert not [p for p in full if p[3] == "account-type" and deal["id"] in p[5]]
    assert parts == full


class PidLog:
    """A progress stand-in that appends the counting process's id to a file (a forked process's too)."""

    def __init__(self, path: Path):
        self.path, self.total = path, 0

    def advance(self, count: int = 1) -> None:
        import os

        with open(self.path, "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {count}\n")


@pytest.mark.parametrize("cache", [True, False], ids=["cache", "no cache"])
def test_only_the_commands_own_process_counts_progress_and_every_file_once(generated, tmp_path, cache):
    """A forked process must not draw on the terminal; the files it checked are counted when its results come back."""
    import os

    log = tmp_path / "progress.log"
    store = LintCache(generated, store=tmp_path / "store") if cache else None
    engine_parts.lint_in_parts(generated, AS_OF, cache=store, jobs=2, progress=PidLog(log))
    counts = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    files = len(list((generated / "deals").rglob("*.yaml"))) + len(list((generated / "customers").rglob("*.yaml")))
    assert {int(pid) for pid, _ in counts} == {os.getpid()}
    assert sum(int(count) for _, count in counts) == files


def test_the_collector_is_paused_from_the_file_list_to_the_merge_and_resumed_after(generated, monkeypatch):
    """At 60,000 files a collection during the file list alone costs a second (the collector rescans every path
    made so far); the merge unpickles half the repository's results. Both run with it paused; it is on again after."""
    import gc

    seen = {}
    real_list, real_merge = engine_parts.list_files, engine_parts.merge

    def listing(root):
        seen["list"] = gc.isenabled()
        return real_list(root)

    def merging(*args):
        seen["merge"] = gc.isenabled()
        return real_merge(*args)

    monkeypatch.setattr(engine_parts, "list_files", listing)
    monkeypatch.setattr(engine_parts, "merge", merging)
    assert gc.isenabled()
    try:
        engine_parts.lint_in_parts(generated, AS_OF)
    finally:
        on_after = gc.isenabled()
        gc.enable()
    assert seen == {"list": False, "merge": False}
    assert on_after
