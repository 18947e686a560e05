"""Formatters for lint results: name -> function(problems, context) -> text."""
from __future__ import annotations

from .github import format_github, github_summary
from .json_format import format_json
from .sarif import format_sarif
from .text import format_text

FORMATTERS = {
    "text": format_text,
    "json": format_json,
    "github": format_github,
    "sarif": format_sarif,
}

__all__ = ["FORMATTERS", "github_summary"]
