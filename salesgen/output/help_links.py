"""Links from a problem to its rule's documentation on the site (the rules page, one anchor per rule).

The site's rules page lists every rule in a row with the id ``rule-<id>``. With
``site_url`` set in mkdocs.yml the link is absolute (``https://.../rules/#rule-stage-gate``),
as SARIF's ``helpUri`` must be; without it there is no link (a relative one would
resolve against the wrong place in a code-scanning page).
"""
from __future__ import annotations

from pathlib import Path


def site_url(root: Path) -> str | None:
    """``site_url`` from the repository's mkdocs.yml, or None (unreadable files are ignored)."""
    import yaml

    path = Path(root) / "mkdocs.yml"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for line in text.splitlines():  # only this key: mkdocs.yml may hold !!python tags a safe loader rejects
        if line.startswith("site_url:"):
            try:
                value = yaml.safe_load(line[len("site_url:"):])
            except yaml.YAMLError:
                return None
            return value.strip() if isinstance(value, str) and value.strip() else None
    return None


def rule_url(base: str | None, rule_id: str) -> str | None:
    if not base:
        return None
    return f"{base.rstrip('/')}/rules/#rule-{rule_id}"
