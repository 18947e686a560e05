"""Commented skeletons of new files (`salesgen new`, `salesgen init`), rendered from templates.

Templates live in ``salesgen/templates/``; the ``y`` filter writes a value as a YAML
scalar that reads back as exactly that value (see ``render.scalar``).
"""
from __future__ import annotations

import functools
from pathlib import Path

import jinja2

from . import render

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=False,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["y"] = render.scalar
    return env


def render_template(template: str, /, **values) -> str:
    return environment().get_template(template).render(**values)


def contact_entry(ident: str, name: str, **fields) -> dict:
    """A contact as it is appended to a customer's `contacts:` list (empty fields left out)."""
    entry = {"id": ident, "name": name}
    for key in ("title", "department", "level", "function", "reports_to", "phone", "mobile", "email"):
        if fields.get(key):
            entry[key] = fields[key]
    return entry
