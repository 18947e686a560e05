"""The stage exit rules, data-driven: a clean baseline deal, one mutation, the (rule, line) it must produce.

The baseline is a tiny repository (the default configuration's pipelines plus a test
roster, one customer, one deal in negotiation that meets every exit criterion) that
lints clean as of 2026-11-20. Each case edits a line or two and lists the problems it
must produce, each as (rule, text of the line it must point at): the expected line
number is found in the mutated file, independently of the linter's own locator.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from salesgen import engine, rules
from salesgen.cli import cli
from salesgen.problem import Severity

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO / "salesgen" / "data" / "default-config.yaml"
AS_OF = dt.date(2026, 11, 20)

STAGE_RULES = ("stage-gate", "stage-history", "buyer-alignment", "cadence-follow-up", "cadence-intent",
               "team-roles", "account-type", "closing-won", "closing-lost", "close-date-passed",
               "approval-four-eyes", "no-decision-maker", "decision-maker-opposes", "no-supporter",
               "handler-not-contacted", "evidence-late", "quote-order", "probability-band", "influence-plan-missing")

# Added to the default roster (li-lei, han-meimei): an approving manager and a rep who left.
TEST_REPS = [
    {"id": "manager", "name": "赵经理", "title": "Sales Director", "roles": ["executive", "commercial", "finance", "legal"]},
    {"id": "former-rep", "name": "刘洋", "title": "Sales Manager", "active": False, "left": "2026-10-31",
     "roles": ["executive", "commercial"]},
]

CUSTOMER = """\
id: temp
name: 天普公司
type: intent
owner: li-lei
evaluation: {scale_position: 5, profitability: 7, investment: 7, credit: 7, project_scale: 7, project_value: 7, priority: 3}
buying_process:
  - {step: 设备部提出需求, owner: temp-li-hua}
  - {step: 董事长审批, owner: temp-wang-lei}
contacts:
  - {id: temp-wang-lei, name: 王磊, title: 总经理, department: 总经办, level: decision, motives: {personality: 稳重，重数据}}
  - {id: temp-li-hua, name: 李华, title: 设备经理, department: 设备部, level: management, reports_to: temp-wang-lei}
  - {id: temp-zhou-min, name: 周敏, title: 采购主管, department: 采购部, level: operational, reports_to: temp-wang-lei}
"""

DEAL = """\
id: temp-press-line
name: 冲压线扩产
customer: temp
owner: li-lei
pipeline: project
stage: negotiation
buyer_stage: negotiation
amount: 1200000
currency: CNY
expected_close: 2026-12-15
created: 2026-05-06
team:
  presales: han-meimei
  consultant: han-meimei
  executive: manager
  commercial: han-meimei
  finance: han-meimei
  legal: han-meimei
stakeholders:
  - {contact: temp-li-hua, role: evaluator, handler: true, attitude: supporter, closeness: frequent, evaluation_team: true}
  - {contact: temp-wang-lei, role: decision_maker, attitude: neutral, closeness: distant, evaluation_team: true}
  - {contact: temp-zhou-min, role: user, attitude: neutral, closeness: distant}
competitors:
  - {name: 海德机床, strengths: 价格低, weaknesses: 服务网点少, standing: behind}
quote: {low: 1100000, high: 1300000, date: 2026-06-05}
stage_history:
  - {stage: planning, date: 2026-05-06}
  - {stage: visit, date: 2026-05-20}
  - {stage: proposal, date: 2026-06-10}
  - {stage: demo, date: 2026-07-01}
  - {stage: design, date: 2026-08-01}
  - {stage: evaluation, date: 2026-09-01}
  - {stage: negotiation, date: 2026-10-15}
activities:
  - {date: 2026-05-06, type: call, who: li-lei, contacts: [temp-li-hua], summary: 电话邀约}
  - {date: 2026-05-20, type: visit, who: li-lei, contacts: [temp-li-hua, temp-zhou-min], summary: 现场拜访}
  - {date: 2026-10-20, type: call, who: li-lei, contacts: [temp-zhou-min], summary: 付款条件, next_step: 合同定稿, next_date: 2026-11-05}
  - {date: 2026-11-12, type: meeting, who: li-lei, contacts: [temp-wang-lei], summary: 商务谈判, intent: high}
approvals:
  - {kind: project_initiation, date: 2026-06-20, approver: manager}
  - {kind: quote, date: 2026-08-25, approver: manager}
evidence:
  - {criterion: interest_confirmed, date: 2026-05-10, ref: 李华邮件}
  - {criterion: visit_report, date: 2026-05-21, ref: 拜访总结报告}
  - {criterion: pain_confirmed, date: 2026-05-22, ref: 需求记录}
  - {criterion: budget_known, date: 2026-05-23, ref: 年度预算120万}
  - {criterion: interviews_held, date: 2026-06-11, ref: 访谈纪要}
  - {criterion: preliminary_proposal, date: 2026-06-12, ref: 初步方案V1}
  - {criterion: handler_satisfied, date: 2026-06-13, ref: 客户意见反馈表}
  - {criterion: exec_ack, date: 2026-06-14, ref: 王总回复}
  - {criterion: project_initiation_approved, date: 2026-06-20, ref: 立项申请表}
  - {criterion: demo_done, date: 2026-07-10, ref: 技术交流总结表}
  - {criterion: formal_proposal_requested, date: 2026-07-20, ref: 客户邀请函}
  - {criterion: requirements_researched, date: 2026-08-10, ref: 需求调研报告}
  - {criterion: proposal_meets_criteria, date: 2026-08-20, ref: 正式方案评审}
  - {criterion: shortlisted, date: 2026-08-30, ref: 入围通知}
  - {criterion: quote_approved, date: 2026-08-28, ref: 报价审批表}
  - {criterion: preferred_supplier, date: 2026-10-10, ref: 评估结果通知}
"""

WON = [  # the baseline deal, signed
    ("  - {kind: quote, date: 2026-08-25, approver: manager}", "  - {kind: quote, date: 2026-08-25, approver: manager}\n"
                                                              "  - {kind: contract_review, date: 2026-11-10, approver: manager}"),
    ("stage: negotiation", "stage: won"),
    ("buyer_stage: negotiation", "buyer_stage: signed"),
    ("  legal: han-meimei", "  legal: han-meimei\n  implementation: han-meimei"),
    ("  - {stage: negotiation, date: 2026-10-15}", "  - {stage: negotiation, date: 2026-10-15}\n"
                                                   "  - {stage: won, date: 2026-11-18}"),
    ("  - {criterion: preferred_supplier, date: 2026-10-10, ref: 评估结果通知}",
     "  - {criterion: preferred_supplier, date: 2026-10-10, ref: 评估结果通知}\n"
     "  - {criterion: terms_agreed, date: 2026-11-05, ref: 合同条款}\n"
     "  - {criterion: contract_reviewed, date: 2026-11-10, ref: 合同评审表}\n"
     "contract:\n"
     "  date: 2026-11-18\n"
     "  value: 1180000.50\n"
     "  payments:\n"
     "    - {due: 2026-12-01, amount: 354000.15}\n"
     "    - {due: 2027-03-01, amount: 826000.35}"),
]
WON_CUSTOMER = [("type: intent", "type: customer")]

LOST = [
    ("stage: negotiation", "stage: lost"),
    ("  - {stage: negotiation, date: 2026-10-15}", "  - {stage: negotiation, date: 2026-10-15}\n"
                                                   "  - {stage: lost, date: 2026-11-18}"),
    ("expected_close: 2026-12-15", "expected_close: 2026-12-15\nlost_reason: {code: competitor, winner: 海德机床}"),
]


def edit(text: str, edits) -> str:
    """Replace each ``old`` by ``new``; ``old`` occurs once, or once at the start of a line."""
    for old, new in edits:
        if text.count(old) == 1:
            text = text.replace(old, new)
        else:
            assert ("\n" + text).count("\n" + old) == 1, f"{old!r} must occur once in the baseline"
            text = ("\n" + text).replace("\n" + old, "\n" + new)[1:]
    return text


def line_of(text: str, marker: str) -> int:
    """The 1-based line containing ``marker`` (if several do, the one line that starts with it)."""
    lines = [i for i, line in enumerate(text.splitlines(), 1) if marker in line]
    if len(lines) > 1:
        lines = [i for i, line in enumerate(text.splitlines(), 1) if line.startswith(marker)]
    assert len(lines) == 1, f"{marker!r} must occur on exactly one line, found {len(lines)}"
    return lines[0]


def config_text(levels: dict | None = None) -> str:
    data = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    data.pop("as_of", None)  # tests pass the date explicitly
    data["reps"] = list(data["reps"]) + TEST_REPS
    if levels:
        data["rules"] = dict(levels)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def make_repo(root: Path, deal: list = (), customer: list = (), levels: dict | None = None) -> tuple[str, str]:
    """Write the baseline with edits into ``root``; returns the deal and customer texts."""
    deal_text, customer_text = edit(DEAL, deal), edit(CUSTOMER, customer)
    (root / "deals").mkdir(exist_ok=True)
    (root / "customers").mkdir(exist_ok=True)
    (root / "salesgen.yaml").write_text(config_text(levels), encoding="utf-8")
    (root / "deals" / "temp-press-line.yaml").write_text(deal_text, encoding="utf-8")
    (root / "customers" / "temp.yaml").write_text(customer_text, encoding="utf-8")
    return deal_text, customer_text


def found(root: Path, as_of: dt.date = AS_OF) -> set:
    """(rule, file, line) of every problem, any severity."""
    return {(p.rule, p.file, p.line) for p in engine.lint(root, as_of).problems}


def expect(deal_text: str, customer_text: str, cases) -> set:
    result = set()
    for rule, marker in cases:
        if marker.startswith("customer:"):
            result.add((rule, "customers/temp.yaml", line_of(customer_text, marker.removeprefix("customer:"))))
        else:
            result.add((rule, "deals/temp-press-line.yaml", line_of(deal_text, marker)))
    return result


# --- the baseline ---------------------------------------------------------------------------------------

def test_default_config_exists():
    assert DEFAULT_CONFIG.is_file(), "salesgen/data/default-config.yaml is the configuration `salesgen init` gives"


@pytest.mark.parametrize("variant", ["open", "won", "lost"])
def test_baselines_are_clean(tmp_path, variant):
    deal, customer = {"open": ((), ()), "won": (WON, WON_CUSTOMER), "lost": (LOST, ())}[variant]
    make_repo(tmp_path, deal, customer)
    assert found(tmp_path) == set()


def test_every_stage_rule_is_registered_as_a_check():
    assert set(STAGE_RULES) <= {rule.ID for rule in rules.CHECKS}


# --- one mutation, the problems it must produce -----------------------------------------------------------

CASES = {
    # stage-gate: one problem per unmet criterion, on the stage line
    "gate-evidence-missing": (
        [("  - {criterion: exec_ack, date: 2026-06-14, ref: 王总回复}\n", "")],
        [("stage-gate", "stage: negotiation")]),
    "gate-evidence-after-as-of": (
        [("{criterion: shortlisted, date: 2026-08-30", "{criterion: shortlisted, date: 2026-11-30")],
        [("stage-gate", "stage: negotiation")]),
    "gate-two-criteria": (
        [("  - {criterion: exec_ack, date: 2026-06-14, ref: 王总回复}\n", ""),
         ("  - {criterion: demo_done, date: 2026-07-10, ref: 技术交流总结表}\n", "")],
        [("stage-gate", "stage: negotiation")]),
    "gate-named-check": (
        [("role: decision_maker, attitude: neutral", "role: evaluator, attitude: neutral")],
        [("stage-gate", "stage: negotiation"), ("no-decision-maker", "stakeholders:")]),
    "gate-schema-fragment": (
        [("  - {name: 海德机床, strengths: 价格低, weaknesses: 服务网点少, standing: behind}",
          "  - {name: 海德机床, strengths: 价格低, standing: behind}")],
        [("stage-gate", "stage: negotiation")]),
    "gate-customer-data": (
        [], [("stage-gate", "stage: negotiation")]),  # customer edit below: scorecard incomplete
    "gate-earlier-stage-needs-less": (
        [("stage: negotiation", "stage: proposal"), ("buyer_stage: negotiation", "buyer_stage: project_approved"),
         ("  - {stage: demo, date: 2026-07-01}\n", ""), ("  - {stage: design, date: 2026-08-01}\n", ""),
         ("  - {stage: evaluation, date: 2026-09-01}\n", ""),
         ("  - {stage: negotiation, date: 2026-10-15}\n", ""),
         ("  - {criterion: shortlisted, date: 2026-08-30, ref: 入围通知}\n", "")],
        []),
    # stage-history
    "history-not-chronological": (
        [("{stage: design, date: 2026-08-01}", "{stage: design, date: 2026-06-30}")],
        [("stage-history", "{stage: design, date: 2026-06-30}")]),
    "history-in-the-future": (
        [("{stage: negotiation, date: 2026-10-15}", "{stage: negotiation, date: 2026-11-21}")],
        [("stage-history", "{stage: negotiation, date: 2026-11-21}")]),
    "history-before-created": (
        [("created: 2026-05-06", "created: 2026-05-07")],
        [("stage-history", "{stage: planning, date: 2026-05-06}")]),
    "history-ends-elsewhere": (
        [("  - {stage: negotiation, date: 2026-10-15}\n", "")],
        [("stage-history", "stage: negotiation")]),
    "history-skip-without-reason": (
        [("  - {stage: design, date: 2026-08-01}\n", "")],
        [("stage-history", "{stage: evaluation, date: 2026-09-01}")]),
    "history-skip-with-reason": (
        [("  - {stage: design, date: 2026-08-01}\n", ""),
         ("{stage: evaluation, date: 2026-09-01}", "{stage: evaluation, date: 2026-09-01, reason: 免招标直接评估}")],
        []),
    "history-starts-late": (
        [("  - {stage: planning, date: 2026-05-06}\n", "")],
        [("stage-history", "{stage: visit, date: 2026-05-20}")]),
    "history-moves-back": (
        [("  - {stage: negotiation, date: 2026-10-15}", "  - {stage: design, date: 2026-09-20}\n"
                                                       "  - {stage: evaluation, date: 2026-10-01}\n"
                                                       "  - {stage: negotiation, date: 2026-10-15}")],
        [("stage-history", "{stage: design, date: 2026-09-20}")]),
    "history-moves-back-with-reason": (
        [("  - {stage: negotiation, date: 2026-10-15}",
          "  - {stage: design, date: 2026-09-20, reason: 客户修改招标范围}\n"
          "  - {stage: evaluation, date: 2026-10-01}\n"
          "  - {stage: negotiation, date: 2026-10-15}")],
        []),
    "history-repeated-entry": (
        [("  - {stage: negotiation, date: 2026-10-15}", "  - {stage: evaluation, date: 2026-09-15}\n"
                                                       "  - {stage: negotiation, date: 2026-10-15}")],
        [("stage-history", "{stage: evaluation, date: 2026-09-15}")]),
    # buyer-alignment (gap 1 in the default configuration)
    "buyer-one-behind": ([("buyer_stage: negotiation", "buyer_stage: preferred_supplier")], []),
    "buyer-two-behind": ([("buyer_stage: negotiation", "buyer_stage: tender_shortlist")],
                         [("buyer-alignment", "buyer_stage: tender_shortlist")]),
    "buyer-ahead": ([("buyer_stage: negotiation", "buyer_stage: signed")], []),
    # cadence (as of 2026-11-20; last activity 2026-11-12, last intent 2026-11-12)
    "cadence-follow-up-due": (
        [("{date: 2026-11-12, type: meeting", "{date: 2026-11-05, type: meeting")],
        [("cadence-follow-up", "{date: 2026-11-05, type: meeting")]),
    "cadence-handover-record-is-not-a-follow-up": (
        [("  - {date: 2026-11-12, type: meeting", "  - {date: 2026-11-15, type: handover, who: manager, summary: 交接}\n"
                                                  "  - {date: 2026-11-05, type: meeting")],
        [("cadence-follow-up", "{date: 2026-11-05, type: meeting")]),
    "cadence-handover-that-reached-the-customer": (
        [("  - {date: 2026-11-12, type: meeting", "  - {date: 2026-11-15, type: handover, who: manager, "
                                                  "contacts: [temp-wang-lei], summary: 介绍新负责人}\n"
                                                  "  - {date: 2026-11-05, type: meeting")],
        []),
    "cadence-follow-up-not-yet": ([("{date: 2026-11-12, type: meeting", "{date: 2026-11-06, type: meeting")], []),
    "cadence-future-activity-does-not-count": (
        [("{date: 2026-11-12, type: meeting", "{date: 2026-11-25, type: meeting"),
         ("{date: 2026-10-20, type: call", "{date: 2026-10-21, type: call")],
        [("cadence-follow-up", "{date: 2026-10-21, type: call"), ("cadence-intent", "created: 2026-05-06")]),
    "cadence-intent-overdue": (
        [("summary: 商务谈判, intent: high}", "summary: 商务谈判}"),
         ("summary: 付款条件,", "summary: 付款条件, intent: medium,"),
         ("{date: 2026-10-20, type: call", "{date: 2026-10-21, type: call")],
        [("cadence-intent", "{date: 2026-10-21, type: call")]),
    "cadence-intent-just-in-time": (
        [("summary: 商务谈判, intent: high}", "summary: 商务谈判}"),
         ("summary: 付款条件,", "summary: 付款条件, intent: medium,"),
         ("{date: 2026-10-20, type: call", "{date: 2026-10-22, type: call")],
        []),
    "cadence-intent-never-judged": (
        [("summary: 商务谈判, intent: high}", "summary: 商务谈判}")],
        [("cadence-intent", "created: 2026-05-06")]),
    # team-roles
    "team-role-missing": ([("  finance: han-meimei\n", "")], [("team-roles", "team:")]),
    "team-roles-earlier-stage": (
        [("stage: negotiation", "stage: evaluation"), ("buyer_stage: negotiation", "buyer_stage: preferred_supplier"),
         ("  - {stage: negotiation, date: 2026-10-15}\n", ""), ("  commercial: han-meimei\n", ""),
         ("  finance: han-meimei\n", ""), ("  legal: han-meimei\n", ""),
         ("  - {criterion: preferred_supplier, date: 2026-10-10, ref: 评估结果通知}\n", "")],
        []),
    "team-missing-entirely": (
        [("team:\n  presales: han-meimei\n  consultant: han-meimei\n  executive: manager\n  commercial: han-meimei\n  finance: han-meimei\n"
          "  legal: han-meimei\n", "")],
        [("stage-gate", "stage: negotiation")] + [("team-roles", "stage: negotiation")]),
    # account-type
    "account-intent-without-approval": (
        [("  - {kind: project_initiation, date: 2026-06-20, approver: manager}\n", ""),
         ("  - {criterion: project_initiation_approved, date: 2026-06-20, ref: 立项申请表}\n", "")],
        [("account-type", "customer:type: intent"), ("stage-gate", "stage: negotiation")]),
    # closing: expected_close
    "close-date-passed": ([("expected_close: 2026-12-15", "expected_close: 2026-11-19")],
                          [("close-date-passed", "expected_close: 2026-11-19")]),
    "close-date-today": ([("expected_close: 2026-12-15", "expected_close: 2026-11-20")], []),
    # approvals
    "approval-by-owner": ([("{kind: quote, date: 2026-08-25, approver: manager}",
                            "{kind: quote, date: 2026-08-25, approver: li-lei}")],
                          [("approval-four-eyes", "approver: li-lei}")]),
    "approval-by-owner-before-handover": (
        [("{kind: quote, date: 2026-08-25, approver: manager}", "{kind: quote, date: 2026-08-25, approver: li-lei}"),
         ("  - {date: 2026-11-12, type: meeting", "  - {date: 2026-11-03, type: handover, who: manager, summary: 交接}\n"
                                                  "  - {date: 2026-11-12, type: meeting")],
        []),
    "approval-after-approver-left": ([("{kind: quote, date: 2026-08-25, approver: manager}",
                                       "{kind: quote, date: 2026-08-25, approver: manager}\n"
                                       "  - {kind: quote, date: 2026-11-01, approver: former-rep}")],
                                     [("approval-four-eyes", "approver: former-rep}")]),
    "approval-before-approver-left": ([("{kind: project_initiation, date: 2026-06-20, approver: manager}",
                                        "{kind: project_initiation, date: 2026-06-20, approver: former-rep}")],
                                      []),
    # buying-centre red flags
    "decision-maker-opposes": ([("role: decision_maker, attitude: neutral", "role: decision_maker, attitude: opponent")],
                               [("decision-maker-opposes", "role: decision_maker, attitude: opponent"),
                                ("influence-plan-missing", "role: decision_maker, attitude: opponent")]),
    "no-supporter": ([("handler: true, attitude: supporter", "handler: true, attitude: neutral")],
                     [("no-supporter", "stakeholders:")]),
    "handler-not-contacted": (
        [("contacts: [temp-li-hua], summary: 电话邀约", "contacts: [temp-zhou-min], summary: 电话邀约"),
         ("contacts: [temp-li-hua, temp-zhou-min]", "contacts: [temp-zhou-min]")],
        # ... and no visit was booked with the handler (visit_booked)
        [("handler-not-contacted", "{contact: temp-li-hua, role: evaluator"), ("stage-gate", "stage: negotiation")]),
    "handler-contacted-only-in-the-future": (
        [("contacts: [temp-li-hua], summary: 电话邀约", "contacts: [temp-zhou-min], summary: 电话邀约"),
         ("contacts: [temp-li-hua, temp-zhou-min]", "contacts: [temp-zhou-min]"),
         ("  - {date: 2026-11-12, type: meeting",
          "  - {date: 2026-11-25, type: call, contacts: [temp-li-hua], summary: 计划}\n  - {date: 2026-11-12, type: meeting")],
        [("handler-not-contacted", "{contact: temp-li-hua, role: evaluator"), ("stage-gate", "stage: negotiation")]),
}

CUSTOMER_EDITS = {
    "gate-customer-data": [(", priority: 3}", "}")],
}

# --- the method as the text means it: gates in time, approvals, team, computed criteria, numbers ---------

PREFERRED = "{criterion: preferred_supplier, date: 2026-10-10"  # the deal left evaluation on 2026-10-15
QUOTE_APPROVAL = "{kind: quote, date: 2026-08-25, approver: manager}"  # the deal left design on 2026-09-01


def at_stage(stage: str, buyer: str) -> list:
    """Edits that put the baseline deal in an earlier ``stage`` (the history cut after it)."""
    order = ["planning", "visit", "proposal", "demo", "design", "evaluation", "negotiation"]
    later = "".join(f"  - {{stage: {s}, date: {d}}}\n" for s, d in zip(order, ["2026-05-06", "2026-05-20", "2026-06-10",
                                                                                  "2026-07-01", "2026-08-01", "2026-09-01",
                                                                                  "2026-10-15"])
                    if order.index(s) > order.index(stage))
    return [("stage: negotiation", f"stage: {stage}"), ("buyer_stage: negotiation", f"buyer_stage: {buyer}"),
            (later, "")]


METHOD_CASES = {
    # 1. evidence must precede the move: on the day the deal left = in time, a day later = late
    "evidence-on-the-day-it-moved": ([(PREFERRED, "{criterion: preferred_supplier, date: 2026-10-15")], [], []),
    "evidence-a-day-after-the-move": ([(PREFERRED, "{criterion: preferred_supplier, date: 2026-10-16")], [],
                                      [("evidence-late", "{criterion: preferred_supplier, date: 2026-10-16")]),
    "evidence-late-on-an-earlier-stage": (
        [("{criterion: visit_report, date: 2026-05-21", "{criterion: visit_report, date: 2026-06-11")], [],
        [("evidence-late", "{criterion: visit_report, date: 2026-06-11")]),
    "approval-on-the-day-it-moved": ([(QUOTE_APPROVAL, "{kind: quote, date: 2026-09-01, approver: manager}")], [], []),
    "approval-a-day-after-the-move": ([(QUOTE_APPROVAL, "{kind: quote, date: 2026-09-02, approver: manager}")], [],
                                      [("evidence-late", "{kind: quote, date: 2026-09-02")]),
    "skipped-stage-criteria-due-on-the-skip": (
        [("  - {stage: design, date: 2026-08-01}\n", ""),
         ("{stage: evaluation, date: 2026-09-01}", "{stage: evaluation, date: 2026-08-29, reason: 免招标直接评估}")], [],
        [("evidence-late", "{criterion: shortlisted, date: 2026-08-30")]),
    # 2. approvals are approvals: evidence alone does not meet them, the approver holds the role
    "initiation-evidence-without-approval": (
        [("  - {kind: project_initiation, date: 2026-06-20, approver: manager}\n", "")], [],
        [("stage-gate", "stage: negotiation"), ("account-type", "customer:type: intent")]),
    "quote-approved-by-a-rep-without-the-role": (
        [(QUOTE_APPROVAL, "{kind: quote, date: 2026-08-25, approver: han-meimei}")], [],
        [("stage-gate", "stage: negotiation")]),
    "quote-submitted-on-its-approval-day": (
        [("date: 2026-06-05}", "date: 2026-06-05, submitted: 2026-08-25}")], [], []),
    "quote-submitted-before-its-approval": (
        [("date: 2026-06-05}", "date: 2026-06-05, submitted: 2026-08-24}")], [],
        [("quote-order", "submitted: 2026-08-24}")]),
    "terms-agreed-on-the-approval-day": (
        [(PREFERRED, "{criterion: terms_agreed, date: 2026-08-25, ref: 价格确认}\n  - " + PREFERRED)], [], []),
    "terms-agreed-before-the-approval": (
        [(PREFERRED, "{criterion: terms_agreed, date: 2026-08-24, ref: 价格确认}\n  - " + PREFERRED)], [],
        [("quote-order", "{criterion: terms_agreed, date: 2026-08-24")]),
    # 3. team roles per stage: the consultant from requirements research and design on
    "consultant-missing-in-negotiation": ([("  consultant: han-meimei\n", "")], [], [("team-roles", "team:")]),
    "consultant-missing-in-design": (
        at_stage("design", "tender_shortlist") + [("  consultant: han-meimei\n", "")], [], [("team-roles", "team:")]),
    "no-consultant-needed-in-demo": (
        at_stage("demo", "criteria_set") + [("  consultant: han-meimei\n", "")], [], []),
    # 4. computed criteria as strong as their wording
    "target-fit-below-the-threshold": ([], [("priority: 3}", "priority: 2}")], [("stage-gate", "stage: negotiation")]),
    "visit-not-with-the-handler": (
        [("{date: 2026-05-20, type: visit, who: li-lei, contacts: [temp-li-hua, temp-zhou-min]",
          "{date: 2026-05-20, type: visit, who: li-lei, contacts: [temp-zhou-min]")], [],
        [("stage-gate", "stage: negotiation")]),
    "handler-left-the-customer": (
        [], [("reports_to: temp-wang-lei}\n  - {id: temp-zhou-min", "reports_to: temp-wang-lei, left: 2026-11-01}\n"
                                                                   "  - {id: temp-zhou-min")],
        [("stage-gate", "stage: negotiation")]),
    "decision-maker-personality-unknown": ([], [(", motives: {personality: 稳重，重数据}", "")],
                                           [("stage-gate", "stage: negotiation")]),
    "decision-maker-personality-blank": ([], [("{personality: 稳重，重数据}", "{personality: ' '}")],
                                         [("stage-gate", "stage: negotiation")]),
    "competitor-strengths-blank": ([("strengths: 价格低", "strengths: '  '")], [], [("stage-gate", "stage: negotiation")]),
    # 6. a probability override inside its funnel state's band (best: 70-90 %), or with a reason
    "probability-at-the-top-of-the-band": ([("expected_close: 2026-12-15", "expected_close: 2026-12-15\n"
                                              "probability: {value: 90}")], [], []),
    "probability-at-the-bottom-of-the-band": ([("expected_close: 2026-12-15", "expected_close: 2026-12-15\n"
                                                 "probability: {value: 70}")], [], []),
    "probability-above-the-band": ([("expected_close: 2026-12-15", "expected_close: 2026-12-15\n"
                                      "probability: {value: 91}")], [], [("probability-band", "probability: {value: 91}")]),
    "probability-below-the-band": ([("expected_close: 2026-12-15", "expected_close: 2026-12-15\n"
                                      "probability: {value: 69}")], [], [("probability-band", "probability: {value: 69}")]),
    "probability-outside-with-a-reason": ([("expected_close: 2026-12-15", "expected_close: 2026-12-15\n"
                                             "probability: {value: 95, reason: 框架协议已签，只差订单}")], [], []),
    # 11. an influence strategy for an opponent among the decision makers and evaluators, late in the deal
    "opponent-with-a-strategy": (
        [("role: decision_maker, attitude: neutral, closeness: distant, evaluation_team: true}",
          "role: decision_maker, attitude: opponent, closeness: distant, evaluation_team: true, "
          "strategy: {motives: 担心回报期, route: 通过财务总监, actions: 高层汇报投资回收测算}}")], [],
        [("decision-maker-opposes", "role: decision_maker, attitude: opponent")]),
    "opponent-evaluator-in-evaluation": (
        at_stage("evaluation", "preferred_supplier") + [("role: user, attitude: neutral", "role: evaluator, attitude: opponent")],
        [], [("influence-plan-missing", "role: evaluator, attitude: opponent")]),
    "opponent-evaluator-in-design-is-not-late": (
        at_stage("design", "tender_shortlist") + [("role: user, attitude: neutral", "role: evaluator, attitude: opponent")],
        [], []),
}


@pytest.mark.parametrize("name", sorted(METHOD_CASES))
def test_method_case(tmp_path, name):
    deal_edits, customer_edits, expected = METHOD_CASES[name]
    deal_text, customer_text = make_repo(tmp_path, deal_edits, customer_edits)
    assert found(tmp_path) == expect(deal_text, customer_text, expected)




@pytest.mark.parametrize("name", sorted(CASES))
def test_case(tmp_path, name):
    deal_edits, expected = CASES[name]
    deal_text, customer_text = make_repo(tmp_path, deal_edits, CUSTOMER_EDITS.get(name, ()))
    assert found(tmp_path) == expect(deal_text, customer_text, expected)


WON_CASES = {
    "won-clean-to-the-cent": ([], [], []),
    "won-without-contract": ([("contract:\n  date: 2026-11-18\n  value: 1180000.50\n  payments:\n"
                               "    - {due: 2026-12-01, amount: 354000.15}\n    - {due: 2027-03-01, amount: 826000.35}",
                               "")],
                             [], [("closing-won", "stage: won")]),
    "won-payments-short-by-a-cent": ([("amount: 826000.35}", "amount: 826000.34}")], [],
                                     [("closing-won", "  payments:")]),
    "won-no-payments": ([("  payments:\n    - {due: 2026-12-01, amount: 354000.15}\n"
                          "    - {due: 2027-03-01, amount: 826000.35}", "  ref: HT-2026-018")],
                        [], [("closing-won", "contract:")]),
    "won-no-date": ([("  date: 2026-11-18\n  value", "  value")], [], [("closing-won", "contract:")]),
    "won-no-value": ([("  value: 1180000.50\n", "")], [], [("closing-won", "contract:")]),
    "won-signed-after-as-of": ([("  date: 2026-11-18\n  value", "  date: 2026-11-21\n  value")], [],
                               [("closing-won", "  date: 2026-11-21")]),
    "won-needs-implementation": ([("  implementation: han-meimei\n", "")], [], [("team-roles", "team:")]),
    "won-needs-gate": ([("  - {kind: contract_review, date: 2026-11-10, approver: manager}", "")], [],
                       [("stage-gate", "stage: won")]),
    "won-but-type-intent": ([], [("type: customer", "type: intent")], [("account-type", "customer:type: intent")]),
    "won-is-not-followed-up": ([("{date: 2026-11-12, type: meeting", "{date: 2026-06-12, type: meeting"),
                                ("expected_close: 2026-12-15", "expected_close: 2026-10-01")], [], []),
}


@pytest.mark.parametrize("name", sorted(WON_CASES))
def test_won_case(tmp_path, name):
    deal_edits, customer_edits, expected = WON_CASES[name]
    deal_text, customer_text = make_repo(tmp_path, WON + deal_edits, WON_CUSTOMER + customer_edits)
    assert found(tmp_path) == expect(deal_text, customer_text, expected)


LOST_CASES = {
    "lost-without-reason": ([("\nlost_reason: {code: competitor, winner: 海德机床}", "")], [],
                            [("closing-lost", "stage: lost")]),
    "lost-unknown-reason": ([("code: competitor", "code: competition")], [],
                            [("closing-lost", "lost_reason: {code: competition")]),
    "lost-needs-no-gate-and-no-team": ([("  - {criterion: exec_ack, date: 2026-06-14, ref: 王总回复}\n", ""),
                                        ("  finance: han-meimei\n", "")], [], []),
    "lost-red-flags-are-off": ([("role: decision_maker, attitude: neutral", "role: decision_maker, attitude: opponent"),
                                ("expected_close: 2026-12-15", "expected_close: 2026-10-01")], [], []),
    "lost-may-stay-intent": ([], [], []),
    "lost-customer-type-without-a-win": ([], [("type: intent", "type: customer")],
                                         [("account-type", "customer:type: customer")]),
}


@pytest.mark.parametrize("name", sorted(LOST_CASES))
def test_lost_case(tmp_path, name):
    deal_edits, customer_edits, expected = LOST_CASES[name]
    deal_text, customer_text = make_repo(tmp_path, LOST + deal_edits, customer_edits)
    assert found(tmp_path) == expect(deal_text, customer_text, expected)


# An interest account owned by an account manager records who assigned it (rule account-unassigned).
ASSIGNED = ("owner: li-lei", "owner: li-lei\nassigned: {by: manager, date: 2026-05-06}")

ACCOUNT_CASES = {
    "approved-open-deal-but-interest": ([], [("type: intent", "type: interest"), ASSIGNED],
                                        [("account-type", "customer:type: interest")]),
    "approval-after-as-of-does-not-count": (
        [("{kind: project_initiation, date: 2026-06-20", "{kind: project_initiation, date: 2026-11-21"),
         ("{criterion: project_initiation_approved, date: 2026-06-20", "{criterion: project_initiation_approved, date: 2026-11-21")],
        [], [("account-type", "customer:type: intent"), ("stage-gate", "stage: negotiation")]),
    "customer-without-a-win": ([], [("type: intent", "type: customer")], [("account-type", "customer:type: customer")]),
    "organization-with-interest-confirmed": (
        [("  - {kind: project_initiation, date: 2026-06-20, approver: manager}\n", "")],
        [("type: intent", "type: organization")], [("account-type", "customer:type: organization"),
                                                   ("stage-gate", "stage: negotiation")]),
    "interest-on-the-day-it-is-confirmed": (
        [("stage: negotiation", "stage: planning"), ("buyer_stage: negotiation", "buyer_stage: problem_recognized"),
         ("  - {stage: visit, date: 2026-05-20}\n  - {stage: proposal, date: 2026-06-10}\n  - {stage: demo, date: 2026-07-01}\n"
          "  - {stage: design, date: 2026-08-01}\n  - {stage: evaluation, date: 2026-09-01}\n"
          "  - {stage: negotiation, date: 2026-10-15}\n", ""),
         ("  - {kind: project_initiation, date: 2026-06-20, approver: manager}\n", ""),
         ("{criterion: interest_confirmed, date: 2026-05-10", "{criterion: interest_confirmed, date: 2026-11-20")],
        [("type: intent", "type: interest"), ASSIGNED], []),
    "organization-is-fine-before-approval": (
        [("stage: negotiation", "stage: planning"), ("buyer_stage: negotiation", "buyer_stage: problem_recognized"),
         ("  - {stage: visit, date: 2026-05-20}\n  - {stage: proposal, date: 2026-06-10}\n  - {stage: demo, date: 2026-07-01}\n"
          "  - {stage: design, date: 2026-08-01}\n  - {stage: evaluation, date: 2026-09-01}\n"
          "  - {stage: negotiation, date: 2026-10-15}\n", ""),
         ("  - {kind: project_initiation, date: 2026-06-20, approver: manager}\n", ""),
         ("  - {criterion: project_initiation_approved, date: 2026-06-20, ref: 立项申请表}\n", ""),
         ("  - {criterion: interest_confirmed, date: 2026-05-10, ref: 李华邮件}\n", "")],
        [("type: intent", "type: organization")], []),
}


@pytest.mark.parametrize("name", sorted(ACCOUNT_CASES))
def test_account_case(tmp_path, name):
    deal_edits, customer_edits, expected = ACCOUNT_CASES[name]
    deal_text, customer_text = make_repo(tmp_path, deal_edits, customer_edits)
    assert found(tmp_path) == expect(deal_text, customer_text, expected)


def test_no_decision_maker_only_from_the_stage_that_needs_one(tmp_path):
    """Before the demo stage nobody is expected to know the decision maker; in it, the red flag is raised."""
    config = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    project = config["pipelines"][0]
    demo_index = next(i for i, s in enumerate(project["stages"])
                      if any(c.get("check") == "decision_makers_known" for c in s.get("exit") or ()))
    before, at = project["stages"][demo_index - 1]["id"], project["stages"][demo_index]["id"]
    for stage, expected_rules in ((before, set()), (at, {"no-decision-maker"})):
        upto = [s["id"] for s in project["stages"]].index(stage)
        history = "".join(f"  - {{stage: {s['id']}, date: 2026-05-{6 + i:02d}}}\n"
                          for i, s in enumerate(project["stages"][:upto + 1]))
        deal_text, _ = make_repo(tmp_path, [
            ("stage: negotiation", f"stage: {stage}"), ("buyer_stage: negotiation\n", ""),
            ("role: decision_maker, attitude: neutral", "role: designer, attitude: neutral"),
            (DEAL[DEAL.index("stage_history:\n") + len("stage_history:\n"):DEAL.index("activities:")], history)],
            levels={"evidence-late": "off"})  # the compressed history makes the baseline's evidence late
        problems = engine.lint(tmp_path, AS_OF).problems
        assert {p.rule for p in problems} == expected_rules, (stage, problems)
        for p in problems:
            assert (p.line, p.severity) == (line_of(deal_text, "stakeholders:"), Severity.WARNING)


# --- messages and hints: specific, with the figures a user needs ----------------------------------------

def lint_one(tmp_path, deal=(), customer=(), as_of=AS_OF, levels=None):
    make_repo(tmp_path, deal, customer, levels)
    return engine.lint(tmp_path, as_of).problems


def test_stage_gate_names_the_criterion_its_stage_and_where_to_add_evidence(tmp_path):
    problems = lint_one(tmp_path, [("  - {criterion: exec_ack, date: 2026-06-14, ref: 王总回复}\n", "")])
    [problem] = problems
    config = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    stage = next(s for s in config["pipelines"][0]["stages"] if any(c["id"] == "exec_ack" for c in s.get("exit") or ()))
    criterion = next(c for c in stage["exit"] if c["id"] == "exec_ack")
    assert problem.subject == "exec_ack"
    assert problem.severity is Severity.ERROR
    assert f"'{criterion['label']['en']}' (exec_ack)" in problem.message
    assert f"'{stage['label']['en']}' ({stage['id']})" in problem.message
    assert "evidence:" in problem.hint and "criterion: exec_ack" in problem.hint
    assert "deals/temp-press-line.yaml" in problem.hint and "2026-11-20" in problem.hint


def test_stage_gate_hint_for_late_evidence_gives_its_date(tmp_path):
    [problem] = lint_one(tmp_path, [("{criterion: shortlisted, date: 2026-08-30", "{criterion: shortlisted, date: 2026-11-30")])
    assert problem.subject == "shortlisted"
    assert "dated 2026-11-30, after the as-of date 2026-11-20" in problem.hint


def test_stage_gate_hint_for_computed_criteria_says_what_data_is_missing(tmp_path):
    from salesgen.criteria import target_fit

    [problem] = lint_one(tmp_path, customer=[(", priority: 3}", "}")])
    assert problem.subject == "target_fit"
    assert target_fit.__doc__.strip().rstrip(".").lower() in problem.hint.lower()
    assert "customers/temp.yaml" in problem.hint


def test_stage_gate_hint_for_a_schema_fragment_names_the_missing_key(tmp_path):
    problems = lint_one(tmp_path, [("  presales: han-meimei\n", "")])
    assert sorted(p.rule for p in problems) == ["stage-gate", "team-roles"]
    problem = next(p for p in problems if p.rule == "stage-gate")
    assert problem.subject == "presales_engaged"
    assert "'presales' is a required property" in problem.hint


@pytest.mark.parametrize("as_of, follow_up, intent", [
    ("2026-11-26", False, False),
    ("2026-11-27", True, False),   # 15 days after the last activity of 2026-11-12
    ("2026-12-11", True, False),
    ("2026-12-12", True, True),    # 30 days after the last intent judgment of 2026-11-12
])
def test_as_of_moves_the_cadence(tmp_path, as_of, follow_up, intent):
    as_of = dt.date.fromisoformat(as_of)
    problems = lint_one(tmp_path, as_of=as_of)
    by_rule = {p.rule: p for p in problems}
    assert set(by_rule) == {rule for rule, due in (("cadence-follow-up", follow_up), ("cadence-intent", intent)) if due}
    days = (as_of - dt.date(2026, 11, 12)).days
    if follow_up:
        assert by_rule["cadence-follow-up"].severity is Severity.WARNING
        assert f"no activity for {days} days (last: meeting on 2026-11-12)" in by_rule["cadence-follow-up"].message
    if intent:
        assert by_rule["cadence-intent"].severity is Severity.ERROR
        assert f"last judged {days} days ago (high, on 2026-11-12)" in by_rule["cadence-intent"].message


def test_cadence_follows_the_configured_days(tmp_path):
    path = tmp_path / "salesgen.yaml"
    make_repo(tmp_path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["cadence"] = {"follow_up_days": 7, "intent_days": 8}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert {p.rule for p in engine.lint(tmp_path, AS_OF).problems} == {"cadence-follow-up", "cadence-intent"}


def test_cli_as_of_reaches_the_rules(tmp_path):
    make_repo(tmp_path)
    runner = CliRunner()
    early = runner.invoke(cli, ["lint", "--root", str(tmp_path), "--as-of", "2026-11-20", "--format", "json"])
    late = runner.invoke(cli, ["lint", "--root", str(tmp_path), "--as-of", "2026-12-20", "--format", "json"])
    assert early.exit_code == 0 and json.loads(early.output) == []
    assert late.exit_code == 1
    assert {p["rule"] for p in json.loads(late.output)} == {"cadence-follow-up", "cadence-intent", "close-date-passed"}


def test_closing_won_gives_the_exact_difference(tmp_path):
    [problem] = lint_one(tmp_path, WON + [("amount: 826000.35}", "amount: 826000.34}")], WON_CUSTOMER)
    assert problem.message == "the 2 payments sum to 1180000.49, 0.01 short of the contract value 1180000.50"


def test_closing_lost_suggests_a_configured_code(tmp_path):
    [problem] = lint_one(tmp_path, LOST + [("code: competitor", "code: competiton")])
    assert "Did you mean 'competitor'?" in problem.hint


def test_close_date_passed_counts_the_days(tmp_path):
    [problem] = lint_one(tmp_path, [("expected_close: 2026-12-15", "expected_close: 2026-10-31")])
    assert problem.severity is Severity.WARNING
    assert "2026-10-31 passed 20 days ago" in problem.message


def test_buyer_alignment_says_how_far_behind(tmp_path):
    [problem] = lint_one(tmp_path, [("buyer_stage: negotiation", "buyer_stage: project_approved")])
    assert problem.severity is Severity.WARNING
    assert "4 stages behind, more than the allowed 1" in problem.message


def test_buyer_alignment_gap_is_configurable(tmp_path):
    make_repo(tmp_path, [("buyer_stage: negotiation", "buyer_stage: tender_shortlist")])
    path = tmp_path / "salesgen.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["alignment_gap"] = 2
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert engine.lint(tmp_path, AS_OF).problems == []


def test_red_flags_name_the_person(tmp_path):
    problems = lint_one(tmp_path, [("role: decision_maker, attitude: neutral", "role: decision_maker, attitude: opponent")])
    [problem] = [p for p in problems if p.rule == "decision-maker-opposes"]
    assert problem.message == "decision maker 王磊 (temp-wang-lei) opposes us"


# --- waivers and levels -----------------------------------------------------------------------------------

GATE_GAP = [("  - {criterion: exec_ack, date: 2026-06-14, ref: 王总回复}\n", ""),
            ("  - {criterion: demo_done, date: 2026-07-10, ref: 技术交流总结表}\n", "")]


def waiver(rule="stage-gate", criterion="exec_ack", approved_by="manager", until="2026-12-10"):
    crit = f", criterion: {criterion}" if criterion else ""
    return ("expected_close: 2026-12-15", "expected_close: 2026-12-15\nwaivers:\n"
            f"  - {{rule: {rule}{crit}, reason: 高层出差, approved_by: {approved_by}, until: {until}}}")


def test_a_criterion_waiver_covers_only_that_criterion(tmp_path):
    problems = lint_one(tmp_path, GATE_GAP + [waiver()])
    by_subject = {p.subject: p for p in problems}
    assert set(by_subject) == {"exec_ack", "demo_done"}
    assert by_subject["exec_ack"].severity is Severity.WARNING
    assert "(waived until 2026-12-10: 高层出差)" in by_subject["exec_ack"].message
    assert by_subject["demo_done"].severity is Severity.ERROR


def test_a_rule_waiver_covers_every_criterion(tmp_path):
    problems = lint_one(tmp_path, GATE_GAP + [waiver(criterion=None)])
    assert [(p.rule, p.severity) for p in problems] == [("stage-gate", Severity.WARNING)] * 2


def test_a_waiver_stops_at_until(tmp_path):
    deal_text, _ = make_repo(tmp_path, GATE_GAP[:1] + [waiver(until="2026-11-19")])
    problems = engine.lint(tmp_path, AS_OF).problems
    assert {(p.rule, p.line, p.severity) for p in problems} == {
        ("stage-gate", line_of(deal_text, "stage: negotiation"), Severity.ERROR),
        ("waiver-invalid", line_of(deal_text, "until: 2026-11-19"), Severity.ERROR)}
    assert all("waived" not in p.message for p in problems)
    # the day it is valid until, it still holds
    problems = engine.lint(tmp_path, dt.date(2026, 11, 19)).problems
    assert [(p.rule, p.severity) for p in problems] == [("stage-gate", Severity.WARNING)]


def test_a_self_approved_waiver_is_invalid_and_waives_nothing(tmp_path):
    deal_text, _ = make_repo(tmp_path, GATE_GAP[:1] + [waiver(approved_by="li-lei")])
    problems = engine.lint(tmp_path, AS_OF).problems
    assert {(p.rule, p.severity) for p in problems} == {("stage-gate", Severity.ERROR), ("waiver-invalid", Severity.ERROR)}
    invalid = next(p for p in problems if p.rule == "waiver-invalid")
    assert invalid.line == line_of(deal_text, "approved_by: li-lei")
    assert "four eyes" in invalid.message


def test_a_waiver_by_a_rep_who_left_is_invalid(tmp_path):
    problems = lint_one(tmp_path, GATE_GAP[:1] + [waiver(approved_by="former-rep")])
    assert {(p.rule, p.severity) for p in problems} == {("stage-gate", Severity.ERROR), ("waiver-invalid", Severity.ERROR)}


def test_a_waiver_for_an_unknown_rule_is_invalid(tmp_path):
    deal_text, _ = make_repo(tmp_path, GATE_GAP[:1] + [waiver(rule="stage-gates", criterion=None)])
    problems = engine.lint(tmp_path, AS_OF).problems
    assert {(p.rule, p.line, p.severity) for p in problems} == {
        ("stage-gate", line_of(deal_text, "stage: negotiation"), Severity.ERROR),
        ("waiver-invalid", line_of(deal_text, "rule: stage-gates"), Severity.ERROR)}


def test_a_waiver_for_another_rule_waives_nothing(tmp_path):
    problems = lint_one(tmp_path, GATE_GAP[:1] + [waiver(rule="team-roles", criterion=None)])
    assert [(p.rule, p.severity) for p in problems] == [("stage-gate", Severity.ERROR)]


def test_a_waiver_covers_a_rule_raised_to_error(tmp_path):
    late = ("expected_close: 2026-12-15", "expected_close: 2026-10-01")
    problems = lint_one(tmp_path, [late], levels={"close-date-passed": "error"})
    assert [(p.rule, p.severity) for p in problems] == [("close-date-passed", Severity.ERROR)]
    waived = ("expected_close: 2026-12-15", waiver(rule="close-date-passed", criterion=None)[1]
              .replace("expected_close: 2026-12-15", "expected_close: 2026-10-01"))
    problems = lint_one(tmp_path, [waived], levels={"close-date-passed": "error"})
    assert [(p.rule, p.severity) for p in problems] == [("close-date-passed", Severity.WARNING)]
    assert "waived until 2026-12-10" in problems[0].message


@pytest.mark.parametrize("level, expected", [("error", Severity.ERROR), ("warning", Severity.WARNING), ("off", None)])
def test_rule_levels_from_the_configuration(tmp_path, level, expected):
    problems = lint_one(tmp_path, GATE_GAP[:1], levels={"stage-gate": level})
    assert [p.severity for p in problems] == ([expected] if expected else [])


def test_a_warning_rule_can_be_made_an_error(tmp_path):
    problems = lint_one(tmp_path, [("expected_close: 2026-12-15", "expected_close: 2026-10-01")],
                        levels={"close-date-passed": "error"})
    assert [(p.rule, p.severity) for p in problems] == [("close-date-passed", Severity.ERROR)]


# --- documentation: `salesgen rules` -----------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def rules_json() -> list:
    result = CliRunner().invoke(cli, ["rules", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_rules_json_lists_every_registered_rule_once():
    items = rules_json()
    assert [item["id"] for item in items] == list(rules.REGISTRY)
    assert {item["id"]: item["severity"] for item in items} == {r.ID: r.SEVERITY for r in rules.REGISTRY.values()}
    assert set(STAGE_RULES) <= {item["id"] for item in items}


@pytest.mark.parametrize("rule_id", list(rules.REGISTRY))
def test_every_rule_is_documented_with_a_passing_and_a_failing_example(rule_id):
    item = next(i for i in rules_json() if i["id"] == rule_id)
    assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", rule_id)
    assert item["severity"] in ("error", "warning")
    assert item["summary"] and item["summary"] == item["doc"].splitlines()[0]
    doc = item["doc"]
    passing, failing = doc.find("Passing:"), doc.find("Failing:")
    assert 0 < passing < failing, f"{rule_id}: a 'Passing:' then a 'Failing:' example"
    blocks = re.findall(r"```yaml\n(.*?)```", doc, re.S)
    assert len(blocks) >= 2, f"{rule_id}: both examples are ```yaml blocks"
    positions = [m.start() for m in re.finditer(r"```yaml\n", doc)]
    assert any(passing < p < failing for p in positions) and any(p > failing for p in positions)
    if rule_id in STAGE_RULES:  # the stage rules' examples are real YAML, and the failing one names its rule
        for block in blocks:
            yaml.safe_load(block)
        assert rule_id in doc[failing:]


def test_rules_text_lists_every_rule_with_its_severity():
    result = CliRunner().invoke(cli, ["rules"])
    assert result.exit_code == 0
    for rule in rules.REGISTRY.values():
        assert f"{rule.ID} ({rule.SEVERITY})" in result.output


# --- the example repository --------------------------------------------------------------------------------

def test_example_repository_is_lint_clean_at_its_snapshot_date():
    from salesgen.config import load_config

    config, _ = load_config(REPO)
    assert config is not None and config.as_of is not None, "salesgen.yaml pins `as_of:` (a reproducible snapshot)"
    result = engine.lint(REPO, config.as_of)
    assert [f"{p.file}:{p.line} [{p.rule}] {p.message}" for p in result.errors] == []


# --- the method's new checks: messages, hints, waivers ------------------------------------------------------

def test_late_evidence_names_the_stage_and_the_day_it_was_left_and_can_be_waived(tmp_path):
    late = (PREFERRED, "{criterion: preferred_supplier, date: 2026-10-20")
    [problem] = lint_one(tmp_path, [late])
    assert (problem.rule, problem.severity, problem.subject) == ("evidence-late", Severity.ERROR, "preferred_supplier")
    assert "dated 2026-10-20, after the deal left" in problem.message and "(evaluation) on 2026-10-15" in problem.message
    [waived] = lint_one(tmp_path, [late, waiver(rule="evidence-late", criterion="preferred_supplier")])
    assert (waived.rule, waived.severity) == ("evidence-late", Severity.WARNING) and "waived until" in waived.message
    # a waiver for another criterion does not cover it
    [other] = lint_one(tmp_path, [late, waiver(rule="evidence-late", criterion="shortlisted")])
    assert other.severity is Severity.ERROR


def test_a_missing_approval_says_which_approval_and_who_may_give_it(tmp_path):
    [problem] = lint_one(tmp_path, [("  - {kind: project_initiation, date: 2026-06-20, approver: manager}\n", "")],
                         levels={"account-type": "off"})
    assert (problem.rule, problem.subject) == ("stage-gate", "project_initiation_approved")
    assert "Evidence alone does not meet it" in problem.hint
    assert "kind: project_initiation" in problem.hint and "executive" in problem.hint and "manager" in problem.hint
    [problem] = lint_one(tmp_path, [(QUOTE_APPROVAL, "{kind: quote, date: 2026-08-25, approver: han-meimei}")])
    assert problem.subject == "quote_approved"
    assert "(2026-08-25, han-meimei) does not count: the approver holds none of the roles" in problem.hint


def test_an_approval_hint_says_or_in_the_users_language(tmp_path):
    from salesgen.i18n import translate

    [problem] = lint_one(tmp_path, [(QUOTE_APPROVAL, "{kind: quote, date: 2026-08-25, approver: han-meimei}")])
    assert problem.subject == "quote_approved" and " or " in problem.hint
    zh = translate(problem.hint, "zh")
    assert " or " not in zh and "或" in zh  # the several approver roles of quote approval, joined in Chinese


def test_a_probability_override_outside_its_band_names_the_band(tmp_path):
    [problem] = lint_one(tmp_path, [("expected_close: 2026-12-15", "expected_close: 2026-12-15\n"
                                     "probability: {value: 40}")])
    assert problem.rule == "probability-band" and "outside 70-90 %" in problem.message and "'best'" in problem.message
