"""`--help` and click's own words (Usage:, Options:, "No such option"...) in the user's language.

Two public routes, no reach into click's internals:

* click marks its own strings with the standard library's ``gettext.gettext`` (domain
  "messages"). ``speaking(lang)`` binds that domain to ``locale/`` (``messages.mo``,
  compiled from ``locale/<lang>/LC_MESSAGES/messages.po`` by ``python -m
  salesgen.i18n_catalog``) and sets ``LANGUAGE`` for the run, so error messages raised
  while parsing come out in the user's language; the environment is restored afterwards.
* The commands' own help (docstrings, option help) is written in English in the code.
  Each command gets ``HelpContext`` as its ``context_class``; its ``formatter_class``
  looks every paragraph, option help and command summary up in the salesgen catalogue
  (then click's, for the help strings click made once in English such as "Show this
  message and exit."). A text it does not know stays as click wrote it, so a click
  release that words things differently shows English, never nothing.

Help speaks ``--lang`` when it came before ``--help``, else SALESGEN_LANG, else
``language:`` of ./salesgen.yaml, else Chinese when LC_ALL/LC_MESSAGES/LANG start with
"zh", else English.
"""
from __future__ import annotations

import contextlib
import functools
import gettext as stdlib_gettext
import os
import re
import unicodedata
from pathlib import Path

import click

from .i18n import LANGUAGES, LOCALE_DIR, translate

CLICK_DOMAIN = "messages"  # the domain click's gettext calls look in
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def help_language(ctx: click.Context | None = None, cwd: Path | None = None) -> str:
    """The language of help and of click's messages (see the module docstring)."""
    if ctx is not None:
        chosen = ctx.find_root().meta.get("salesgen.lang")
        if chosen in LANGUAGES:
            return chosen
    for candidate in (os.environ.get("SALESGEN_LANG"), _configured(cwd or Path.cwd())):
        lang = _language_of(candidate)
        if lang:
            return lang
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def _language_of(value) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    lang = value.strip().lower().split("_")[0].split("-")[0].split(".")[0]
    return lang if lang in LANGUAGES else None


def _configured(folder: Path) -> str | None:
    """``language:`` of salesgen.yaml in ``folder`` (None when absent or unreadable: help never fails)."""
    path = folder / "salesgen.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    found = re.search(r"^language:[ \t]*['\"]?([A-Za-z_-]+)", text, flags=re.M)
    return found.group(1) if found else None


# --- click's own strings: the standard gettext route ---------------------------------------------------

_speaking = []  # the LANGUAGE values to restore, innermost last


@contextlib.contextmanager
def speaking(lang: str):
    """click's gettext calls answer in ``lang`` inside the block; ``LANGUAGE`` is restored after it."""
    before = os.environ.get("LANGUAGE")
    stdlib_gettext.bindtextdomain(CLICK_DOMAIN, str(LOCALE_DIR))
    _speaking.append(before)
    use(lang)
    try:
        yield
    finally:
        _speaking.pop()
        if before is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = before


def use(lang: str) -> None:
    """Switch click's messages to ``lang`` (``--lang`` parsed after the run began). ``LANGUAGE`` is the
    variable gettext reads first; "en" has no catalogue, so click keeps its own English."""
    os.environ["LANGUAGE"] = lang if lang in LANGUAGES else "en"


@functools.lru_cache(maxsize=None)
def click_words(lang: str) -> stdlib_gettext.NullTranslations:
    """click's catalogue in ``lang`` (its English when there is none)."""
    return stdlib_gettext.translation(CLICK_DOMAIN, str(LOCALE_DIR), languages=[lang], fallback=True)


# --- the commands' own help ------------------------------------------------------------------------------

def paragraphs(text: str) -> list[str]:
    """A help text cut where click cuts it: at blank lines."""
    blocks, current = [], []
    for line in text.splitlines():
        if line.strip():
            current.append(line)
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def help_msgids(text: str) -> list[str]:
    """The catalogue entries of a help text: each flowing paragraph with its lines joined; in a ``\\b``
    block (kept as written: examples) its heading line ("Examples:") and each ``# comment``."""
    found = []
    for block in paragraphs(text):
        lines = block.splitlines()
        if lines[0].strip() == "\b":
            for line in lines[1:]:
                code, hash_, comment = line.partition(" # ")
                if hash_:
                    found.append(comment.strip())
                elif line.strip().endswith(":") and not line.strip().startswith("salesgen"):
                    found.append(line.strip())
        else:
            found.append(" ".join(block.split()))
    return found


def _lookup(text: str, lang: str) -> str:
    """``text`` from the salesgen catalogue, else click's, else as it is."""
    translated = translate(text, lang)
    if translated == text:
        translated = click_words(lang).gettext(text)
    return translated


def translate_help(text: str, lang: str, width: int | None = None) -> str:
    """A help text (several paragraphs) in ``lang``; Chinese paragraphs wrapped to ``width`` columns."""
    if lang == "en" or not text:
        return text
    out = []
    for block in paragraphs(text):
        lines = block.splitlines()
        if lines[0].strip() == "\b":
            kept = [lines[0]]
            for line in lines[1:]:
                code, hash_, comment = line.partition(" # ")
                if hash_:
                    kept.append(f"{code} # {_lookup(comment.strip(), lang)}")
                elif line.strip().endswith(":"):
                    kept.append(line.replace(line.strip(), _lookup(line.strip(), lang)))
                else:
                    kept.append(line)
            out.append("\n".join(kept))
            continue
        indent = block[:len(block) - len(block.lstrip())]
        flowing = " ".join(block.split())
        translated = _lookup(flowing, lang)
        if translated != flowing and width and CJK.search(translated):
            out.append("\b\n" + "\n".join(indent + line for line in wrap_wide(translated, width - len(indent))))
        else:
            out.append(indent + translated if translated != flowing else block)
    return "\n\n".join(out)


def columns(text: str) -> int:
    """Terminal columns ``text`` takes: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap_wide(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken between Chinese characters or at spaces
    (never inside a Latin word or a code span)."""
    width = max(width, 20)
    tokens = re.findall(r"`[^`]*`|\[[^\]\n]*\]|[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
                        r"|[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef`\[]+|\s+|\[", text)
    lines, line = [], ""
    for token in tokens:
        if token.isspace():
            if line and columns(line) + 1 <= width:
                line += " "
            continue
        if line and columns(line.rstrip() + token) > width and token not in "，。；：、）》」":
            carried = ""
            while line and line[-1] in "（《「“":  # an opening bracket goes down with what it opens
                carried, line = line[-1] + carried, line[:-1]
            lines.append(line.rstrip())
            line = carried
        line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


def short_help(command: click.Command, lang: str, limit: int) -> str | None:
    """The one-line summary of ``command`` in the command list, in ``lang`` (None: not translated)."""
    if command.short_help:
        return _lookup(" ".join(command.short_help.split()), lang)
    blocks = paragraphs(command.help or "")
    if not blocks:
        return ""
    first = " ".join(blocks[0].split())
    translated = _lookup(first, lang)
    if translated == first:
        return None
    sentence = re.split(r"(?<=[。！？])", translated, maxsplit=1)[0]
    if columns(sentence) <= limit * 2:
        return sentence
    cut = ""
    for ch in sentence:
        if columns(cut + ch) > limit * 2 - 3:
            break
        cut += ch
    return cut + "..."


class HelpFormatter(click.HelpFormatter):
    """click's formatter, with the texts of the help page looked up in the user's language."""

    def __init__(self, *args, context: click.Context | None = None, lang: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        self.context = context
        self.lang = lang

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if self.lang != "en":
            args = " ".join(_lookup(piece, self.lang) if piece in ("[OPTIONS]", "COMMAND", "[ARGS]...") else piece
                            for piece in args.split(" "))
        super().write_usage(prog, args, prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(_lookup(heading, self.lang) if self.lang != "en" else heading)

    def write_text(self, text: str) -> None:
        super().write_text(translate_help(text, self.lang, self.width - self.current_indent))

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        if self.lang != "en" and rows:
            first_col = min(max(len(first) for first, _ in rows), col_max) + col_spacing
            text_width = max(self.width - first_col - 2, 10)
            rows = [(first, self._second(first, second, text_width)) for first, second in rows]
        super().write_dl(rows, col_max, col_spacing)

    def _second(self, first: str, second: str, width: int) -> str:
        command = self._command(first)
        if command is not None:
            text = short_help(command, self.lang, max(width // 2, 45))
            if text is None:  # not in the catalogue: click's own summary
                return second
        else:  # an option: its help, then click's "[default: ...]" which click's gettext already translated
            whole = " ".join(second.split())
            text = _lookup(whole, self.lang)
            found = re.fullmatch(r"(.*?)(\s*\[[^\[\]]*\])", second, flags=re.S)
            if text == whole and found:
                help_text, extra = " ".join(found.group(1).split()), found.group(2)
                text = (_lookup(help_text, self.lang) if help_text else "") + extra
            elif text == whole:
                text = second
        if CJK.search(text) and columns(text) > width:
            return "\b\n" + "\n".join(wrap_wide(text, width))
        return text

    def _command(self, name: str) -> click.Command | None:
        group = self.context.command if self.context is not None else None
        if name.startswith("-") or not isinstance(group, click.Group):
            return None
        return group.get_command(self.context, name)


class HelpContext(click.Context):
    """A click Context whose help pages speak the user's language."""

    formatter_class = HelpFormatter

    def make_formatter(self) -> click.HelpFormatter:
        return self.formatter_class(width=self.terminal_width, max_width=self.max_content_width, context=self,
                                    lang=help_language(self))


def localize(command: click.Command, help_names: tuple = ("-h", "--help")) -> click.Command:
    """Give ``command`` and every command under it the help that speaks the user's language.

    click words the help option's own help ("Show this message and exit.") once, when it is first
    needed, and keeps it: it is made here, in English, for the formatter to look up in each run's
    language (made first in a Chinese run it would stay Chinese for the English runs after it).
    """
    command.context_class = HelpContext
    before = os.environ.get("LANGUAGE")
    os.environ["LANGUAGE"] = "en"
    try:
        command.get_help_option(click.Context(command, help_option_names=list(help_names)))
    finally:
        if before is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = before
    for sub in getattr(command, "commands", {}).values():
        localize(sub, help_names)
    return command


def remember(lang: str | None) -> None:
    """``--lang`` was given: click's messages from now on in that language (only inside ``speaking``, which
    restores the environment; a command run on its own keeps click's English)."""
    if lang in LANGUAGES and _speaking:
        use(lang)


class LocalizedGroup(click.Group):
    """The root group: the whole run (parsing errors included) speaks the help language."""

    context_class = HelpContext

    def main(self, *args, **kwargs):
        with speaking(help_language()):
            return super().main(*args, **kwargs)
