"""`salesgen serve`: the edited deal's pages first, then the rest of the site.

A rebuild of the whole site after one edit takes seconds at ten thousand deals (every
summary page sums every deal). A person who saves a deal wants to see that deal. So when
the files that changed since the last build are deal files that still define the same
deal, the server first renders that deal's page and its forms page from the last build's
model with the one file read again, publishes them, and then rebuilds as before; when
the rebuild ends the browsers reload once more, so every open page ends up current.

The quick page is checked by every rule run on that deal alone (its own file, its
customer, the repository's contacts); what only the whole repository shows (an id used
twice, say) arrives with the rebuild a few seconds later. Anything else (a customer or
salesgen.yaml changed, a file added or removed, a deal that no longer reads, another id,
the deals of a past as-of date) takes the ordinary rebuild only.
"""
from __future__ import annotations

import dataclasses
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from ..engine import LintResult, apply_levels, run_rules
from ..model import Deal
from ..repository import Repository, build_model, discover, read_document

log = logging.getLogger("mkdocs.plugins.salesgen")

MAX_FILES = 5  # more files changed at once (a checkout, a rebase): the ordinary rebuild only

WRITES = ("created", "deleted", "modified", "moved", "closed")  # watchdog's event types that change a file
Snapshot = dict  # relative path -> (mtime_ns, size) of every data file and of salesgen.yaml


def snapshot(root: Path) -> Snapshot:
    """The size and time of every file a rebuild reads (deals, customers, salesgen.yaml)."""
    found: Snapshot = {}
    for rel, _kind, path in discover(root):
        try:
            info = os.stat(path)
        except OSError:
            continue
        found[rel] = (info.st_mtime_ns, info.st_size)
    try:
        info = os.stat(root / "salesgen.yaml")
        found["salesgen.yaml"] = (info.st_mtime_ns, info.st_size)
    except OSError:
        pass
    return found


def edited_deals(before: Snapshot, after: Snapshot) -> list[str] | None:
    """The deal files edited in place between two snapshots, or None when anything else changed too."""
    if before.keys() != after.keys():
        return None  # added or removed: lists, links and page names change
    changed = [rel for rel, stamp in after.items() if before[rel] != stamp]
    if not changed or len(changed) > MAX_FILES or not all(rel.startswith("deals/") for rel in changed):
        return None
    return sorted(changed)


def relint_deal(result: LintResult, rel: str) -> tuple[LintResult, Deal] | None:
    """``result`` with the deal file ``rel`` read again and checked on its own, and that deal.

    None when the file no longer gives a deal with the id it had (unreadable, renamed id),
    or when the repository was checked as it was on a past date.
    """
    repo = result.repo
    old = next((deal for deal in repo.deals.values() if deal.file == rel), None)
    if old is None:
        return None
    document = read_document(repo.root, rel, "deal", repo.root / rel)
    alone = Repository(root=repo.root, config=repo.config, documents=[document])
    build_model(alone)
    deal = alone.deals.get(old.id)
    if deal is None:
        return None
    customer = repo.customers.get(deal.customer)
    alone.customers = {deal.customer: customer} if customer is not None else {}
    alone.contacts, alone.unbuilt = repo.contacts, repo.unbuilt
    own = [p for p in apply_levels(alone, run_rules(alone, result.as_of), result.as_of) if p.file == rel]
    deals = dict(repo.deals)
    deals[deal.id] = deal
    documents = [document if d.file == rel else d for d in repo.documents]
    updated = dataclasses.replace(repo, documents=documents, deals=deals)
    problems = sorted({p for p in result.problems if p.file != rel} | set(own))
    return LintResult(updated, result.as_of, problems), deal


def site_data(previous, result: LintResult):
    """The ``SiteData`` of ``result``, built as ``previous`` was (language, privacy, history read once)."""
    from .data import SiteData

    data = SiteData(result, include_sensitive=previous.include_sensitive, language=previous.config.language)
    data.history_enabled = previous.history_enabled
    if "history" in previous.__dict__:  # commits, not saved files: the same as at the last build
        data.__dict__["history"] = previous.__dict__["history"]
    return data


def deal_specs(data, deal: Deal) -> list:
    """The pages of ``deal`` that the quick path renders: its page and its forms page."""
    from .pages.deals import deal_page
    from .pages.forms import forms_page

    return [deal_page(data, deal), forms_page(data, deal)]


def watch(paths: list[str], changed) -> object | None:
    """Call ``changed()`` on every change below ``paths``, as the operating system reports it (inotify on
    Linux): no polling of ten thousand files twice a second. None when the system cannot watch them."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event):
            if not event.is_directory and event.event_type in WRITES:  # not the reads of a build
                changed()

    observer = Observer()
    try:
        for path in paths:
            observer.schedule(Handler(), path, recursive=os.path.isdir(path))
        observer.daemon = True
        observer.start()
    except OSError:  # inotify's limit of watches reached, an unsupported file system
        return None
    return observer


@dataclass
class LastBuild:
    """What `salesgen serve` keeps of its last build to render one of its pages again."""
    config: object  # MkDocs'
    files: object
    nav: object
    env: object
    data: object  # SiteData


def show_edited_deals(last: LastBuild, stamps: Snapshot, specs: dict) -> bool:
    """Render into the site folder the pages of the deals edited since ``stamps`` were taken, from ``last``.

    ``specs`` (src_uri -> PageSpec) is the plugin's table, which the theme's events read: the
    edited deals' pages are put in it. False, with nothing written, when the changes are not
    only edited deals (``edited_deals``) or an edited file no longer gives its deal.
    """
    from . import compat

    if last.data.reconstructed:
        return False
    root = last.data.repo.root
    edited = edited_deals(stamps, snapshot(root))
    if edited is None:
        return False
    result, deals = last.data.result, []
    for rel in edited:
        found = relint_deal(result, rel)
        if found is None:
            return False
        result, deal = found
        deals.append(deal)
    data = site_data(last.data, result)
    pages = [spec for deal in deals for spec in deal_specs(data, deal)]
    files = [last.files.get_file_from_path(spec.src_uri) for spec in pages]
    if not all(compat.has_page(file) for file in files):
        return False
    for spec, file in zip(pages, files):
        specs[spec.src_uri] = spec
        compat.render_page(file, last.config, last.files, last.nav, last.env)
    log.info(f"salesgen: {len(pages)} pages of {', '.join(edited)} shown; rebuilding the rest of the site")
    return True
