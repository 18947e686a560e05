"""Moving a deal to another stage: the gate check, then the edit of `stage` and `stage_history`.

``plan_move`` decides everything without touching the disk: whether the move needs a
reason (a skip, a move back, reopening a closed deal) or a lost reason, which exit
criteria of the earlier stages are met, waived or missing, and the edited file text.
The caller writes ``plan.document`` only when ``plan.allowed``.
"""
from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Criterion, Pipeline, Stage
from ..criteria import CriterionStatus, evaluate, required_before
from ..i18n import Message, T
from ..model import Deal
from ..repository import Repository
from ..rules.base import Context
from ..rules.stage_gate import needed_data
from ..rules.stage_history import stage_ranks
from ..rules.waiver_invalid import waiver_is_valid
from .document import EditableDocument
from .gates import any_of

GATE_RULE = "stage-gate"


class MoveError(Exception):
    """The move cannot even be considered (unknown deal or stage, missing reason...): one line."""


@dataclass(frozen=True)
class GateItem:
    stage: Stage  # the stage whose exit criterion this is
    status: CriterionStatus
    waiver: dict | None = None  # a valid stage-gate waiver covering it

    @property
    def criterion(self) -> Criterion:
        return self.status.criterion

    @property
    def blocking(self) -> bool:
        return not self.status.met and self.waiver is None


@dataclass
class MovePlan:
    deal: Deal
    pipeline: Pipeline
    source: Stage | None
    target: Stage
    as_of: dt.date
    entry: dict
    gate: list = field(default_factory=list)  # GateItem, pipeline order
    document: EditableDocument | None = None

    @property
    def missing(self) -> list:
        return [item for item in self.gate if item.blocking]

    @property
    def allowed(self) -> bool:
        return not self.missing


def find_deal(repo: Repository, ref: str) -> Deal:
    """A deal by id, or by its file path (relative to the root or absolute)."""
    wanted = _relative(repo.root, ref)
    found = repo.deals.get(ref) or next((d for d in repo.deals.values() if d.file == wanted), None)
    if found is not None and not found.partial:  # a deal with problems is kept for the checks, not edited
        return found
    for document in repo.documents:
        if document.kind == "deal" and (document.file == wanted or Path(document.file).stem == ref
                                        or (found is not None and document.file == found.file)):
            raise MoveError(T("{file} does not pass its checks yet; run `salesgen lint` and fix it first",
                                file=document.file))
    guess = difflib.get_close_matches(ref, list(repo.deals), n=1)
    raise MoveError(T("no deal '{ref}'; did you mean '{guess}'?", ref=ref, guess=guess[0]) if guess
                    else T("no deal '{ref}' in deals/", ref=ref))


def _relative(root: Path, ref: str) -> str:
    path = Path(ref)
    try:
        return path.resolve().relative_to(root.resolve()).as_posix() if path.is_absolute() or path.exists() \
            else path.as_posix()
    except ValueError:
        return path.as_posix()


def plan_move(repo: Repository, deal: Deal, stage_id: str, as_of: dt.date, *, reason: str | None = None,
              lost_code: str | None = None) -> MovePlan:
    """Everything about moving ``deal`` to ``stage_id`` on ``as_of``; raises MoveError for a user mistake."""
    config = repo.config
    label = config.label
    pipeline = config.pipelines.get(deal.pipeline)
    if pipeline is None:
        raise MoveError(T("{file}: unknown pipeline '{pipeline}'; run `salesgen lint`", file=deal.file,
                          pipeline=deal.pipeline))
    target = pipeline.stage(stage_id)
    if target is None:
        names = ", ".join(s.id for s in pipeline.stages)
        raise MoveError(T("pipeline '{pipeline}' has no stage '{stage}'; use one of: {names}", pipeline=pipeline.id,
                          stage=stage_id, names=names))
    source = pipeline.stage(deal.stage)
    if target.id == deal.stage:
        raise MoveError(T("{deal} is already in stage '{label}' ({stage})", deal=deal.id, label=label(target.label),
                          stage=target.id))
    _check_dates(deal, as_of)
    entry: dict = {"stage": target.id, "date": as_of}
    if target.outcome == "lost":
        lost_code = _lost_code(config, deal, lost_code)
    else:
        why = _needs_reason(pipeline, source, target, label)
        if why and not reason:
            raise MoveError(T("moving {deal} from {why}: give --reason (it is recorded on the stage_history entry)",
                              deal=deal.id, why=why))
        if reason:
            entry["reason"] = reason
    plan = MovePlan(deal, pipeline, source, target, as_of, entry)
    plan.gate = gate(repo, deal, pipeline, target, as_of)
    if plan.allowed:
        plan.document = _edit(repo, deal, plan, lost_code, reason)
    return plan


def gate(repo: Repository, deal: Deal, pipeline: Pipeline, target: Stage, as_of: dt.date) -> list:
    """Exit criteria of every open stage before ``target``, each met, waived or missing."""
    customer = repo.customers.get(deal.customer)
    ctx = Context(repo, as_of)
    waivers = [w for w in deal.get("waivers") or () if w["rule"] == GATE_RULE and waiver_is_valid(ctx, deal, w)]
    items = []
    for criterion in required_before(pipeline, target):
        status = evaluate(deal, customer, criterion, as_of, repo.config)
        waiver = None
        if not status.met:
            waiver = next((w for w in waivers if w.get("criterion") in (None, criterion.id)), None)
        items.append(GateItem(pipeline.stage(criterion.stage), status, waiver))
    return items


def what_is_missing(deal: Deal, criterion: Criterion) -> str:
    """One sentence: what would meet ``criterion``."""
    if criterion.kind == "evidence":
        return T("record an `evidence:` entry `{{criterion: {criterion}, date: YYYY-MM-DD, kind: ..., ref: ...}}`",
                 criterion=criterion.id)
    if criterion.kind == "approval":
        return T("record an `approvals:` entry `{{kind: {kind}, date: YYYY-MM-DD, approver: ...}}` by a rep with the "
                 "role {roles}, not the owner", kind=criterion.approval, roles=any_of(criterion.approver_roles))
    if criterion.check:
        text = Message(needed_data(criterion.check))  # a msgid of the catalogue (the check's docstring)
    else:
        text = T("the deal must match the criterion's `schema:` in salesgen.yaml")
    if criterion.evidence_accepted:
        return T("{need}, or record an `evidence:` entry `{{criterion: {criterion}, date: YYYY-MM-DD, kind: ..., "
                 "ref: ...}}`", need=text, criterion=criterion.id)
    return text


def _check_dates(deal: Deal, as_of: dt.date) -> None:
    if deal.stage_history and as_of < deal.stage_history[-1].date:
        last = deal.stage_history[-1]
        raise MoveError(T("the move date {date} is before {deal}'s last stage change ({stage} on {last}); pass a "
                          "later --as-of", date=as_of, deal=deal.id, stage=last.stage, last=last.date))
    if deal.created is not None and as_of < deal.created:
        raise MoveError(T("the move date {date} is before {deal} was created ({created}); pass a later --as-of",
                          date=as_of, deal=deal.id, created=deal.created))


def _lost_code(config, deal: Deal, code: str | None) -> str | None:
    existing = (deal.get("lost_reason") or {}).get("code")
    if code is None:
        if existing:
            return None
        if not config.lost_reasons:
            raise MoveError(T("moving {deal} to lost needs --lost-reason CODE (a short reason code)", deal=deal.id))
        raise MoveError(T("moving {deal} to lost needs --lost-reason CODE (one of: {codes})", deal=deal.id,
                          codes=", ".join(sorted(config.lost_reasons))))
    if config.lost_reasons and code not in config.lost_reasons:
        guess = difflib.get_close_matches(code, list(config.lost_reasons), n=1)
        codes = ", ".join(sorted(config.lost_reasons))
        if guess:
            raise MoveError(T("'{code}' is not a lost reason in salesgen.yaml; did you mean '{guess}'? use one of: "
                              "{codes}", code=code, guess=guess[0], codes=codes))
        raise MoveError(T("'{code}' is not a lost reason in salesgen.yaml; use one of: {codes}", code=code,
                          codes=codes))
    return code


def _needs_reason(pipeline: Pipeline, source: Stage | None, target: Stage, label) -> str | None:
    """Why this move needs a reason ('X to Y, skipping Z'), or None for a plain next-stage move."""
    if source is None:
        return None
    ranks = stage_ranks(pipeline)
    before, after = ranks[source.id], ranks[target.id]
    opens = pipeline.open_stages
    names = dict(source=label(source.label), source_id=source.id, target=label(target.label), target_id=target.id)
    if before is None or before >= len(opens):
        return T("'{source}' ({source_id}) to '{target}' ({target_id}) reopens a closed deal", **names)
    if after < before:
        return T("'{source}' ({source_id}) to '{target}' ({target_id}) moves it back", **names)
    if after > before + 1:
        skipped = ", ".join(s.id for s in opens[before + 1:after])
        return T("'{source}' ({source_id}) to '{target}' ({target_id}) skips {skipped}", skipped=skipped, **names)
    return None


def _edit(repo: Repository, deal: Deal, plan: MovePlan, lost_code: str | None, reason: str | None):
    document = EditableDocument.read(repo.root / deal.file, deal.file)
    document.set(("stage",), plan.target.id)
    if not deal.stage_history:  # start the history with the stage the deal was in, so the move reads as one
        document.append(("stage_history",), {"stage": deal.stage, "date": deal.created or plan.as_of})
    document.append(("stage_history",), plan.entry)
    if plan.target.outcome == "lost":
        if document.get(("lost_reason",)) is None:
            lost = {"code": lost_code}
            if reason:
                lost["note"] = reason
            document.set(("lost_reason",), lost)
        else:
            if lost_code:
                document.set(("lost_reason", "code"), lost_code)
            if reason:
                document.set(("lost_reason", "note"), reason)
    return document


ACCOUNT_WON = "customer"  # the account type of a customer with a won deal (rule account-type)


def promote_customer(repo: Repository, deal: Deal, target: Stage) -> tuple | None:
    """(customer file, edited document, old type) setting `type: customer` for a move to won; None if not needed."""
    customer = repo.customers.get(deal.customer)
    if customer is None or target.outcome != "won" or customer.type == ACCOUNT_WON:
        return None
    document = EditableDocument.read(repo.root / customer.file, customer.file)
    document.set(("type",), ACCOUNT_WON)
    return customer.file, document, customer.type
