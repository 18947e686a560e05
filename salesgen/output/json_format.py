"""A JSON array of problems with keys file, line, column, rule, severity, message, hint."""
from __future__ import annotations

import json


def format_json(problems, **_ignored) -> str:
    return json.dumps([p.to_dict() for p in problems], ensure_ascii=False, indent=2) + "\n"
