"""The departure handover (离职交接): a rep's accounts and open deals move to a successor.

What moves: `owner` of every customer the rep owns; in every open deal, `owner` and
each `team` role the rep holds, plus a `handover` activity recording the move. What
stays: closed (won or lost) deals, which are history and count for the rep who closed
them, and every past record of the rep (`who` of activities, approvers, waiver
approvers), and a customer's `assigned:` (the review of a new interest account, figure
1-3, is not repeated by a handover; when the account goes back to the rep who assigned
it, the plan warns). ``plan_handover`` edits texts in memory; the caller writes them.
"""
from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field

from ..config import Rep
from ..i18n import T
from ..repository import Repository
from .document import EditableDocument, EditError


class HandoverError(Exception):
    """The handover cannot start (unknown rep, inactive successor...): one line."""


@dataclass
class FileChange:
    file: str
    kind: str  # customer | deal
    ident: str
    changes: list  # human-readable: "owner", "team.presales", "+ handover activity"
    document: EditableDocument


@dataclass
class HandoverPlan:
    source: Rep
    successor: Rep
    as_of: dt.date
    files: list = field(default_factory=list)  # FileChange, customers first, then deals, by file
    kept: list = field(default_factory=list)  # closed deals of the rep, left as history
    skipped: list = field(default_factory=list)  # files that do not pass their checks and mention the rep
    warnings: list = field(default_factory=list)

    @property
    def activity(self) -> dict:
        return handover_activity(self.source, self.successor, self.as_of)


def handover_activity(source: Rep, successor: Rep, as_of: dt.date) -> dict:
    return {"date": as_of, "type": "handover", "who": successor.id,
            "summary": f"Handover from {source.id} to {successor.id} (离职交接)"}


def _rep(repo: Repository, rep_id: str, role: str) -> Rep:
    reps = repo.config.reps
    if rep_id in reps:
        return reps[rep_id]
    guess = difflib.get_close_matches(rep_id, list(reps), n=1)
    if guess:
        raise HandoverError(T("{option} '{rep}' is not in the roster; did you mean '{guess}'?", option=role, rep=rep_id,
                              guess=guess[0]))
    raise HandoverError(T("{option} '{rep}' is not in the roster; reps are listed under `reps:` in salesgen.yaml",
                          option=role, rep=rep_id))


def plan_handover(repo: Repository, from_id: str, to_id: str, as_of: dt.date) -> HandoverPlan:
    source = _rep(repo, from_id, "--from")
    successor = _rep(repo, to_id, "--to")
    if successor.id == source.id:
        raise HandoverError(T("--from and --to are the same rep"))
    if not successor.active:
        if successor.left:
            raise HandoverError(T("successor '{rep}' ({name}) is not an active rep (left on {left}); choose an "
                                  "active rep as --to", rep=successor.id, name=successor.name, left=successor.left))
        raise HandoverError(T("successor '{rep}' ({name}) is not an active rep; choose an active rep as --to",
                              rep=successor.id, name=successor.name))
    plan = HandoverPlan(source, successor, as_of)
    for customer in sorted(repo.customers.values(), key=lambda c: c.file):
        if customer.owner == source.id and not customer.partial:  # a file with problems is listed as skipped
            document = _open(repo, customer.file)
            document.set(("owner",), successor.id)
            plan.files.append(FileChange(customer.file, "customer", customer.id, ["owner"], document))
            plan.warnings += _assigned_by_successor(customer, successor)
    pipelines = repo.config.pipelines
    for deal in sorted(repo.deals.values(), key=lambda d: d.file):
        if deal.partial:  # a file with problems is listed as skipped
            continue
        roles = [("owner",)] if deal.owner == source.id else []
        roles += [("team", role) for role, rep in deal.team.items() if rep == source.id]
        if not roles:
            continue
        pipeline = pipelines.get(deal.pipeline)
        stage = pipeline.stage(deal.stage) if pipeline else None
        if stage is not None and stage.outcome is not None:
            plan.kept.append(deal)
            continue
        document = _open(repo, deal.file)
        for path in roles:
            document.set(path, successor.id)
        document.append(("activities",), plan.activity)
        changes = [".".join(path) for path in roles] + [T("+ handover activity")]
        plan.files.append(FileChange(deal.file, "deal", deal.id, changes, document))
        plan.warnings += _self_approved_waivers(deal, roles, successor)
    plan.skipped = _unreadable_mentions(repo, source.id)
    return plan


def _open(repo: Repository, file: str) -> EditableDocument:
    try:
        return EditableDocument.read(repo.root / file, file)
    except OSError as error:
        raise HandoverError(T("cannot read {path}: {reason}", path=file, reason=error.strerror)) from None


def _self_approved_waivers(deal, roles, successor: Rep) -> list[str]:
    """Waivers the successor approved on a deal they now own: four eyes no longer hold."""
    if ("owner",) not in roles:
        return []
    return [T("{file}: the waiver for {rule} was approved by {rep}, the new owner; it is no longer valid (four "
              "eyes): have another manager approve it", file=deal.file, rule=w["rule"], rep=successor.id)
            for w in deal.get("waivers") or () if w["approved_by"] == successor.id]


def _assigned_by_successor(customer, successor: Rep) -> list[str]:
    """An interest account the successor once assigned comes back to them: the record no longer holds."""
    assigned = customer.raw.get("assigned")
    if customer.type != "interest" or not isinstance(assigned, dict) or assigned.get("by") != successor.id:
        return []
    return [T("{file}: the account was assigned by {rep}, who now owns it (account-assignment): "
              "remove `assigned:` while they keep it, or assign it to an account manager",
              file=customer.file, rep=successor.id)]


def _unreadable_mentions(repo: Repository, rep_id: str) -> list[str]:
    """Files that failed their checks (so are not in the model) but name the rep."""
    import re

    pattern = re.compile(rf"(?<![a-z0-9-]){re.escape(rep_id)}(?![a-z0-9-])")
    found = []
    for document in repo.documents:
        if document.valid:
            continue
        try:
            text = (repo.root / document.file).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if pattern.search(text):
            found.append(document.file)
    return found


__all__ = ["EditError", "FileChange", "HandoverError", "HandoverPlan", "handover_activity", "plan_handover"]
