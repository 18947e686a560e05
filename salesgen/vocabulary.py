"""Words for the enum values of the data (activity types, intent levels...), marked for the catalogue.

The data keeps the English codes (``type: visit``); messages and pages show the word in
the user's language: ``translate(ACTIVITY_TYPES["visit"], "zh")`` is 拜访. A value not
listed (a newer schema) is shown as written.
"""
from __future__ import annotations

from .i18n import T

ACTIVITY_TYPES = {
    "call": T("call"), "visit": T("visit"), "meeting": T("meeting"), "email": T("email"), "demo": T("demo"),
    "proposal": T("proposal"), "tender": T("tender"), "review": T("review"), "handover": T("handover"),
    "other": T("other"),
}
INTENT = {"high": T("high"), "medium": T("medium"), "low": T("low"), "none": T("none")}
EVIDENCE_KINDS = {
    "document": T("document"), "meeting": T("meeting"), "form": T("form"), "email": T("email"),
    "person": T("person"), "other": T("other"),
}


def activity_type(value: str):
    return ACTIVITY_TYPES.get(value, value)


ATTITUDES = {"supporter": T("supporter"), "neutral": T("neutral"), "opponent": T("opponent"),
             "unknown": T("unknown")}
CONCERNS = {
    "technology": T("technology"), "performance": T("performance"), "quality": T("quality"), "price": T("price"),
    "safety": T("safety"), "service": T("service"),
}
PERSONAL_NEEDS = {
    "achievement": T("achievement"), "time": T("time"), "responsibility": T("responsibility"),
    "visibility": T("visibility"), "belonging": T("belonging"), "emotion": T("emotion"), "novelty": T("novelty"),
    "status": T("status"), "planning": T("planning"),
}
WORDS = {"activity": ACTIVITY_TYPES, "intent": INTENT, "evidence": EVIDENCE_KINDS, "attitude": ATTITUDES,
         "concern": CONCERNS, "need": PERSONAL_NEEDS}


def word(kind: str, value):
    """The word for an enum value of kind ``kind`` (a Message, English until translated); unknown values as written."""
    return WORDS.get(kind, {}).get(value, value) if isinstance(value, str) else value
