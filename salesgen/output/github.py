"""GitHub Actions workflow commands (annotations) and a Markdown job summary.

GitHub shows only the first few annotations of a step, so with GITHUB_STEP_SUMMARY set
the CLI also writes every problem as a table to the job summary.
"""
from __future__ import annotations

import re

from ..i18n import N_, T, ngettext, translate


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problems, lang: str = "en", **_ignored) -> str:
    lines = []
    for p in problems:
        command = "error" if p.severity.value == "error" else "warning"
        props = [f"file={_escape_property(p.file)}"]
        if p.line:
            props.append(f"line={p.line}")
            props.append(f"col={p.column}")
        props.append(f"title={_escape_property(p.rule)}")
        message = translate(p.message, lang) + (f"\n{translate(p.hint, lang)}" if p.hint else "")
        lines.append(f"::{command} {','.join(props)}::{_escape_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")


_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")


def format_notice(title: str, text: str) -> str:
    """A `::notice` workflow command (a note on the run's page, not tied to a file)."""
    return f"::notice title={_escape_property(title)}::{_escape_data(text)}"


def _cell(text: str) -> str:
    """Text for one Markdown table cell: HTML escaped, '|' escaped, never a line break (\\r, \\n...)."""
    text = _LINE_BREAKS.sub(" ", text)
    text = "".join(ch if ch.isprintable() or ch == " " else f"\\x{ord(ch):02x}" for ch in text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def _code(text: str) -> str:
    """A file name in a cell: <code> rather than backticks, which a '`' in the name would close."""
    return f"<code>{_cell(text)}</code>"


def github_summary(problems, note: str = "", lang: str = "en") -> str:
    """The job summary: a heading with the counts, then every problem as a table row, in ``lang``."""
    errors = sum(1 for p in problems if p.severity.value == "error")
    warnings = len(problems) - errors
    counts = (ngettext("{n} error", "{n} errors", errors, lang) + translate(T(", "), lang)
              + ngettext("{n} warning", "{n} warnings", warnings, lang))
    out = [f"## salesgen lint: {counts}", ""]
    if note:
        out += [_cell(translate(note, lang)), ""]
    if problems:
        out += ["| " + " | ".join(translate(heading, lang) for heading in _COLUMNS) + " |", "|---|---|---|---|---|"]
        for p in problems:
            out.append(f"| {_code(f'{p.file}:{p.line}')} | {translate(T(p.severity.value), lang)} | `{p.rule}` | "
                       f"{_cell(translate(p.message, lang))} | {_cell(translate(p.hint, lang))} |")
    return "\n".join(out) + "\n"


_COLUMNS = (N_("Location"), N_("Severity"), N_("Rule"), N_("Message"), N_("Hint"))
