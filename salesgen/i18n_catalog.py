"""Keep the message catalogues in step with the code (a maintainer's tool, not used at run time).

    python -m salesgen.i18n_catalog          # rewrite locale/salesgen.pot, merge it into every .po

The template holds every ``T(...)``, ``N_(...)`` and ``ngettext(...)`` literal of the
package (found by Babel's Python extractor) and every prose paragraph of the rule
docstrings (``rules.doc_blocks``) and every help text of the command line (each paragraph of a
command's docstring, each option's help: ``cli_language.help_msgids``). Merging keeps existing translations; new msgids
arrive untranslated and the catalogue test names them until someone translates them.

click's own words (Usage:, "No such option"...) live apart, in ``messages.po`` (the gettext
domain click uses), compiled to ``messages.mo`` for the standard gettext module.
"""
from __future__ import annotations

import datetime
import inspect
import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from .cli_language import help_msgids
from .i18n import DOMAIN, LANGUAGES, LOCALE_DIR

PACKAGE = Path(__file__).parent
KEYWORDS = {"T": None, "N_": None, "ngettext": (1, 2), "TC": ((1, "c"), 2)}
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"


def build_template() -> Catalog:
    catalog = Catalog(project="salesgen", domain=DOMAIN, charset="utf-8", fuzzy=False)
    found = extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS,
                             comment_tags=("TRANSLATORS:",), strip_comment_tags=True)
    for filename, lineno, message, comments, context in sorted(found, key=lambda f: (f[0], f[1])):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    from . import rules

    for rule_id, rule in sorted(rules.REGISTRY.items()):
        for is_code, text in rules.doc_blocks(rule):
            if not is_code:
                catalog.add(text, None, auto_comments=[f"rule {rule_id}, documentation"])
    from .criteria import NAMED_CHECKS
    from .rules.stage_gate import needed_data

    for check in sorted(NAMED_CHECKS):
        catalog.add(needed_data(check), None, auto_comments=[f"stage-gate hint: what the check {check} needs"])
    from .schemas import schema_msgids

    for text, where in schema_msgids():
        if text not in catalog:
            catalog.add(text, None, auto_comments=[f"{where}: a description or title a hint quotes"])
    for where, text in help_texts():
        for msgid in help_msgids(text):
            if msgid not in catalog:
                catalog.add(msgid, None, auto_comments=[f"--help of {where}"])
    return catalog


def help_texts():
    """(command, text) for every help text of the command line: docstrings, summaries, option help."""
    from .cli import cli

    def walk(command, name):
        for text in (command.help, command.short_help):
            if text:
                yield name, inspect.cleandoc(text)
        for param in command.params:
            if getattr(param, "help", None):
                yield f"{name} {param.opts[0]}", " ".join(param.help.split())
        for sub_name, sub in sorted(getattr(command, "commands", {}).items()):
            yield from walk(sub, f"{name} {sub_name}")

    yield from walk(cli, "salesgen")


CLICK_CATALOGUE = "messages"  # click's own words, in the domain its gettext calls use
# click passes "required" to gettext as a variable, out of the extractor's sight; the usage line's
# placeholders it does not mark at all (the help formatter looks them up).
CLICK_DYNAMIC = ("required", "[OPTIONS]", "COMMAND", "[ARGS]...")


def click_msgids() -> set:
    """What the installed click marks for translation (msgid, or (singular, plural))."""
    import click

    found = extract_from_dir(str(Path(click.__file__).parent), method_map=[("**.py", "python")],
                             keywords={"_": None, "ngettext": (1, 2)})
    return {message for _file, _line, message, _comments, _context in found} | set(CLICK_DYNAMIC)


def update_click_catalogue(lang: str) -> None:
    """Add what the installed click marks to ``messages.po`` (keeping what older releases marked) and
    compile ``messages.mo``, which the standard gettext module reads."""
    from babel.messages.mofile import write_mo

    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    path = folder / f"{CLICK_CATALOGUE}.po"
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
    else:
        catalog = Catalog(locale=lang, domain=CLICK_CATALOGUE)
    for msgid in sorted(click_msgids(), key=str):
        if msgid not in catalog:
            catalog.add(msgid, None)
    path.write_text(render(catalog), encoding="utf-8")
    catalog.creation_date = catalog.revision_date = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    with (folder / f"{CLICK_CATALOGUE}.mo").open("wb") as handle:  # the same bytes for the same messages
        write_mo(handle, catalog)
    untranslated = [m.id for m in catalog if m.id and not m.string]
    print(f"{path}: {len(untranslated)} untranslated")


def render(catalog: Catalog) -> str:
    out = io.BytesIO()
    write_po(out, catalog, width=0, omit_header=True, no_location=True)
    return out.getvalue().decode("utf-8")


def appended(catalog: Catalog, before: list) -> Catalog:
    """``catalog`` with the messages it had ``before`` in their old order and new ones at the end (in the
    template's order): Babel's merge would sort them like the template, so every new msgid of a module
    early in the package would land mid-file, where the next merge of two branches collides."""
    place = {key: index for index, key in enumerate(before)}
    messages = [m for m in catalog if m.id]
    messages.sort(key=lambda m: place.get((m.id, m.context), len(place)))  # stable: new ones keep their order
    ordered = Catalog(locale=catalog.locale, domain=catalog.domain, fuzzy=False)
    for message in messages:
        ordered[message.id] = message
    return ordered


def main() -> None:
    template = build_template()
    TEMPLATE.write_text(render(template), encoding="utf-8")
    for lang in LANGUAGES:
        if lang == "en":
            continue
        path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=lang)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=lang, domain=DOMAIN)
        before = [(m.id, m.context) for m in catalog if m.id]
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        path.write_text(render(appended(catalog, before)), encoding="utf-8")
        untranslated = [m.id for m in catalog if m.id and not m.string]
        print(f"{path}: {len(untranslated)} untranslated")
        update_click_catalogue(lang)


if __name__ == "__main__":  # pragma: no cover
    main()
