"""Load a pipeline repository: find the files, read each once, validate, build the model.

``load_repository(root)`` reads top to bottom: config -> discover -> per-file
(decode, parse, schema) -> model. Per-file results are pure functions of the file's
bytes (plus tool, schema and config versions), which is what the lint cache stores.
"""
from __future__ import annotations

import contextlib
import gc
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import fullwidth, salvage, schemas
from .config import Config, load_config
from .model import Customer, Deal
from .problem import Problem
from .yamlsource import MAX_FILE_BYTES, decode, locate, one_line, parse, too_large
from .i18n import T

FOLDERS = {"deals": "deal", "customers": "customer"}
SUFFIXES = (".yaml", ".yml")


class ConfigurationError(Exception):
    """The repository cannot be checked at all (no or bad salesgen.yaml)."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass
class Document:
    file: str  # relative to root, '/' separators
    kind: str  # deal | customer
    data: Any  # positioned Mapping, or None when unreadable
    problems: list  # load and schema problems of this file alone
    valid: bool  # passed its schema: safe for the model
    kept: Any = None  # when not valid: the part of data that passes its schema (salvage.kept_part), or None

    @property
    def model_data(self) -> Any:
        """What the model is built from: the whole document, or what is valid of it; None when nothing is."""
        return self.data if self.valid else self.kept


@dataclass
class Repository:
    root: Path
    config: Config
    documents: list = field(default_factory=list)
    customers: dict = field(default_factory=dict)  # id -> Customer (first file wins)
    deals: dict = field(default_factory=dict)  # id -> Deal (first file wins)
    contacts: dict = field(default_factory=dict)  # id -> Contact, repository-wide
    # (kind, id) of what a file defines but the model could not be built for (the file reports
    # why): cross-file rules say nothing about references to them, one mistake, one message.
    unbuilt: set = field(default_factory=set)

    @property
    def file_problems(self) -> list[Problem]:
        return [p for d in self.documents for p in d.problems]

    def locate(self, file: str, path: tuple, key: bool = False) -> tuple[int, int]:
        """Line and column of ``path`` in the data the model was built from (what rules see)."""
        document = self._by_file().get(file)
        data = None if document is None else document.data if document.kept is None else document.kept
        return locate(data, path, key=key) if data is not None else (1, 1)

    def document(self, file: str) -> Document | None:
        return self._by_file().get(file)

    def left_out(self, file: str) -> frozenset:
        """Top-level keys of ``file`` whose data (or part of it) was left out of the model for a problem."""
        document = self._by_file().get(file)
        if document is None or document.valid or document.kept is None:
            return frozenset()
        return frozenset(p.path[0] for p in document.problems if p.path and isinstance(p.path[0], str))

    def document_table(self) -> dict:
        """file -> Document of every document (built once, kept while the documents are the same)."""
        return self._by_file()

    def _by_file(self) -> dict:
        cache = self.__dict__.get("_by_file_cache")
        if cache is None or len(cache) != len(self.documents):
            cache = {d.file: d for d in self.documents}
            self.__dict__["_by_file_cache"] = cache
        return cache


def discover(root: Path) -> list[tuple[str, str, Path]]:
    """(relative file, kind, absolute path) of every data file, sorted for stable output."""
    found = []
    for folder, kind in FOLDERS.items():
        base = root / folder
        if not base.is_dir():
            continue
        for directory, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            folder_path = Path(directory)
            prefix = folder_path.relative_to(root).as_posix() + "/"  # once per folder, not per file
            for name in filenames:
                if name.endswith(SUFFIXES) and not name.startswith("."):
                    found.append((prefix + name, kind, folder_path / name))
    return sorted(found)


def read_document(root: Path, rel: str, kind: str, path: Path) -> Document:
    """Everything that can be known about one file from its own bytes."""
    if path.is_symlink():  # linked folders are checked once per folder by load_repository
        outside = outside_root(root.resolve(), rel, kind, path)
        if outside is not None:
            return outside
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # reading a named pipe would block forever
            return Document(rel, kind, None, [Problem(rel, 1, 1, "file-unreadable",
                                                      T("not a regular file (a pipe, socket or device)"),
                                                      T("Only YAML text files belong in deals/ and customers/."))], False)
        if info.st_size > MAX_FILE_BYTES:  # do not read a huge file into memory to refuse it
            return Document(rel, kind, None, [too_large(info.st_size, rel)], False)
        data = path.read_bytes()
    except OSError as error:
        return Document(rel, kind, None, [Problem(rel, 1, 1, "file-unreadable", T("cannot read the file: {reason}", reason=error.strerror),
                                                  T("Check the file's permissions."))], False)
    return check_bytes(data, rel, kind)


def outside_root(resolved_root: Path, rel: str, kind: str, path: Path) -> Document | None:
    """The problem of a file that is, through any link on its path, outside the repository.

    Every component counts, not only the file: deals/ itself (or a subfolder) may be a
    link to a folder elsewhere, whose files are regular files.
    """
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
        return Document(rel, kind, None, [Problem(rel, 1, 1, "file-unreadable",
                                                  T("cannot read the file: it is a symbolic link loop"),
                                                  T("Replace the link with the file itself."))], False)
    if target.is_relative_to(resolved_root):
        return None
    return Document(rel, kind, None, [Problem(
        rel, 1, 1, "file-outside-root", T("file is a link, or in a linked folder, outside the repository"),
        T("Copy the file into the repository instead of linking to it."))], False)


def check_bytes(data: bytes, rel: str, kind: str) -> Document:
    text, problems = decode(data, rel)
    if text is None:
        return Document(rel, kind, None, problems, False)
    value, found = _check_text(text, rel, kind)
    if found and value is not None and not any(p.rule == fullwidth.RULE for p in found):
        # '１２０' or '1，200' is text to YAML: only the schema sees that a number was meant
        value, found = fullwidth.reread(text, rel, lambda fixed, file: _check_text(fixed, file, kind)) \
            or (value, found)
    problems += found
    if value is None:
        return Document(rel, kind, None, problems, False)
    # Any parse problem leaves an unchecked value (its schema check was skipped),
    # including one at the document root (path ()): such a document is not trusted.
    valid = not found
    kept = None if valid else salvage.kept_part(kind, value, problems, rel)
    # An id that is itself wrong (`id: Acme Co`) is one mistake: its own problem says it.
    if (valid or isinstance(value, dict)) and not any(p.path == ("id",) for p in problems):
        problems += _name_matches_id(value, rel)
    return Document(rel, kind, value, problems, valid, kept)


def _check_text(text: str, rel: str, kind: str) -> tuple[Any, list[Problem]]:
    """The parsed value (None when unreadable) and the parse and schema problems of one file's text."""
    value, problems = parse(text, rel)
    if value is None:
        return None, problems
    # A complex key is dropped, not kept: schema errors of its mapping are not duplicates.
    # A full-width mistake is fixed in what was read: its value is checked like any other.
    skip = [p.path for p in problems if p.rule not in ("yaml-complex-key", fullwidth.RULE)]
    return value, problems + schemas.validate(kind, value, rel, skip_paths=skip)


def _name_matches_id(value: Any, rel: str) -> list[Problem]:
    ident = value.get("id") if isinstance(value, dict) else None
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if not isinstance(ident, str) or ident == stem:
        return []
    line, column = locate(value, ("id",))
    return [Problem(rel, line, column, "file-name-id",
                    T("file name '{stem}' differs from the id '{id}'", stem=one_line(stem), id=one_line(ident)),
                    T("Rename the file to {id}.yaml, or change the id to '{stem}'.", id=one_line(ident),
                      stem=one_line(stem)),
                    path=("id",))]


# (root, rel, kind, absolute path) -> Document. A reader refuses a file that is itself a link
# to outside the repository (read_document does, and LintCache.reader hands links to it);
# load_repository checks the folders, once each.
Reader = Callable[[Path, str, str, Path], Document]


def load_repository(root: Path, reader: Reader = read_document,
                    prepare: Callable[[list], None] | None = None) -> Repository:
    """Load everything below ``root``. Raises ConfigurationError when salesgen.yaml is unusable.

    ``prepare``, when given, is called once with the (rel, kind, path) of every file the
    reader will be asked for, in that order, before the first (``LintCache.prepare`` checks
    them over several processes).
    """
    config, config_problems = load_config(root)
    if config is None or any(p.severity.value == "error" for p in config_problems):
        raise ConfigurationError(config_problems)
    repo = Repository(root=root, config=config)
    with collector_paused():
        found = list_files(root)
        if prepare is not None:
            prepare([(rel, kind, path) for rel, kind, path, outside in found if outside is None])
        for rel, kind, path, outside in found:
            repo.documents.append(outside or reader(root, rel, kind, path))  # the reader checks a linked file
        build_model(repo)
    return repo


def list_files(root: Path) -> list[tuple[str, str, Path, Document | None]]:
    """(rel, kind, path, the problem document of a file outside the repository, else None) of every data file.

    Linked folders are checked here, once each, for every reader, before any byte is read.
    """
    resolved_root = root.resolve()
    folder_inside: dict = {}  # folder (rel's) -> resolves inside the repository (one resolve per folder)
    found = []
    for rel, kind, path in discover(root):
        folder = rel[:rel.rfind("/")]  # a string's slice, not a Path made per file (1 s at 60,000 files)
        inside = folder_inside.get(folder)
        if inside is None:
            inside = folder_inside[folder] = outside_root(resolved_root, rel, kind, path.parent) is None
        found.append((rel, kind, path, None if inside else outside_root(resolved_root, rel, kind, path)))
    return found


@contextlib.contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector while the repository is built, and freeze what was built.

    Loading allocates millions of small containers and frees none of them, and the
    documents hold no reference cycles: the collector would only rescan everything
    that was loaded so far, again and again (half the time of a 10,000-deal lint).
    On the way out what was loaded is frozen (``gc.freeze``) before the collector is
    resumed: otherwise its first collection scans all of it once more (0.4 s at that
    size), and so does every full collection after. It lives to the end of the command;
    a long-running ``mkdocs serve`` unfreezes after each build (the plugin's on_post_build).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def build_model(repo: Repository) -> None:
    """Customers and deals from every document with a usable part; the ids of the others in ``unbuilt``."""
    for document in repo.documents:
        data = document.model_data
        if data is None:
            repo.unbuilt.update(_defined_ids(document))
            continue
        if document.kind == "customer":
            customer = Customer.from_document(data, document.file, partial=not document.valid)
            repo.customers.setdefault(customer.id, customer)
            if customer.partial:  # contacts left out for their own problems
                repo.unbuilt.update(key for key in _defined_ids(document)
                                    if key[0] == "contact" and key[1] not in customer.contacts)
        else:
            deal = Deal.from_document(data, document.file, partial=not document.valid)
            repo.deals.setdefault(deal.id, deal)
    for customer in repo.customers.values():
        for contact in customer.contacts.values():
            repo.contacts.setdefault(contact.id, contact)


def _defined_ids(document: Document) -> set:
    """(kind, id) of everything a file defines, as far as can be read: its name, its id, its contacts' ids."""
    found = {(document.kind, document.file.rsplit("/", 1)[-1].rsplit(".", 1)[0])}
    data = document.data
    if isinstance(data, dict):
        if isinstance(data.get("id"), str):
            found.add((document.kind, data["id"]))
        contacts = data.get("contacts") if document.kind == "customer" else None
        for contact in contacts if isinstance(contacts, list) else ():
            if isinstance(contact, dict) and isinstance(contact.get("id"), str):
                found.add(("contact", contact["id"]))
    return found
