"""GitHub Actions workflow commands (annotations) and a Markdown job summary.

GitHub shows only the first few annotations of a step, so with GITHUB_STEP_SUMMARY set
the CLI also writes every problem as a table to the job summary.
"""
from __future__ import annotations

from ..i18n import translate


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problems, *, lang: str = "en", **_ignored) -> str:
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


def _cell(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("|", "\\|").replace("\n", " "))


def github_summary(problems, lang: str = "en") -> str:
    errors = sum(1 for p in problems if p.severity.value == "error")
    warnings = len(problems) - errors
    out = [f"## salesgen lint: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}", ""]
    if problems:
        out += ["| Location | Severity | Rule | Message | Hint |", "|---|---|---|---|---|"]
        for p in problems:
            out.append(f"| `{_cell(p.file)}:{p.line}` | {p.severity.value} | `{p.rule}` | {_cell(translate(p.message, lang))} | {_cell(translate(p.hint, lang))} |")
    return "\n".join(out) + "\n"
