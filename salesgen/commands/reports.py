"""`salesgen forecast`, `funnel` and `review`: the site's analytics, in the terminal.

Each command computes with ``salesgen.analytics`` (the same functions the site pages
use), turns the result into rows (``*_rows``: plain values, Decimal money), then
renders the rows as an aligned table, CSV or JSON. Money is converted into the
reporting currency of salesgen.yaml where a rate exists; what cannot be converted
is shown apart, never added in.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import unicodedata
from decimal import Decimal

import click

from ..i18n import T, TC, translate
from .common import as_of_option, fail_usage, language, load_with_progress, root_option, styled


def load_past(root, as_of):
    """The repository and the as-of date; the deals as they were then when it is in the past (--as-of)."""
    from ..analytics.asof import repository_as_of

    repo, as_of = load_with_progress(root, as_of)
    past = repository_as_of(repo, as_of)
    if past is not repo:
        click.echo(f"salesgen: the deals as they were on {as_of}, reconstructed from stage_history and "
                   "amount_history; other fields are today's", err=True)
    return past, as_of


FORMATS = ("table", "csv", "json")
format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                             help="table for people; csv for spreadsheets; json for scripts (exact amounts).")


# -- rendering ---------------------------------------------------------------------------


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cell(value) -> str:
    if isinstance(value, Decimal):
        return f"{value.quantize(Decimal(1)):,}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else ""
    return "" if value is None else str(value)


def _words(value, lang: str):
    """A label from salesgen.yaml or a message in the chosen language; data as it is."""
    from ..i18n import Localized, Message, translate

    return translate(value, lang) if isinstance(value, (Localized, Message)) else value


def _exact(value):
    if isinstance(value, dict):
        return {k: _exact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_exact(v) for v in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def table(columns: list[tuple[str, str]], rows: list[dict]) -> str:
    """Aligned text: ``columns`` are (key, heading); numbers right-aligned."""
    lang = language()
    columns = [(key, translate(heading, lang)) for key, heading in columns]
    cells = [[_cell(_words(row.get(key), lang)) for key, _ in columns] for row in rows]
    numeric = [all(isinstance(row.get(key), (int, Decimal)) and not isinstance(row.get(key), bool)
                   for row in rows if row.get(key) is not None) for key, _ in columns]
    widths = [max([_width(h)] + [_width(line[i]) for line in cells]) for i, (_, h) in enumerate(columns)]

    def line(values, bold=False):
        parts = []
        for i, text in enumerate(values):
            pad = " " * (widths[i] - _width(text))
            parts.append(pad + text if numeric[i] else text + pad)
        out = "  ".join(parts).rstrip()
        return styled(out, bold=True) if bold else out

    return "\n".join([line([h for _, h in columns], bold=True)] + [line(values) for values in cells]) + "\n"


def emit(fmt: str, columns: list[tuple[str, str]], rows: list[dict], notes: list[str] = ()) -> None:
    if fmt == "json":
        click.echo(json.dumps([{k: _exact(v) for k, v in row.items()} for row in rows], ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([key for key, _ in columns])
        for row in rows:
            writer.writerow([_exact(row.get(key)) if row.get(key) is not None else "" for key, _ in columns])
        click.echo(buffer.getvalue(), nl=False)
        return
    click.echo(table(columns, rows), nl=False)
    for note in notes:
        click.echo(styled(note, fg="yellow"))


def _unconverted_note(rows: list[dict], currency: str) -> list[str]:
    missing = sorted({c for row in rows for c in row.get("unconverted", {})})
    if not missing:
        return []
    return [f"Amounts in {', '.join(missing)} have no rate into {currency} in salesgen.yaml (rates:) and are left "
            "out of the totals (see --format json)."]


# -- forecast ------------------------------------------------------------------------------


def forecast_rows(repo, as_of: dt.date, by: str) -> list[dict]:
    """One row per period (month or quarter) or per rep, money in the reporting currency."""
    from ..analytics import forecast
    from ..analytics.money import Totals, convert

    config, deals = repo.config, list(repo.deals.values())
    base, rates = config.currency, config.rates
    rows = []
    if by == "rep":
        for item in forecast.by_rep(deals, config, as_of):
            row = {"rep": item.rep.id, "name": item.rep.name, "year": item.year, "currency": base,
                   "quota": item.quota}
            unconverted = Totals()
            for cat in forecast.CATEGORIES:
                converted = convert(item.row[cat].amount, base, rates)
                row[cat] = converted.total
                unconverted.merge(converted.unconverted)
            row["weighted_open"] = item.weighted_open.total
            row["forecast"] = item.forecast
            row["attainment"] = _percent(item.attainment)
            row["forecast_attainment"] = _percent(item.forecast_attainment)
            row["unconverted"] = dict(unconverted)
            rows.append(row)
        return rows
    for period, buckets in forecast.by_period(deals, config, by).items():
        row = {"period": period, "currency": base, "deals": sum(b.count for b in buckets.values())}
        unconverted = Totals()
        weighted = Totals()
        for cat in forecast.CATEGORIES:
            converted = convert(buckets[cat].amount, base, rates)
            row[cat] = converted.total
            unconverted.merge(converted.unconverted)
            weighted.merge(buckets[cat].weighted)
        converted = convert(weighted, base, rates)
        row["weighted"] = converted.total
        row["unconverted"] = dict(unconverted)
        rows.append(row)
    return rows


def _percent(ratio: Decimal | None) -> Decimal | None:
    return None if ratio is None else (ratio * 100).quantize(Decimal(1))


FORECAST_PERIOD_COLUMNS = [("period", T("Period")), ("deals", T("Deals")), ("pipeline", TC("forecast category", "Pipeline")),
                           ("best_case", T("Best case")), ("commit", T("Commit")), ("closed", T("Closed")),
                           ("weighted", T("Weighted"))]
FORECAST_REP_COLUMNS = [("rep", T("Rep")), ("name", T("Name")), ("quota", T("Quota")), ("closed", T("Closed")),
                        ("commit", T("Commit")), ("best_case", T("Best case")), ("pipeline", TC("forecast category", "Pipeline")),
                        ("weighted_open", T("Weighted open")), ("forecast", T("Forecast")), ("attainment", T("Closed %")),
                        ("forecast_attainment", T("Forecast %"))]


@click.command()
@click.option("--by", type=click.Choice(["month", "quarter", "rep"]), default="quarter", show_default=True,
              help="Group by expected close month or quarter, or by rep (the as-of year against quota).")
@format_option
@root_option
@as_of_option()
def forecast(by, fmt, root, as_of):
    """The forecast: pipeline, best case, commit and closed, weighted by probability.

    Categories follow the funnel state of each deal's stage: prospecting = pipeline,
    in funnel = best case, best = commit, won = closed. Open deals count in the period
    of expected_close, won deals in the period they were signed; lost deals are left
    out. Weighted = amount x the stage's (or the deal's reasoned) probability. Amounts
    are in the reporting currency of salesgen.yaml.

    \b
    Examples:
      salesgen forecast
      salesgen forecast --by month
      salesgen forecast --by rep --as-of 2026-11-20
      salesgen forecast --by quarter --format csv > forecast.csv
    """
    repo, as_of = load_past(root, as_of)
    rows = forecast_rows(repo, as_of, by)
    columns = FORECAST_REP_COLUMNS if by == "rep" else FORECAST_PERIOD_COLUMNS
    if fmt == "csv":
        columns = columns + [("currency", T("Currency"))]
    if fmt == "table":
        values = {"currency": repo.config.currency, "as_of": as_of, "year": as_of.year}
        heading = (T("Forecast by rep, {year} ({currency}, as of {as_of})", **values) if by == "rep" else
                   T("Forecast by quarter ({currency}, as of {as_of})", **values) if by == "quarter" else
                   T("Forecast by month ({currency}, as of {as_of})", **values))
        click.echo(styled(translate(heading, language()), bold=True))
    emit(fmt, columns, rows, _unconverted_note(rows, repo.config.currency))


# -- funnel --------------------------------------------------------------------------------


def funnel_rows(repo, as_of: dt.date, pipeline_id: str | None = None) -> list[dict]:
    """One row per pipeline stage: deals, amount, weighted amount, and conversion to the next stage."""
    from ..analytics import funnel as analytics
    from ..analytics.money import convert

    config, deals = repo.config, list(repo.deals.values())
    rows = []
    for pid, stage_rows in analytics.by_stage(deals, config).items():
        if pipeline_id and pid != pipeline_id:
            continue
        pipeline = config.pipelines[pid]
        rates = {c.stage.id: c for c in analytics.conversion(deals, pipeline, as_of)}
        for item in stage_rows:
            amount = convert(item.bucket.amount, config.currency, config.rates)
            weighted = convert(item.bucket.weighted, config.currency, config.rates)
            step = rates.get(item.stage.id)
            rows.append({
                "pipeline": pid, "stage": item.stage.id, "label": config.label(item.stage.label),
                "funnel": item.stage.funnel, "probability": item.bucket.probability_text(item.stage.probability), "deals": item.bucket.count,
                "amount": amount.total, "weighted": weighted.total, "currency": config.currency,
                "entered": step.entered if step else None, "advanced": step.advanced if step else None,
                "conversion": _percent(step.rate) if step and step.rate is not None else None,
                "unconverted": dict(amount.unconverted)})
    return rows


FUNNEL_COLUMNS = [("stage", T("Stage")), ("label", T("Name")), ("funnel", T("Funnel state")), ("probability", "p %"),
                  ("deals", T("Deals")), ("amount", T("Amount")), ("weighted", T("Weighted")),
                  ("conversion", T("Advanced %"))]


@click.command()
@click.option("--pipeline", "pipeline_id", metavar="ID", help="Only this pipeline.")
@format_option
@root_option
@as_of_option()
def funnel(pipeline_id, fmt, root, as_of):
    """The sales funnel: deals, amount and weighted amount per stage, and stage conversion.

    Advanced % is, of the deals that have been in a stage (stage_history up to the
    as-of date), the share that went on to a later stage other than lost.

    \b
    Examples:
      salesgen funnel
      salesgen funnel --pipeline product
      salesgen funnel --format json
    """
    repo, as_of = load_past(root, as_of)
    if pipeline_id and pipeline_id not in repo.config.pipelines:
        fail_usage(f"no pipeline '{pipeline_id}' in salesgen.yaml; use one of: {', '.join(repo.config.pipelines)}")
    rows = funnel_rows(repo, as_of, pipeline_id)
    if fmt != "table":
        extra = [("pipeline", T("Pipeline"))] + FUNNEL_COLUMNS + [("entered", T("Entered")), ("advanced", T("Advanced")),
                                                                ("currency", T("Currency"))]
        emit(fmt, extra, rows)
        return
    for pid in dict.fromkeys(row["pipeline"] for row in rows):
        pipeline = repo.config.pipelines[pid]
        heading = T("{label} ({id}), {currency}, as of {as_of}", label=repo.config.label(pipeline.label), id=pid,
                    currency=repo.config.currency, as_of=as_of)
        click.echo(styled(translate(heading, language()), bold=True))
        part = [row for row in rows if row["pipeline"] == pid]
        emit("table", FUNNEL_COLUMNS, part, _unconverted_note(part, repo.config.currency))
        click.echo()


# -- review (1-15-30) ---------------------------------------------------------------------


def review_rows(repo, as_of: dt.date, rep_id: str | None = None, weeks: dict | None = None) -> list[dict]:
    """One row per open deal, grouped by owner in roster order, most urgent first, with its week.

    ``weeks``: ``analytics.weekly.weekly_review`` of the same deals and date, if already computed.
    """
    from ..analytics.cadence import review_list
    from ..analytics.weekly import weekly_review
    from .review_week import week_fields

    config = repo.config
    lists = review_list(repo.deals.values(), config, as_of)
    if weeks is None:
        weeks = weekly_review(repo.deals.values(), repo.customers, config, as_of)
    by_deal = {d.deal.id: d for week in weeks.values() for d in week.deals}
    from ..history.calibration import rotting_of

    rotting = rotting_of(repo.root, config, as_of)  # from the git history; {} without one
    order = list(config.reps) + sorted(set(lists) - set(config.reps))
    rows = []
    for owner in order:
        if rep_id and owner != rep_id:
            continue
        for item in lists.get(owner, ()):
            last = item.last_activity
            rows.append({
                "rep": owner, "deal": item.deal.id, "stage": item.stage.id, "file": item.deal.file,
                "last_activity": last.date if last else None, "last_type": last.type if last else None,
                "days_since": item.days_since, "next_step": item.next_step, "next_date": item.next_date,
                "follow_up_due": item.follow_up_due, "follow_up_overdue": item.follow_up_overdue,
                "intent": item.intent, "intent_due": item.intent_due, "intent_overdue": item.intent_overdue,
                "next_date_passed": item.next_date_passed, "needs_attention": item.needs_attention,
                **week_fields(repo, by_deal.get(item.deal.id)),
                "rotting": _rotting_text(rotting.get(item.deal.id))})
    return rows


def _rotting_text(found):
    return T("{days} days in {stage} (90 % of past stays: {p90} or fewer)", days=found.days, stage=found.stage,
             p90=found.p90) if found else None


REVIEW_COLUMNS = [("rep", T("Rep")), ("deal", T("Deal")), ("stage", T("Stage")), ("last_activity", T("Last activity")),
                  ("last_type", T("Type")), ("days_since", T("Days")), ("next_step", T("Next step")),
                  ("next_date", T("Next date")), ("follow_up_due", T("Follow-up due")),
                  ("follow_up_overdue", T("Follow-up overdue")), ("intent", T("Intent")), ("intent_due", T("Intent due")),
                  ("intent_overdue", T("Intent overdue")), ("needs_attention", T("Needs attention")),
                  ("week_activities", T("Activities this week")), ("week_stage_moves", T("Stage moves this week")),
                  ("week_evidence", T("Evidence this week")), ("overdue_promises", T("Overdue promises")),
                  ("problems", T("Problems")), ("rotting", T("Rotting"))]


@click.command()
@click.option("--rep", "rep_id", metavar="REP", help="Only this rep's deals.")
@format_option
@root_option
@as_of_option("The review day (YYYY-MM-DD). Default: as_of in salesgen.yaml, else today.")
def review(rep_id, fmt, root, as_of):
    """The weekly review (周报, 1-15-30): every open deal of every rep.

    For each deal: the last activity, the next step and date, when the 15-day
    follow-up is due and when the 30-day intent judgment is due (cadence in
    salesgen.yaml). Deals that need attention come first and are marked with `!`.
    Then the week (the seven days ending on the review day): the work done
    (activities), the progress (stage moves, evidence), the problems (1-15-30,
    overdue promises, buying-centre red flags) and the promises made to the customer.

    \b
    Examples:
      salesgen review
      salesgen review --rep zhang-jiaqiang
      salesgen review --as-of 2026-11-20 --format csv > review.csv
    """
    repo, as_of = load_past(root, as_of)
    if rep_id and rep_id not in repo.config.reps:
        fail_usage(f"'{rep_id}' is not in the roster (reps in salesgen.yaml)")
    from ..analytics.weekly import week_bounds, weekly_review
    from .review_week import closed_lines, deal_lines, rep_line

    config = repo.config
    weeks = weekly_review(repo.deals.values(), repo.customers, config, as_of)
    rows = review_rows(repo, as_of, rep_id, weeks)
    if fmt != "table":
        emit(fmt, REVIEW_COLUMNS, rows)
        return
    start, end = week_bounds(as_of)
    lang = language(config)
    click.echo(styled(translate(T("1-15-30 review as of {as_of} (follow up within {follow} days, judge intent "
                                  "within {intent}); the week {start} to {end}", as_of=as_of,
                                  follow=config.follow_up_days, intent=config.intent_days, start=start, end=end),
                                lang), bold=True))
    if not rows:
        click.echo(translate(T("{rep} has no open deal.", rep=rep_id) if rep_id else T("No open deals."), lang))
    closing = [rep for rep, week in weeks.items() if week.closed and (not rep_id or rep == rep_id)]
    for owner in dict.fromkeys([row["rep"] for row in rows] + closing):  # also reps who only closed deals
        rep = config.reps.get(owner)
        mine = [row for row in rows if row["rep"] == owner]
        attention = sum(1 for row in mine if row["needs_attention"])
        click.echo()
        count = (T("{n} open deals", n=len(mine)) if len(mine) != 1 else T("{n} open deal", n=len(mine)))
        need = (T("{n} needs attention", n=attention) if attention == 1 else T("{n} need attention", n=attention))
        click.echo(styled(f"{rep.name if rep else owner} ({owner})", bold=True)
                   + translate(T(": {count}, {need}; {week}", count=count, need=need, week=rep_line(weeks.get(owner))),
                               lang))
        closed_lines(weeks.get(owner))
        for row in mine:
            _review_item(row, lang)
            deal_lines(row)


def _review_item(row: dict, lang: str = "en") -> None:
    from ..vocabulary import INTENT, activity_type

    def say(message) -> str:
        return translate(message, lang)

    mark = styled("!", fg="red", bold=True) if row["needs_attention"] else " "
    click.echo(f"  {mark} {styled(row['deal'], bold=True)} ({_words(row['stage'], lang)})")
    if row["last_activity"]:
        days = row["days_since"]
        ago = T("today") if days == 0 else T("{n} day ago", n=days) if days == 1 else T("{n} days ago", n=days)
        last = say(T("last activity {date} {type} ({ago})", date=row["last_activity"],
                     type=activity_type(row["last_type"]), ago=ago))
    else:
        last = say(T("no activity yet"))
    step = say(T("; next: {step}", step=row["next_step"])) if row["next_step"] else ""
    if row["next_date"]:
        when = say(T(" on {date}", date=row["next_date"]))
        step += styled(when + say(T(" (passed)")), fg="red") if row["next_date_passed"] else when
    click.echo(f"      {last}{step}")
    overdue = say(T(" (overdue)"))
    follow = say(T("follow-up due {date}", date=row["follow_up_due"]))
    follow = styled(follow + overdue, fg="red") if row["follow_up_overdue"] else follow
    intent = say(T("intent {intent}, next judgment due {date}",
                   intent=INTENT.get(row["intent"], row["intent"]) if row["intent"] else T("not judged yet"),
                   date=row["intent_due"]))
    intent = styled(intent + overdue, fg="red") if row["intent_overdue"] else intent
    separator = say(T("; "))
    click.echo(f"      {follow}{separator}{intent}")
    if row.get("rotting"):
        click.echo("      " + styled(say(T("rotting: {text}", text=row["rotting"])), fg="red"))
