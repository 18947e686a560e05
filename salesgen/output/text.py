"""`file:line:col: severity [rule-id] message` with the hint on the next line."""
from __future__ import annotations

import click


def _one_line(text: str) -> str:
    """Control characters (a line break in a file name, say) shown escaped, never acted on."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def format_text(problems, *, color: bool = False, **_ignored) -> str:
    lines = []
    for p in problems:
        severity = p.severity.value
        if color:
            severity = click.style(severity, fg="red" if severity == "error" else "yellow", bold=True)
            where = click.style(f"{_one_line(p.file)}:{p.line}:{p.column}:", bold=True)
        else:
            where = f"{_one_line(p.file)}:{p.line}:{p.column}:"
        lines.append(f"{where} {severity} [{p.rule}] {_one_line(p.message)}")
        if p.hint:
            lines.append(f"    hint: {_one_line(p.hint)}")
    errors = sum(1 for p in problems if p.severity.value == "error")
    warnings = len(problems) - errors
    lines.append(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")
    return "\n".join(lines) + "\n"
