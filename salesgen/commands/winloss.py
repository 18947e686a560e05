"""`salesgen winloss`: win rate and loss reasons by stage reached, competitor or rep, in the terminal."""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import click

from ..i18n import T, translate
from .common import as_of_option, language, root_option, styled
from .reports import _unconverted_note, emit, format_option, load_past

BY = ("stage", "competitor", "rep")


def _percent(ratio: Decimal | None) -> Decimal | None:
    """A whole percentage, half up (as the site shows it)."""
    return None if ratio is None else (ratio * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _reasons(tally) -> str:
    return ", ".join(f"{code or '?'} {n}" for code, n in sorted(tally.reasons.items(), key=lambda i: (-i[1], i[0])))


def _money(tally, config) -> dict:
    from ..analytics.money import Totals, convert

    won = convert(tally.won_amount, config.currency, config.rates)
    lost = convert(tally.lost_amount, config.currency, config.rates)
    unconverted = Totals()
    unconverted.merge(won.unconverted)
    unconverted.merge(lost.unconverted)
    return {"won_amount": won.total, "lost_amount": lost.total, "currency": config.currency,
            "unconverted": dict(unconverted)}


def _row(tally, config, **first) -> dict:
    return {**first, "closed": tally.closed, "won": tally.won, "lost": tally.lost,
            "win_rate": _percent(tally.win_rate), **_money(tally, config), "reasons": _reasons(tally),
            "reason_counts": dict(tally.reasons)}


def winloss_rows(repo, as_of: dt.date, by: str) -> list[dict]:
    """One row per stage, competitor or rep; money in the reporting currency."""
    from ..analytics import winloss

    config = repo.config
    closed = winloss.closed_deals(repo.deals.values(), config, as_of)
    if by == "stage":
        return [{**_row(tally, config, pipeline=pid, stage=stage.id, label=config.label(stage.label)),
                 "lost_here": tally.lost_here} for pid, stage, tally in winloss.by_stage(closed, config)]
    if by == "competitor":
        return [{**_row(tally, config, competitor=tally.key or "(none recorded)"), "lost_to": tally.lost_to}
                for tally in winloss.by_competitor(closed)]
    return [_row(tally, config, rep=tally.key,
                 name=config.reps[tally.key].name if tally.key in config.reps else tally.key)
            for tally in winloss.by_rep(closed, config)]


TAIL = [("closed", T("Closed")), ("won", T("Won")), ("lost", T("Lost")), ("win_rate", T("Win %")),
        ("won_amount", T("Won amount")), ("lost_amount", T("Lost amount"))]
COLUMNS = {
    "stage": [("pipeline", T("Pipeline")), ("stage", T("Stage reached")), ("label", T("Name"))] + TAIL
    + [("lost_here", T("Lost there")), ("reasons", T("Loss reasons there"))],
    "competitor": [("competitor", T("Competitor"))] + TAIL + [("lost_to", T("Won by them")), ("reasons", T("Loss reasons"))],
    "rep": [("rep", T("Rep")), ("name", T("Name"))] + TAIL + [("reasons", T("Loss reasons"))],
}


@click.command()
@click.option("--by", type=click.Choice(BY), default="stage", show_default=True,
              help="Group by the furthest stage reached, by competitor, or by rep (deal owner).")
@format_option
@root_option
@as_of_option()
def winloss(by, fmt, root, as_of):
    """Win/loss: win rate and loss reasons of the closed deals.

    Win % = won / (won + lost), of the deals closed on or before the as-of date. By
    stage: of the closed deals that reached a stage, how many were won; and the lost
    deals whose furthest stage it was, with their lost_reason codes. By competitor:
    every competitor named on a closed deal or as the winner in lost_reason. Amounts
    (won at contract value, lost at amount) are in the reporting currency.

    \b
    Examples:
      salesgen winloss
      salesgen winloss --by competitor
      salesgen winloss --by rep --format csv > winloss.csv
    """
    from ..analytics import winloss as analytics

    repo, as_of = load_past(root, as_of)
    rows = winloss_rows(repo, as_of, by)
    columns = COLUMNS[by] + ([("currency", T("Currency"))] if fmt == "csv" else [])
    if fmt == "table":
        tally = analytics.total(analytics.closed_deals(repo.deals.values(), repo.config, as_of))
        rate = _percent(tally.win_rate)
        values = {"currency": repo.config.currency, "as_of": as_of, "won": tally.won, "lost": tally.lost,
                  "rate": "–" if rate is None else f"{rate}%"}
        heading = {"stage": T("Win/loss by stage ({currency}, closed by {as_of}): {won} won, {lost} lost, win rate "
                              "{rate}", **values),
                   "competitor": T("Win/loss by competitor ({currency}, closed by {as_of}): {won} won, {lost} lost, "
                                   "win rate {rate}", **values),
                   "rep": T("Win/loss by rep ({currency}, closed by {as_of}): {won} won, {lost} lost, win rate "
                            "{rate}", **values)}.get(by)
        click.echo(styled(translate(heading, language(repo.config)) if heading is not None else
                          f"Win/loss by {by} ({repo.config.currency}, closed by {as_of}): {tally.won} won, "
                          f"{tally.lost} lost, win rate {values['rate']}", bold=True))
    emit(fmt, columns, rows, _unconverted_note(rows, repo.config.currency))
