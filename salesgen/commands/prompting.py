"""Asking for a value on a terminal: typos are answered with "did you mean" and asked again.

Off a terminal (scripts, CI) nothing is asked: a missing or unknown value is a usage
error that names the close match, so a script fails loudly instead of hanging.
"""
from __future__ import annotations

import contextlib
import difflib
import sys
from typing import Iterable

import click

from ..i18n import Message, T
from .common import fail_usage, say, tr


def interactive() -> bool:
    return sys.stdin.isatty()


def did_you_mean(value: str, choices: Iterable[str]) -> Message | str:
    """'; did you mean 'x'?' for the closest choice (a T message), or ''."""
    guess = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.5)
    return T("; did you mean '{guess}'?", guess=guess[0]) if guess else ""


@contextlib.contextmanager
def _tab_completion(choices: list[str]):
    """Tab completes ``choices`` at the prompt where the readline module exists (not on Windows)."""
    try:
        import readline
    except ImportError:  # pragma: no cover - platform dependent
        yield
        return
    old = readline.get_completer()

    def complete(text: str, state: int):
        found = [c for c in choices if c.startswith(text)]
        return found[state] if state < len(found) else None

    readline.set_completer(complete)
    readline.parse_and_bind("tab: complete")
    try:
        yield
    finally:
        readline.set_completer(old)


def choose(value: str | None, choices: Iterable[str], option: str, prompt, *, default: str | None = None,
           what=T("value"), required: bool = True) -> str | None:
    """``value`` if it is one of ``choices``; else asked for on a terminal (again after a typo); else a usage error.

    ``prompt`` and ``what`` are T messages ("Contact", "contact of {customer}"): said in the user's language."""
    choices = list(choices)
    shown = ", ".join(choices[:12]) + (", ..." if len(choices) > 12 else "")
    if value not in (None, ""):
        if value in choices:
            return value
        if not interactive():
            fail_usage(T("{option} '{value}' is not a known {what}{guess} (use one of: {choices})", option=option,
                         value=value, what=what, guess=did_you_mean(value, choices), choices=shown))
        say(T("'{value}' is not a known {what}{guess}", value=value, what=what, guess=did_you_mean(value, choices)),
            err=True)
    elif not interactive():
        if default is not None or not required:
            return default
        fail_usage(T("missing {option} ({what}); pass it, or run on a terminal to be asked", option=option, what=what))
    with _tab_completion(choices):
        while True:
            answer = click.prompt(f"{tr(prompt)} [{shown}]" if len(choices) <= 12 else tr(prompt),
                                  default=default if default is not None else ("" if not required else None),
                                  show_default=default is not None).strip()
            if answer in choices or (not answer and not required):
                return answer or None
            say(T("'{value}' is not a known {what}{guess}", value=answer, what=what,
                  guess=did_you_mean(answer, choices)), err=True)


def ask_text(value: str | None, option: str, prompt, *, default: str | None = None,
             required: bool = True) -> str | None:
    """Free text: the flag, else asked for on a terminal, else the default, else a usage error."""
    if value not in (None, ""):
        return value
    if interactive():
        answer = click.prompt(tr(prompt), default=default if default is not None else ("" if not required else None),
                              show_default=default is not None)
        return answer or None
    if default is not None or not required:
        return default
    missing(option, prompt)


def missing(option: str, prompt) -> None:
    """The usage error for a value that was neither passed nor asked for (off a terminal)."""
    fail_usage(T("missing {option} ({what}); pass it, or run on a terminal to be asked", option=option,
                 what=lowered(prompt)))


def lowered(prompt):
    """A prompt as it reads inside an English sentence (all lower case, as before); it still translates whole."""
    text = str(prompt).lower()
    if not isinstance(prompt, Message):
        return text
    low = str.__new__(Message, text)
    low.template, low.args, low.context = prompt.template, prompt.args, prompt.context
    return low
