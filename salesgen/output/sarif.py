"""SARIF 2.1.0 for GitHub code scanning: rules with help text, stable fingerprints."""
from __future__ import annotations

import hashlib
import json
from urllib.parse import quote

from .. import __version__, rules
from ..i18n import T, translate

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _fingerprint(p) -> str:
    # Stable across runs and unrelated edits: file, rule, place in the document, message.
    where = "/".join(str(part) for part in p.path) if p.path else str(p.line)
    return hashlib.sha256(f"{p.file}\0{p.rule}\0{where}\0{p.message}".encode()).hexdigest()


def artifact_uri(file: str) -> str:
    """A relative URI reference (RFC 3986): spaces, '#', '%' and non-ASCII names percent-encoded as UTF-8."""
    return quote(file, safe="/", encoding="utf-8", errors="surrogateescape")


def format_sarif(problems, *, note: str = "", help_base: str | None = None, lang: str = "en", **_ignored) -> str:
    from .help_links import rule_url

    used = sorted({p.rule for p in problems} | set(rules.REGISTRY))
    index = {rule_id: i for i, rule_id in enumerate(used)}
    descriptors = []
    for rule_id in used:
        rule = rules.REGISTRY.get(rule_id)
        doc = rules.doc(rule, lang) if rule else rule_id
        level = "warning" if rule is not None and rule.SEVERITY == "warning" else "error"
        descriptor = {
            "id": rule_id,
            "name": "".join(part.capitalize() for part in rule_id.split("-")),
            "shortDescription": {"text": doc.splitlines()[0] if doc else rule_id},
            "fullDescription": {"text": doc or rule_id},
            "help": {"text": doc or rule_id, "markdown": doc or rule_id},
            "defaultConfiguration": {"level": level},
        }
        url = rule_url(help_base, rule_id)
        if url:
            descriptor["helpUri"] = url
        descriptors.append(descriptor)
    results = []
    for p in problems:
        results.append({
            "ruleId": p.rule,
            "ruleIndex": index[p.rule],
            "level": "error" if p.severity.value == "error" else "warning",
            "message": {"text": translate(p.message, lang)
                        + (" " + translate(T("Hint: {hint}", hint=p.hint), lang) if p.hint else "")},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": artifact_uri(p.file), "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": max(p.line, 1), "startColumn": max(p.column, 1)},
            }}],
            "partialFingerprints": {"salesgenProblem/v1": _fingerprint(p)},
        })
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "salesgen", "version": __version__,
                                "informationUri": "https://github.com/salesgen/salesgen", "rules": descriptors}},
            "results": results,
            **({"properties": {"salesgenScope": note}} if note else {}),
        }],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"
