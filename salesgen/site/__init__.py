"""The static site: an MkDocs plugin that generates every page in memory from the repository.

Data flows load (``engine.lint``) -> compute (``salesgen.analytics``) -> render (Jinja2
templates with autoescape, inline SVG from ``svg``). See ``plugin.py``.
"""
