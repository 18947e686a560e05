"""The benchmark script still runs end to end (at a tiny size; its timings are not checked here)."""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent / "benchmarks" / "run_benchmarks.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("run_benchmarks", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


LINT = ("Bare `yaml.load", "Cold `salesgen lint`", "`check-jsonschema`", "Warm `salesgen lint`, nothing changed",
        "Warm `salesgen lint`, one file changed", "Peak memory of `salesgen lint`")
BUILD = ("`salesgen build`", "Build time at", "Peak memory of `salesgen build`", "Average deal page",
         "Incremental `salesgen build`", "`salesgen serve`")
LARGE_LINT = ("Largest size: bare `yaml.load", "Largest size: cold `salesgen lint`",
              "Largest size: warm `salesgen lint`, nothing changed", "Largest size: warm `salesgen lint`, one file changed",
              "Largest size: peak memory of `salesgen lint`")
LARGE_BUILD = ("Largest size: `salesgen build`", "Largest size: peak memory of `salesgen build`",
               "Largest size: the largest page")
ROWS = LINT + BUILD + LARGE_LINT + LARGE_BUILD


LINT_ROWS = ("Cold `salesgen lint --jobs 1`", "`salesgen lint` at 20 deals, cold, default against `--jobs 1`")


def test_tiny_benchmark_prints_every_row_and_the_profile(bench, tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nbefore\n\n{bench.START}\nold table\n{bench.END}\n\nafter\n", encoding="utf-8")
    code = bench.main(["--deals", "30", "--customers", "6", "--small-deals", "10", "--large-deals", "0", "--repeat", "1",
                       "--profile",
                       "--readme", str(readme), "--workdir", str(tmp_path / "work")])
    assert code == 0
    out = capsys.readouterr().out
    table = [line for line in out.splitlines() if line.startswith("| ")]
    for row in ROWS:
        assert sum(line.startswith(f"| {row}") for line in table) == 1, row
    for line in table[2:len(ROWS) + 2]:  # every row has a result cell
        assert re.match(r"\| [^|]+ \| [^|]*\S[^|]* \|", line), line
    assert "| total |" in out and "| cross-file rules (" in out
    for row in LINT_ROWS:
        assert sum(line.startswith(f"| {row}") for line in table) == 1, row
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Title\n\nbefore\n\n") and text.endswith(f"{bench.END}\n\nafter\n")
    assert "old table" not in text and "| Cold `salesgen lint`" in text


def test_readme_without_markers_is_left_alone(bench, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# No markers\n", encoding="utf-8")
    assert bench.update_readme(readme, "| table |") is False
    assert readme.read_text(encoding="utf-8") == "# No markers\n"


def test_only_build_measures_those_rows_and_leaves_the_readme(bench, tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text(f"{bench.START}\nold table\n{bench.END}\n", encoding="utf-8")
    code = bench.main(["--deals", "12", "--customers", "3", "--small-deals", "6", "--large-deals", "20", "--repeat", "1",
                       "--only", "build",
                       "--readme", str(readme), "--workdir", str(tmp_path / "work")])
    assert code == 0
    table = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    assert [row for row in ROWS if any(line.startswith(f"| {row}") for line in table)] == list(BUILD + LARGE_BUILD)
    assert "old table" in readme.read_text(encoding="utf-8")


def test_sites_go_to_the_temporary_folder_when_dev_shm_has_no_room(bench, monkeypatch):
    monkeypatch.setattr(bench.shutil, "disk_usage", lambda path: bench.shutil._ntuple_diskusage(64 << 20, 0, 64 << 20))
    assert bench.ram_folder_fits(12_000) is False  # a container's 64 MB /dev/shm: 12,000 pages do not fit
    folder = bench.output_folder(False)
    try:
        assert not str(folder).startswith("/dev/shm")
    finally:
        folder.rmdir()
    assert "no room in /dev/shm" in bench.environment(False)
    assert "tmpfs (/dev/shm)" in bench.environment(True)


def test_only_lint_measures_the_lint_rows_at_both_sizes(bench, tmp_path, capsys):
    code = bench.main(["--deals", "12", "--customers", "3", "--small-deals", "6", "--large-deals", "20", "--repeat", "2",
                       "--only", "lint", "--no-check-jsonschema", "--no-readme", "--workdir", str(tmp_path / "work")])
    assert code == 0
    table = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    assert [row for row in ROWS if any(line.startswith(f"| {row}") for line in table)] == list(LINT + LARGE_LINT)
    large = {row: next(line for line in table if line.startswith(f"| {row}")) for row in LARGE_LINT}
    assert "of the 20 deals, 4 customers, 60 contacts" in large[LARGE_LINT[0]]
    assert "not measured" not in "".join(large.values())
    assert re.search(r"\| \d+ MiB; together \d+ MiB \(proportional set size", large[LARGE_LINT[-1]])
    assert not (tmp_path / "work" / "large").exists()  # the largest repository is removed after its rows


def test_alternately_keeps_the_best_run_of_each_and_the_largest_memory(bench):
    made = iter([bench.Run(3.0, 3.0, 100.0, 0, "", ""), bench.Run(9.0, 9.0, 10.0, 0, "", ""),
                 bench.Run(2.0, 4.0, 50.0, 0, "", ""), bench.Run(8.0, 1.0, 20.0, 0, "", "")])
    order = []

    def one(name):
        def run():
            order.append(name)
            return next(made)
        return run

    best = bench.alternately(2, base=(one("base"), "seconds"), cold=(one("cold"), "cpu"))
    assert order == ["base", "cold", "base", "cold"]  # in turn, not all of one and then the other
    assert (best["base"].seconds, best["base"].peak_mb) == (2.0, 100.0)
    assert (best["cold"].cpu, best["cold"].peak_mb) == (1.0, 20.0)
