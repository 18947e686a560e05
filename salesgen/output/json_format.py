"""A JSON array of problems with keys file, line, column, rule, severity, message, hint."""
from __future__ import annotations

import json

from ..i18n import translate


def format_json(problems, *, lang: str = "en", **_ignored) -> str:
    """Machine fields (rule, severity) stay English in every language; message and hint are translated."""
    items = []
    for p in problems:
        item = p.to_dict()
        item["message"], item["hint"] = translate(p.message, lang), translate(p.hint, lang)
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
