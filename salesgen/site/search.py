"""What the site's search finds: the text each page gives Material's search index, and Chinese words.

Material's search plugin indexes the HTML a page has when it reaches the plugin; the
salesgen plugin hands it a short summary per page instead of the full page (built from
this module), so the index holds what people look for and stays small at ten thousand
deals:

- a deal: its name and id, customer, owner and team, stage, amount, competitors, the
  names and titles of its buying centre, its latest next step;
- a customer: name and id, industry, region, owner, its contacts' names and titles and
  the steps of its buying process;
- a rep: name and title.

Never a sensitive field (phone, e-mail, notes, motives...): only the fields listed here.

Chinese has no spaces: Material segments it at build time with ``jieba`` (when
installed) and joins the words with a zero-width space, which the index's separator
must therefore include. ``add_words`` teaches jieba the names of this repository (people,
customers, competitors, stages, next steps), so that a name such as 张家强 is one word
in the index, and typed whole it is found.

The index's ``lang`` stays Material's default (``en``) for a Chinese site too: lunr's
``zh`` support segments in the browser with Node's jieba, which a browser does not have;
the segmenting is done at build time instead, and the browser only splits on the separator.
"""
from __future__ import annotations

import logging
from typing import Iterable

from markupsafe import escape

from ..model import Customer, Deal
from .data import SiteData

log = logging.getLogger("mkdocs.plugins.salesgen")

# Material's separator for Chinese (whitespace, zero-width space, ideographic space,
# hyphen, Chinese punctuation): used whatever the interface language, since names and
# notes are Chinese in an English-language site too.
SEPARATOR = r"[\s\u200b\u3000\-、。，．？！；：（）,.:;()/|]+"
MAX_WORD = 40  # longer texts are sentences, not words to look for


def _html(title: str, lines: Iterable[str]) -> str:
    body = "".join(f"<p>{escape(line)}</p>" for line in lines if line)
    return f"<h1>{escape(title)}</h1>{body}"


def latest_next_step(deal: Deal) -> str:
    steps = [a for a in deal.activities if a.next_step]
    return max(steps, key=lambda a: (a.date, a.index)).next_step if steps else ""


def deal_text(data: SiteData, deal: Deal) -> str:
    stage = data.stages[deal.id]
    customer = data.repo.customers.get(deal.customer)
    people = []
    for entry in deal.stakeholders:
        contact = customer.contacts.get(entry.get("contact")) if customer else None
        if contact is not None:
            people.append(" ".join(filter(None, [contact.name, contact.title])))
    team = [data.rep_name(rep_id) for rep_id in deal.team.values()]
    competitors = [c.get("name", "") for c in deal.get("competitors") or ()]
    return _html(deal.name, [
        " · ".join(filter(None, [deal.id, data.customer_name(deal.customer), data.rep_name(deal.owner), *team])),
        " · ".join(filter(None, [data.label(stage.label) if stage else deal.stage,
                                 f"{deal.amount:,} {deal.currency}", latest_next_step(deal)])),
        " · ".join(competitors), " · ".join(people)])


def customer_text(data: SiteData, customer: Customer) -> str:
    raw = customer.raw
    contacts = [" ".join(filter(None, [c.name, c.title, c.department])) for c in customer.contacts.values()]
    steps = [str(step.get("step", "")) for step in raw.get("buying_process") or () if isinstance(step, dict)]
    return _html(customer.name, [
        " · ".join(filter(None, [customer.id, raw.get("industry"), raw.get("region"), data.rep_name(customer.owner)])),
        " · ".join(contacts), " · ".join(steps)])


def words(data: SiteData) -> set[str]:
    """The names people type: reps, customers, contacts, competitors, stages, next steps."""
    found = {rep.name for rep in data.config.reps.values()}
    for pipeline in data.config.pipelines.values():
        found.update(data.label(stage.label) for stage in pipeline.stages)
    for customer in data.customers:
        found.add(customer.name)
        found.update(c.name for c in customer.contacts.values())
    for deal in data.deals:
        found.update(c.get("name", "") for c in deal.get("competitors") or ())
        found.add(latest_next_step(deal))
    return {w.strip() for w in found if w and w.strip() and len(w.strip()) <= MAX_WORD}


def add_words(data: SiteData, found: set[str] | None = None) -> None:
    """Teach jieba (used by Material's search plugin) this repository's names (``words``), as whole words."""
    try:
        import jieba
    except ImportError:  # Material then indexes Chinese unsegmented: found only as whole sentences
        log.warning("salesgen: jieba is not installed; search finds Chinese words only at the start of a text")
        return
    jieba.setLogLevel(logging.WARNING)  # not its "Building prefix dict" chatter on every build
    for word in sorted(words(data) if found is None else found):  # in order: jieba's guesses depend on it
        for part in _cjk_runs(word):
            jieba.add_word(part)


def _cjk_runs(text: str) -> list[str]:
    """The runs of Chinese characters of a text: what Material hands jieba (it segments only those)."""
    runs, current = [], []
    for char in text:
        if "\u4e00" <= char <= "\u9fff":
            current.append(char)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return [r for r in runs if len(r) > 1]


def configure(config) -> None:
    """Material's search plugin: a separator that splits jieba's words, unless mkdocs.yml sets one."""
    for name in ("material/search", "search"):
        plugin = config.plugins.get(name)
        if plugin is not None and hasattr(plugin, "config") and "separator" in plugin.config:
            if not plugin.config.get("separator"):
                plugin.config["separator"] = SEPARATOR
            return
