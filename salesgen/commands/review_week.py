"""The weekly part of `salesgen review` (周报): this week's work, progress, problems and promises.

``week_fields`` adds the week to a review row (counts for CSV, details for JSON);
``rep_line`` and ``deal_lines`` write it under the 1-15-30 lines of the text report.
"""
from __future__ import annotations

import click

from ..analytics.weekly import RepWeek, WeeklyDeal
from ..yamlsource import one_line
from ..i18n import T, join, translate
from .common import language, styled


def flag_text(code: str, name: str) -> str:
    from ..site.i18n import Strings

    return Strings(language())(f"flag.{code}", name=name)


def contact_name(repo, deal, contact_id: str) -> str:
    customer = repo.customers.get(deal.customer)
    contact = customer.contacts.get(contact_id) if customer and contact_id else None
    return contact.name if contact else contact_id


def problems(repo, week: WeeklyDeal) -> list[str]:
    """One line per problem: 1-15-30, overdue promises, buying-centre red flags."""
    review, out, lang = week.review, [], language()
    if review.follow_up_overdue:
        out.append(translate(T("follow-up overdue since {date}", date=review.follow_up_due), lang))
    if review.intent_overdue:
        out.append(translate(T("intent judgment overdue since {date}", date=review.intent_due), lang))
    if review.next_date_passed:
        out.append(translate(T("planned contact on {date} passed", date=review.next_date), lang))
    for item in week.overdue_promises:
        out.append(translate(T("promise '{text}' due {due} not done", text=one_line(item.promise.text),
                               due=item.promise.due), lang))
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


def rep_line(week: RepWeek | None, lang: str | None = None) -> str:
    lang = lang or language()
    if week is None:
        return translate(T("this week: nothing recorded"), lang)
    n = week.activities
    parts = [T("this week {n} activity", n=n) if n == 1 else T("this week {n} activities", n=n),
             T("{n} stage move", n=week.moves) if week.moves == 1 else T("{n} stage moves", n=week.moves),
             T("{n} evidence record", n=week.evidence) if week.evidence == 1 else
             T("{n} evidence records", n=week.evidence)]
    separator = translate(T(", "), lang)
    text = translate(join(parts, separator), lang)
    if week.overdue_promises:
        n = week.overdue_promises
        text += separator + styled(translate(T("{n} overdue promise", n=n) if n == 1 else
                                             T("{n} overdue promises", n=n), lang), fg="red")
    return text


def closed_lines(week: RepWeek | None) -> None:
    for deal, stage, entry in (week.closed if week else ()):
        outcome = T("won") if stage.outcome == "won" else T("lost")
        click.echo(f"  = {styled(deal.id, bold=True)} "
                   + translate(T("{outcome} on {date}", outcome=outcome, date=entry.date), language()))


def deal_lines(row: dict) -> None:
    """Work, progress, problems and promises of a deal, under its 1-15-30 lines."""
    from ..vocabulary import activity_type

    lang = language()

    def say(message) -> str:
        return translate(message, lang)

    for work in row["work"]:
        who = f" {work['who']}" if work["who"] else ""
        click.echo("      " + say(T("work {date} {type}{who}: {summary}", date=work["date"],
                                    type=activity_type(work["type"]), who=who, summary=one_line(work["summary"]))))
    progress = [T("entered {stage} on {date}", stage=m["stage"], date=m["date"]) for m in row["stage_moves"]]
    progress += [T("evidence {criterion} on {date}", criterion=e["criterion"], date=e["date"]) for e in row["evidence"]]
    if progress:
        click.echo("      " + say(T("progress: {items}", items=join(progress, "; "))))
    if row["problems"]:
        click.echo("      " + styled(say(T("problems: {n}", n=row["problems"])), fg="red"))
    for p in row["promises"]:
        if p["overdue"]:
            state = styled(say(T("OVERDUE")), fg="red", bold=True)
        elif p["done"] is not None:
            state = say(T("done {date}", date=p["done"]))
        else:
            state = say(T("open")) if p["due"] else say(T("no due date"))
        made = (T("promise ({made}, due {due}): {text} [{state}]", made=p["made"], due=p["due"],
                  text=one_line(p["text"]), state=state) if p["due"] else
                T("promise ({made}): {text} [{state}]", made=p["made"], text=one_line(p["text"]), state=state))
        click.echo("      " + say(made))
