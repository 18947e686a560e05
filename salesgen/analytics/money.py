"""Sums of money per currency, and conversion into the reporting currency.

Two currencies are never added unless ``rates`` in salesgen.yaml says what one unit of
the other currency is worth in the reporting currency (``config.currency``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Mapping

ZERO = Decimal(0)


class Totals(dict):
    """currency code -> Decimal sum. Adding never mixes currencies."""

    def add(self, currency: str, amount: Decimal) -> "Totals":
        self[currency] = self.get(currency, ZERO) + amount
        return self

    def merge(self, other: Mapping[str, Decimal]) -> "Totals":
        for currency, amount in other.items():
            self.add(currency, amount)
        return self

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, Decimal]]) -> "Totals":
        totals = cls()
        for currency, amount in pairs:
            totals.add(currency, amount)
        return totals


@dataclass(frozen=True)
class Converted:
    """A total in the reporting currency, plus what could not be converted (kept apart)."""

    currency: str
    total: Decimal
    unconverted: dict = field(default_factory=dict)  # currency -> amount without a rate

    @property
    def complete(self) -> bool:
        return not self.unconverted


def rate(currency: str, base: str, rates: Mapping[str, Decimal]) -> Decimal | None:
    """What one unit of ``currency`` is worth in ``base`` (None when no rate is configured)."""
    if currency == base:
        return Decimal(1)
    return rates.get(currency)


def convert(totals: Mapping[str, Decimal], base: str, rates: Mapping[str, Decimal]) -> Converted:
    """Sum ``totals`` in ``base``; currencies without a configured rate stay in ``unconverted``."""
    total, unconverted = ZERO, {}
    for currency in sorted(totals):
        factor = rate(currency, base, rates)
        if factor is None:
            unconverted[currency] = totals[currency]
        else:
            total += totals[currency] * factor
    return Converted(base, total, unconverted)


def whole(amount: Decimal) -> Decimal:
    """Rounded to whole currency units, half up (how the site shows money)."""
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
