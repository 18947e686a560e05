"""Everything `salesgen show DEAL` prints, as plain data: pure, with an explicit ``as_of``.

The stage path (entered dates), the buyer stage against the one the seller stage
expects, the next stage gate (each criterion met or missing, with the command that
records it), the buying centre with its red flags, the next step, the 1-15-30 dates,
and promises that are due or overdue.
"""
from __future__ import annotations

import datetime as dt

from ..config import Config
from ..editing.gates import gate_status, how_to_record, next_stage
from ..i18n import T
from ..model import Customer, Deal
from .cadence import review_item
from .stakeholders import red_flags

RED_FLAG_TEXT = {  # T messages: English in the JSON, the user's language in the terminal
    "no_handler": T("no stakeholder is marked as the handler (经手人)"),
    "no_decision_maker": T("no decision maker is known"),
    "opponent": T("an opponent"),
    "opponent_powerful": T("a powerful opponent"),
    "decision_maker_distant": T("decision maker we are not close to"),
    "handler_not_supporter": T("the handler is not a supporter"),
    "evaluator_unknown": T("evaluation team member with unknown attitude"),
    "left": T("has left the customer"),
}


def _promise_items(activity) -> list[dict]:
    items = []
    for promise in activity.promises or ():
        if isinstance(promise, str):
            items.append({"text": promise, "due": None, "done": None})
        elif isinstance(promise, dict):
            due, done = promise.get("due"), promise.get("done")
            items.append({"text": promise.get("text", ""),
                          "due": dt.date.fromisoformat(str(due)) if due else None,
                          "done": dt.date.fromisoformat(str(done)) if done else None})
    return items


def deal_view(deal: Deal, customer: Customer | None, config: Config, as_of: dt.date) -> dict:
    label = config.label
    pipeline = config.pipelines.get(deal.pipeline)
    stage = pipeline.stage(deal.stage) if pipeline else None
    entered: dict = {}
    for entry in deal.stage_history:
        entered[entry.stage] = entry.date
    path = []
    if pipeline is not None:
        for s in pipeline.stages:
            if s.outcome == "lost" and deal.stage != s.id:
                continue
            state = "current" if s.id == deal.stage else (
                "done" if stage is not None and s.index < stage.index and s.outcome is None else "ahead")
            path.append({"id": s.id, "label": label(s.label), "state": state,
                         "entered": entered.get(s.id).isoformat() if entered.get(s.id) else None})
    buyer = None
    if pipeline is not None and pipeline.buyer_stages:
        names = dict(pipeline.buyer_stages)
        expected = stage.buyer_stage if stage is not None else None
        buyer = {"id": deal.buyer_stage, "label": label(names[deal.buyer_stage]) if deal.buyer_stage in names else None,
                 "expected": expected, "expected_label": label(names[expected]) if expected in names else None}
    gate = None
    target = next_stage(pipeline, deal) if stage is not None else None
    if target is not None:
        items = []
        for status in gate_status(deal, customer, pipeline, target, as_of, config):
            c = status.criterion
            items.append({"id": c.id, "label": label(c.label), "stage": c.stage, "kind": c.kind,
                          "met": status.met, "how": status.how,
                          "record": None if status.met else how_to_record(deal, c, config, customer)})
        missing = [i for i in items if not i["met"]]
        gate = {"to": target.id, "to_label": label(target.label), "criteria": items,
                "missing": len(missing),
                "move": f"salesgen move {deal.id} {target.id}" if not missing else None}
    contacts = customer.contacts if customer else {}
    flags = red_flags(deal, customer)
    centre = []
    for holder in deal.stakeholders:
        cid = holder["contact"]
        contact = contacts.get(cid)
        centre.append({"contact": cid, "name": contact.name if contact else None,
                       "role": holder.get("role"), "attitude": holder.get("attitude"),
                       "closeness": holder.get("closeness"), "handler": bool(holder.get("handler")),
                       "flags": [RED_FLAG_TEXT.get(code, code) for code, who in flags if who == cid]})
    cadence = None
    if stage is not None and stage.outcome is None:
        item = review_item(deal, stage, config, as_of)
        cadence = {"last_follow_up": item.last_activity.date.isoformat() if item.last_activity else None,
                   "follow_up_due": item.follow_up_due.isoformat(), "follow_up_overdue": item.follow_up_overdue,
                   "intent": item.intent, "intent_due": item.intent_due.isoformat(),
                   "intent_overdue": item.intent_overdue, "next_step": item.next_step,
                   "next_date": item.next_date.isoformat() if item.next_date else None,
                   "next_date_passed": item.next_date_passed}
    promises = []
    for activity in deal.activities:
        for p in _promise_items(activity):
            if p["due"] is None or (p["done"] is not None and p["done"] <= as_of):
                continue
            promises.append({"text": p["text"], "due": p["due"].isoformat(), "made": activity.date.isoformat(),
                             "overdue": p["due"] < as_of})
    promises.sort(key=lambda p: p["due"])
    return {
        "id": deal.id, "name": deal.name, "file": deal.file, "as_of": as_of.isoformat(),
        "customer": {"id": deal.customer, "name": customer.name if customer else None},
        "owner": deal.owner, "team": dict(deal.team), "pipeline": deal.pipeline,
        "amount": format(deal.amount, "f"), "currency": deal.currency,
        "expected_close": deal.expected_close.isoformat(),
        "stage": {"id": deal.stage, "label": label(stage.label) if stage else None}, "path": path,
        "buyer_stage": buyer, "gate": gate, "buying_centre": centre,
        "deal_flags": [RED_FLAG_TEXT.get(code, code) for code, who in flags if not who],
        "cadence": cadence, "open_promises": promises,
    }
