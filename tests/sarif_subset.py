"""The part of the SARIF 2.1.0 schema that GitHub code scanning relies on, to validate our logs.

Written from the OASIS SARIF 2.1.0 specification (sections 3.13 sarifLog, 3.14 run,
3.18 tool/toolComponent, 3.27 result, 3.28 location, 3.29 physicalLocation, 3.4
artifactLocation, 3.30 region) and GitHub's documented requirements: a version of
"2.1.0", a driver name, each result with a message text, a level from the closed list,
and a location whose uri is a valid relative URI reference (RFC 3986: no spaces, no
raw '#', no non-ASCII) and whose startLine is at least 1.
"""
from __future__ import annotations

import jsonschema

_URI_REFERENCE = r"^([A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*$"

SARIF_SUBSET = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "$schema": {"type": "string"},
        "runs": {"type": "array", "minItems": 1, "items": {
            "type": "object",
            "required": ["tool"],
            "properties": {
                "tool": {"type": "object", "required": ["driver"], "properties": {
                    "driver": {"type": "object", "required": ["name"], "properties": {
                        "name": {"type": "string", "minLength": 1},
                        "rules": {"type": "array", "items": {
                            "type": "object", "required": ["id"],
                            "properties": {"id": {"type": "string", "minLength": 1}}}},
                    }},
                }},
                "properties": {"type": "object"},
                "results": {"type": "array", "items": {
                    "type": "object",
                    "required": ["message"],
                    "properties": {
                        "ruleId": {"type": "string"},
                        "ruleIndex": {"type": "integer", "minimum": 0},
                        "level": {"enum": ["none", "note", "warning", "error"]},
                        "message": {"type": "object", "required": ["text"],
                                    "properties": {"text": {"type": "string", "minLength": 1}}},
                        "locations": {"type": "array", "items": {
                            "type": "object",
                            "properties": {"physicalLocation": {
                                "type": "object",
                                "required": ["artifactLocation"],
                                "properties": {
                                    "artifactLocation": {
                                        "type": "object", "required": ["uri"],
                                        "properties": {"uri": {"type": "string", "pattern": _URI_REFERENCE},
                                                       "uriBaseId": {"type": "string"}}},
                                    "region": {
                                        "type": "object", "required": ["startLine"],
                                        "properties": {"startLine": {"type": "integer", "minimum": 1},
                                                       "startColumn": {"type": "integer", "minimum": 1}}},
                                },
                            }},
                        }},
                        "partialFingerprints": {"type": "object",
                                                "additionalProperties": {"type": "string"}},
                    },
                }},
            },
        }},
    },
}


def assert_valid_sarif(log: dict) -> None:
    """Raise with the first violation; rule indexes must point at the rule they name."""
    jsonschema.validate(log, SARIF_SUBSET)
    for run in log["runs"]:
        rules = run["tool"]["driver"].get("rules", [])
        for result in run.get("results", []):
            if "ruleIndex" in result:
                assert rules[result["ruleIndex"]]["id"] == result["ruleId"], result
