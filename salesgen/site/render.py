"""The Jinja2 environment of the pages: autoescape on, formatting filters.

Templates are compiled once per process (the environment caches them), so rendering
ten thousand deal pages costs one compile per template. The environment's speed-ups
(how ``{{ value }}`` compiles, how ``row.key`` is looked up) live in ``compat.py``.
"""
from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape

from ..analytics.money import Converted, whole
from . import compat
from .template_cache import bytecode_cache


def number(value) -> str:
    """Whole units with thousands separators (half up): 8,600,000."""
    if value is None:
        return ""
    return f"{whole(Decimal(value)):,}"


def compact(value, language: str = "en") -> str:
    """A short figure for chart labels: 8.6M (en), 860万 (zh)."""
    amount = Decimal(value)
    if language == "zh":
        if abs(amount) >= 100_000_000:
            return f"{amount / 100_000_000:.2f}亿".replace(".00亿", "亿")
        if abs(amount) >= 1_000_000:
            return f"{whole(amount / 10_000)}万"
        if abs(amount) >= 10_000:
            return f"{amount / 10_000:.1f}".rstrip("0").rstrip(".") + "万"
        return f"{whole(amount)}"
    for limit, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if abs(amount) >= limit:
            return f"{amount / limit:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{whole(amount)}"


def percent(ratio) -> str:
    """A ratio (0.634) as a whole percentage (63%)."""
    if ratio is None:
        return "–"
    return f"{whole(Decimal(ratio) * 100)}%"


def score(value) -> str:
    return "–" if value is None else f"{value}"


def decimal1(value) -> str:
    """At least one decimal, at most two: 0.5, 1.0, 1.05 (scorecard points)."""
    if value is None:
        return "–"
    text = f"{Decimal(value):.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def iso(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def money(value, currency: str = "") -> Markup:
    """A Converted total (reporting currency, plus any currency without a rate), or an amount in ``currency``."""
    if isinstance(value, Converted):
        text = escape(f"{number(value.total)} {value.currency}")
        extra = "".join(f'<br><span class="sg-norate" title="no exchange rate">+ {escape(number(amount))} '
                        f'{escape(cur)}</span>' for cur, amount in value.unconverted.items())
        return Markup(f'<span class="sg-money">{text}</span>{extra}')
    return Markup(f'<span class="sg-money">{escape(number(value))}{" " + escape(currency) if currency else ""}</span>')


def card(label, value, sub="") -> Markup:
    """A figure card: label, big value, optional small line (all escaped unless Markup)."""
    extra = f"<small>{escape(sub)}</small>" if sub else ""
    return Markup(f'<div class="sg-card"><small>{escape(label)}</small><b>{escape(value)}</b>{extra}</div>')


def environment() -> Environment:
    """The page templates' environment: with salesgen's fast paths where ``compat`` allows them."""
    return _environment(compat.jinja_fast_paths())


@functools.lru_cache(maxsize=None)
def _environment(fast_paths: tuple) -> Environment:
    # The default Undefined: an optional field missing from a deal renders as nothing, never a failed build.
    env = compat.page_environment(fast_paths, loader=PackageLoader("salesgen.site", "templates"), autoescape=True,
                                  trim_blocks=True, lstrip_blocks=True, auto_reload=False,
                                  bytecode_cache=bytecode_cache(f"pages-{fast_paths}"))
    env.filters.update(number=number, percent=percent, money=money, iso=iso, score=score, decimal1=decimal1)
    env.globals["card"] = card
    return env


def render(template: str, **context) -> str:
    """Render a page template; ``T`` is the string table of ``t`` (a lookup, cheaper than a call)."""
    if "t" in context:
        context.setdefault("T", context["t"].table)
    return environment().get_template(template).render(**context)
