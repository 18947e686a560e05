"""`salesgen show DEAL`: one deal in the terminal, or as JSON for scripts."""
from __future__ import annotations

import json

import click

from .common import as_of_option, fail_usage, load_or_exit, root_option, styled
from .completion import complete_deals


@click.command("show")
@click.argument("deal_ref", metavar="DEAL", shell_complete=complete_deals)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@root_option
@as_of_option()
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
        fail_usage(str(error))
    view = deal_view(deal, repo.customers.get(deal.customer), repo.config, as_of)
    if fmt == "json":
        click.echo(json.dumps(view, ensure_ascii=False, indent=2))
        return
    click.echo("\n".join(render_text(view)))


def render_text(view: dict) -> list[str]:
    lines = [f"{styled(view['id'], bold=True)}  {view['name']}  ({view['file']})",
             f"Customer {view['customer']['id']}" + (f" ({view['customer']['name']})" if view['customer']['name'] else "")
             + f" · owner {view['owner']} · {view['amount']} {view['currency']} · close {view['expected_close']}"
             + f" · as of {view['as_of']}"]
    if view["team"]:
        lines.append("Team: " + ", ".join(f"{role} {rep}" for role, rep in view["team"].items()))
    marks = {"done": "✓", "current": "▶", "ahead": "·"}
    path = []
    for step in view["path"]:
        text = f"{marks[step['state']]} {step['id']}" + (f" ({step['entered']})" if step["entered"] else "")
        path.append(styled(text, bold=True, fg="cyan") if step["state"] == "current" else text)
    lines.append("Stages: " + "  ".join(path))
    buyer = view["buyer_stage"]
    if buyer:
        actual = f"{buyer['id']} ({buyer['label']})" if buyer["id"] else "not recorded"
        expected = f"; the stage expects {buyer['expected']}" if buyer["expected"] and buyer["expected"] != buyer["id"] \
            else ""
        lines.append(f"Buyer stage: {actual}{expected}")
    gate = view["gate"]
    if gate:
        met = len(gate["criteria"]) - gate["missing"]
        lines.append("")
        lines.append(f"Next gate, to {gate['to']} ({gate['to_label']}): {met} of {len(gate['criteria'])} met")
        for item in gate["criteria"]:
            if item["met"]:
                continue
            lines.append(f"  {styled('missing', fg='red', bold=True)} {item['id']} ({item['label']}, stage {item['stage']})")
            for command in item["record"].splitlines():
                lines.append(f"      {command}")
        if gate["move"]:
            lines.append(f"  {styled('ready', fg='green', bold=True)}: {gate['move']}")
    lines.append("")
    lines.append("Buying centre:" + ("" if view["buying_centre"] else " nobody recorded yet"))
    for holder in view["buying_centre"]:
        parts = [p for p in (holder["role"], holder["attitude"], holder["closeness"]) if p]
        name = f" {holder['name']}" if holder["name"] else ""
        text = f"  {holder['contact']}{name}: {', '.join(parts) or 'role unknown'}" + (" · handler" if holder["handler"] else "")
        for flag in holder["flags"]:
            text += " " + styled(f"[{flag}]", fg="red")
        lines.append(text)
    for flag in view["deal_flags"]:
        lines.append("  " + styled(f"red flag: {flag}", fg="red"))
    cadence = view["cadence"]
    if cadence:
        lines.append("")
        follow = f"Follow-up due {cadence['follow_up_due']}"
        lines.append(styled(follow + " (overdue)", fg="red") if cadence["follow_up_overdue"] else follow)
        intent = f"Intent {cadence['intent'] or 'not judged'}, next judgment due {cadence['intent_due']}"
        lines.append(styled(intent + " (overdue)", fg="red") if cadence["intent_overdue"] else intent)
        if cadence["next_step"] or cadence["next_date"]:
            step = f"Next step: {cadence['next_step'] or '-'}" + (f" on {cadence['next_date']}" if cadence["next_date"] else "")
            lines.append(styled(step + " (date passed)", fg="red") if cadence["next_date_passed"] else step)
    if view["open_promises"]:
        lines.append("Open promises:")
        for promise in view["open_promises"]:
            text = f"  {promise['due']} {promise['text']} (promised {promise['made']})"
            lines.append(styled(text + " overdue", fg="red") if promise["overdue"] else text)
    return lines
