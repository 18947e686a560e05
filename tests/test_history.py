"""History: reader, cache, movement, waterfall, calibration, CLI, against independent computations."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import re
import subprocess
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from salesgen.cli import cli
from salesgen.config import load_config
from salesgen.history import calibration as cal
from salesgen.history import demo, git, movement
from salesgen.history.reader import load_history, snapshots, weekly_ends

REPO = Path(__file__).resolve().parent.parent
A = "deals/north-china/lutai-paint-shop-mes.yaml"  # project pipeline, CNY
B = "deals/north-china/brightwell-conveyor-retrofit.yaml"  # project pipeline, USD (7.1 CNY)
C = "deals/north-china/lutai-welding-robot-cells.yaml"  # project pipeline, CNY
ID = {A: "lutai-paint-shop-mes", B: "brightwell-conveyor-retrofit", C: "lutai-welding-robot-cells"}
PEOPLE = {"alice": ("Alice", "alice@example.com"), "bob": ("Bob", "bob@example.com")}


def git_commit(root: Path, day: str, who: str, message: str = "change") -> str:
    name, email = PEOPLE[who]
    stamp = f"{day}T18:00:00+08:00"
    env = dict(os.environ, GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email, GIT_AUTHOR_DATE=stamp,
               GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email, GIT_COMMITTER_DATE=stamp)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(root), "commit", "-q", "-m", message], check=True, env=env)
    return subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()


def write(root: Path, rel: str, **values: str) -> None:
    text = (REPO / rel).read_text(encoding="utf-8")
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(demo.render(text, values), encoding="utf-8")


@pytest.fixture(scope="module")
def hand(tmp_path_factory):
    """A seven-commit history whose every figure is worked out by hand below."""
    root = tmp_path_factory.mktemp("hand")
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    shutil.copy(REPO / "salesgen.yaml", root / "salesgen.yaml")
    shas = {}
    write(root, A, stage="planning", amount="100000", expected_close="2026-06-30", owner="zheng-peng")
    write(root, B, stage="visit", amount="200000", expected_close="2026-05-31", owner="chen-ming")
    shas[1] = git_commit(root, "2026-01-06", "alice")
    write(root, A, stage="visit", amount="100000", expected_close="2026-06-30", owner="zheng-peng")
    write(root, B, stage="visit", amount="200000", expected_close="2026-06-30", owner="chen-ming")
    shas[2] = git_commit(root, "2026-01-13", "bob")
    write(root, B, stage="visit", amount="250000", expected_close="2026-06-30", owner="chen-ming")
    shas[3] = git_commit(root, "2026-01-14", "alice")
    write(root, A, stage="planning", amount="100000", expected_close="2026-06-30", owner="zheng-peng")
    write(root, C, stage="proposal", amount="300000", expected_close="2026-04-30", owner="zheng-peng")
    shas[4] = git_commit(root, "2026-01-20", "bob")
    write(root, B, stage="won", amount="250000", expected_close="2026-06-30", owner="chen-ming")
    write(root, C, stage="lost", amount="300000", expected_close="2026-04-30", owner="zheng-peng")
    write(root, A, stage="planning", amount="100000", expected_close="2026-05-31", owner="zheng-peng")
    shas[5] = git_commit(root, "2026-01-27", "alice")
    write(root, C, stage="proposal", amount="300000", expected_close="2026-04-30", owner="zheng-peng")
    (root / A).write_text("id: lutai-paint-shop-mes\nstage: [planning\n", encoding="utf-8")  # broken YAML
    shas[6] = git_commit(root, "2026-02-03", "bob")
    write(root, A, stage="visit", amount="100000", expected_close="2026-05-31", owner="zheng-peng")
    shas[7] = git_commit(root, "2026-02-10", "alice")
    return root, shas


def test_events_name_every_change_with_its_author_and_day(hand):
    root, shas = hand
    config, _ = load_config(root)
    found = {(e.commit, e.deal, e.kind, e.author, e.day) for e in movement.events(load_history(root), config)}
    d = dt.date.fromisoformat
    assert found == {
        (shas[1], ID[A], "new", "Alice", d("2026-01-06")), (shas[1], ID[B], "new", "Alice", d("2026-01-06")),
        (shas[2], ID[A], "advanced", "Bob", d("2026-01-13")), (shas[2], ID[B], "close_pushed", "Bob", d("2026-01-13")),
        (shas[3], ID[B], "amount_up", "Alice", d("2026-01-14")),
        (shas[4], ID[A], "moved_back", "Bob", d("2026-01-20")), (shas[4], ID[C], "new", "Bob", d("2026-01-20")),
        (shas[5], ID[B], "won", "Alice", d("2026-01-27")), (shas[5], ID[C], "lost", "Alice", d("2026-01-27")),
        (shas[5], ID[A], "close_pulled", "Alice", d("2026-01-27")),
        (shas[6], ID[C], "reopened", "Bob", d("2026-02-03")),
        (shas[7], ID[A], "advanced", "Alice", d("2026-02-10")),
    }


def test_a_version_that_fails_to_parse_is_reported_as_data(hand):
    root, shas = hand
    broken = load_history(root).broken()
    assert [(b.commit, b.file, b.author) for b in broken] == [(shas[6], A, "Bob")]
    assert broken[0].rule.startswith("yaml")


def test_weekly_waterfall_by_hand(hand):
    root, _ = hand
    config, _ = load_config(root)
    weeks = movement.weekly_waterfalls(load_history(root), config, dt.date(2026, 1, 5), dt.date(2026, 2, 15))
    usd = Decimal("7.1")
    got = [(w.start.isoformat(), w.open_start, {k: v for k, v in w.lines.items() if v}, w.open_end) for w in weeks]
    assert got == [
        ("2026-01-05", 0, {"new": 100000 + 200000 * usd}, 100000 + 200000 * usd),
        ("2026-01-12", 100000 + 200000 * usd, {"increases": 50000 * usd}, 100000 + 250000 * usd),
        ("2026-01-19", 100000 + 250000 * usd, {"new": 300000}, 400000 + 250000 * usd),
        ("2026-01-26", 400000 + 250000 * usd, {"won": 250000 * usd, "lost": 300000}, 100000),
        ("2026-02-02", 100000, {"reopened": 300000}, 400000),
        ("2026-02-09", 400000, {}, 400000),
    ]
    assert all(w.adds_up() for w in weeks)


def test_waterfall_by_rep_moves_a_deal_between_reps(hand):
    root, _ = hand
    config, _ = load_config(root)
    history = load_history(root)
    weeks = movement.weekly_waterfalls(history, config, dt.date(2026, 1, 19), dt.date(2026, 1, 25),
                                       keep=lambda s: s.owner == "zheng-peng")
    assert (weeks[0].open_start, weeks[0].lines["new"], weeks[0].open_end) == (100000, 300000, 400000)


def test_cache_second_run_parses_nothing_and_a_shared_blob_once(tmp_path):
    root = tmp_path / "r"
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    shutil.copy(REPO / "salesgen.yaml", root / "salesgen.yaml")
    write(root, A, stage="planning", amount="100000", expected_close="2026-06-30", owner="zheng-peng")
    for week in range(6):  # A never changes after its first commit; C changes every time
        write(root, C, stage="proposal", amount=str(300000 + week), expected_close="2026-04-30", owner="zheng-peng")
        git_commit(root, f"2026-03-{week + 2:02d}", "alice")
    first = load_history(root)
    assert first.parsed == 1 + 6  # A's one version, C's six
    second = load_history(root)
    assert second.parsed == 0 and second.states == first.states
    assert (root / ".salesgen-cache" / "history" / "states.pickle").is_file()
    (root / ".salesgen-cache" / "history" / "states.pickle").write_bytes(b"garbage")
    assert load_history(root).parsed == 7  # a damaged cache is ignored, never trusted


def test_no_commits_and_no_repository(tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    shutil.copy(REPO / "salesgen.yaml", plain / "salesgen.yaml")
    assert load_history(plain).empty and "not a git repository" in load_history(plain).note
    subprocess.run(["git", "init", "-q", str(plain)], check=True)
    assert load_history(plain).empty and load_history(plain).note == "no commits yet"
    result = CliRunner().invoke(cli, ["changes", "--since", "2026-01-01", "--root", str(plain)])
    assert result.exit_code == 2 and "no sales history yet" in result.output and "demo-history" in result.output


def test_init_repository_without_commits_has_empty_history(tmp_path):
    target = tmp_path / "new"
    assert CliRunner().invoke(cli, ["init", str(target), "--as-of", "2026-11-20"]).exit_code == 0
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    assert load_history(target).empty


def test_shallow_clone_names_what_to_set_in_ci(hand, tmp_path):
    root, _ = hand
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{root}", str(clone)], check=True)
    with pytest.raises(git.HistoryError, match="fetch-depth: 0"):
        load_history(clone)
    result = CliRunner().invoke(cli, ["changes", "--since", "2026-01-01", "--root", str(clone)])
    assert result.exit_code == 2 and "GIT_DEPTH: 0" in result.output


def test_changes_command_json_and_csv(hand):
    import json

    root, _ = hand
    result = CliRunner().invoke(cli, ["changes", "--since", "2026-01-26", "--until", "2026-02-08", "--format", "json",
                                      "--root", str(root)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert sorted(e["kind"] for e in data["events"]) == ["close_pulled", "lost", "reopened", "won"]
    assert [Decimal(w["open_end"]) for w in data["waterfall"]] == [100000, 400000]
    assert [b["file"] for b in data["broken"]] == [A]
    csv = CliRunner().invoke(cli, ["changes", "--since", "2026-01-05", "--until", "2026-01-18", "--format", "csv",
                                   "--by", "rep", "--root", str(root)])
    lines = csv.output.splitlines()
    assert lines[0].startswith("period,group,new,advanced")
    assert any(line.startswith("2026-01-05,chen-ming,1,0,") for line in lines)
    assert any(line.startswith("2026-01-12,zheng-peng,0,1,") for line in lines)


def test_wilson_interval_known_values():
    low, high = cal.wilson(5, 10)
    assert (round(low, 4), round(high, 4)) == (0.2366, 0.7634)
    assert cal.wilson(0, 0) == (0.0, 1.0)
    low, high = cal.wilson(10, 10)
    assert round(low, 4) == 0.7225 and round(high, 9) == 1.0


def test_days_in_stage_and_small_samples(hand):
    root, _ = hand
    config, _ = load_config(root)
    table = cal.calibrate(load_history(root), config, dt.date(2026, 2, 15))
    planning = table.of("project", "planning")
    assert sorted(planning.stays) == [7, 21] and planning.median_days == 14 and planning.p90_days == 21
    assert planning.small and planning.stays_small and table.rotting == []
    assert (planning.reached, planning.won) == (1, 1)  # B reached visit (after planning) and was won
    assert table.of("project", "proposal").reached == 0  # C is open again: outcome unknown


@pytest.fixture(scope="module")
def eleven(tmp_path_factory):
    """Ten deals each spend 10 days in planning (2026-03-02 to 03-12); an eleventh stays there."""
    root = tmp_path_factory.mktemp("eleven") / "r"
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    shutil.copy(REPO / "salesgen.yaml", root / "salesgen.yaml")
    text = (REPO / A).read_text(encoding="utf-8")
    body = text.replace("id: lutai-paint-shop-mes", "id: {id}")
    # stage_history dates in the template are later than the commits: the commit day is when they entered

    def put(i, stage):
        (root / "deals").mkdir(exist_ok=True)
        text = demo.render(body.replace("{id}", f"d{i}"), {"stage": stage})
        # the file's own stage_history agrees with the commits (--as-of reconstructs from it)
        history = "stage_history:\n  - stage: planning\n    date: 2026-03-02\n"
        if stage == "visit":
            history += "  - stage: visit\n    date: 2026-03-12\n"
        text = re.sub(r"^created: .*$", "created: 2026-03-02", text, flags=re.M)
        text = re.sub(r"^stage_history:\n(?:[ -].*\n)*", history, text, flags=re.M)
        (root / "deals" / f"d{i}.yaml").write_text(text, encoding="utf-8")

    for i in range(11):
        put(i, "planning")
    git_commit(root, "2026-03-02", "alice")
    for i in range(10):
        put(i, "visit")
    git_commit(root, "2026-03-12", "bob")
    return root


def test_rotting_needs_ten_finished_stays(eleven):
    root = eleven
    config, _ = load_config(root)
    history = load_history(root)
    assert cal.calibrate(history, config, dt.date(2026, 3, 12)).rotting == []  # 10 days: not longer than p90
    rotting = cal.calibrate(history, config, dt.date(2026, 4, 1)).rotting
    assert [(r.deal, r.days, r.p90) for r in rotting] == [("d10", 30, 10)]


# -- the demo history, against the script it was built from ----------------------------------------


@pytest.fixture(scope="module")
def demo_repo(tmp_path_factory):
    target = tmp_path_factory.mktemp("demo") / "repo"
    steps = demo.build(target, REPO, start=dt.date(2025, 11, 21), end=dt.date(2026, 11, 20), seed=3)
    return target, steps


def _script_states(root: Path, steps) -> dict:
    """deal file -> [(day, values)] from the script alone (final versions read from the files)."""
    out: dict = {}
    for step in steps:
        if not step.deal:
            continue
        if step.final:
            doc = yaml.safe_load((root / step.file).read_text(encoding="utf-8"))
            values = {"stage": doc["stage"], "amount": str(doc["amount"]), "expected_close": str(doc["expected_close"]),
                      "owner": doc["owner"], "currency": doc["currency"], "pipeline": doc["pipeline"]}
        else:
            doc = yaml.safe_load((root / step.file).read_text(encoding="utf-8"))
            values = dict(step.values, currency=doc["currency"], pipeline=doc["pipeline"])
        out.setdefault(step.file, []).append((step.day, values))
    return out


def test_demo_history_is_a_real_year_by_several_authors(demo_repo):
    root, steps = demo_repo
    history = load_history(root)
    authors = {c.author for c in history.commits}
    days = [c.day for c in history.commits]
    assert len(authors) >= 3 and len(history.commits) >= 50
    assert min(days) == dt.date(2025, 11, 21) and dt.date(2026, 11, 1) <= max(days) <= dt.date(2026, 11, 20)
    assert history.broken() == []
    assert subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True,
                          text=True).stdout == ""


def test_demo_events_match_the_script(demo_repo):
    root, steps = demo_repo
    raw = yaml.safe_load((root / "salesgen.yaml").read_text(encoding="utf-8"))
    order = {p["id"]: {s["id"]: (i, s.get("outcome")) for i, s in enumerate(p["stages"])} for p in raw["pipelines"]}
    expected = Counter()
    for file, versions in _script_states(root, steps).items():
        versions.sort(key=lambda v: v[0])
        deal = yaml.safe_load((root / file).read_text(encoding="utf-8"))["id"]
        expected[(deal, "new")] += 1
        for (_, old), (_, new) in zip(versions, versions[1:]):
            (i, out_old), (j, out_new) = order[old["pipeline"]][old["stage"]], order[new["pipeline"]][new["stage"]]
            if out_new and out_new != out_old:
                expected[(deal, out_new)] += 1
            elif out_old and not out_new:
                expected[(deal, "reopened")] += 1
            elif not out_old and not out_new and i != j:
                expected[(deal, "advanced" if j > i else "moved_back")] += 1
            if old["expected_close"] != new["expected_close"]:
                expected[(deal, "close_pushed" if new["expected_close"] > old["expected_close"] else "close_pulled")] += 1
            if Decimal(old["amount"]) != Decimal(new["amount"]):
                expected[(deal, "amount_up" if Decimal(new["amount"]) > Decimal(old["amount"]) else "amount_down")] += 1
            if old["owner"] != new["owner"]:
                expected[(deal, "owner_changed")] += 1
    config, _ = load_config(root)
    got = Counter((e.deal, e.kind) for e in movement.events(load_history(root), config))
    assert got == expected
    kinds = {kind for _, kind in got}
    assert {"new", "advanced", "won", "lost", "close_pushed"} <= kinds


def test_demo_waterfall_open_pipeline_matches_the_script_every_week(demo_repo):
    root, steps = demo_repo
    raw = yaml.safe_load((root / "salesgen.yaml").read_text(encoding="utf-8"))
    outcome = {(p["id"], s["id"]): s.get("outcome") for p in raw["pipelines"] for s in p["stages"]}
    rates = {k: Decimal(str(v)) for k, v in raw["rates"].items()} | {raw["currency"]: Decimal(1)}
    versions = _script_states(root, steps)
    config, _ = load_config(root)
    weeks = movement.weekly_waterfalls(load_history(root), config, dt.date(2026, 1, 1), dt.date(2026, 11, 20))
    for week in weeks:
        expected = Decimal(0)
        for file, seq in versions.items():
            now = [v for day, v in sorted(seq, key=lambda x: x[0]) if day <= week.end]
            if now and outcome[(now[-1]["pipeline"], now[-1]["stage"])] is None and now[-1]["currency"] in rates:
                expected += Decimal(now[-1]["amount"]) * rates[now[-1]["currency"]]
        assert week.open_end == expected, week.start
        assert week.adds_up()
    assert sum(w.counts["won"] for w in weeks) > 0 and sum(w.counts["lost"] for w in weeks) > 0


def test_weekly_ends_are_sundays():
    ends = weekly_ends(dt.date(2026, 11, 4), dt.date(2026, 11, 20))
    assert ends == [dt.date(2026, 11, 8), dt.date(2026, 11, 15), dt.date(2026, 11, 22)]


def test_forecast_trend_by_hand(hand):
    """Q2 2026 as it stood each week: probabilities planning 10, visit 20, proposal 30 %; won counts in full."""
    import json

    root, _ = hand
    result = CliRunner().invoke(cli, ["forecast-trend", "--period", "2026-Q2", "--as-of", "2026-02-10", "--format",
                                      "json", "--root", str(root)])
    assert result.exit_code == 0, result.output
    usd = Decimal("7.1")
    got = {row["week_end"]: Decimal(row["forecast"]) for row in json.loads(result.output)["trend"]}
    assert got == {
        "2026-01-11": 100000 * Decimal("0.1") + 200000 * usd * Decimal("0.2"),
        "2026-01-18": 100000 * Decimal("0.2") + 250000 * usd * Decimal("0.2"),
        "2026-01-25": 100000 * Decimal("0.1") + 250000 * usd * Decimal("0.2") + 300000 * Decimal("0.3"),
        "2026-02-01": 100000 * Decimal("0.1") + 250000 * usd,
        "2026-02-08": 100000 * Decimal("0.1") + 250000 * usd + 300000 * Decimal("0.3"),
        "2026-02-15": 100000 * Decimal("0.2") + 250000 * usd + 300000 * Decimal("0.3"),
    }


def test_forecast_accuracy_of_a_closed_quarter(hand):
    """Q2 2026 seen from July: B (won, closes 06-30 by its close date) is what closed in it."""
    from salesgen.history import trend
    from salesgen.history.reader import snapshots, weekly_ends

    root, _ = hand
    config, _ = load_config(root)
    history = load_history(root)
    ends = weekly_ends(dt.date(2026, 1, 6), dt.date(2026, 6, 30))
    final = snapshots(history, [dt.date(2026, 7, 15)])[0]
    rows = trend.accuracy(snapshots(history, ends), ends, final, config, "2026-Q2", dt.date(2026, 4, 1),
                          dt.date(2026, 6, 30), weeks=(12, 20, 26), owners=(None, "zheng-peng"))
    won = 250000 * Decimal("7.1")
    # 12 weeks before 06-30 is 04-07 (week ending 04-05): A visit 20 %, B won, C proposal 30 %
    # 20 weeks before is 02-10 (week ending 02-08): A still in planning (10 %)
    # 26 weeks before is 12-30-2025: before the history, no forecast
    assert [(r.owner, r.weeks_before, r.forecast, r.actual) for r in rows] == [
        (None, 12, 20000 + won + 90000, won), (None, 20, 10000 + won + 90000, won), (None, 26, None, won),
        ("zheng-peng", 12, 20000 + 90000, 0), ("zheng-peng", 20, 10000 + 90000, 0), ("zheng-peng", 26, None, 0)]
    assert rows[0].ratio == (20000 + won + 90000) / won and rows[3].ratio is None


def test_review_marks_the_rotting_deal(eleven):
    import json

    result = CliRunner().invoke(cli, ["review", "--as-of", "2026-04-01", "--format", "json", "--root", str(eleven)])
    assert result.exit_code == 0, result.output
    rotting = {row["deal"]: row["rotting"] for row in json.loads(result.stdout)}
    assert rotting["d10"] == "30 days in planning (90 % of past stays: 10 or fewer)"
    assert all(rotting[f"d{i}"] is None for i in range(10))


# -- the site --------------------------------------------------------------------------------------


def _build(root: Path, out: Path, as_of: str = "2026-11-20"):
    return CliRunner().invoke(cli, ["build", "--root", str(root), "--site-dir", str(out), "--as-of", as_of,
                                    "--allow-errors"], catch_exceptions=False)


def _open_value(values, outcome, rates) -> Decimal:
    if outcome[(values["pipeline"], values["stage"])] is not None:
        return Decimal(0)
    return Decimal(values["amount"]) * rates[values["currency"]]


def test_demo_site_changes_page_and_markers(demo_repo, tmp_path):
    import re

    root, steps = demo_repo
    as_of = dt.date(2026, 11, 12)  # the example's last week with changes
    result = _build(root, tmp_path / "site", as_of.isoformat())
    assert result.exit_code == 0, result.output
    raw = yaml.safe_load((root / "salesgen.yaml").read_text(encoding="utf-8"))
    outcome = {(p["id"], s["id"]): s.get("outcome") for p in raw["pipelines"] for s in p["stages"]}
    rates = {k: Decimal(str(v)) for k, v in raw["rates"].items()} | {raw["currency"]: Decimal(1)}
    versions = _script_states(root, steps)
    # the open pipeline at the end of the last week, from the script alone
    open_end = Decimal(0)
    changed = set()
    for file, seq in versions.items():
        seq = sorted((v for v in seq if v[0] <= as_of), key=lambda v: v[0])
        if not seq:
            continue
        open_end += _open_value(seq[-1][1], outcome, rates)
        deal = yaml.safe_load((root / file).read_text(encoding="utf-8"))["id"]
        for (_, old), (day, new) in zip([(None, None)] + seq, seq):
            if as_of - dt.timedelta(days=6) <= day <= as_of and old != new:
                changed.add(deal)
    page = (tmp_path / "site" / "changes" / "index.html").read_text(encoding="utf-8")
    assert f"<strong>{open_end.quantize(Decimal(1)):,}</strong>" in page
    assert "Stage probabilities from history" in page and "Rotting deals" in page
    marked = {p.parent.name for p in (tmp_path / "site" / "deals").glob("*/index.html")
              if "Changed since last week</a>" in p.read_text(encoding="utf-8")}
    assert marked == changed and changed
    dashboard = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert f"{len(changed)} deals changed since last week" in dashboard
    # the audit trail of one deal lists each of its stage changes
    deal_id = sorted(changed)[0]
    deal_page = (tmp_path / "site" / "deals" / deal_id / "index.html").read_text(encoding="utf-8")
    trail = deal_page[deal_page.index('id="audit"'):]
    config, _ = load_config(root)
    expected = [e for e in movement.events(load_history(root), config) if e.deal == deal_id and e.day <= as_of]
    assert len(re.findall(r"<tr><td class=\"sg-nowrap\">", trail.split("</table>")[0])) == len(expected)


def test_example_site_says_its_history_is_development_history(tmp_path):
    from conftest import copy_example

    root = copy_example(tmp_path / "repo", site_config=True)
    assert _build(root, tmp_path / "site").exit_code == 0
    page = (tmp_path / "site" / "changes" / "index.html").read_text(encoding="utf-8")
    assert "development history" in page and "<code>salesgen demo-history DIR</code>" in page
    assert "`" not in page.split('class="sg-lead"', 1)[1].split("</p>", 1)[0]
    assert 'href="#this-week"' not in page  # no table of contents for sections the page does not have


def test_init_site_without_commits_says_no_history_yet(tmp_path):
    target = tmp_path / "new"
    assert CliRunner().invoke(cli, ["init", str(target), "--as-of", "2026-11-20"]).exit_code == 0
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    assert _build(target, tmp_path / "site").exit_code == 0
    page = (tmp_path / "site" / "changes" / "index.html").read_text(encoding="utf-8")
    assert "No sales history yet" in page and "no commits yet" in page
    deal_page = next((tmp_path / "site" / "deals").glob("*/index.html")).read_text(encoding="utf-8")
    assert "Changed since last week" not in deal_page and 'id="audit"' not in deal_page


def test_every_commit_gives_one_period_per_commit(hand):
    root, shas = hand
    csv = CliRunner().invoke(cli, ["changes", "--since", "2026-01-12", "--until", "2026-01-18", "--format", "csv",
                                   "--every-commit", "--root", str(root)])
    assert csv.exit_code == 0, csv.output
    periods = [line.split(",")[0] for line in csv.output.splitlines()[1:]]
    assert periods == [f"2026-01-13 {shas[2][:10]}", f"2026-01-14 {shas[3][:10]}"]


def test_history_benchmark_runs_at_a_tiny_size(tmp_path, capsys):
    import importlib.util
    import sys

    folder = REPO / "tests" / "benchmarks"
    sys.path.insert(0, str(folder))
    try:
        spec = importlib.util.spec_from_file_location("history_bench", folder / "history_bench.py")
        bench = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bench)
        assert bench.main(["--deals", "20", "--weeks", "4", "--workdir", str(tmp_path)]) == 0
    finally:
        sys.path.remove(str(folder))
    out = capsys.readouterr().out
    assert "| All history figures, no cache (4 commits," in out and "| Peak memory of the history figures |" in out
