"""The weekly part of `salesgen review` (周报): this week's work, progress, problems and promises.

``week_fields`` adds the week to a review row (counts for CSV, details for JSON);
``rep_line`` and ``deal_lines`` write it under the 1-15-30 lines of the text report.
"""
from __future__ import annotations

import click

from ..analytics.weekly import RepWeek, WeeklyDeal
from ..yamlsource import one_line
from .common import styled


def flag_text(code: str, name: str) -> str:
    from ..site.i18n import Strings

    return Strings("en")(f"flag.{code}", name=name)


def contact_name(repo, deal, contact_id: str) -> str:
    customer = repo.customers.get(deal.customer)
    contact = customer.contacts.get(contact_id) if customer and contact_id else None
    return contact.name if contact else contact_id


def problems(repo, week: WeeklyDeal) -> list[str]:
    """One line per problem: 1-15-30, overdue promises, buying-centre red flags."""
    review, out = week.review, []
    if review.follow_up_overdue:
        out.append(f"follow-up overdue since {review.follow_up_due}")
    if review.intent_overdue:
        out.append(f"intent judgment overdue since {review.intent_due}")
    if review.next_date_passed:
        out.append(f"planned contact on {review.next_date} passed")
    for item in week.overdue_promises:
        out.append(f"promise '{one_line(item.promise.text)}' due {item.promise.due} not done")
    for code, contact_id in week.flags:
        out.append(flag_text(code, contact_name(repo, week.deal, contact_id)))
    return out


def promise_row(item) -> dict:
    p = item.promise
    return {"text": p.text, "made": item.activity.date, "due": p.due, "done": item.done_on, "overdue": item.overdue}


def week_fields(repo, week: WeeklyDeal | None) -> dict:
    """The week of one open deal, for a review row."""
    if week is None:
        return {"week_activities": 0, "week_stage_moves": 0, "week_evidence": 0, "overdue_promises": 0,
                "problems": "", "work": [], "stage_moves": [], "evidence": [], "promises": []}
    return {
        "week_activities": len(week.work), "week_stage_moves": len(week.moves), "week_evidence": len(week.evidence),
        "overdue_promises": len(week.overdue_promises), "problems": "; ".join(problems(repo, week)),
        "work": [{"date": a.date, "type": a.type, "who": a.who, "summary": a.summary} for a in week.work],
        "stage_moves": [{"stage": e.stage, "date": e.date} for e in week.moves],
        "evidence": [{"criterion": c, "date": d, "ref": r} for d, c, r in week.evidence],
        "promises": [promise_row(item) for item in week.promises]}


def rep_line(week: RepWeek | None) -> str:
    if week is None:
        return "this week: nothing recorded"
    parts = [f"this week {week.activities} activit{'ies' if week.activities != 1 else 'y'}",
             f"{week.moves} stage move{'s' * (week.moves != 1)}",
             f"{week.evidence} evidence record{'s' * (week.evidence != 1)}"]
    text = ", ".join(parts)
    if week.overdue_promises:
        text += ", " + styled(f"{week.overdue_promises} overdue promise{'s' * (week.overdue_promises != 1)}",
                              fg="red")
    return text


def closed_lines(week: RepWeek | None) -> None:
    for deal, stage, entry in (week.closed if week else ()):
        click.echo(f"  = {styled(deal.id, bold=True)} {stage.outcome} on {entry.date}")


def deal_lines(row: dict) -> None:
    """Work, progress, problems and promises of a deal, under its 1-15-30 lines."""
    for work in row["work"]:
        who = f" {work['who']}" if work["who"] else ""
        click.echo(f"      work {work['date']} {work['type']}{who}: {one_line(work['summary'])}")
    progress = [f"entered {m['stage']} on {m['date']}" for m in row["stage_moves"]]
    progress += [f"evidence {e['criterion']} on {e['date']}" for e in row["evidence"]]
    if progress:
        click.echo(f"      progress: {'; '.join(progress)}")
    if row["problems"]:
        click.echo("      " + styled(f"problems: {row['problems']}", fg="red"))
    for p in row["promises"]:
        if p["overdue"]:
            state = styled("OVERDUE", fg="red", bold=True)
        elif p["done"] is not None:
            state = f"done {p['done']}"
        else:
            state = "open" if p["due"] else "no due date"
        due = f", due {p['due']}" if p["due"] else ""
        click.echo(f"      promise ({p['made']}{due}): {one_line(p['text'])} [{state}]")
