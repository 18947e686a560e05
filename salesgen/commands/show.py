"""`salesgen show DEAL`: one deal in the terminal, or as JSON for scripts."""
from __future__ import annotations

import json

import click

from ..i18n import T, TC
from .common import as_of_option, fail_usage, lang_option, load_or_exit, root_option, styled, tr
from .completion import complete_deals


@click.command("show")
@click.argument("deal_ref", metavar="DEAL", shell_complete=complete_deals)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@root_option
@as_of_option()
@lang_option
def show(deal_ref, fmt, root, as_of):
    """Show DEAL: stage path, next stage gate, buying centre, next steps and promises.

    For each exit criterion still missing before the next stage it prints the exact
    command that records it. Colour only on a terminal (NO_COLOR turns it off).
    --format json prints the same as one JSON object, for scripts.

    \b
    Examples:
      salesgen show acme-line
      salesgen show acme-line --as-of 2026-12-01
      salesgen show acme-line --format json | jq .gate.missing
    """
    from ..analytics.deal_view import deal_view
    from ..editing.moves import MoveError, find_deal

    repo, as_of = load_or_exit(root, as_of)
    try:
        deal = find_deal(repo, deal_ref)
    except MoveError as error:
        fail_usage(error)
    view = deal_view(deal, repo.customers.get(deal.customer), repo.config, as_of)
    if fmt == "json":
        click.echo(json.dumps(view, ensure_ascii=False, indent=2))
        return
    click.echo("\n".join(render_text(view)))


BUYING_ROLES = {"initiator": TC("buying role", "initiator"), "designer": TC("buying role", "designer"),
                "decision_maker": TC("buying role", "decision maker"), "user": TC("buying role", "user"),
                "evaluator": TC("buying role", "evaluator")}
ATTITUDES = {"supporter": TC("attitude", "supporter"), "neutral": TC("attitude", "neutral"),
             "opponent": TC("attitude", "opponent")}
CLOSENESS = {"close": TC("closeness", "close"), "frequent": TC("closeness", "frequent"),
             "distant": TC("closeness", "distant"), "none": TC("closeness", "no contact")}


def render_text(view: dict) -> list[str]:
    """The deal for a terminal, in the user's language: ids, stage ids, dates and commands as they are."""
    customer = view["customer"]
    facts = dict(customer=customer["id"], owner=view["owner"], amount=view["amount"], currency=view["currency"],
                 close=view["expected_close"], as_of=view["as_of"])
    lines = [f"{styled(view['id'], bold=True)}  {view['name']}  ({view['file']})",
             tr(T("Customer {customer} ({name}) · owner {owner} · {amount} {currency} · close {close} · as of "
                  "{as_of}", name=customer["name"], **facts) if customer["name"] else
                T("Customer {customer} · owner {owner} · {amount} {currency} · close {close} · as of {as_of}",
                  **facts))]
    if view["team"]:
        lines.append(tr(T("Team: {members}", members=", ".join(f"{role} {rep}" for role, rep in view["team"].items()))))
    marks = {"done": "✓", "current": "▶", "ahead": "·"}
    path = []
    for step in view["path"]:
        text = f"{marks[step['state']]} {step['id']}" + (f" ({step['entered']})" if step["entered"] else "")
        path.append(styled(text, bold=True, fg="cyan") if step["state"] == "current" else text)
    lines.append(tr(T("Stages: {path}", path="  ".join(path))))
    buyer = view["buyer_stage"]
    if buyer:
        label = tr(buyer["label"]) if buyer["label"] is not None else None
        actual = f"{buyer['id']} ({label})" if buyer["id"] else tr(T("not recorded"))
        if buyer["expected"] and buyer["expected"] != buyer["id"]:
            lines.append(tr(T("Buyer stage: {actual}; the stage expects {expected}", actual=actual,
                              expected=buyer["expected"])))
        else:
            lines.append(tr(T("Buyer stage: {actual}", actual=actual)))
    gate = view["gate"]
    if gate:
        met = len(gate["criteria"]) - gate["missing"]
        lines.append("")
        lines.append(tr(T("Next gate, to {stage} ({label}): {met} of {total} met", stage=gate["to"],
                          label=gate["to_label"], met=met, total=len(gate["criteria"]))))
        for item in gate["criteria"]:
            if item["met"]:
                continue
            lines.append("  " + styled(tr(T("missing")), fg="red", bold=True) + " "
                         + tr(T("{criterion} ({label}, stage {stage})", criterion=item["id"], label=item["label"],
                                stage=item["stage"])))
            for command in tr(item["record"]).splitlines():
                lines.append(f"      {command}")
        if gate["move"]:
            lines.append("  " + styled(tr(T("ready")), fg="green", bold=True) + f": {gate['move']}")
    lines.append("")
    lines.append(tr(T("Buying centre:")) if view["buying_centre"] else tr(T("Buying centre: nobody recorded yet")))
    for holder in view["buying_centre"]:
        parts = [tr(words[value]) if value in words else value for words, value in ((BUYING_ROLES, holder["role"]),
                                                                  (ATTITUDES, holder["attitude"]),
                                                                  (CLOSENESS, holder["closeness"])) if value]
        name = f" {holder['name']}" if holder["name"] else ""
        described = tr(T(", ")).join(parts) or tr(T("role unknown"))
        text = f"  {holder['contact']}{name}: {described}" \
            + (tr(T(" · handler")) if holder["handler"] else "")
        for flag in holder["flags"]:
            text += " " + styled(f"[{tr(flag)}]", fg="red")
        lines.append(text)
    for flag in view["deal_flags"]:
        lines.append("  " + styled(tr(T("red flag: {flag}", flag=flag)), fg="red"))
    cadence = view["cadence"]
    if cadence:
        lines.append("")
        due = cadence["follow_up_due"]
        lines.append(styled(tr(T("Follow-up due {date} (overdue)", date=due)), fg="red") if cadence["follow_up_overdue"]
                     else tr(T("Follow-up due {date}", date=due)))
        intent = dict(intent=_word("intent", cadence["intent"]) if cadence["intent"] else T("not judged"),
                      date=cadence["intent_due"])
        lines.append(styled(tr(T("Intent {intent}, next judgment due {date} (overdue)", **intent)), fg="red")
                     if cadence["intent_overdue"] else tr(T("Intent {intent}, next judgment due {date}", **intent)))
        if cadence["next_step"] or cadence["next_date"]:
            step = dict(step=cadence["next_step"] or "-", date=cadence["next_date"])
            if not cadence["next_date"]:
                lines.append(tr(T("Next step: {step}", **step)))
            elif cadence["next_date_passed"]:
                lines.append(styled(tr(T("Next step: {step} on {date} (date passed)", **step)), fg="red"))
            else:
                lines.append(tr(T("Next step: {step} on {date}", **step)))
    if view["open_promises"]:
        lines.append(tr(T("Open promises:")))
        for promise in view["open_promises"]:
            values = dict(due=promise["due"], text=promise["text"], made=promise["made"])
            lines.append(styled("  " + tr(T("{due} {text} (promised {made}) overdue", **values)), fg="red")
                         if promise["overdue"] else "  " + tr(T("{due} {text} (promised {made})", **values)))
    return lines


def _word(kind: str, value):
    from ..vocabulary import word

    return word(kind, value)
