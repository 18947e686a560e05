"""The Jinja2 environment of the pages: autoescape on, formatting filters.

Templates are compiled once per process (the environment caches them), so rendering
ten thousand deal pages costs one compile per template.
"""
from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from jinja2 import Environment, PackageLoader
from jinja2.compiler import CodeGenerator
from markupsafe import Markup, escape

try:
    from markupsafe._speedups import _escape_inner  # what escape() itself calls: C, str in, str out
except ImportError:  # pure-Python MarkupSafe
    def _escape_inner(text: str) -> str:
        return str(escape(text))

from ..analytics.money import Converted, whole


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
    extra = f"<small>{html_text(sub)}</small>" if sub else ""
    return Markup(f'<div class="sg-card"><small>{html_text(label)}</small><b>{html_text(value)}</b>{extra}</div>')


def html_text(value) -> str:
    """``escape(value)`` as a plain str: the same text, without wrapping it in Markup."""
    if type(value) is str:
        return _escape_inner(value)
    html = getattr(value, "__html__", None)
    if html is not None:
        return html()
    return _escape_inner(str(value))


class PageCodeGenerator(CodeGenerator):
    """Compiles ``{{ value }}`` to ``html_text(value)`` where Jinja would write ``escape(value)``.

    What a template outputs is only ever joined into the page (or into a macro's or a
    ``set`` block's text, which Jinja marks safe as a whole), so wrapping every escaped
    value in a Markup object first is wasted work: two Python calls per value, a sixth of
    the time of a deal page. The escaping is MarkupSafe's, byte for byte.
    """

    def _output_child_pre(self, node, frame, finalize) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write("environment.html_text(")
            if finalize.src is not None:
                self.write(finalize.src)
        else:
            super()._output_child_pre(node, frame, finalize)


class PageEnvironment(Environment):
    """Jinja with two changes: escaped output as plain text (``PageCodeGenerator``), and ``row.key`` on a
    dict with that key is a lookup, not a failed getattr first.

    The page templates read dicts (YAML mappings, rows prepared for the page) with dot
    syntax; Jinja tries the attribute first and handles the AttributeError for each one,
    about a third of the time of a deal page. A key that is present wins, as it would in
    ``row["key"]``; a missing key that is not a dict method is undefined at once (so
    ``row.key`` is as cheap as ``row.get("key")`` and renders the same: nothing);
    ``row.get``, ``row.items`` and the like are the usual lookup.
    """

    code_generator_class = PageCodeGenerator
    html_text = staticmethod(html_text)

    def getattr(self, obj, attribute):
        if type(obj) is dict:
            if attribute in obj:
                return obj[attribute]
            if not hasattr(dict, attribute):  # a key the mapping lacks: undefined, without two failed lookups
                return self.undefined(obj=obj, name=attribute)
        return Environment.getattr(self, obj, attribute)


@functools.lru_cache(maxsize=None)
def environment() -> Environment:
    # The default Undefined: an optional field missing from a deal renders as nothing, never a failed build.
    env = PageEnvironment(loader=PackageLoader("salesgen.site", "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.filters.update(number=number, percent=percent, money=money, iso=iso, score=score, decimal1=decimal1)
    env.globals["card"] = card
    return env


def render(template: str, **context) -> str:
    """Render a page template; ``T`` is the string table of ``t`` (a lookup, cheaper than a call)."""
    if "t" in context:
        context.setdefault("T", context["t"].table)
    return environment().get_template(template).render(**context)
