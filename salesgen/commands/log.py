"""`salesgen log DEAL`: append an activity (a call, a visit...) to a deal, from flags or asked for."""
from __future__ import annotations

import datetime as dt

import click

from ..i18n import T
from .common import as_of_option, fail_usage, lang_option, load_or_exit, root_option, say, styled, tr
from .completion import complete_contacts, complete_deals, complete_reps
from . import prompting
from .prompting import ask_text, choose, missing

ACTIVITY_TYPES = ("call", "visit", "meeting", "email", "demo", "proposal", "tender", "review", "handover", "other")
INTENTS = ("high", "medium", "low", "none")


def parse_date(value, option: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        fail_usage(T("{option} '{value}' is not a date: write YYYY-MM-DD", option=option, value=value))


def _ask_date(value, option: str, prompt, *, default: dt.date | None = None, required: bool = True):
    """A date from the flag, else asked for on a terminal (again after a bad date)."""
    if value is not None or not prompting.interactive():
        if value is None:
            if default is None and required:
                missing(option, prompt)
            return default
        return parse_date(value, option)
    while True:
        answer = click.prompt(tr(prompt), default=default.isoformat() if default else "", show_default=bool(default))
        if not answer.strip() and not required:
            return None
        try:
            return dt.date.fromisoformat(answer.strip())
        except ValueError:
            say(T("'{value}' is not a date: write YYYY-MM-DD", value=answer), err=True)


def _contacts(given: tuple, known: list[str], customer: str) -> list[str]:
    """Every --contact must be a contact of the deal's customer; asked for on a terminal when none is given."""
    chosen = []
    for contact in given:
        chosen.append(choose(contact, known, "--contact", T("Contact"),
                             what=T("contact of {customer}", customer=customer)))
    return chosen


@click.command("log")
@click.argument("deal_ref", metavar="DEAL", shell_complete=complete_deals)
@click.option("--date", "date_", metavar="YYYY-MM-DD", help="When it happened (or is planned). Default: the as-of date.")
@click.option("--type", "type_", metavar="TYPE", help=f"One of: {', '.join(ACTIVITY_TYPES)}.",
              shell_complete=lambda c, p, i: [t for t in ACTIVITY_TYPES if t.startswith(i)])
@click.option("--who", metavar="REP", help="The rep who did it. Default: the deal's owner.", shell_complete=complete_reps)
@click.option("--contact", "contacts", metavar="CONTACT", multiple=True, shell_complete=complete_contacts,
              help="A contact reached (a contact id of the deal's customer); repeat for several.")
@click.option("--summary", help="What was said and done.")
@click.option("--next-step", help="The agreed next step.")
@click.option("--next-date", metavar="YYYY-MM-DD", help="When the next contact is due.")
@click.option("--intent", metavar="LEVEL", help="The customer's intent as judged now: high, medium, low or none (1-15-30).",
              shell_complete=lambda c, p, i: [t for t in INTENTS if t.startswith(i)])
@click.option("--promise", "promises", nargs=2, multiple=True, metavar="DUE TEXT",
              help="A promise made to the customer and the day it is due, e.g. --promise 2026-12-01 \"送样品\"; "
                   "repeat for several.")
@click.option("--dry-run", is_flag=True, help="Check and print what would be appended; write nothing.")
@root_option
@as_of_option("The day the check runs as of, and the default --date. Default: as_of in salesgen.yaml, else today.")
@lang_option
def log(deal_ref, date_, type_, who, contacts, summary, next_step, next_date, intent, promises, dry_run, root, as_of):
    """Append an activity to DEAL's `activities:` (a call, a visit, a meeting...).

    Values come from the flags; on a terminal, missing ones are asked for (Tab
    completes names, a typo is answered with "did you mean" and asked again). Only
    the new list item is added, in the file's own indentation; every other byte stays.
    The result must lint: an activity that would add an error is refused, nothing
    written. Exit code: 0 logged, 1 refused by lint, 2 usage error.

    \b
    Examples:
      salesgen log acme-line --type visit --contact acme-wang --summary "现场调研冲压线" --intent high
      salesgen log acme-line --type call --summary "确认拜访时间" --next-step "现场拜访" --next-date 2026-12-03
      salesgen log acme-line --type meeting --summary "技术交流" --promise 2026-12-10 "提交初步方案"
      salesgen log acme-line         # asks for type, summary and the rest on a terminal
    """
    from ..editing import EditableDocument, EditError
    from ..editing.moves import MoveError, find_deal
    from .editflow import commit_changes, report_left

    repo, as_of = load_or_exit(root, as_of)
    try:
        deal = find_deal(repo, deal_ref)
    except MoveError as error:
        fail_usage(error)
    customer = repo.customers.get(deal.customer)
    known_contacts = list(customer.contacts) if customer else []
    reps = [r.id for r in repo.config.reps.values() if r.active]
    asked = prompting.interactive() and (type_ is None or summary is None)
    when = _ask_date(date_, "--date", T("Date (YYYY-MM-DD)"), default=as_of)
    type_ = choose(type_, ACTIVITY_TYPES, "--type", T("Type"), what=T("activity type"))
    who = choose(who, reps, "--who", T("Who (rep id)"), default=deal.owner if deal.owner in reps else None,
                 what=T("active rep"), required=False)
    chosen = _contacts(contacts, known_contacts, deal.customer)
    if asked and not chosen and known_contacts:
        while True:
            answer = choose(None, known_contacts, "--contact", T("Contact reached (empty when done)"),
                            what=T("contact of {customer}", customer=deal.customer), required=False)
            if not answer:
                break
            chosen.append(answer)
    summary = ask_text(summary, "--summary", T("Summary (what was said and done)"))
    if asked:
        next_step = ask_text(next_step, "--next-step", T("Next step"), required=False)
        next_date = _ask_date(next_date, "--next-date", T("Next contact date (YYYY-MM-DD, empty for none)"),
                              required=False)
        intent = choose(intent, INTENTS, "--intent", T("Intent"), what=T("intent level"), required=False)
    else:
        next_date = parse_date(next_date, "--next-date") if next_date else None
        intent = choose(intent, INTENTS, "--intent", T("Intent"), what=T("intent level"),
                        required=False) if intent else None
    item: dict = {"date": when, "type": type_}
    if who:
        item["who"] = who
    if chosen:
        item["contacts"] = chosen
    item["summary"] = summary
    if next_step:
        item["next_step"] = next_step
    if next_date:
        item["next_date"] = next_date
    if intent:
        item["intent"] = intent
    if promises:
        item["promises"] = [{"text": text, "due": parse_date(due, "--promise"), "done": False}
                            for due, text in promises]
    try:
        document = EditableDocument.read(root / deal.file, deal.file)
        document.append(("activities",), item)
    except EditError as error:
        fail_usage(error)
    from ..vocabulary import activity_type

    what = T("log a {type} on {deal} dated {date}", type=activity_type(type_), deal=deal.id, date=when)
    left = commit_changes(root, as_of, {deal.file: document.to_bytes()}, what, dry_run=dry_run)
    if dry_run:
        return
    say(T("Logged a {type} on {deal} dated {date} ({file}).", type=activity_type(type_),
          deal=styled(deal.id, bold=True), date=when, file=deal.file))
    report_left(left)
