"""Currency codes: which ones exist (ISO 4217, as Babel's CLDR data lists them) and what was meant.

A deal in a code that is not a currency, such as ``RMB``, would be summed in a bucket
of its own and never reach a converted total; the rules ``currency-unknown`` and
``currency-no-rate`` say so at the line where it is written.
"""
from __future__ import annotations

import difflib
import functools

# Codes ISO 4217 sets aside for "no currency" and for tests: a placeholder, not money.
_NOT_MONEY = frozenset({"XXX", "XTS"})

# What people write for a currency instead of its code. Keys are compared case-folded.
_ALIASES = {
    "rmb": "CNY", "人民币": "CNY", "元": "CNY", "¥": "CNY", "￥": "CNY", "yuan": "CNY", "renminbi": "CNY",
    "us$": "USD", "$": "USD", "usd$": "USD", "美元": "USD", "dollar": "USD",
    "€": "EUR", "euro": "EUR", "欧元": "EUR",
    "hk$": "HKD", "港币": "HKD", "港元": "HKD",
    "nt$": "TWD", "ntd": "TWD", "新台币": "TWD",
    "£": "GBP", "英镑": "GBP",
    "円": "JPY", "日元": "JPY", "yen": "JPY",
    "₩": "KRW", "韩元": "KRW",
    "s$": "SGD", "新加坡元": "SGD",
    "a$": "AUD", "c$": "CAD",
    "₹": "INR", "₽": "RUB", "卢布": "RUB",
}


@functools.lru_cache(maxsize=1)
def known_codes() -> frozenset:
    """Every ISO 4217 code Babel knows (current and historic), less the no-money codes."""
    from babel.numbers import list_currencies

    return frozenset(list_currencies()) - _NOT_MONEY


def is_known(code: object) -> bool:
    return isinstance(code, str) and code in known_codes()


def suggest(text: object) -> str | None:
    """The code ``text`` most likely means (``RMB`` -> ``CNY``, ``cny`` -> ``CNY``), or None."""
    if not isinstance(text, str):
        return None
    cleaned = text.strip()
    alias = _ALIASES.get(cleaned.casefold())
    if alias:
        return alias
    upper = cleaned.upper()
    if upper in known_codes():
        return upper
    # The first two letters of a code name the country: USX -> USD, CNX -> CNY.
    from babel.numbers import get_territory_currencies

    current = [code for code in get_territory_currencies(upper[:2]) if code[:2] == upper[:2]] \
        if len(upper) == 3 and upper[:2].isalpha() and upper[:2].isascii() else []
    if current:
        return current[0]
    guess = difflib.get_close_matches(upper, sorted(known_codes()), n=1, cutoff=0.6)
    return guess[0] if guess else None


def hint(text: object) -> str:
    """What to write instead of ``text``: a guess when there is one, and where the codes come from."""
    guess = suggest(text)
    from .i18n import T

    if guess:
        return T("Did you mean {guess}? Write the 3-letter ISO 4217 code in capitals, such as CNY, USD or EUR.",
                 guess=guess)
    return T("Write the 3-letter ISO 4217 code in capitals, such as CNY, USD or EUR.")
