"""Leaving a lint or a build without freeing the repository object by object (salesgen/fastexit.py).

The risk of ``os._exit`` is output lost in a buffer and a wrong exit code: every test runs
a real process with its output going to a pipe (block-buffered) and reads all of it.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from salesgen.synthetic import generate

AS_OF = "2026-11-20"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}  # buffered, as in CI
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd, timeout=600, env=env)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("exit") / "repo"
    generate(root, deals=150, customers=20, contacts=60, seed=9)
    return root


@pytest.mark.parametrize("code, status, stderr", [(None, 0, ""), (0, 0, ""), (1, 1, ""), (2, 2, ""),
                                                  ("a message", 1, "a message\n")])
def test_leave_exits_with_the_code_sys_exit_would(code, status, stderr):
    done = run("-c", "import sys; from salesgen import fastexit; fastexit.wanted(); print('x' * 100000); "
                     f"sys.stderr.write('before '); fastexit.leave({code!r}); print('not reached')")
    assert done.returncode == status
    assert done.stdout == "x" * 100000 + "\n"  # a pipe's buffer, flushed
    assert done.stderr == "before " + stderr


def test_a_command_that_did_not_ask_exits_the_ordinary_way():
    done = run("-c", "from salesgen import fastexit; fastexit.leave(3); print('still here')")
    assert done.returncode == 0 and done.stdout == "still here\n"


def test_a_lint_with_errors_prints_every_problem_and_fails(repo, tmp_path):
    broken = tmp_path / "repo"
    subprocess.run(["cp", "-r", str(repo), str(broken)], check=True)
    deals = sorted((broken / "deals").rglob("*.yaml"))
    for path in deals[:40]:  # forty problems: more output than fits one write
        path.write_text(path.read_text(encoding="utf-8").replace("\ncurrency: ", "\ncurrency: XXX", 1),
                        encoding="utf-8")
    done = run("-m", "salesgen", "lint", "--root", str(broken), "--as-of", AS_OF, "--no-cache")
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stdout.splitlines() if re.match(r"\S+:\d+:\d+: ", line)]
    assert len({line.split(":", 1)[0] for line in lines if line.startswith("deals/")}) == 40
    assert done.stdout.rstrip().splitlines()[-1] == f"{len(lines)} errors, 0 warnings"  # the last line too


def test_a_build_prints_its_summary_and_succeeds(repo, tmp_path):
    site = tmp_path / "site"
    done = run("-m", "salesgen", "build", "--root", str(repo), "--as-of", AS_OF, "--site-dir", str(site))
    assert done.returncode == 0, done.stderr
    assert "Built " in done.stdout and done.stdout.rstrip().splitlines()[-1].startswith("As of 2026-11-20")
    assert (site / "index.html").stat().st_size > 0 and (site / ".salesgen-build.json").is_file()
