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

