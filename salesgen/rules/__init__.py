"""The rule registry: rule id -> module.

Each rule module declares ``ID`` (kebab-case), ``SEVERITY`` (its default level) and a
``check(ctx)`` that yields Problems; its docstring, with a passing and a failing YAML
example, is the rule's user documentation (`salesgen rules`, the site's rules page).
A rule that concludes from what a deal lacks also declares ``READS``, the top-level
keys it judges by: in a file where one of them lost data to a schema problem, the
engine leaves its conclusion out (``engine.run_rules``).

Each rule also declares ``SCOPE``, what it looks at, so that `salesgen lint` can check the
deals part by part (``engine_parts``) and get the problems of one pass over everything:
``"deal"`` (each deal alone, with the customers and the configuration), ``"split"``
(``check_deals`` so, and ``check_rest``: the customers and the configuration),
``"customers"`` (never a deal) or ``"whole"`` (``collect`` facts of each part's files,
``COLLECTS`` saying whether of the deals built or of every file, then ``judge`` them all
once). ``check`` stays the whole rule.
"""
from __future__ import annotations

import textwrap

from . import (
    account_assignment,
    account_type,
    account_unassigned,
    approval_four_eyes,
    buyer_alignment,
    cadence_follow_up,
    cadence_intent,
    close_date_passed,
    closing_lost,
    closing_won,
    currency_no_rate,
    currency_unknown,
    decision_maker_opposes,
    evidence_late,
    handler_not_contacted,
    handover_pending,
    id_duplicate,
    influence_plan_missing,
    no_decision_maker,
    no_supporter,
    probability_band,
    promise_overdue,
    quote_order,
    ref_contact,
    ref_customer,
    ref_pipeline,
    ref_rep,
    ref_reports_to,
    stage_gate,
    stage_history,
    team_roles,
    waiver_invalid,
)
from .file_rules import FILE_RULES

CHECKS = (
    id_duplicate,
    ref_customer,
    ref_contact,
    ref_reports_to,
    ref_rep,
    ref_pipeline,
    currency_unknown,
    currency_no_rate,
    handover_pending,
    waiver_invalid,
    # stage exit rules (the method): gate, history, alignment, cadence, team, account, closing, approvals
    stage_gate,
    evidence_late,
    stage_history,
    buyer_alignment,
    cadence_follow_up,
    cadence_intent,
    team_roles,
    account_type,
    account_assignment,
    account_unassigned,
    closing_won,
    closing_lost,
    close_date_passed,
    promise_overdue,
    approval_four_eyes,
    quote_order,
    probability_band,
    # buying-centre red flags
    no_decision_maker,
    decision_maker_opposes,
    no_supporter,
    handler_not_contacted,
    influence_plan_missing,
)

REGISTRY: dict = {}
for _rule in (*FILE_RULES, *CHECKS):
    if _rule.ID in REGISTRY:  # pragma: no cover - a programming error, caught by the tests
        raise RuntimeError(f"rule id {_rule.ID} registered twice")
    REGISTRY[_rule.ID] = _rule


def get(rule_id: str):
    """The rule with this id; KeyError names the unknown id."""
    try:
        return REGISTRY[rule_id]
    except KeyError:
        raise KeyError(f"unknown rule id '{rule_id}'") from None


def doc_blocks(rule) -> list[tuple[bool, str]]:
    """The docstring as (is_code, text) blocks: prose paragraphs (translated by the catalogue,
    whose msgid is the English paragraph) and fenced examples (kept as they are)."""
    blocks: list[tuple[bool, str]] = []
    paragraph: list[str] = []
    fence: list[str] | None = None
    for line in textwrap.dedent("\n".join((rule.__doc__ or "").strip().splitlines()[1:])).splitlines():
        if fence is not None:
            fence.append(line)
            if line.strip().startswith("```"):
                blocks.append((True, "\n".join(fence)))
                fence = None
        elif line.strip().startswith("```"):
            if paragraph:
                blocks.append((False, "\n".join(paragraph)))
                paragraph = []
            fence = [line]
        elif line.strip():
            paragraph.append(line)
        elif paragraph:
            blocks.append((False, "\n".join(paragraph)))
            paragraph = []
    if paragraph:
        blocks.append((False, "\n".join(paragraph)))
    if fence:
        blocks.append((True, "\n".join(fence)))
    return [(False, summary(rule))] + blocks


def doc(rule, lang: str = "en") -> str:
    """The rule's documentation (Markdown) in ``lang``: prose translated, examples as written."""
    from ..i18n import gettext

    return "\n\n".join(text if is_code else gettext(text, lang) for is_code, text in doc_blocks(rule))


def summary(rule, lang: str = "en") -> str:
    from ..i18n import gettext

    return gettext((rule.__doc__ or "").strip().splitlines()[0], lang)
