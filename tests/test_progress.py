"""The progress bar: quiet for quick work, an honest estimate, one line when nobody watches."""
import io

import pytest

from salesgen.progress import Progress, clock_text, interactive


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class Tty(io.StringIO):
    def isatty(self):
        return True


def run(live, steps, seconds_each, total=None, delay=1.0, start_cost=0.0, summary=True):
    clock, out = Clock(), io.StringIO()
    with Progress("Checking", total or steps, "files", stream=out, live=live, clock=clock, delay=delay,
                  summary=summary) as progress:
        clock.now += start_cost
        for _ in range(steps):
            clock.now += seconds_each
            progress.advance()
    return out.getvalue(), progress


def test_quick_work_on_a_terminal_draws_no_bar():
    text, _ = run(live=True, steps=100, seconds_each=0.009)  # 0.9 s < 1 s
    assert "[" not in text
    assert text == "Checking: 100 files in 0.9 s\n"


def test_work_longer_than_the_delay_draws_a_bar_and_clears_it():
    text, _ = run(live=True, steps=100, seconds_each=0.011)  # 1.1 s
    assert "\r\x1b[2KChecking [" in text
    assert text.endswith("\r\x1b[2KChecking: 100 files in 1.1 s\n")


def test_not_a_terminal_writes_only_one_line():
    text, _ = run(live=False, steps=5000, seconds_each=0.01)
    assert text == "Checking: 5,000 files in 50.0 s\n"


def test_summary_can_be_worded_by_the_caller_or_left_out():
    text, _ = run(live=False, steps=3, seconds_each=1, summary=lambda n, s: f"已检查 {n} 个文件，用时 {s:.0f} 秒")
    assert text == "已检查 3 个文件，用时 3 秒\n"
    text, _ = run(live=False, steps=3, seconds_each=1, summary=False)
    assert text == ""


def test_estimate_ignores_start_up_time():
    # 30 s of start-up, then 1 s an item: after 10 of 100 items, 90 s are left, not 90 * 4 s.
    clock = Clock()
    progress = Progress("x", 100, stream=io.StringIO(), live=False, clock=clock)
    clock.now += 30
    for _ in range(10):
        clock.now += 1
        progress.advance()
    assert progress.remaining() == pytest.approx(90.0)
    assert "-1:30" in progress.line()


def test_no_estimate_before_two_items_and_none_when_done():
    clock = Clock()
    progress = Progress("x", 10, stream=io.StringIO(), live=False, clock=clock)
    assert progress.remaining() is None
    clock.now += 1
    progress.advance()
    assert progress.remaining() is None
    clock.now += 1
    progress.advance()
    assert progress.remaining() == pytest.approx(8.0)
    progress.update(10)
    assert progress.remaining() == 0.0
    assert "-" not in progress.line().split("]")[1]  # no time left shown when finished


def test_bar_fills_in_proportion():
    clock = Clock()
    progress = Progress("x", 4, stream=io.StringIO(), live=False, clock=clock)
    progress.update(1)
    assert "[######------------------]" in progress.line()
    progress.update(4)
    assert "[########################] 4/4" in progress.line()


def test_close_is_idempotent():
    clock, out = Clock(), io.StringIO()
    progress = Progress("x", 1, "f", stream=out, live=False, clock=clock)
    progress.close()
    progress.close()
    assert out.getvalue().count("\n") == 1


@pytest.mark.parametrize("ci, tty, expected", [("", True, True), ("true", True, False), ("1", True, False),
                                               ("false", True, True), ("", False, False)])
def test_interactive_only_on_a_terminal_outside_ci(monkeypatch, ci, tty, expected):
    monkeypatch.setenv("CI", ci)
    stream = Tty() if tty else io.StringIO()
    assert interactive(stream) is expected


@pytest.mark.parametrize("seconds, text", [(0, "0:00"), (7.4, "0:07"), (59.6, "1:00"), (125, "2:05"),
                                           (3725, "1:02:05")])
def test_clock_text(seconds, text):
    assert clock_text(seconds) == text


def test_work_that_fails_half_way_writes_no_summary():
    clock, out = Clock(), io.StringIO()
    with pytest.raises(ValueError):
        with Progress("Checking", 10, "files", stream=out, live=False, clock=clock) as progress:
            progress.advance()
            raise ValueError("a configuration error")
    assert out.getvalue() == ""


def test_summary_after_leaves_quick_work_silent_and_sums_up_slow_work():
    text, _ = run(live=False, steps=10, seconds_each=0.09, summary=True)
    assert text == "Checking: 10 files in 0.9 s\n"  # without summary_after every run sums up
    for seconds_each, expected in ((0.099, ""), (0.101, "Checking: 10 files in 1.0 s\n")):
        clock, out = Clock(), io.StringIO()
        with Progress("Checking", 10, "files", stream=out, live=False, clock=clock, summary_after=1.0) as progress:
            for _ in range(10):
                clock.now += seconds_each
                progress.advance()
        assert out.getvalue() == expected


def test_changes_draws_a_bar_over_the_file_versions_it_parses(example_repo, monkeypatch):
    import json
    import subprocess

    from click.testing import CliRunner

    from salesgen import progress as progress_module
    from salesgen.cli import cli
    from salesgen.commands import common
    from salesgen.repository import discover

    for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                 ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "start"]):
        subprocess.run(["git", *args], cwd=example_repo, check=True)
    monkeypatch.setattr(progress_module, "interactive", lambda stream: True)
    monkeypatch.setattr(common, "SUMMARY_AFTER", 0.0)
    files = len(discover(example_repo))
    result = CliRunner().invoke(cli, ["changes", "--root", str(example_repo), "--format", "json", "--no-cache",
                                      "--since", "2026-01-05", "--until", "2026-12-31"])
    assert result.exit_code == 0, result.output
    assert f"Reading file versions [########################] {files}/{files} versions 100%" in result.stderr
    assert result.stderr.endswith("\r\x1b[2K")  # cleared; the command's own output says what it found
    json.loads(result.stdout)
