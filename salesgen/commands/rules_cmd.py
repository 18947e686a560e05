"""`salesgen rules`: the rule catalogue, generated from the rule modules' docstrings."""
from __future__ import annotations

import json

import click

from .common import lang_option, language, root_option


@click.command("rules")
@click.argument("rule_id", metavar="[RULE-ID]", required=False, shell_complete=lambda c, p, i: __import__(
    "salesgen.commands.completion", fromlist=["x"]).complete_rules(c, p, i))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--doc", "full", is_flag=True, help="Print each rule's whole documentation, examples included.")
@root_option
@lang_option
def rules_command(rule_id, fmt, full, root):
    """List every rule with its id, severity and documentation; or explain RULE-ID.

    With RULE-ID (as printed in a lint message, e.g. stage-gate) prints that rule's
    whole documentation with its passing and failing examples, and its page on the
    site when mkdocs.yml has a site_url.

    The severity is the level in effect: the rule's default, or the level set under
    `rules:` in the salesgen.yaml of --root when there is one.

    \b
    Examples:
      salesgen rules
      salesgen rules stage-gate
      salesgen rules --doc
      salesgen rules --format json
    """
    from .. import rules
    from ..config import load_config

    config, _ = load_config(root) if root.is_dir() else (None, [])
    levels = config.rule_levels if config is not None else {}
    lang = language(config)
    # English is the docstring as written; another language is its prose from the catalogue, examples as written
    items = [{"id": r.ID, "severity": levels.get(r.ID, r.SEVERITY), "default": r.SEVERITY,
              "summary": rules.summary(r, lang),
              "doc": (r.__doc__ or "").strip() if lang == "en" else rules.doc(r, lang)}
             for r in rules.REGISTRY.values()]
    if rule_id is not None:
        _explain(rule_id, items, fmt, root)
        return
    if fmt == "json":
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    for item in items:
        changed = f", default {item['default']}" if item["severity"] != item["default"] else ""
        click.echo(f"{item['id']} ({item['severity']}{changed})")
        click.echo(("\n".join("    " + line for line in item["doc"].splitlines()) + "\n") if full
                   else f"    {item['summary']}")


def _explain(rule_id: str, items: list, fmt: str, root) -> None:
    from ..output.help_links import rule_url, site_url
    from .common import fail_usage
    from .prompting import did_you_mean

    item = next((i for i in items if i["id"] == rule_id), None)
    if item is None:
        fail_usage(f"no rule '{rule_id}'{did_you_mean(rule_id, [i['id'] for i in items])} "
                   "(`salesgen rules` lists them)")
    url = rule_url(site_url(root) if root.is_dir() else None, rule_id)
    if fmt == "json":
        click.echo(json.dumps({**item, "help_uri": url}, ensure_ascii=False, indent=2))
        return
    changed = f", default {item['default']}" if item["severity"] != item["default"] else ""
    click.echo(f"{item['id']} ({item['severity']}{changed})\n")
    click.echo(item["doc"])
    if url:
        click.echo(f"\nOn the site: {url}")
