"""Opportunity analysis (项目成败分析, figure 4-2): attractiveness x feasibility.

Attractiveness is the mean of the deal's price, cost and value scores; feasibility the
mean of resources, capability, competition and customer-internal scores (each 1-10,
where 10 is always the good end). A deal is placed in one of four quadrants split at
the midpoint of the scale (5.5).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..model import Deal

ATTRACTIVENESS = ("price", "cost", "value")
FEASIBILITY = ("resources", "capability", "competition", "customer")
MIDPOINT = Decimal("5.5")


@dataclass(frozen=True)
class Assessment:
    attractiveness: Decimal | None
    feasibility: Decimal | None
    scores: dict  # "attractiveness.price" -> score, for the table

    @property
    def complete(self) -> bool:
        return self.attractiveness is not None and self.feasibility is not None

    @property
    def quadrant(self) -> str | None:
        """pursue | develop (attractive, hard to win) | opportunistic (easy, unattractive) | avoid."""
        if not self.complete:
            return None
        attractive = self.attractiveness >= MIDPOINT
        feasible = self.feasibility >= MIDPOINT
        return {(True, True): "pursue", (True, False): "develop",
                (False, True): "opportunistic", (False, False): "avoid"}[(attractive, feasible)]


def _mean(values: list) -> Decimal | None:
    if not values:
        return None
    mean = Decimal(sum(values)) / Decimal(len(values))
    return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def assess(deal: Deal) -> Assessment:
    """The deal's attractiveness and feasibility (means of the scored factors, one decimal)."""
    data = deal.get("assessment") or {}
    attractive = data.get("attractiveness") or {}
    feasible = data.get("feasibility") or {}
    scores = {f"attractiveness.{k}": attractive[k] for k in ATTRACTIVENESS if k in attractive}
    scores.update({f"feasibility.{k}": feasible[k] for k in FEASIBILITY if k in feasible})
    return Assessment(_mean([attractive[k] for k in ATTRACTIVENESS if k in attractive]),
                      _mean([feasible[k] for k in FEASIBILITY if k in feasible]), scores)
