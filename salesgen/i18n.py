"""Messages in the user's language: one gettext catalogue per language, read with Babel.

Rules, loaders and commands write their messages in English through ``T``::

    T("unknown rep '{rep}'", rep=rep)

which is a ``str`` (the English text, so Problems compare, sort, pickle and test as
before) that remembers its template and values. Renderers call ``translate(text, lang)``
to get the same message from ``locale/<lang>/LC_MESSAGES/salesgen.po`` with the same
values. English needs no catalogue; another language's catalogue is read once, lazily.
A msgid without a translation falls back to English, never to a blank.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

LANGUAGES = ("en", "zh")
DOMAIN = "salesgen"
LOCALE_DIR = Path(__file__).parent / "locale"


class Message(str):
    """The English rendering of ``template`` with ``args``; ``translate`` renders it in another language."""

    template: str
    args: tuple
    context: str

    def __new__(cls, template: str, args: tuple = (), context: str = "") -> "Message":
        text = template.format(**dict(args)) if args else template
        self = super().__new__(cls, text)
        self.template = template
        self.args = args
        self.context = context
        return self

    def __reduce__(self):  # pickled as (template, args): the lint cache keeps Problems' messages
        return (Message, (self.template, self.args, self.context))


class Localized(str):
    """A text the data gives in several languages (a stage label ``{en: ..., zh: ...}`` in salesgen.yaml):
    the configured language's text, with the others at hand for ``translate``."""

    variants: tuple

    def __new__(cls, text: str, variants: tuple = ()) -> "Localized":
        self = super().__new__(cls, text)
        self.variants = variants
        return self

    def __reduce__(self):
        return (Localized, (str(self), self.variants))

    def in_language(self, lang: str) -> str:
        return dict(self.variants).get(lang) or str(self)


def _arg(value):
    """A value a message may carry: text and numbers as they are, anything else as its text."""
    if isinstance(value, (Message, Localized, int, float)) and not isinstance(value, bool):
        return value
    return str(value)


def T(template: str, **args) -> Message:  # noqa: N802 - the extraction keyword
    """A message in English, translatable later; ``template`` uses ``str.format`` names."""
    return Message(template, tuple((name, _arg(value)) for name, value in args.items()))


def TC(context: str, template: str, **args) -> Message:  # noqa: N802 - the extraction keyword
    """``T`` for an English word that has two meanings (msgctxt): "Pipeline" the forecast category is not
    "Pipeline" the sales process."""
    return Message(template, tuple((name, _arg(value)) for name, value in args.items()), context)


def join(items, separator: str = ", ") -> Message:
    """Messages (or text) joined, each translated when the whole is: the template itself is not a msgid."""
    items = list(items)
    template = separator.replace("{", "{{").replace("}", "}}").join(f"{{p{i}}}" for i in range(len(items)))
    return Message(template, tuple((f"p{i}", _arg(item)) for i, item in enumerate(items)))


def any_of(codes) -> "Message | str":
    """'presales or executive' (a T message, so the "or" is said in the user's language); '' for none."""
    codes = list(codes)
    if len(codes) < 2:
        return codes[0] if codes else ""
    return T("{first} or {rest}", first=codes[0], rest=any_of(codes[1:]))


def N_(template: str) -> str:  # noqa: N802
    """Mark a constant for extraction (an enum label, a table heading) without translating it now."""
    return template


@functools.lru_cache(maxsize=None)
def catalogue(lang: str) -> dict:
    """msgid -> msgstr (or msgid -> tuple of plural forms) of a language's catalogue."""
    if lang == "en" or lang not in LANGUAGES:
        return {}
    from babel.messages.pofile import read_po

    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    table = {}
    for message in catalog:
        if not message.id or not message.string or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            if all(message.string):
                table[message.id[0]] = tuple(message.string)
        else:
            table[f"{message.context}\x04{message.id}" if message.context else message.id] = message.string
    return table


def gettext(msgid: str, lang: str) -> str:
    """``msgid`` in ``lang`` (English when the catalogue has no translation)."""
    return catalogue(lang).get(msgid, msgid) if lang != "en" else msgid


def ngettext(singular: str, plural: str, n: int, lang: str) -> str:
    """The form for ``n`` (already formatted with ``n``); Chinese has one form."""
    forms = catalogue(lang).get(singular) if lang != "en" else None
    if isinstance(forms, tuple):
        template = forms[0] if len(forms) == 1 else forms[0 if n == 1 else 1]
    else:
        template = singular if n == 1 else plural
    return template.format(n=n)


def translate(text, lang: str) -> str:
    """A Message (or a plain catalogue msgid) in ``lang``; any other text as it is."""
    if not text:
        return str(text) if text is not None else ""
    if isinstance(text, Localized):
        return text.in_language(lang)
    if lang == "en":  # the English text, but a label salesgen.yaml gives in several languages in English too
        if isinstance(text, Message) and any(isinstance(value, (Message, Localized)) for _, value in text.args):
            args = {name: translate(value, lang) if isinstance(value, (Message, Localized)) else value
                    for name, value in text.args}
            return text.template.format(**args)
        return str(text)
    if isinstance(text, Message):
        args = {name: translate(value, lang) if isinstance(value, (Message, Localized)) else value
                for name, value in text.args}
        key = f"{text.context}\x04{text.template}" if text.context else text.template
        template = catalogue(lang).get(key, text.template)
        try:
            return template.format(**args) if args else template
        except (KeyError, IndexError, ValueError):  # a broken translation: English rather than nothing
            return str(text)
    return gettext(str(text), lang)


def resolve_language(option: str | None = None, configured: str | None = None) -> str:
    """``--lang`` first, then SALESGEN_LANG, then ``language:`` of salesgen.yaml, then English."""
    for candidate in (option, os.environ.get("SALESGEN_LANG"), configured):
        if candidate:
            candidate = candidate.strip().lower().split("_")[0].split("-")[0]
            if candidate in LANGUAGES:
                return candidate
    return "en"
