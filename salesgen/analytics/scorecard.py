"""The customer evaluation scorecard (客户综合评估表, table 4-2): a weighted score 1-10.

Weights are percentages from ``scorecard`` in salesgen.yaml, adding up to 100 (the
configuration check refuses any other sum: nothing is rescaled). The text's worked example,
with the default weights, gives customer A (5,7,7,7,7,7,3) 6.0 and customer B
(5,9,7,5,5,9,7) 6.4, so B ranks above A.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Mapping

from ..criteria import SCORECARD_FACTORS


@dataclass(frozen=True)
class FactorRow:
    factor: str
    weight: int  # percent
    score: int | None  # 1-10, None when not scored
    points: Decimal | None  # score x weight / 100


@dataclass(frozen=True)
class Scorecard:
    rows: tuple  # of FactorRow, in the text's factor order
    total: Decimal | None  # weighted score 1-10; None until every weighted factor is scored

    @property
    def complete(self) -> bool:
        return self.total is not None

    @property
    def rounded(self) -> Decimal | None:
        """The total to one decimal, as the text prints it (6.0, 6.4)."""
        return self.total.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if self.total is not None else None


def scorecard(evaluation: Mapping[str, int], weights: Mapping[str, int]) -> Scorecard:
    """The weighted score of one customer's ``evaluation`` (factor -> score)."""
    factors = list(SCORECARD_FACTORS) + [f for f in weights if f not in SCORECARD_FACTORS]
    rows = []
    for factor in factors:
        weight = int(weights.get(factor, 0))
        score = evaluation.get(factor)
        points = Decimal(score * weight) / Decimal(100) if score is not None else None
        rows.append(FactorRow(factor, weight, score, points))
    weighted = [r for r in rows if r.weight]
    if not weighted or any(r.score is None for r in weighted):
        return Scorecard(tuple(rows), None)
    # Weights are percent and add up to 100 (a configuration error otherwise): no rescaling here.
    total = sum((Decimal(r.score * r.weight) for r in weighted), Decimal(0)) / Decimal(100)
    return Scorecard(tuple(rows), total)
