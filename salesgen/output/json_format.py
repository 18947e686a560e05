"""A JSON array of problems with keys file, line, column, rule, severity, message, hint."""
from __future__ import annotations

import json

from ..i18n import translate


def format_json(problems, help_base: str | None = None, lang: str = "en", **_ignored) -> str:
    """With ``help_base`` (the site's URL) each problem also has ``help_uri``, its rule's page.

    Machine fields (rule, severity) stay English in every language; message and hint are in ``lang``.
    """
    from .help_links import rule_url

    items = []
    for p in problems:
        item = p.to_dict()
        item["message"], item["hint"] = translate(p.message, lang), translate(p.hint, lang)
        url = rule_url(help_base, p.rule)
        if url:
            item["help_uri"] = url
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
