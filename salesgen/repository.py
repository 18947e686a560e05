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

from . import schemas
from .config import Config, load_config
from .model import Customer, Deal
from .problem import Problem
from .yamlsource import MAX_FILE_BYTES, decode, locate, one_line, parse, too_large

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


@dataclass
class Repository:
    root: Path
    config: Config
    documents: list = field(default_factory=list)
    customers: dict = field(default_factory=dict)  # id -> Customer (first file wins)
    deals: dict = field(default_factory=dict)  # id -> Deal (first file wins)
    contacts: dict = field(default_factory=dict)  # id -> Contact, repository-wide

    @property
    def file_problems(self) -> list[Problem]:
        return [p for d in self.documents for p in d.problems]

    def locate(self, file: str, path: tuple, key: bool = False) -> tuple[int, int]:
        document = self._by_file().get(file)
        return locate(document.data, path, key=key) if document and document.data is not None else (1, 1)

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
                                                      "not a regular file (a pipe, socket or device)",
                                                      "Only YAML text files belong in deals/ and customers/.")], False)
        if info.st_size > MAX_FILE_BYTES:  # do not read a huge file into memory to refuse it
            return Document(rel, kind, None, [too_large(info.st_size, rel)], False)
        data = path.read_bytes()
    except OSError as error:
        return Document(rel, kind, None, [Problem(rel, 1, 1, "file-unreadable", f"cannot read the file: {error.strerror}",
                                                  "Check the file's permissions.")], False)
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
                                                  "cannot read the file: it is a symbolic link loop",
                                                  "Replace the link with the file itself.")], False)
    if target.is_relative_to(resolved_root):
        return None
    return Document(rel, kind, None, [Problem(
        rel, 1, 1, "file-outside-root", "file is a link, or in a linked folder, outside the repository",
        "Copy the file into the repository instead of linking to it.")], False)


def check_bytes(data: bytes, rel: str, kind: str) -> Document:
    text, problems = decode(data, rel)
    if text is None:
        return Document(rel, kind, None, problems, False)
    value, parse_problems = parse(text, rel)
    problems += parse_problems
    if value is None:
        return Document(rel, kind, None, problems, False)
    # A complex key is dropped, not kept: schema errors of its mapping are not duplicates.
    skip = [p.path for p in parse_problems if p.rule != "yaml-complex-key"]
    schema_problems = schemas.validate(kind, value, rel, skip_paths=skip)
    problems += schema_problems
    # Any parse problem leaves an unchecked value (its schema check was skipped),
    # including one at the document root (path ()): such a document is not trusted.
    valid = not schema_problems and not parse_problems
    if valid or isinstance(value, dict):
        problems += _name_matches_id(value, rel)
    return Document(rel, kind, value, problems, valid)


def _name_matches_id(value: Any, rel: str) -> list[Problem]:
    ident = value.get("id") if isinstance(value, dict) else None
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if not isinstance(ident, str) or ident == stem:
        return []
    line, column = locate(value, ("id",))
    return [Problem(rel, line, column, "file-name-id",
                    f"file name '{one_line(stem)}' differs from the id '{one_line(ident)}'",
                    f"Rename the file to {one_line(ident)}.yaml, or change the id to '{one_line(stem)}'.",
                    path=("id",))]


# (root, rel, kind, absolute path) -> Document. A reader refuses a file that is itself a link
# to outside the repository (read_document does, and LintCache.reader hands links to it);
# load_repository checks the folders, once each.
Reader = Callable[[Path, str, str, Path], Document]


def load_repository(root: Path, reader: Reader = read_document) -> Repository:
    """Load everything below ``root``. Raises ConfigurationError when salesgen.yaml is unusable."""
    config, config_problems = load_config(root)
    if config is None or any(p.severity.value == "error" for p in config_problems):
        raise ConfigurationError(config_problems)
    repo = Repository(root=root, config=config)
    resolved_root = root.resolve()
    folder_inside: dict = {}  # folder -> resolves inside the repository (one resolve per folder)
    with collector_paused():
        for rel, kind, path in discover(root):
            # Linked folders are checked here, once each, for every reader, before any byte is read.
            inside = folder_inside.get(path.parent)
            if inside is None:
                inside = folder_inside[path.parent] = outside_root(resolved_root, rel, kind, path.parent) is None
            outside = None if inside else outside_root(resolved_root, rel, kind, path)
            repo.documents.append(outside or reader(root, rel, kind, path))  # the reader checks a linked file
        build_model(repo)
    return repo


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
    for document in repo.documents:
        if not document.valid:
            continue
        if document.kind == "customer":
            customer = Customer.from_document(document.data, document.file)
            repo.customers.setdefault(customer.id, customer)
        else:
            deal = Deal.from_document(document.data, document.file)
            repo.deals.setdefault(deal.id, deal)
    for customer in repo.customers.values():
        for contact in customer.contacts.values():
            repo.contacts.setdefault(contact.id, contact)
