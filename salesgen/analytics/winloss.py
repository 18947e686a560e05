"""Win/loss: win rate and loss reasons of the closed deals, by stage reached, competitor and rep.

A closed deal is one in a won or lost stage whose closing day (its last entry into that
stage, else ``expected_close``) is on or before ``as_of``. Win rate = won / (won + lost).
Amounts: a won deal counts at its contract value (else its amount), a lost deal at its
amount; both are summed in the deal's currency (``Totals``) and converted by the caller.

- By stage: for each open stage of each pipeline, the closed deals that reached it (the
  stage, or any later open stage, is in their stage history): how many of them were won;
  and the lost deals whose furthest stage it was, with their reasons (where deals are lost).
- By competitor: every competitor named on a closed deal (``competitors:``) or as the
  winner of a lost one (``lost_reason.winner``): deals against them, won, lost, and how
  many they won from us. Deals without a recorded competitor are one group (key "").
- By rep: the deal owner's won and lost deals, and their loss reasons.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable

from ..config import Config, Stage
from ..model import Deal
from .funnel import known
from .money import Totals
from .probability import value


@dataclass
class Tally:
    key: str
    won: int = 0
    lost: int = 0
    won_amount: Totals = field(default_factory=Totals)
    lost_amount: Totals = field(default_factory=Totals)
    reasons: Counter = field(default_factory=Counter)  # lost_reason.code -> lost deals
    lost_to: int = 0  # by competitor: lost deals naming them as the winner
    lost_here: int = 0  # by stage: lost deals whose furthest stage this was

    @property
    def closed(self) -> int:
        return self.won + self.lost

    @property
    def win_rate(self) -> Decimal | None:
        return Decimal(self.won) / Decimal(self.closed) if self.closed else None

    def add(self, deal: Deal, stage: Stage) -> None:
        if stage.outcome == "won":
            self.won += 1
            self.won_amount.add(deal.currency, value(deal, stage))
        else:
            self.lost += 1
            self.lost_amount.add(deal.currency, deal.amount)


@dataclass(frozen=True)
class Closed:
    deal: Deal
    stage: Stage
    closed_on: dt.date
    furthest: Stage | None  # the furthest open stage reached (None: no open stage in the history)
    reason: str | None  # lost_reason.code of a lost deal
    winner: str | None  # lost_reason.winner


def closed_deals(deals: Iterable[Deal], config: Config, as_of: dt.date) -> list[Closed]:
    result = []
    for deal, stage in known(deals, config):
        if stage.outcome is None:
            continue
        entries = [e.date for e in deal.stage_history if e.stage == stage.id]
        closed_on = max(entries) if entries else deal.expected_close
        if closed_on > as_of:
            continue
        pipeline = config.pipelines[deal.pipeline]
        reached = [pipeline.stage(e.stage) for e in deal.stage_history if e.date <= as_of]
        reached = [s for s in reached if s is not None and s.outcome is None]
        furthest = max(reached, key=lambda s: s.index) if reached else None
        lost = (deal.get("lost_reason") or {}) if stage.outcome == "lost" else {}
        result.append(Closed(deal, stage, closed_on, furthest, lost.get("code"), lost.get("winner")))
    return sorted(result, key=lambda c: (c.closed_on, c.deal.id))


def by_stage(closed: list[Closed], config: Config) -> list[tuple[str, Stage, Tally]]:
    """(pipeline id, open stage, Tally) in pipeline order."""
    rows = []
    for pid, pipeline in config.pipelines.items():
        mine = [c for c in closed if c.deal.pipeline == pid]
        for stage in pipeline.open_stages:
            tally = Tally(stage.id)
            for c in mine:
                if c.furthest is not None and c.furthest.index >= stage.index:
                    tally.add(c.deal, c.stage)
                if c.stage.outcome == "lost" and c.furthest is not None and c.furthest.id == stage.id:
                    tally.lost_here += 1
                    tally.reasons[c.reason or ""] += 1
            rows.append((pid, stage, tally))
    return rows


def by_competitor(closed: list[Closed]) -> list[Tally]:
    """One Tally per competitor name (key "" for deals without one), most deals first."""
    tallies: dict[str, Tally] = {}
    for c in closed:
        names = [entry["name"] for entry in c.deal.get("competitors") or ()]
        if c.winner and c.winner not in names:
            names.append(c.winner)
        for name in dict.fromkeys(names) or [""]:
            tally = tallies.setdefault(name, Tally(name))
            tally.add(c.deal, c.stage)
            if c.stage.outcome == "lost":
                tally.reasons[c.reason or ""] += 1
                if c.winner == name:
                    tally.lost_to += 1
    return sorted(tallies.values(), key=lambda t: (t.key == "", -t.closed, t.key))


def by_rep(closed: list[Closed], config: Config) -> list[Tally]:
    """One Tally per deal owner, in roster order (owners not in the roster after)."""
    tallies: dict[str, Tally] = {}
    for c in closed:
        tally = tallies.setdefault(c.deal.owner, Tally(c.deal.owner))
        tally.add(c.deal, c.stage)
        if c.stage.outcome == "lost":
            tally.reasons[c.reason or ""] += 1
    order = {rep: i for i, rep in enumerate(config.reps)}
    return sorted(tallies.values(), key=lambda t: (order.get(t.key, len(order)), t.key))


def total(closed: list[Closed]) -> Tally:
    tally = Tally("")
    for c in closed:
        tally.add(c.deal, c.stage)
        if c.stage.outcome == "lost":
            tally.reasons[c.reason or ""] += 1
    return tally
