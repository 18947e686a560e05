"""End to end: one new deal from planning to won using only commands, never a hand edit; lint clean at the end."""
from __future__ import annotations

import shlex

from click.testing import CliRunner

from salesgen.cli import cli

SCORECARD = "{scale_position: 8, profitability: 7, investment: 7, credit: 9, project_scale: 8, project_value: 8, priority: 9}"
CONTRACT = ("{date: 2027-02-20, value: 500000, ref: HT-2027-001, payments: [{due: 2027-03-01, amount: 150000, "
            "milestone: 预付款}, {due: 2027-06-30, amount: 350000, milestone: 验收款}]}")

# (as-of day, command): the README's "Working with the files" walk, the same commands.
WALK = f"""
2027-01-04 new customer acme --name "Acme 机械" --owner li-lei --industry 工程机械
2027-01-04 new contact acme-li --customer acme --name 李总 --title 总经理 --department 总经办 --level decision
2027-01-04 new contact acme-wang --customer acme --name 王工 --title 设备经理 --department 设备部 --level management --reports-to acme-li
2027-01-04 set customer acme evaluation "{SCORECARD}"
2027-01-04 new deal acme-line --customer acme --name "冲压线扩产" --amount 500000 --expected-close 2027-03-31
2027-01-04 stakeholder acme-line acme-wang --role initiator --attitude supporter --closeness frequent --handler
2027-01-05 log acme-line --type call --contact acme-wang --summary "电话邀约，王工有兴趣" --intent medium --next-step 现场拜访 --next-date 2027-01-08
2027-01-05 evidence acme-line interest_confirmed --kind meeting --ref "电话邀约记录"
2027-01-05 log acme-line --date 2027-01-08 --type visit --contact acme-wang --summary "约定现场拜访"
2027-01-06 move acme-line visit
2027-01-08 log acme-line --type visit --contact acme-wang --contact acme-li --summary "现场调研冲压线，确认痛点与预算" --intent high --promise 2027-01-12 "发送初步方案提纲"
2027-01-08 evidence acme-line visit_report --kind document --ref "拜访报告 V-001"
2027-01-08 evidence acme-line pain_confirmed --kind meeting --ref "拜访纪要"
2027-01-08 evidence acme-line budget_known --kind person --ref "王工：预算 50 万"
2027-01-08 set customer acme buying_process --append "{{step: 设备部提出需求, owner: acme-wang}}"
2027-01-08 set customer acme buying_process --append "{{step: 总经理审批, owner: acme-li}}"
2027-01-08 stakeholder acme-line acme-li --role decision_maker --attitude neutral --closeness frequent --evaluation-team
2027-01-09 move acme-line proposal
2027-01-12 log acme-line --type meeting --contact acme-wang --summary "针对性访谈，提交初步方案" --intent high
2027-01-12 evidence acme-line interviews_held --kind meeting --ref "访谈纪要"
2027-01-12 evidence acme-line preliminary_proposal --kind document --ref "初步方案 P-001"
2027-01-13 evidence acme-line handler_satisfied --kind form --ref "客户意见反馈表"
2027-01-13 evidence acme-line exec_ack --kind meeting --ref "李总认可方案"
2027-01-13 approve acme-line project_initiation --by han-meimei --ref "立项申请 L-001"
2027-01-13 evidence acme-line project_initiation_approved --kind form --ref "立项申请 L-001"
2027-01-14 team acme-line presales han-meimei
2027-01-14 move acme-line demo
2027-01-20 log acme-line --type demo --contact acme-wang --contact acme-li --summary "方案演示与技术交流" --intent high
2027-01-20 evidence acme-line demo_done --kind document --ref "技术交流总结表"
2027-01-20 evidence acme-line formal_proposal_requested --kind email --ref "王工邮件"
2027-01-21 move acme-line design
2027-01-28 log acme-line --type meeting --contact acme-wang --summary "需求调研，正式方案" --intent high
2027-01-28 evidence acme-line requirements_researched --kind document --ref "需求调研报告"
2027-01-28 evidence acme-line proposal_meets_criteria --kind document --ref "正式方案 F-001"
2027-01-29 evidence acme-line shortlisted --kind email --ref "入围通知"
2027-01-29 team acme-line executive han-meimei
2027-01-30 move acme-line evaluation
2027-02-05 log acme-line --type meeting --contact acme-li --summary "项目评估" --intent high
2027-02-05 set deal acme-line competitors --append "{{name: 进口品牌, strengths: 品牌知名, weaknesses: 交期长、服务慢}}"
2027-02-06 evidence acme-line preferred_supplier --kind email --ref "评估结果通知"
2027-02-06 team acme-line commercial han-meimei
2027-02-06 team acme-line finance han-meimei
2027-02-06 team acme-line legal han-meimei
2027-02-07 move acme-line negotiation
2027-02-12 log acme-line --type meeting --contact acme-li --summary "商务谈判，付款方式达成一致" --intent high
2027-02-12 evidence acme-line terms_agreed --kind document --ref "合同条款"
2027-02-13 approve acme-line quote --by han-meimei --ref "报价审批 Q-001"
2027-02-13 evidence acme-line quote_approved --kind form --ref "报价审批 Q-001"
2027-02-15 approve acme-line contract_review --by han-meimei --ref "合同评审 C-001"
2027-02-15 evidence acme-line contract_reviewed --kind form --ref "合同评审 C-001"
2027-02-20 team acme-line implementation han-meimei
2027-02-20 set deal acme-line contract "{CONTRACT}"
2027-02-20 move acme-line won --promote-customer
"""


def steps():
    for line in WALK.strip().splitlines():
        day, command = line.split(" ", 1)
        yield day, shlex.split(command)


def run(root, day, args):
    # --root and --as-of go after the command's own words (`new customer`, `log DEAL`...)
    head = 2 if args[0] in ("new", "set") else 1
    full = args[:head] + ["--root", str(root), "--as-of", day] + args[head:]
    result = CliRunner().invoke(cli, full, catch_exceptions=False)
    assert result.exit_code == 0, f"salesgen {' '.join(args)} (as of {day}) -> {result.exit_code}\n{result.output}"
    return result


def test_a_new_deal_walks_from_planning_to_won_with_commands_only(tmp_path):
    root = tmp_path / "pipeline"
    assert CliRunner().invoke(cli, ["init", str(root), "--as-of", "2027-01-01"]).exit_code == 0
    for day, args in steps():
        run(root, day, args)
    deal = (root / "deals" / "acme-line.yaml").read_text(encoding="utf-8")
    assert "stage: won" in deal
    # the example deal `init` wrote is left alone (its follow-ups are due): lint what the walk made
    lint = CliRunner().invoke(cli, ["lint", "--root", str(root), "--as-of", "2027-02-20",
                                    str(root / "deals" / "acme-line.yaml"), str(root / "customers" / "acme.yaml")])
    assert lint.exit_code == 0, lint.output
    assert "0 errors, 0 warnings" in lint.output
    shown = CliRunner().invoke(cli, ["show", "acme-line", "--root", str(root), "--as-of", "2027-02-20"])
    assert shown.exit_code == 0 and "▶ won" in shown.output
