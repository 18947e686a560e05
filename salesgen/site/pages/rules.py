"""Rules and data quality: the rule catalogue (from the rule docstrings) and the current problems."""
from __future__ import annotations

import functools

import markdown
from markupsafe import Markup, escape

from ... import rules
from ..data import SiteData
from ..render import render
from . import PageSpec


def pages(data: SiteData) -> list[PageSpec]:
    t = data.t
    return [PageSpec("rules/index.md", t("nav.rules"), lambda: render_rules(data),
                     lambda: f"<h1>{escape(t('nav.rules'))}</h1>",
                     [("current", t("rules.current")), ("catalogue", t("rules.catalogue"))], in_nav=True)]


@functools.lru_cache(maxsize=None)
def rule_html(rule_id: str, language: str = "en") -> Markup:
    """A rule's documentation in ``language``, from its docstring and the catalogue (text of this package, not user
    data); the summary line is shown apart, so the body starts after it."""
    doc = rules.doc(rules.REGISTRY[rule_id], language)
    body = doc.split("\n\n", 1)[1] if "\n\n" in doc else ""
    return Markup(markdown.markdown(body, extensions=["fenced_code"], output_format="html"))


@functools.lru_cache(maxsize=None)
def rule_summary_html(rule_id: str, language: str = "en") -> Markup:
    """The docstring's first line with its inline Markdown (`code`, *emphasis*) rendered, without a paragraph."""
    html = markdown.markdown(rules.summary(rules.REGISTRY[rule_id], language), output_format="html").strip()
    if html.startswith("<p>") and html.endswith("</p>"):
        html = html[3:-4]
    return Markup(html)


def render_rules(data: SiteData) -> str:
    levels = data.config.rule_levels
    catalogue = [{"id": r.ID, "default": r.SEVERITY, "level": levels.get(r.ID, r.SEVERITY),
                  "summary": rule_summary_html(r.ID, data.t.language), "doc": rule_html(r.ID, data.t.language)}
                 for r in rules.REGISTRY.values()]
    problems = sorted(data.problems, key=lambda p: (p.severity.value != "error", p.file, p.line, p.rule))
    return render("rules.html", t=data.t, root="../", d=data, catalogue=catalogue, problems=problems)
