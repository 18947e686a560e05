"""Check files over several processes: how many, and the worker side.

PyYAML's C parser holds the GIL while it composes a document (threads do not run it
in parallel: two threads took longer than one), so the per-file check runs in forked
worker processes. A fork shares the cache entries already loaded with the workers for
free; each worker reads the files it checks (the parent keeps no file's bytes, which at
50,000 deals would be 300 MB), and only results travel back, as one pickle per task.

A task is the files of one lint-cache shard that must be checked: the worker checks
them and pickles the shard's whole entry table (``rel -> (key, Document)``), which is
both what the parent unpickles and, with its header, the shard file itself, so a cold
run does not pickle everything a second time to write the cache.
"""
from __future__ import annotations

import os
import pickle
from typing import Callable

# Below this many files to check a pool costs more than it saves (forking, the results'
# trip back): the default then checks them in the command's own process.
PARALLEL_MIN_FILES = 300

# shard -> [(rel, key, Document, or (path, kind) to read and check)], set by the parent just before forking.
_TASKS: dict = {}


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity, as set by taskset or a container), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def workers_for(jobs: int | None, to_check: int, tasks: int) -> int:
    """How many worker processes check ``to_check`` files in ``tasks`` tasks; 0: check them in this process.

    ``jobs`` None is the default: every usable core, when there are at least
    PARALLEL_MIN_FILES files to check. An explicit ``jobs`` is obeyed whenever there is
    more than one task (capped at the number of tasks).
    """
    if jobs is None:
        jobs = usable_cores() if to_check >= PARALLEL_MIN_FILES else 1
    count = min(jobs, tasks)
    return count if count > 1 and can_fork() else 0


def run_tasks(tasks: dict, workers: int, done: Callable[[int, bytes | None], None]) -> None:
    """Check the files of every shard in ``tasks`` over ``workers`` forked processes.

    ``done(shard, payload)`` is called in this process as each task ends, with the pickled
    entry table, or with None when its worker failed (raised, or died): the caller then
    checks that shard itself, so a failure costs time, never a different result.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    global _TASKS
    _TASKS = tasks
    # the largest shards first: the pool does not end on one long task started last
    order = sorted(tasks, key=lambda shard: -sum(1 for item in tasks[shard] if isinstance(item[2], tuple)))
    finished: set = set()
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = {pool.submit(_check_shard, shard): shard for shard in order}
            for future in as_completed(futures):
                shard = futures[future]
                try:
                    payload = future.result()
                except (Exception, BrokenProcessPool):  # a bug or a crash in a worker: checked again here
                    payload = None
                finished.add(shard)
                done(shard, payload)
    except (BrokenProcessPool, OSError):  # a crash seen at shutdown; no process or semaphore to be had
        pass
    finally:
        _TASKS = {}
    for shard in order:  # anything the pool never reported
        if shard not in finished:
            done(shard, None)


def _check_shard(shard: int) -> bytes:
    """In a worker: check what shard ``shard`` lacks, return its whole entry table pickled."""
    return pickle.dumps(checked_entries(_TASKS[shard]), protocol=pickle.HIGHEST_PROTOCOL)


def checked_entries(items: list, unreadable: Callable[[str], None] | None = None) -> dict:
    """``rel -> (key, Document)`` in the order of ``items``, reading and checking those that carry (path, kind).

    A file that cannot be read now raises OSError, or, with ``unreadable``, is passed to
    it and left out (the caller reads it the ordinary way, and reports why it cannot).
    """
    import gc

    from .cache import entry_key
    from .repository import check_bytes

    enabled = gc.isenabled()
    gc.disable()  # a worker allocates only what it returns: no cycles to look for
    entries = {}
    try:
        for rel, key, what in items:
            if isinstance(what, tuple):
                path, kind = what
                try:
                    data = path.read_bytes()
                except OSError:
                    if unreadable is None:
                        raise
                    unreadable(rel)
                    continue
                key, what = entry_key(data, rel, kind), check_bytes(data, rel, kind)  # the bytes checked
            entries[rel] = (key, what)
        return entries
    finally:
        if enabled:
            gc.enable()



def rule_workers(jobs: int | None, documents: int) -> int:
    """How many processes run the rules over a model of ``documents`` files (1: this process alone).

    The rules see the whole repository, so they cannot be split by file; they are split
    rule by rule between this process and forked children, which share the model for free.
    The default does so from PARALLEL_MIN_FILES files, like the checks of the files.
    """
    if jobs is None:
        jobs = usable_cores() if documents >= PARALLEL_MIN_FILES else 1
    return jobs if jobs > 1 and can_fork() else 1


def share(count: int, run_one: Callable[[int], list], processes: int) -> list[list]:
    """``[run_one(i) for i in range(count)]``, the calls shared by this process and ``processes - 1`` forked ones.

    Each process takes the next index from a counter they share, so a long call does not
    leave the others idle. A child sends back its results as one pickle; whatever a child
    did not send (it failed, or died) is done here, so a failure costs time, never a
    different result. The results are in index order, as a loop in one process gives them.
    """
    if processes <= 1 or count <= 1:
        return [run_one(index) for index in range(count)]
    import multiprocessing

    context = multiprocessing.get_context("fork")
    counter = context.Value("i", 0)

    def claimed():
        while True:
            with counter.get_lock():
                index = counter.value
                counter.value += 1
            if index >= count:
                return
            yield index

    children = []
    for _ in range(processes - 1):
        try:
            reader, writer = os.pipe()
            pid = os.fork()
        except OSError:  # no process to be had: fewer helpers
            break
        if pid == 0:  # the child: run what it claims, send it, leave without cleaning up the parent's objects
            status = 1
            try:
                os.close(reader)
                payload = pickle.dumps({index: run_one(index) for index in claimed()}, protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(writer, "wb") as out:
                    out.write(payload)
                status = 0
            finally:
                os._exit(status)
        os.close(writer)
        children.append((pid, reader))
    results = {index: run_one(index) for index in claimed()}
    for pid, reader in children:
        with os.fdopen(reader, "rb") as pipe:
            payload = pipe.read()
        _, status = os.waitpid(pid, 0)
        if status == 0:
            try:
                results.update(pickle.loads(payload))
            except Exception:  # a damaged pickle: done again below
                pass
    return [results[index] if index in results else run_one(index) for index in range(count)]
