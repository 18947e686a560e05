"""`salesgen changes` and `salesgen calibration`: what moved, and how honest the stage probabilities are.

Both read the repository's git history (``salesgen.history``); the first run parses
every file version once and caches it under .salesgen-cache/history/.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import click

from .common import as_of_option, fail_usage, resolve_as_of, root_option, styled
from .reports import emit

FORMATS = ("text", "json", "csv")


def load_or_explain(root, *, use_cache: bool = True):
    """(config, history) or exit 2 with one line: no config, no history, shallow clone."""
    from ..config import load_config
    from ..history import git
    from ..history.reader import load_history

    if not root.is_dir():
        fail_usage(f"no such directory: {root}")
    config, problems = load_config(root)
    if config is None or any(p.severity.value == "error" for p in problems):
        from .common import report_configuration

        report_configuration(problems)
    from ..i18n import T
    from .common import checking_progress

    try:
        with checking_progress(summary=False, label=T("Reading file versions"), unit=T("versions")) as progress:
            history = load_history(root, use_cache=use_cache, progress=progress)
    except git.HistoryError as error:
        fail_usage(str(error))
    if history.empty:
        fail_usage(f"no sales history yet ({history.note}): commit the deals/ and customers/ files to git, "
                   "or try `salesgen demo-history DIR` for a repository with a year of history")
    return config, history


def _group_of(by: str | None):
    if by == "rep":
        return lambda state_or_event: state_or_event.owner
    if by == "pipeline":
        return lambda state_or_event: state_or_event.pipeline
    return None


def summary_rows(found: list, by: str | None, every_commit: bool) -> list[dict]:
    from ..history.movement import EVENT_KINDS
    from ..history.reader import week_start

    group = _group_of(by)
    rows: dict = {}
    for event in found:
        period = f"{event.day} {event.commit[:10]}" if every_commit else week_start(event.day).isoformat()
        key = (period, group(event) if group else "all")
        row = rows.setdefault(key, {"period": period, "group": key[1], **{k: 0 for k in EVENT_KINDS},
                                    "authors": set()})
        row[event.kind] += 1
        row["authors"].add(event.author)
    result = []
    for key in sorted(rows):
        row = rows[key]
        row["authors"] = ", ".join(sorted(row["authors"]))
        result.append(row)
    return result


def waterfall_rows(history, config, since: dt.date, until: dt.date, by: str | None) -> list[dict]:
    from ..history.movement import WATERFALL_LINES, weekly_waterfalls
    from ..history.reader import snapshots

    groups: list = [None]
    if by:
        attribute = "owner" if by == "rep" else "pipeline"
        everyone = set()
        for snapshot in snapshots(history, [until]):
            everyone |= {getattr(state, attribute) for state, _ in snapshot.values()}
        groups = sorted(everyone)
    rows = []
    for value in groups:
        keep = None if value is None else (lambda s, v=value, a=("owner" if by == "rep" else "pipeline"):
                                           getattr(s, a) == v)
        for w in weekly_waterfalls(history, config, since, until, keep):
            row = {"week": w.start, "group": value or "all", "currency": w.currency, "open_start": w.open_start}
            for line in WATERFALL_LINES:
                row[line] = w.lines[line]
                row[f"{line}_count"] = w.counts[line]
            row["open_end"] = w.open_end
            row["adds_up"] = w.adds_up()
            row["unconverted"] = w.unconverted
            rows.append(row)
    return rows


EVENT_COLUMNS = [("day", "Day"), ("author", "Author"), ("deal", "Deal"), ("kind", "Change"), ("old", "From"),
                 ("new", "To"), ("commit", "Commit")]
WATERFALL_COLUMNS = [("week", "Week of"), ("group", "Group"), ("open_start", "Open at start"), ("new", "+ New"),
                     ("reopened", "+ Reopened"), ("increases", "+ Increases"), ("decreases", "- Decreases"),
                     ("won", "- Won"), ("lost", "- Lost"), ("removed", "- Removed"), ("open_end", "Open at end")]


@click.command()
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), required=True, help="First day (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Last day. Default: as_of in salesgen.yaml, else today.")
@click.option("--by", type=click.Choice(["rep", "pipeline"]), default=None, help="Split the figures per rep or pipeline.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text for people; csv (the summary per period) for spreadsheets; json (everything, exact).")
@click.option("--every-commit", is_flag=True, help="One period per commit instead of per ISO week.")
@click.option("--no-cache", is_flag=True, help="Parse every file version again (the cache is still written).")
@root_option
def changes(since, until, by, fmt, every_commit, no_cache, root):
    """What changed in the pipeline, per week, from the git history.

    For each period: new deals, stages advanced and moved back, won, lost,
    reopened, close dates pushed or pulled, amounts up or down, owners changed,
    each with the commit's author and day; and the weekly pipeline waterfall
    (open at the start + new + reopened + increases - decreases - won - lost -
    removed = open at the end, in the reporting currency). File versions that
    lint would reject are listed as data.

    \b
    Examples:
      salesgen changes --since 2026-11-01
      salesgen changes --since 2026-09-01 --by rep --format csv > moves.csv
      salesgen changes --since 2026-11-16 --every-commit
    """
    from ..history.movement import events, in_range

    config, history = load_or_explain(root, use_cache=not no_cache)
    start = since.date()
    end = until.date() if until else resolve_as_of(None, config)
    if end < start:
        fail_usage(f"--until {end} is before --since {start}")
    found = in_range(events(history, config), start, end)
    summary = summary_rows(found, by, every_commit)
    water = waterfall_rows(history, config, start, end, by)
    broken = [b for b in history.broken() if start <= b.date <= end]
    if fmt == "csv":
        from ..history.movement import EVENT_KINDS

        emit("csv", [("period", "period"), ("group", "group"), *[(k, k) for k in EVENT_KINDS], ("authors", "authors")],
             summary)
        return
    event_rows = [{"day": e.day, "author": e.author, "email": e.email, "deal": e.deal, "kind": e.kind, "field": e.field,
                   "old": e.old, "new": e.new, "owner": e.owner, "pipeline": e.pipeline, "commit": e.commit[:10]}
                  for e in found]
    if fmt == "json":
        import json

        from .reports import _exact

        payload = {"since": start.isoformat(), "until": end.isoformat(), "currency": config.currency,
                   "events": [_exact(r) for r in event_rows], "summary": summary,
                   "waterfall": [_exact(r) for r in water],
                   "broken": [{"commit": b.commit, "day": b.date.isoformat(), "author": b.author, "file": b.file,
                               "line": b.line, "rule": b.rule, "message": b.message} for b in broken]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    click.echo(styled(f"Changes from {start} to {end} ({len(found)} change{'s' * (len(found) != 1)}, "
                      f"{len(history.commits)} commits in the history)", bold=True))
    if event_rows:
        click.echo()
        emit("table", EVENT_COLUMNS, event_rows)
    click.echo()
    click.echo(styled(f"Pipeline waterfall per week ({config.currency})", bold=True))
    emit("table", WATERFALL_COLUMNS if by else [c for c in WATERFALL_COLUMNS if c[0] != "group"], water)
    missing = sorted({c for row in water for c in row["unconverted"]})
    if missing:
        click.echo(styled(f"Open deals in {', '.join(missing)} have no rate into {config.currency} and count as 0 "
                          "(see --format json).", fg="yellow"))
    for b in broken:
        click.echo(styled(f"{b.file}:{b.line}: [{b.rule}] at commit {b.commit[:10]} ({b.date}, {b.author}): "
                          f"{b.message}", fg="yellow"))


CALIBRATION_COLUMNS = [("pipeline", "Pipeline"), ("stage", "Stage"), ("configured", "Configured %"),
                       ("reached", "Reached"), ("won", "Won"), ("share", "Won %"), ("interval", "95 % interval"),
                       ("median_days", "Median days"), ("p90_days", "P90 days"), ("note", "Note")]


def calibration_rows(table) -> list[dict]:
    rows = []
    for s in table.stages:
        notes = []
        if s.small:
            notes.append(f"small sample ({s.reached} < 10)")
        if s.stays_small:
            notes.append("few finished stays: no rotting check")
        rows.append({"pipeline": s.pipeline, "stage": s.stage, "configured": s.configured, "reached": s.reached,
                     "won": s.won, "share": None if s.share is None else Decimal(round(100 * s.share, 1)).quantize(Decimal("0.1")),
                     "low": round(100 * s.low, 1), "high": round(100 * s.high, 1),
                     "interval": f"{100 * s.low:.0f}-{100 * s.high:.0f} %",
                     "median_days": s.median_days, "p90_days": s.p90_days, "stays": len(s.stays),
                     "small_sample": s.small, "note": "; ".join(notes)})
    return rows


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text for people; csv for spreadsheets; json for scripts.")
@root_option
@as_of_option("The day rotting is judged on (YYYY-MM-DD). Default: as_of in salesgen.yaml, else today.")
def calibration(fmt, root, as_of):
    """How often deals that reached each stage were won, from the git history.

    Beside each stage's configured probability: the deals seen in that stage (or a
    later one) whose outcome is known, the share won with its Wilson 95 % interval,
    and the days deals spend in the stage (median, 90th percentile). Open deals in
    their stage longer than the 90th percentile are listed as rotting.

    \b
    Examples:
      salesgen calibration
      salesgen calibration --format csv > calibration.csv
    """
    from ..history.calibration import calibrate

    config, history = load_or_explain(root)
    day = resolve_as_of(as_of, config)
    table = calibrate(history, config, day)
    rows = calibration_rows(table)
    rotting = [{"deal": r.deal, "owner": r.owner, "pipeline": r.pipeline, "stage": r.stage, "days": r.days,
                "p90": r.p90, "file": r.file} for r in table.rotting]
    if fmt == "json":
        import json

        from .reports import _exact

        click.echo(json.dumps({"as_of": day.isoformat(), "stages": [_exact(r) for r in rows], "rotting": rotting},
                              ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        emit("csv", [(k, k) for k, _ in CALIBRATION_COLUMNS if k != "interval"] + [("low", "low"), ("high", "high")],
             rows)
        return
    click.echo(styled(f"Stage probabilities from history ({len(history.commits)} commits), as of {day}", bold=True))
    emit("table", CALIBRATION_COLUMNS, rows)
    click.echo()
    click.echo(styled(f"Rotting: {len(rotting)} open deal{'s' * (len(rotting) != 1)} in their stage longer than "
                      "90 % of past stays", bold=True))
    for r in rotting:
        click.echo(f"  {r['deal']} ({r['owner']}): {r['stage']} for {r['days']} days (p90 {r['p90']})")


TREND_COLUMNS = [("week_end", "Week ending"), ("closed", "Closed"), ("weighted_open", "Weighted open"),
                 ("forecast", "Forecast")]
ACCURACY_COLUMNS = [("period", "Period"), ("rep", "Rep"), ("weeks_before", "Weeks before end"),
                    ("forecast", "Forecast then"), ("actual", "Closed"), ("ratio", "Forecast / closed %")]


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """``2026-Q4`` or ``2026-11`` -> first and last day (ValueError when it is neither)."""
    from ..analytics.periods import quarter_bounds

    if "-Q" in period:
        year, quarter = period.split("-Q")
        return quarter_bounds(dt.date(int(year), 3 * int(quarter) - 2, 1))
    year, month = (int(x) for x in period.split("-"))
    first = dt.date(year, month, 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def closed_quarters(first: dt.date, last: dt.date) -> list[str]:
    from ..analytics.periods import quarter, quarter_bounds

    found, day = [], first
    while True:
        start, end = quarter_bounds(day)
        if end >= last:
            return found
        if start >= first:
            found.append(quarter(start))
        day = end + dt.timedelta(days=1)


@click.command("forecast-trend")
@click.option("--period", default=None, metavar="PERIOD",
              help="The period to follow: 2026-Q4 or 2026-11. Default: the quarter of the as-of day.")
@click.option("--by-rep", is_flag=True, help="Accuracy per rep too (beside the team total).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text for people; csv (the trend) for spreadsheets; json (trend and accuracy, exact).")
@root_option
@as_of_option()
def forecast_trend(period, by_rep, fmt, root, as_of):
    """The forecast of a period as it stood at the end of each past week, and past forecasts' accuracy.

    The forecast is closed (won in the period) plus the weighted open deals expected
    to close in it, computed on the deals as they were that week. For each closed
    quarter of the history: the forecast 1, 4 and 8 weeks before its last day against
    what was won in it.

    \b
    Examples:
      salesgen forecast-trend
      salesgen forecast-trend --period 2026-Q3 --by-rep --format json
    """
    from ..analytics.periods import quarter
    from ..history import trend
    from ..history.reader import snapshots, weekly_ends

    config, history = load_or_explain(root)
    day = resolve_as_of(as_of, config)
    try:
        key = period or quarter(day)
        start, end = period_bounds(key)
    except ValueError:
        fail_usage(f"--period '{period}' is neither a quarter (2026-Q4) nor a month (2026-11)")
    first = history.commits[0].day
    ends = weekly_ends(max(first, start - dt.timedelta(days=91)), min(day, max(end, first)))
    states = snapshots(history, ends + [day])
    points = trend.trend(states[:-1], ends, config, start, end)
    owners = (None, *sorted({s.owner for s, _ in states[-1].values()})) if by_rep else (None,)
    accuracy = []
    for q in closed_quarters(first, day):
        q_start, q_end = period_bounds(q)
        q_ends = weekly_ends(first, q_end)
        accuracy += trend.accuracy(snapshots(history, q_ends), q_ends, states[-1], config, q, q_start, q_end,
                                   owners=owners)
    accuracy = [a for a in accuracy if a.owner is None or a.actual or a.forecast]  # reps with nothing in it: left out
    trend_rows = [{"week_end": p.week_end, "closed": p.closed, "weighted_open": p.weighted_open,
                   "forecast": p.forecast} for p in points]
    accuracy_rows = [{"period": a.period, "rep": a.owner or "all", "weeks_before": a.weeks_before,
                      "forecast": a.forecast, "actual": a.actual,
                      "ratio": None if a.ratio is None else (100 * a.ratio).quantize(Decimal(1))} for a in accuracy]
    if fmt == "json":
        import json

        from .reports import _exact

        click.echo(json.dumps({"period": key, "currency": config.currency,
                               "trend": [_exact(r) for r in trend_rows],
                               "accuracy": [_exact(r) for r in accuracy_rows]}, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        emit("csv", [(k, k) for k, _ in TREND_COLUMNS], trend_rows)
        return
    click.echo(styled(f"Forecast for {key} ({start} to {end}, {config.currency}) as it stood each week", bold=True))
    emit("table", TREND_COLUMNS, trend_rows)
    click.echo()
    click.echo(styled("Accuracy of closed quarters: forecast N weeks before the end against what closed", bold=True))
    if accuracy_rows:
        emit("table", ACCURACY_COLUMNS, accuracy_rows)
    else:
        click.echo("No quarter of the history has closed yet.")
