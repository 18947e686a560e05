"""Multi-file edits are all or nothing: a real `salesgen handover` killed (SIGKILL) at every step.

The oracle is two snapshots of the whole repository from a clean run: before the
handover and after it. Whatever step the process dies at, once the next command
(`salesgen lint`) has run, the repository equals one of the two, byte for byte, and no
journal or temporary file is left (they would show up in the snapshot).
"""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, copy_example

from salesgen.cli import cli
from salesgen.editing import WriteError, atomic, write_all
from salesgen.editing.journal import JOURNAL, JOURNAL_TEMP, recover

AS_OF = "2026-11-20"
HANDOVER = ("handover", "--from", "liu-yang", "--to", "chen-ming", "--as-of", AS_OF)
pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs POSIX processes and signals")


def snapshot(root: Path) -> dict:
    """Every file's bytes, hidden ones included; the lint cache aside."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".salesgen-cache" not in p.relative_to(root).parts}


def start_handover(root: Path, crash_at: int | None = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    env.pop("SALESGEN_TEST_CRASH_AT", None)
    if crash_at is not None:
        env["SALESGEN_TEST_CRASH_AT"] = str(crash_at)
    return subprocess.Popen([sys.executable, "-m", "salesgen", *HANDOVER, "--root", str(root)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def forked_salesgen(root: Path, crash_at: int, command: tuple = HANDOVER) -> int:
    """`salesgen handover` (or ``command``) in a forked child (a real process, spared the interpreter's start).

    Returns the child's wait status."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 3
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            os.environ["SALESGEN_TEST_CRASH_AT"] = str(crash_at)
            atomic._steps = 0
            cli.main([*command, "--root", str(root)], prog_name="salesgen", standalone_mode=True)
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        finally:
            os._exit(code)
    return os.waitpid(pid, 0)[1]


def next_command(root: Path):
    """The next salesgen command the team runs; it settles whatever the killed one left."""
    return CliRunner().invoke(cli, ["lint", "--root", str(root), "--as-of", AS_OF, "--format", "json"])


@pytest.fixture(scope="module")
def states(tmp_path_factory) -> tuple[dict, dict]:
    root = copy_example(tmp_path_factory.mktemp("clean") / "repo")
    before = snapshot(root)
    process = start_handover(root)
    assert process.wait(60) == 0, process.stderr.read().decode()
    after = snapshot(root)
    changed = sorted(k for k in before if before[k] != after.get(k))
    assert len(changed) == 4 and set(after) == set(before), changed  # two customers, two open deals
    return before, after


def test_a_handover_killed_at_every_step_leaves_every_file_old_or_every_file_new(tmp_path, states):
    before, after = states
    outcomes = []
    for step in range(1, 200):
        root = copy_example(tmp_path / f"step-{step}")
        status = forked_salesgen(root, step)
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:  # past the last step: the edit ran to its end
            assert snapshot(root) == after
            break
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
        result = next_command(root)
        assert result.exit_code in (0, 1), result.output
        state = snapshot(root)
        assert state in (before, after), f"killed at step {step}: " + ", ".join(
            f"{k} ({'old' if state.get(k) == before.get(k) else 'new' if state.get(k) == after.get(k) else 'other'})"
            for k in sorted(set(state) | set(before)) if before.get(k) != after.get(k) or state.get(k) != before.get(k))
        outcomes.append((step, "old" if state == before else "new", result.stderr))
    else:
        pytest.fail("the handover never ran to its end")
    steps = len(outcomes)
    assert steps >= 20, outcomes  # journal, four temporaries, commit, four renames, folder syncs, removal
    kinds = [kind for _, kind, _ in outcomes]
    # Old until the journal says committed, new from then on: one switch, never back.
    assert kinds == sorted(kinds, key=lambda k: k == "new") and "old" in kinds and "new" in kinds, kinds
    said = " ".join(stderr for _, _, stderr in outcomes)
    assert "rolled back an interrupted edit of 4 files" in said
    assert "finished an interrupted edit of 4 files" in said
    for _, kind, stderr in outcomes:  # at most one line about it
        assert len([line for line in stderr.splitlines() if "interrupted edit" in line]) <= 1


def test_a_handover_killed_at_random_moments(tmp_path, states):
    before, after = states
    timing = copy_example(tmp_path / "timing")
    started = time.perf_counter()
    assert start_handover(timing).wait(60) == 0
    duration = time.perf_counter() - started
    chance = random.Random(20261120)
    for attempt in range(6):
        root = copy_example(tmp_path / f"attempt-{attempt}")
        process = start_handover(root)
        time.sleep(chance.uniform(0.5, 1.0) * duration)  # the first half is Python starting and reading
        process.kill()
        process.wait(60)
        next_command(root)
        assert snapshot(root) in (before, after), f"attempt {attempt}"


# -- the journal on its own ----------------------------------------------------------------


def test_a_prepared_journal_is_rolled_back_and_only_salesgen_temporaries_are_removed(tmp_path):
    (tmp_path / "deals").mkdir()
    deal = tmp_path / "deals" / "a.yaml"
    deal.write_bytes(b"old\n")
    ours = tmp_path / "deals" / ".a.yaml.0123abcd.salesgen-tmp"
    ours.write_bytes(b"new\n")
    theirs = [tmp_path / "deals" / ".a.yaml.swp", tmp_path / "deals" / ".a.yaml.0123abcd.salesgen-tmp~",
              tmp_path / "deals" / ".b.yaml.0123abcd.salesgen-tmp"]
    for path in theirs:
        path.write_bytes(b"someone else's\n")
    (tmp_path / JOURNAL).write_text(json.dumps({"salesgen-journal": 1, "state": "prepared",
                                                "files": [{"target": "deals/a.yaml", "old": None}]}))
    message = recover(tmp_path)
    assert message and message == "rolled back an interrupted edit of 1 file (deals/a.yaml): none of it was written"
    assert deal.read_bytes() == b"old\n"
    assert not ours.exists() and not (tmp_path / JOURNAL).exists()
    assert all(path.exists() for path in theirs)
    assert recover(tmp_path) is None


def test_a_committed_journal_is_rolled_forward_but_never_over_a_file_changed_since(tmp_path):
    import hashlib

    def sha(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    for name, now in (("a", b"old a\n"), ("b", b"edited by hand\n")):
        (tmp_path / f"{name}.yaml").write_bytes(now)
        (tmp_path / f".{name}.yaml.0000000{ord(name) - 96}.salesgen-tmp").write_bytes(f"new {name}\n".encode())
    files = [{"target": f"{n}.yaml", "old": sha(f"old {n}\n".encode()), "new": sha(f"new {n}\n".encode()),
              "temp": f".{n}.yaml.0000000{ord(n) - 96}.salesgen-tmp"} for n in "ab"]
    (tmp_path / JOURNAL).write_text(json.dumps({"salesgen-journal": 1, "state": "committed", "files": files}))
    (tmp_path / JOURNAL_TEMP).write_text("half a journal")
    message = recover(tmp_path)
    assert message.startswith("finished an interrupted edit of 2 files (a.yaml, b.yaml): all of it is written")
    assert "left as they are: b.yaml" in message
    assert (tmp_path / "a.yaml").read_bytes() == b"new a\n"
    assert (tmp_path / "b.yaml").read_bytes() == b"edited by hand\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.yaml"]


@pytest.mark.parametrize("files", [
    [{"target": "../outside.yaml", "old": None, "new": "x", "temp": "../.outside.yaml.00000000.salesgen-tmp"}],
    [{"target": "/etc/passwd", "old": None, "new": "x", "temp": "/etc/.passwd.00000000.salesgen-tmp"}],
    [{"target": "a.yaml", "old": None, "new": "x", "temp": "salesgen.yaml"}],
], ids=["parent", "absolute", "not-a-temporary"])
def test_a_journal_naming_files_it_could_not_have_written_is_not_followed(tmp_path, files):
    (tmp_path / "salesgen.yaml").write_bytes(b"config\n")
    (tmp_path / JOURNAL).write_text(json.dumps({"salesgen-journal": 1, "state": "committed", "files": files}))
    message = recover(tmp_path)
    assert message and "unreadable" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["salesgen.yaml"]
    assert (tmp_path / "salesgen.yaml").read_bytes() == b"config\n"


def test_a_rename_failing_after_the_commit_finishes_the_edit_in_the_same_command(tmp_path, monkeypatch):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_bytes(b"a\n")
    second.write_bytes(b"b\n")
    real, calls = os.replace, []

    def flaky(src, dst):
        calls.append(Path(dst).name)
        if Path(dst).name == "b.yaml" and calls.count("b.yaml") == 1:
            raise OSError(5, "Input/output error")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    write_all({first: b"A\n", second: b"B\n"}, tmp_path)
    assert first.read_bytes() == b"A\n" and second.read_bytes() == b"B\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.yaml"]


def test_a_rename_that_keeps_failing_leaves_the_journal_for_the_next_command(tmp_path, monkeypatch):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_bytes(b"a\n")
    second.write_bytes(b"b\n")
    real = os.replace

    def broken_for_b(src, dst):
        if Path(dst).name == "b.yaml":
            raise OSError(5, "Input/output error")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", broken_for_b)
    with pytest.raises(WriteError, match="next salesgen command finishes it"):
        write_all({first: b"A\n", second: b"B\n"}, tmp_path)
    monkeypatch.undo()
    assert recover(tmp_path).startswith("finished an interrupted edit of 2 files")
    assert first.read_bytes() == b"A\n" and second.read_bytes() == b"B\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.yaml"]


@pytest.mark.parametrize("args", [
    ("lint",), ("rules",), ("forecast",), ("funnel",), ("review",),
    ("move", "acme-line", "lost", "--lost-reason", "price", "--dry-run"),
    ("handover", "--from", "li-lei", "--to", "han-meimei", "--dry-run"),
    ("new", "customer", "initech", "--name", "Initech", "--owner", "li-lei"),
], ids=lambda a: " ".join(a[:2]))
def test_every_command_that_reads_the_repository_settles_a_journal_first(tiny_repo, args):
    deal = tiny_repo / "deals" / "acme-line.yaml"
    before = deal.read_bytes()
    temporary = tiny_repo / "deals" / ".acme-line.yaml.89abcdef.salesgen-tmp"
    temporary.write_bytes(b"half of a new version")
    (tiny_repo / JOURNAL).write_text(json.dumps({"salesgen-journal": 1, "state": "prepared",
                                                 "files": [{"target": "deals/acme-line.yaml", "old": None}]}))
    result = CliRunner().invoke(cli, [*args, "--root", str(tiny_repo), "--as-of", AS_OF][: None if args[0] != "rules"
                                                                                          else -2])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert [line for line in result.stderr.splitlines() if "interrupted edit" in line] == [
        "salesgen: rolled back an interrupted edit of 1 file (deals/acme-line.yaml): none of it was written"]
    assert not temporary.exists() and not (tiny_repo / JOURNAL).exists()
    assert deal.read_bytes() == before


def test_a_move_that_promotes_the_customer_killed_at_every_step_changes_both_files_or_neither(tmp_path):
    from test_cli_move import CONTRACT, FULL_TEAM, gate_waived

    from conftest import TINY_CUSTOMER, TINY_DEAL

    def tiny(root: Path) -> Path:
        (root / "customers").mkdir(parents=True)
        (root / "deals").mkdir()
        (root / "salesgen.yaml").write_bytes((REPO / "salesgen" / "data" / "default-config.yaml").read_bytes())
        (root / "customers" / "acme.yaml").write_text(TINY_CUSTOMER.format(rep="li-lei", assigner="zhang-wei"), encoding="utf-8")
        (root / "deals" / "acme-line.yaml").write_text(TINY_DEAL.format(rep="li-lei"), encoding="utf-8")
        gate_waived(root, FULL_TEAM + CONTRACT)
        return root

    command = ("move", "acme-line", "won", "--reason", "签约", "--promote-customer", "--as-of", AS_OF)
    clean = tiny(tmp_path / "clean")
    before = snapshot(clean)
    assert forked_salesgen(clean, 10_000, command) == 0
    after = snapshot(clean)
    assert sorted(k for k in before if before[k] != after[k]) == ["customers/acme.yaml", "deals/acme-line.yaml"]
    kinds = []
    for step in range(1, 100):
        root = tiny(tmp_path / f"step-{step}")
        status = forked_salesgen(root, step, command)
        if os.WIFEXITED(status):
            assert os.WEXITSTATUS(status) == 0 and snapshot(root) == after
            break
        assert CliRunner().invoke(cli, ["rules", "--root", str(root)]).exit_code == 0  # any command settles it
        state = snapshot(root)
        assert state in (before, after), f"killed at step {step}"
        kinds.append("old" if state == before else "new")
    assert len(kinds) >= 12 and kinds == sorted(kinds, key=lambda k: k == "new") and "old" in kinds and "new" in kinds
