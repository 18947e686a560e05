"""`salesgen rules`: the rule catalogue, generated from the rule modules' docstrings."""
from __future__ import annotations

import json

import click

from .common import root_option


@click.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--doc", "full", is_flag=True, help="Print each rule's whole documentation, examples included.")
@root_option
def rules_command(fmt, full, root):
    """List every rule with its id, severity and documentation.

    The severity is the level in effect: the rule's default, or the level set under
    `rules:` in the salesgen.yaml of --root when there is one.

    \b
    Examples:
      salesgen rules
      salesgen rules --doc
      salesgen rules --format json
    """
    from .. import rules
    from ..config import load_config

    config, _ = load_config(root) if root.is_dir() else (None, [])
    levels = config.rule_levels if config is not None else {}
    items = [{"id": r.ID, "severity": levels.get(r.ID, r.SEVERITY), "default": r.SEVERITY,
              "summary": rules.summary(r), "doc": (r.__doc__ or "").strip()}
             for r in rules.REGISTRY.values()]
    if fmt == "json":
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    for item in items:
        changed = f", default {item['default']}" if item["severity"] != item["default"] else ""
        click.echo(f"{item['id']} ({item['severity']}{changed})")
        click.echo(("\n".join("    " + line for line in item["doc"].splitlines()) + "\n") if full
                   else f"    {item['summary']}")
