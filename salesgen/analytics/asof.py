"""The pipeline as it was on a past date, reconstructed from the history in today's files.

``deal_as_of(deal, date)`` is the deal as the files can tell it was on ``date``:

- it did not exist yet when it was opened later (``created``, else its first
  stage_history date): None;
- its stage is the last stage_history entry dated on or before ``date`` (a deal won or
  lost after ``date`` was still open then); before its first entry, the first entry's
  stage; a deal without stage history keeps today's stage (nothing tells otherwise);
- its amount is the last ``amount_history`` entry dated on or before ``date`` (before the
  first, the first); without ``amount_history``, today's amount;
- only the stage entries, activities and evidence records dated on or before ``date``
  are kept; a reasoned probability override and the customer's buying stage are kept
  only while the stage is today's (they were written for it).

What one snapshot of the files cannot tell: the expected close date, contacts,
attitudes, team and any other field as they were then, changes of amount without
``amount_history``, and deals deleted since. The git history holds those.

``repository_as_of(repo, date)`` applies it to every deal, when ``date`` is earlier than
the latest date of the history (otherwise the files are the pipeline of that day).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Iterable

from ..model import Deal, to_date


def amount_on(deal: Deal, date: dt.date) -> Decimal:
    """The amount on ``date`` from ``amount_history``, else today's amount."""
    history = [(to_date(e["date"]), i, e["amount"]) for i, e in enumerate(deal.get("amount_history") or ())]
    if not history:
        return deal.amount
    past = [h for h in history if h[0] <= date]
    chosen = max(past) if past else min(history)
    return Decimal(chosen[2])


def deal_as_of(deal: Deal, date: dt.date) -> Deal | None:
    """The deal as it was on ``date`` (see the module), or None when it was not opened yet."""
    opened = deal.opened_on()
    if opened is not None and opened > date:
        return None
    history = [e for e in deal.stage_history if e.date <= date]
    if history:
        stage = max(history, key=lambda e: (e.date, e.index)).stage
    elif deal.stage_history:
        stage = min(deal.stage_history, key=lambda e: (e.date, e.index)).stage
    else:
        stage = deal.stage
    same_stage = stage == deal.stage
    evidence = {}
    for criterion in deal.evidence:
        indexes = [i for d, i in deal.evidence_of(criterion) if d <= date]
        if indexes:
            evidence[criterion] = indexes
    return dataclasses.replace(
        deal, stage=stage, amount=amount_on(deal, date), stage_history=history,
        activities=[a for a in deal.activities if a.date <= date], evidence=evidence,
        probability_override=deal.probability_override if same_stage else None,
        buyer_stage=deal.buyer_stage if same_stage else None)


def history_end(deals: Iterable[Deal]) -> dt.date | None:
    """The latest date the files record a change on: stage entries, amount changes, openings."""
    latest = None
    for deal in deals:
        dates = [e.date for e in deal.stage_history]
        dates += [to_date(e["date"]) for e in deal.get("amount_history") or ()]
        if deal.created is not None:
            dates.append(deal.created)
        if dates:
            top = max(dates)
            latest = top if latest is None or top > latest else latest
    return latest


def deals_as_of(deals: Iterable[Deal], date: dt.date) -> list[Deal]:
    """Every deal that existed on ``date``, as it was then."""
    past = (deal_as_of(deal, date) for deal in deals)
    return [deal for deal in past if deal is not None]


def is_past(deals: Iterable[Deal], date: dt.date) -> bool:
    """Whether ``date`` is earlier than the latest change the files record (a reconstruction is needed)."""
    end = history_end(deals)
    return end is not None and date < end


def repository_as_of(repo, date: dt.date):
    """``repo`` with its deals as they were on ``date`` (the same object when ``date`` is not in the past)."""
    if not is_past(repo.deals.values(), date):
        return repo
    return dataclasses.replace(repo, deals={deal.id: deal for deal in deals_as_of(repo.deals.values(), date)})
