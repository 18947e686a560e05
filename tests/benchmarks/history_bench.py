"""The history benchmark: every history figure on a synthetic year of weekly commits, against a cold lint.

    python tests/benchmarks/history_bench.py --deals 10000 --weeks 52 --change 0.05
    python tests/benchmarks/run_benchmarks.py --only history --deals 2000

The first of ``--weeks`` weekly commits is ``salesgen.synthetic``'s repository; each
later one changes about ``--change`` of the deal files (an amount or a close date),
written with one `git fast-import`; the final state is the last commit. Measured in one run, in child processes:
a cold `salesgen lint --no-cache` of the final state; all history figures
(``salesgen.history.figures.all_figures``: movement, waterfalls, forecast trend and
accuracy, calibration) with no history cache; the same again with the cache.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

FIGURES = """
import datetime as dt, sys
from pathlib import Path
from salesgen.history.figures import all_figures
result = all_figures(Path(sys.argv[1]), dt.date.fromisoformat(sys.argv[2]), use_cache=sys.argv[3] == "cache")
print(result["commits"], result.get("parsed"), result.get("events"))
"""
TARGETS = {"cold": 3.0, "warm": 0.3, "mb": 1024}


def make_history(target: Path, deals: int, weeks: int, change: float, seed: int, as_of: dt.date) -> None:
    from salesgen.history.demo import render
    from salesgen.synthetic import generate

    generate(target, deals=deals, customers=max(1, deals // 5), seed=seed, as_of=as_of)
    rng = random.Random(seed)
    files = sorted(p.relative_to(target).as_posix() for p in (target / "deals").rglob("*.yaml"))
    customers = sorted(p.relative_to(target).as_posix() for p in (target / "customers").rglob("*.yaml"))
    current = {rel: (target / rel).read_text(encoding="utf-8") for rel in files}
    stream = []
    start = as_of - dt.timedelta(days=7 * (weeks - 1))
    for week in range(weeks):  # the first commit holds every file; each later one changes `change` of the deals
        day = start + dt.timedelta(days=7 * week)
        stamp = int(dt.datetime.combine(day, dt.time(18), dt.timezone(dt.timedelta(hours=8))).timestamp())
        if week == 0:
            changed = {rel: (target / rel).read_bytes() for rel in customers + ["salesgen.yaml"]}
            changed.update({rel: text.encode("utf-8") for rel, text in current.items()})
        else:
            changed = {}
            for rel in rng.sample(files, max(1, round(change * len(files)))):
                what = rng.choice(("amount", "expected_close"))
                value = (str(rng.randrange(50, 5000) * 1000) if what == "amount"
                         else (as_of + dt.timedelta(days=rng.randrange(10, 300))).isoformat())
                current[rel] = render(current[rel], {what: value})
                changed[rel] = current[rel].encode("utf-8")
        stream.append(_commit(changed, f"rep{week % 7}", stamp, f"week {week}"))
    subprocess.run(["git", "init", "-q", "-b", "main", str(target / ".history-tmp")], check=True)
    shutil.move(str(target / ".history-tmp" / ".git"), str(target / ".git"))
    shutil.rmtree(target / ".history-tmp")
    subprocess.run(["git", "-C", str(target), "fast-import", "--quiet"], input=b"".join(stream), check=True)
    subprocess.run(["git", "-C", str(target), "reset", "-q", "--hard", "main"], check=True)


def _commit(files: dict, name: str, stamp: int, message: str) -> bytes:
    who = f"{name} <{name}@example.com> {stamp} +0800\n".encode()
    out = [b"commit refs/heads/main\n", b"author " + who, b"committer " + who,
           b"data %d\n%s\n" % (len(message), message.encode())]
    for rel, content in sorted(files.items()):
        out.append(b"M 100644 inline %s\ndata %d\n%s\n" % (rel.encode(), len(content), content))
    out.append(b"\n")
    return b"".join(out)


def rows(root: Path, as_of: dt.date, repeat: int) -> list:
    from run_benchmarks import Row, measure, salesgen, took

    lint = measure(salesgen("lint", "--root", root, "--no-cache"), ok_codes=(0, 1), repeat=repeat)
    history_cache = root / ".salesgen-cache" / "history"

    def clear(_attempt):
        shutil.rmtree(history_cache, ignore_errors=True)

    cold = measure([sys.executable, "-c", FIGURES, root, as_of.isoformat(), "nocache"], repeat=repeat, before=clear)
    measure([sys.executable, "-c", FIGURES, root, as_of.isoformat(), "cache"])  # writes the cache
    warm = measure([sys.executable, "-c", FIGURES, root, as_of.isoformat(), "cache"], repeat=repeat)
    cold_ratio, warm_ratio = cold.cpu / lint.cpu, warm.cpu / lint.cpu
    commits, parsed, events = cold.stdout.split()
    return [
        Row("Cold `salesgen lint` of the final state (baseline)", took(lint), "", None),
        Row(f"All history figures, no cache ({commits} commits, {int(parsed):,} file versions parsed, "
            f"{int(events):,} changes)", f"{took(cold)} = {cold_ratio:.2f} x cold lint",
            f"<= {TARGETS['cold']} x", cold_ratio <= TARGETS["cold"]),
        Row("All history figures, with the history cache", f"{took(warm)} = {warm_ratio:.2f} x cold lint",
            f"<= {TARGETS['warm']} x", warm_ratio <= TARGETS["warm"]),
        Row("Peak memory of the history figures", f"{max(cold.peak_mb, warm.peak_mb):.0f} MB",
            f"< {TARGETS['mb']} MB", max(cold.peak_mb, warm.peak_mb) < TARGETS["mb"]),
    ]


def main(argv=None) -> int:
    from run_benchmarks import table

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--change", type=float, default=0.05, help="share of deal files changed each week")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    as_of = dt.date(2026, 11, 20)
    work = Path(tempfile.mkdtemp(prefix="salesgen-history-bench-")) if args.workdir is None else args.workdir
    try:
        root = work / "history"
        shutil.rmtree(root, ignore_errors=True)
        make_history(root, args.deals, args.weeks, args.change, args.seed, as_of)
        print(f"History benchmark: {args.deals:,} deals, {args.weeks} weekly commits, "
              f"{args.change:.0%} of the deal files changed each week\n")
        print(table(rows(root, as_of, args.repeat)))
        return 0
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
