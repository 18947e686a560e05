"""`salesgen lint --jobs N`: files checked in worker processes give exactly what one process gives."""
from __future__ import annotations

import datetime as dt
import os
import time
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from salesgen import parallel, repository
from salesgen.cache import CACHE_DIR, STAT_FILE
from salesgen.cli import cli
from salesgen.synthetic import generate

HOSTILE = {  # files whose own problems must come out of a worker as they come out of one process
    "deals/broken/syntax.yaml": b"id: syntax\nname: [unclosed\n",
    "deals/broken/deep.yaml": b"id: deep\nx: " + b"[" * 150 + b"]" * 150 + b"\n",
    "deals/broken/bomb.yaml": b"a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                              b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                              b"e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
    "deals/broken/binary.yaml": b"id: binary\x00\x01\n",
    "deals/broken/latin1.yaml": "id: latin1\nname: caf\u00e9\n".encode("latin-1"),
    "deals/broken/fullwidth.yaml": "id: fullwidth\namount：500000\n".encode(),
    "customers/empty.yaml": b"# nothing yet\n",
}


@pytest.fixture(scope="module")
def synthetic_repo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("synthetic") / "repo"
    generate(root, deals=60, customers=12, contacts=40, seed=3)
    for rel, data in HOSTILE.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def spy_on(monkeypatch, name: str, argument: int) -> list:
    """The ``argument``-th argument of every call of ``parallel.<name>`` (how many processes it was given)."""
    seen = []
    real = getattr(parallel, name)

    def spy(*args):
        seen.append(args[argument])
        return real(*args)

    monkeypatch.setattr(parallel, name, spy)
    return seen


@pytest.fixture
def pool_spy(monkeypatch):
    """How many workers each pool had (a run that used none leaves it empty)."""
    return spy_on(monkeypatch, "run_tasks", 1)


@pytest.fixture
def share_spy(monkeypatch):
    """How many processes each sharing of work had (parallel.share: the deals' parts, the rules)."""
    return spy_on(monkeypatch, "share", 2)


def lint(root: Path, *args: str):
    result = CliRunner().invoke(cli, ["lint", "--root", str(root), "--as-of", "2026-11-20", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def cache_files(root: Path) -> dict:
    """Every file of the cache folder but the status table, which remembers the files that were 3 s old when
    a run began: it depends on the clock, not on the processes (tests/test_cache_status.py)."""
    folder = root / CACHE_DIR
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())
            if path.name != STAT_FILE} if folder.is_dir() else {}


def cold(root: Path, *args: str):
    shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
    result = lint(root, *args)
    return result.exit_code, result.stdout, cache_files(root)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
@pytest.mark.parametrize("which", ["example", "synthetic"])
def test_parallel_cold_lint_equals_serial_byte_for_byte(which, fmt, example_repo, synthetic_repo, pool_spy):
    root = example_repo if which == "example" else synthetic_repo
    serial = cold(root, "--format", fmt, "--jobs", "1")
    assert pool_spy == []
    parallel_run = cold(root, "--format", fmt, "--jobs", "2")
    assert pool_spy == [2]
    assert parallel_run == serial
    assert serial[2]  # the cache was written, and is the same file by file
    if which == "synthetic":
        assert serial[0] == 1 and "yaml-alias" in serial[1] and "yaml-encoding" in serial[1]


def test_parallel_warm_lint_with_edits_equals_serial(synthetic_repo, pool_spy, share_spy):
    root = synthetic_repo
    cold(root, "--jobs", "2")
    pool_spy.clear()
    share_spy.clear()
    deals = sorted((root / "deals").rglob("*.yaml"))
    saved = {path: path.read_bytes() for path in deals[:8]}
    try:
        for deal in deals[:6]:  # in several shards
            deal.write_bytes(deal.read_bytes().replace(b"\nname: ", b"\nname: x", 1))
        deals[6].write_bytes(b"id: [\n")
        deals[7].unlink()
        before = cache_files(root)
        serial = lint(root, "--format", "json", "--jobs", "1")
        serial_cache = cache_files(root)
        for name, data in before.items():  # back to the warm state, then the same edits in parallel
            (root / CACHE_DIR / name).write_bytes(data)
        parallel_run = lint(root, "--format", "json", "--jobs", "2")
        assert share_spy == [1, 2]  # the deals' parts: in one process, then in two
        assert pool_spy == []  # the customers were all cached
        assert (parallel_run.exit_code, parallel_run.stdout) == (serial.exit_code, serial.stdout)
        assert cache_files(root) == serial_cache
    finally:
        for path, data in saved.items():
            path.write_bytes(data)


@pytest.mark.parametrize("failure", ["raises", "dies"])
def test_a_worker_that_fails_on_a_file_changes_nothing(failure, synthetic_repo, monkeypatch, pool_spy):
    root = synthetic_repo
    expected = cold(root, "--format", "json", "--jobs", "1")
    parent = os.getpid()
    real = repository.check_bytes

    def hostile(data, rel, kind):
        if os.getpid() != parent and rel == "deals/broken/bomb.yaml":
            if failure == "dies":
                os._exit(70)  # as a crash in a C library would end the worker
            raise MemoryError("a worker ran out of memory")
        return real(data, rel, kind)

    monkeypatch.setattr(repository, "check_bytes", hostile)
    assert cold(root, "--format", "json", "--jobs", "2") == expected
    assert pool_spy == [2]


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_jobs_must_be_a_positive_whole_number(value, example_repo):
    result = CliRunner().invoke(cli, ["lint", "--root", str(example_repo), "--jobs", value])
    assert result.exit_code == 2
    assert "Invalid value for '--jobs'" in result.output
    assert "Traceback" not in result.output
    assert not (example_repo / CACHE_DIR).exists()


def test_default_uses_every_core_only_for_enough_files(monkeypatch):
    monkeypatch.setattr(parallel, "usable_cores", lambda: 4)
    assert parallel.workers_for(None, parallel.PARALLEL_MIN_FILES - 1, 64) == 0
    assert parallel.workers_for(None, parallel.PARALLEL_MIN_FILES, 64) == 4
    assert parallel.workers_for(None, parallel.PARALLEL_MIN_FILES, 3) == 3  # no more workers than tasks
    assert parallel.workers_for(2, 5, 64) == 2  # an explicit number is obeyed for few files
    assert parallel.workers_for(8, 5, 1) == 0  # one task: nothing to share
    assert parallel.workers_for(1, 10_000, 64) == 0
    monkeypatch.setattr(parallel, "usable_cores", lambda: 1)
    assert parallel.workers_for(None, 10_000, 64) == 0


@pytest.mark.parametrize("warm", [False, True])
def test_the_default_shares_the_deals_from_enough_files_cold_or_warm(synthetic_repo, monkeypatch, share_spy, warm):
    """From PARALLEL_MIN_FILES files every usable core takes parts of the deals (reading them, or taking them
    from the cache, and judging them); below that, the command's own process does it all."""
    files = len(repository.discover(synthetic_repo))
    monkeypatch.setattr(parallel, "usable_cores", lambda: 2)
    expected = cold(synthetic_repo, "--format", "json", "--jobs", "1")[:2]
    for minimum, processes in ((files, 2), (files + 1, 1)):
        monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", minimum)
        if warm:
            lint(synthetic_repo)  # the cache filled
        else:
            shutil.rmtree(synthetic_repo / CACHE_DIR, ignore_errors=True)
        share_spy.clear()
        result = lint(synthetic_repo, "--format", "json")
        assert (result.exit_code, result.stdout) == expected
        assert share_spy == [processes]


def test_one_usable_core_never_reads_ahead(synthetic_repo, monkeypatch):
    monkeypatch.setattr(parallel, "usable_cores", lambda: 1)
    from salesgen.cache import LintCache

    cache = LintCache(synthetic_repo)
    cache.prepare(repository.discover(synthetic_repo), None)
    assert cache._prepared == {} and cache.hits == cache.misses == 0  # the reader does it all, file by file


def test_lint_sums_up_on_stderr_when_nobody_watches(example_repo, monkeypatch):
    from salesgen.commands import common

    quick = lint(example_repo, "--format", "json")
    assert "checked in" not in quick.stderr  # under a second: nothing, as on a terminal
    monkeypatch.setattr(common, "SUMMARY_AFTER", 0.0)
    files = len(repository.discover(example_repo))
    result = lint(example_repo, "--format", "json")
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"salesgen: {files} files checked in ")
    assert lines[0].endswith(" s") and "checked in" not in result.stdout
    chinese = lint(example_repo, "--format", "json", "--lang", "zh")
    assert chinese.stderr.startswith(f"salesgen：已检查 {files} 个文件，用时 ")
    assert "checked in" not in chinese.stdout and "已检查" not in chinese.stdout


def test_lint_draws_the_bar_on_a_terminal(example_repo, monkeypatch):
    """On a terminal a run of over a second draws a bar, clears it, and sums up."""
    from salesgen import progress as progress_module
    from salesgen.commands import common

    monkeypatch.setattr(progress_module, "interactive", lambda stream: True)
    monkeypatch.setattr(common, "SUMMARY_AFTER", 0.0)
    files = len(repository.discover(example_repo))
    result = lint(example_repo, "--format", "json")
    assert f"\r\x1b[2KChecking files [########################] {files}/{files} files 100%" in result.stderr
    assert result.stderr.endswith("\r\x1b[2Ksalesgen: " + result.stderr.rsplit("salesgen: ", 1)[1])
    assert "\x1b" not in result.stdout


def test_reports_read_through_the_same_pool(example_repo, monkeypatch, pool_spy):
    """Commands that load through the cache (here `funnel`) use the default too, with the same result."""
    args = ["funnel", "--root", str(example_repo), "--as-of", "2026-11-20"]
    monkeypatch.setattr(parallel, "usable_cores", lambda: 1)
    serial = CliRunner().invoke(cli, args)
    shutil.rmtree(example_repo / CACHE_DIR)
    monkeypatch.setattr(parallel, "usable_cores", lambda: 2)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 1)
    pooled = CliRunner().invoke(cli, args)
    assert pool_spy == [2]
    assert (pooled.exit_code, pooled.output) == (serial.exit_code, serial.output) and serial.exit_code == 0


def test_no_pool_to_be_had_means_one_process(example_repo, monkeypatch, pool_spy):
    """Where processes cannot be started (no /dev/shm for the pool's semaphores), lint runs in its own."""
    import concurrent.futures

    expected = cold(example_repo, "--format", "json", "--jobs", "1")

    class NoPool:
        def __init__(self, *args, **kwargs):
            raise OSError(38, "Function not implemented")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", NoPool)
    assert cold(example_repo, "--format", "json", "--jobs", "2") == expected
    assert pool_spy == [2]


def test_summary_line_counts_as_the_bar_does():
    from salesgen.commands.common import checking_progress

    assert checking_progress("en").summary(12000, 6.14) == "salesgen: 12,000 files checked in 6.1 s"
    assert checking_progress("en").summary(1, 1.0) == "salesgen: 1 file checked in 1.0 s"
    assert checking_progress("zh").summary(1000, 2.0) == "salesgen：已检查 1,000 个文件，用时 2.0 秒"


# ------------------------------------------------------------------ the rules shared by processes

def test_rules_shared_by_processes_give_the_problems_of_one(synthetic_repo):
    from salesgen.engine import lint as run_lint

    late = dt.date(2027, 9, 30)  # months later: slipped close dates, overdue follow-ups and promises
    alone = run_lint(synthetic_repo, late, past=True, jobs=1).problems
    assert len({p.rule for p in alone}) >= 5  # many rules have something to say
    for jobs in (2, 3):
        assert run_lint(synthetic_repo, late, past=True, jobs=jobs).problems == alone


def work(index: int) -> list:
    time.sleep(0.02)  # long enough for every process to claim some
    return [index, index * index, os.getpid()]


def test_share_gives_the_results_of_one_loop_in_order_and_uses_the_children():
    results = parallel.share(12, work, 3)
    assert [r[:2] for r in results] == [[i, i * i] for i in range(12)]
    assert len({r[2] for r in results}) > 1  # done by more than this process


def test_a_child_that_dies_costs_time_not_results():
    parent = os.getpid()

    def dies_in_a_child(index: int) -> list:
        if os.getpid() != parent:
            os._exit(9)
        return [index]

    assert parallel.share(8, dies_in_a_child, 2) == [[i] for i in range(8)]


def test_a_child_whose_results_cannot_travel_back_costs_time_not_results():
    parent = os.getpid()

    def unpicklable_in_a_child(index: int):
        time.sleep(0.01)
        return [index] if os.getpid() == parent else [lambda: index]

    assert parallel.share(8, unpicklable_in_a_child, 2) == [[i] for i in range(8)]


@pytest.mark.parametrize("jobs, documents, cores, expected", [
    (None, parallel.PARALLEL_MIN_FILES - 1, 4, 1), (None, parallel.PARALLEL_MIN_FILES, 4, 4),
    (None, parallel.PARALLEL_MIN_FILES, 1, 1), (1, 100_000, 4, 1), (3, 10, 4, 3)])
def test_rules_are_shared_from_as_many_files_as_the_checks_are(jobs, documents, cores, expected, monkeypatch):
    monkeypatch.setattr(parallel, "usable_cores", lambda: cores)
    assert parallel.rule_workers(jobs, documents) == expected
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    assert parallel.rule_workers(jobs, documents) == 1
