"""What history keeps of one file version: a deal's or customer's key fields, or why it cannot be read.

A blob is read exactly as `salesgen lint` reads a file (``repository.check_bytes``:
decode, strict YAML parse, schema); only a version that passes its schema becomes a
state. Anything else is kept as a ``Broken`` record (line, rule, message) that the
reports list as data. States are plain tuples of strings and numbers, so the cache
(``.salesgen-cache/history/``) needs no class to unpickle.
"""
from __future__ import annotations

import datetime as dt
import gc
import hashlib
import io
import pickle
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..model import Deal, StageEntry, to_date

CACHE_SUBDIR = "history"
MAGIC = b"salesgen-history-cache\n"
FORMAT = 1


@dataclass(frozen=True, slots=True)
class DealState:
    id: str
    name: str
    customer: str
    owner: str
    pipeline: str
    stage: str
    amount: Decimal
    currency: str
    expected_close: dt.date
    probability: int | None
    contract_date: str | None
    contract_value: str | None
    stage_history: tuple  # of (stage, ISO date)

    def to_deal(self, file: str) -> Deal:
        """A light ``model.Deal`` the analytics (forecast, probability) accept unchanged."""
        contract = {}
        if self.contract_date:
            contract["date"] = self.contract_date
        if self.contract_value is not None:
            contract["value"] = self.contract_value
        raw = {"contract": contract} if contract else {}
        deal = Deal(self.id, self.name, self.customer, self.owner, self.pipeline, self.stage, self.amount,
                    self.currency, self.expected_close, file, raw, probability_override=self.probability)
        deal.stage_history = [StageEntry(s, to_date(d), None, i) for i, (s, d) in enumerate(self.stage_history)]
        return deal


@dataclass(frozen=True, slots=True)
class CustomerState:
    id: str
    name: str
    owner: str


@dataclass(frozen=True, slots=True)
class Broken:
    """A file version that lint would reject: where and why (the first problem)."""

    line: int
    rule: str
    message: str


def state_of(data: bytes | None, rel: str, kind: str):
    """The state of one blob: DealState, CustomerState or Broken."""
    from ..repository import check_bytes
    from ..yamlsource import MAX_FILE_BYTES, too_large

    if data is None:
        return Broken(1, "file-unreadable", "the file version is missing from the repository")
    if len(data) > MAX_FILE_BYTES:
        problem = too_large(len(data), rel)
        return Broken(1, problem.rule, problem.message)
    document = check_bytes(data, rel, kind)
    if not document.valid:
        errors = [p for p in document.problems if p.severity.value == "error"] or document.problems
        first = errors[0]
        return Broken(first.line, first.rule, first.message)
    doc = document.data
    if kind == "customer":
        return CustomerState(doc["id"], doc["name"], doc["owner"])
    contract = doc.get("contract") or {}
    probability = doc.get("probability")
    return DealState(
        doc["id"], doc["name"], doc["customer"], doc["owner"], doc["pipeline"], doc["stage"], Decimal(doc["amount"]),
        doc["currency"], to_date(doc["expected_close"]), probability["value"] if probability else None,
        contract.get("date"), None if contract.get("value") is None else str(contract["value"]),
        tuple((e["stage"], e["date"]) for e in doc.get("stage_history") or ()))


# -- the cache: blob sha + kind -> state, as plain tuples ---------------------------------------------

def _encode(state) -> tuple:
    if isinstance(state, DealState):
        return ("d", state.id, state.name, state.customer, state.owner, state.pipeline, state.stage,
                str(state.amount), state.currency, state.expected_close.isoformat(), state.probability,
                state.contract_date, state.contract_value, state.stage_history)
    if isinstance(state, CustomerState):
        return ("c", state.id, state.name, state.owner)
    return ("b", state.line, state.rule, state.message)


def _decode(row: tuple):
    tag = row[0]
    if tag == "d":
        return DealState(row[1], row[2], row[3], row[4], row[5], row[6], Decimal(row[7]), row[8], to_date(row[9]),
                         row[10], row[11], row[12], tuple(tuple(e) for e in row[13]))
    if tag == "c":
        return CustomerState(row[1], row[2], row[3])
    return Broken(row[1], row[2], row[3])


class _NoClasses(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        raise pickle.UnpicklingError("the history cache holds plain values only")


def cache_salt(root: Path) -> str:
    """Every state depends on the checking code and schemas (the lint cache's salt), not on salesgen.yaml."""
    from .. import cache

    digest = hashlib.sha256(f"history {FORMAT}\0".encode())
    digest.update(cache.salt(Path("/nonexistent-salesgen-root")).encode())  # without the configuration
    return digest.hexdigest()


class StateCache:
    """``.salesgen-cache/history/states.pickle``: one checksummed file, safe to delete."""

    def __init__(self, root: Path, enabled: bool = True) -> None:
        from ..cache import CACHE_DIR

        self.folder = Path(root) / CACHE_DIR / CACHE_SUBDIR
        self.enabled = enabled and not (Path(root) / CACHE_DIR).is_symlink()
        self.salt = cache_salt(root)
        self.rows: dict = self._read() if self.enabled else {}
        self.added = 0

    @property
    def path(self) -> Path:
        return self.folder / "states.pickle"

    def _read(self) -> dict:
        try:
            blob = self.path.read_bytes()
        except OSError:
            return {}
        if not blob.startswith(MAGIC):
            return {}
        end = blob.find(b"\n", len(MAGIC))
        try:
            salt, digest = blob[len(MAGIC):end].decode("ascii").split(" ")
        except (UnicodeDecodeError, ValueError):
            return {}
        payload = memoryview(blob)[end + 1:]
        if salt != self.salt or hashlib.sha256(payload).hexdigest() != digest:
            return {}
        enabled = gc.isenabled()
        gc.disable()
        try:
            rows = _NoClasses(io.BytesIO(payload)).load()
        except Exception:
            return {}
        finally:
            if enabled:
                gc.enable()
        return rows if isinstance(rows, dict) else {}

    def get(self, key: str):
        row = self.rows.get(key)
        return None if row is None else _decode(row)

    def put(self, key: str, state) -> None:
        self.rows[key] = _encode(state)
        self.added += 1

    def save(self) -> None:
        """Write when something was added. Never raises (a read-only checkout runs without a cache)."""
        if not self.enabled or not self.added:
            return
        from ..cache import LintCache, atomic_write

        try:
            lint_cache = LintCache.__new__(LintCache)  # only to create the tagged, git-ignored cache folder
            lint_cache.folder = self.folder.parent
            lint_cache._prepare_folder()
            self.folder.mkdir(exist_ok=True)
            payload = pickle.dumps(self.rows, protocol=pickle.HIGHEST_PROTOCOL)
            header = f"{self.salt} {hashlib.sha256(payload).hexdigest()}\n".encode()
            atomic_write(self.path, MAGIC + header + payload)
        except OSError:
            return
