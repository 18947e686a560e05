"""Incremental builds: which pages of the previous build are still right, and the manifest that says so.

A build records, in ``.salesgen-build.json`` in the site folder, a key of everything that
every page depends on (``global_key``: salesgen's own code and version, the versions of
MkDocs, Material, Jinja, MarkupSafe and jieba, mkdocs.yml and the docs folder, salesgen.yaml,
the as-of date, the build date, the plugin's options) and, for each deal, forms and
customer page, a digest of what that page shows (``page_digests``): the bytes of the deal
file and of its customer's file, the deal's problems and its history markers; for a
customer, its file and the bytes of each of its deals. The next build renders only the
pages whose digest changed or whose file in the site folder is not the one written
(another size or time); every other page (dashboard, funnel, forecast, the lists, the team,
the rules and changes pages) is rendered every time, since one deal changes them.

Safety rules: a missing, unreadable or older manifest, any change of the global key, or a
search index that cannot be read means a full build (the folder is emptied first, as a
full build does). Pages that are gone are deleted with the folders they leave empty,
and so is any file the previous build did not write. When the words taught to jieba
change (names, competitors, next steps), the search text of every page is indexed again.

The search index: a kept page keeps its entries of the last index. A page rendered again
whose search inputs (``compat.search_digest``: URL, titles, table of contents, summary) are
those recorded in the manifest keeps them too, so jieba loads its dictionary (0.7 s) only
in a build that has some page's text to cut.
"""
from __future__ import annotations

import functools
import hashlib
import itertools
import json
import os
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Iterable, Iterator

MANIFEST = ".salesgen-build.json"
FORMAT = 2  # 2: the search digests of the pages rendered
PACKAGE = Path(__file__).resolve().parents[1]  # salesgen/
VERSIONED = ("salesgen", "mkdocs", "mkdocs-material", "jinja2", "markupsafe", "jieba", "markdown",
             "pymdown-extensions")


def _hash(*parts) -> str:
    """A digest of ``parts``, each followed by a NUL byte (texts as UTF-8)."""
    data = b"".join((part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogateescape")) + b"\0"
                    for part in parts)
    return hashlib.blake2b(data, digest_size=16).hexdigest()


PLAIN = (type(None), str, int, float, bool)
NO_MARKS = (None, None, None)  # a deal without history markers (no git history, or none for it)


def stable(value) -> str:
    """A text of ``value`` that is the same in every process: messages by template and arguments."""
    if type(value) in PLAIN:  # most of what a page digest holds: None (no history marker), or a text
        return repr(value)
    from ..i18n import Message

    if isinstance(value, Message):
        return f"M({value.template!r},{value.context!r},{stable(list(value.args))})"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(stable(v) for v in value) + "]"
    if hasattr(value, "__dataclass_fields__"):
        return type(value).__name__ + stable([getattr(value, name) for name in value.__dataclass_fields__])
    return repr(value)


@functools.lru_cache(maxsize=None)
def code_digest() -> str:
    """salesgen's own files (code, templates, assets, catalogues): an edit of any means a full build."""
    parts = []
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            parts += [str(path.relative_to(PACKAGE)), path.read_bytes()]
    return _hash(*parts)


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def _read(path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError:
        return b"-"


def _folder_listing(folder) -> list:
    found = []
    for directory, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(directory, name)
            stat = os.stat(path)
            found.append((os.path.relpath(path, folder), stat.st_size, stat.st_mtime_ns))
    return sorted(found)


def global_key(data, config, options: dict, compat_state: tuple) -> str:
    """What every page depends on (see the module docstring); ``config`` is MkDocs'."""
    from mkdocs.utils import get_build_date

    from . import mkdocs_config

    config_file = config.config_file_path
    config_text = _read(config_file) if config_file and os.path.isfile(config_file) else \
        mkdocs_config.default_config_text(data.repo.root.resolve(), data.config.title).encode()
    theme = sorted((key, repr(value)) for key, value in config.theme.items())
    return _hash(FORMAT, code_digest(), *(f"{name}={_version(name)}" for name in VERSIONED), compat_state,
                 config_text, config.site_dir, config.site_url, config.docs_dir, config.use_directory_urls,
                 config.theme.name, theme, list(config.plugins.keys()), _folder_listing(config.docs_dir),
                 str(data.repo.root.resolve()), _read(data.repo.root / "salesgen.yaml"), data.as_of,
                 data.include_sensitive, data.config.language,
                 data.history_enabled, data.reconstructed, get_build_date(), os.environ.get("SOURCE_DATE_EPOCH"),
                 sorted(options.items()))


def words_key(words) -> str:
    return _hash(*sorted(words))


def page_digests(data, specs, content_keys: dict | None = None) -> dict:
    """src_uri -> digest of the inputs of each deal, forms and customer page (the others are always built).

    ``content_keys``: rel -> a digest of the file's bytes as the lint cache read them this run
    (``LintCache.content_keys``); a file without one is read again and hashed here.
    """
    from .data import customer_url, deal_url, rep_url
    from .pages.forms import forms_url

    root = data.repo.root
    keys = content_keys or {}
    files: dict = {}

    def file_digest(rel: str | None) -> str:
        if rel is None:
            return "-"
        found = files.get(rel)
        if found is None:
            key = keys.get(rel)
            found = files[rel] = "k" + key.hex() if key is not None else _hash(_read(root / rel))
        return found

    history = data.history
    digests = {}
    for deal in data.deals:
        customer = data.repo.customers.get(deal.customer)
        problems = data.problems_by_file.get(deal.file)
        problems = stable(problems) if problems else "[]"
        marks = (history.trails.get(deal.id), history.changed.get(deal.id), history.rotting.get(deal.id))
        marks = "-" if marks == NO_MARKS else stable(list(marks))
        inputs = _hash(deal.id, deal.file, file_digest(deal.file), customer.file if customer else "-",
                       file_digest(customer.file if customer else None), problems, marks)
        digests[f"{deal_url(deal.id)}index.md"] = "deal:" + inputs  # one hash, two pages of the same inputs
        digests[f"{forms_url(deal.id)}index.md"] = "forms:" + inputs
    for customer in data.customers:
        deals = [(deal.id, deal.file, file_digest(deal.file)) for deal in data.deals_by_customer.get(customer.id, ())]
        digests[f"{customer_url(customer.id)}index.md"] = _hash("customer", customer.id, customer.file,
                                                                file_digest(customer.file), repr(deals))  # texts only
    for rep_id, shown in rep_inputs(data).items():
        digests[f"{rep_url(rep_id)}index.md"] = _hash("rep", rep_id, *(f"{rel}:{file_digest(rel)}" for rel in shown))
    return {uri: digest for uri, digest in digests.items() if uri in specs and not specs[uri].in_nav}


def rep_inputs(data) -> dict:
    """rep id -> the files a rep's page may show: every deal the rep owns, is on the team of or did an activity
    of, the customers of those deals, and the accounts the rep owns (the page shows the rep's deals, week,
    forecast, KPIs and handover, all from these)."""
    files: dict = {rep_id: set() for rep_id in data.config.reps}
    customers = data.repo.customers
    for deal in data.deals:
        people = {deal.owner, *deal.team.values(), *(a.who for a in deal.activities)}
        people.update(str(a.get("approver")) for a in deal.get("approvals") or () if isinstance(a, dict))
        customer = customers.get(deal.customer)
        for rep_id in people:
            found = files.get(rep_id)
            if found is not None:
                found.add(deal.file)
                if customer is not None:
                    found.add(customer.file)
    for customer in data.customers:
        if customer.owner in files:
            files[customer.owner].add(customer.file)
    return {rep_id: sorted(found) for rep_id, found in files.items()}


@dataclass
class Manifest:
    key: str
    words: str
    pages: dict = field(default_factory=dict)  # src_uri -> [digest, dest path, size, mtime_ns]
    files: list = field(default_factory=list)  # every file of the site folder, relative, after the build
    search: dict = field(default_factory=dict)  # src_uri -> compat.search_digest of the page as last indexed


def read(site_dir) -> Manifest | None:
    """The previous build's manifest, or None when missing, unreadable or of another format."""
    try:
        raw = json.loads(Path(site_dir, MANIFEST).read_text(encoding="utf-8"))
        if raw.get("format") != FORMAT:
            return None
        manifest = Manifest(str(raw["key"]), str(raw["words"]), dict(raw["pages"]), list(raw["files"]),
                            dict(raw["search"]))
        for entry in manifest.pages.values():
            digest, dest, size, mtime = entry
            if not (isinstance(digest, str) and isinstance(dest, str) and isinstance(size, int)
                    and isinstance(mtime, int)):
                return None
        if not all(isinstance(digest, str) for digest in manifest.search.values()):
            return None
        return manifest
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def unchanged(manifest: Manifest, uri: str, digest: str, dest: str, site_dir) -> bool:
    """Whether the page's file in the site folder is the one written for these same inputs."""
    entry = manifest.pages.get(uri)
    if entry is None or entry[0] != digest or entry[1] != dest:
        return False
    try:
        stat = os.stat(os.path.join(site_dir, dest))
    except OSError:
        return False
    return stat.st_size == entry[2] and stat.st_mtime_ns == entry[3]


def each_site_file(site_dir) -> Iterator[str]:
    """The files of the site folder (paths relative to it, '/' separators), in the order the walk finds them."""
    for directory, _dirs, files in os.walk(site_dir):
        for name in files:
            yield os.path.relpath(os.path.join(directory, name), site_dir).replace(os.sep, "/")


def remove_stale(site_dir, keep: set) -> list:
    """Delete every file not in ``keep`` (relative paths) and the folders left empty; the files that remain."""
    remaining = []

    def clean(folder: str, prefix: str) -> bool:  # True when the folder is left empty
        empty = True
        with os.scandir(folder) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if clean(entry.path, rel + "/"):
                        os.rmdir(entry.path)
                    else:
                        empty = False
                elif rel in keep:
                    remaining.append(rel)
                    empty = False
                else:
                    os.remove(entry.path)
        return empty

    clean(str(site_dir), "")
    return sorted(remaining)


def write(site_dir, key: str, words: str, pages: dict, kept: dict | None = None, files: list | None = None,
          search: dict | None = None) -> None:
    """Record this build: ``pages`` is src_uri -> (digest, dest path); sizes and times are read now, except for
    the pages ``kept`` from the last build (src_uri -> its entry, checked this build); ``files``: the folder's;
    ``search``: src_uri -> compat.search_digest of the pages in the index."""
    kept = kept or {}
    files = each_site_file(site_dir) if files is None else files  # 110,000 names: walked as they are written
    target = Path(site_dir, MANIFEST)
    temporary = target.with_name(target.name + ".tmp")
    with temporary.open("w", encoding="utf-8") as out:  # in parts: 110,000 pages at 50,000 deals
        head = json.dumps({"format": FORMAT, "key": key, "words": words}, separators=(",", ":"), ensure_ascii=False)
        out.write(head[:-1] + ',"pages":{')
        _write_parts(out, _page_entries(site_dir, pages, kept), dict)
        out.write('},"files":[')
        _write_parts(out, (name for name in files if name != MANIFEST and not name.startswith(MANIFEST + ".")), list)
        out.write('],"search":{')  # the files leave out this record, and its temporary file, above
        _write_parts(out, (search or {}).items(), dict)
        out.write("}}")
    os.replace(temporary, target)


def _page_entries(site_dir, pages: dict, kept: dict) -> Iterator[tuple]:
    """(src_uri, [digest, dest, size, mtime_ns]) of each page written or kept; a page not written is left out."""
    for uri, (digest, dest) in pages.items():
        entry = kept.get(uri)
        if entry is None:
            try:
                stat = os.stat(os.path.join(site_dir, dest))
            except OSError:
                continue  # not written: the next build renders it
            entry = [digest, dest, stat.st_size, stat.st_mtime_ns]
        yield uri, entry


PART = 2000  # items encoded at once: one JSON encoder call per part, and never the whole record in memory


def _write_parts(out, items: Iterable, kind: type) -> None:
    """Write ``items`` as the inside of a JSON object (``kind`` dict: (key, value) pairs) or array (list)."""
    first = True
    for part in _batched(items, PART):
        text = json.dumps(kind(part), separators=(",", ":"), ensure_ascii=False)[1:-1]
        if text:
            out.write(text if first else "," + text)
            first = False


def _batched(items: Iterable, size: int) -> Iterator[list]:
    items = iter(items)
    while part := list(itertools.islice(items, size)):
        yield part
