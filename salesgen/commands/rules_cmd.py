"""`salesgen rules`: the rule catalogue, generated from the rule modules' docstrings."""
from __future__ import annotations

import json

import click


@click.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_command(fmt):
    """List every rule with its id, default severity and documentation.

    \b
    Examples:
      salesgen rules
      salesgen rules --format json
    """
    from .. import rules

    items = [{"id": r.ID, "severity": r.SEVERITY, "summary": rules.summary(r), "doc": (r.__doc__ or "").strip()}
             for r in rules.REGISTRY.values()]
    if fmt == "json":
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    for item in items:
        click.echo(f"{item['id']} ({item['severity']})")
        click.echo(f"    {item['summary']}")
