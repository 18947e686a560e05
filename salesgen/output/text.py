"""`file:line:col: severity [rule-id] message` with the hint on the next line."""
from __future__ import annotations

import click

from ..i18n import T, ngettext, translate


def _one_line(text: str) -> str:
    """Control characters (a line break in a file name, say) shown escaped, never acted on."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


SEVERITY = {"error": T("error"), "warning": T("warning")}


def format_text(problems, *, color: bool = False, lang: str = "en", **_ignored) -> str:
    """In ``lang``, only the words change: file:line:col and the rule id read as in English."""
    lines = []
    for p in problems:
        severity = translate(SEVERITY[p.severity.value], lang)
        if color:
            severity = click.style(severity, fg="red" if p.severity.value == "error" else "yellow", bold=True)
            where = click.style(f"{_one_line(p.file)}:{p.line}:{p.column}:", bold=True)
        else:
            where = f"{_one_line(p.file)}:{p.line}:{p.column}:"
        lines.append(f"{where} {severity} [{p.rule}] {_one_line(translate(p.message, lang))}")
        if p.hint:
            lines.append("    " + _one_line(translate(T("hint: {hint}", hint=p.hint), lang)))
    errors = sum(1 for p in problems if p.severity.value == "error")
    warnings = len(problems) - errors
    lines.append(ngettext("{n} error", "{n} errors", errors, lang) + translate(T(", "), lang)
                 + ngettext("{n} warning", "{n} warnings", warnings, lang))
    return "\n".join(lines) + "\n"
