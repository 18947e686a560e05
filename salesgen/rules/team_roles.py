"""The deal team has every role its stage needs (销售团队分工).

The team sells together, and each role joins at a defined stage: a stage's `roles` in
salesgen.yaml are needed from that stage on. By default, as the text divides the work:
presales from the demo (技术交流阶段需要售前技术支持人员), a consultant from requirements
research and solution design (需求调研与方案确认阶段需要技术咨询专家或顾问), an executive
from the evaluation and for the signing (项目评估阶段可以申请公司高层资源; 签约成交阶段需要
高层来互动), commercial, finance and legal in the negotiation (商务、财务、法律等相关人员),
implementation once won (销售转实施). A deal needs the roles of its own stage and of every open
stage before it; a lost deal needs none. Roles are rep ids under `team:`.

Passing:

```yaml
stage: evaluation
team: {presales: zeng-xueming, consultant: zhou-lin, executive: zhao-wei}
```

Failing:

```yaml
stage: evaluation
team: {presales: zeng-xueming, executive: zhao-wei}   # team-roles: no consultant, needed from 'design' on
```
"""
from __future__ import annotations

from ..yamlsource import one_line
from ..i18n import T
from .handover_pending import ROLES  # the role words, shared

ID = "team-roles"
SEVERITY = "error"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)
READS = ("team",)


def roles_by_stage(pipeline) -> dict:
    """stage id -> ((role, stage that first needs it), ...) for every stage; lost stages need none."""
    table, needed = {}, {}
    for stage in pipeline.stages:
        if stage.outcome == "lost":
            table[stage.id] = ()
            continue
        for role in stage.roles:
            needed.setdefault(role, stage)
        table[stage.id] = tuple(needed.items())
    return table




def check(ctx):
    tables: dict = {}  # pipeline id -> roles_by_stage; once per pipeline
    label = ctx.label
    for deal, stage in ctx.known_deals():
        pipeline = ctx.pipeline_of(deal)
        table = tables.get(pipeline.id)
        if table is None:
            table = tables[pipeline.id] = roles_by_stage(pipeline)
        for role, since in table[stage.id]:
            if deal.team.get(role):
                continue
            path = ("team",) if "team" in deal.raw else ("stage",)
            yield ctx.at_deal(ID, deal, path,
                              T("the deal team has no {role}, needed from stage '{since}' ({since_id}) on; "
                                "the deal is in '{stage}' ({stage_id})", role=ROLES.get(role, role),
                                since=label(since.label), since_id=one_line(since.id), stage=label(stage.label),
                                stage_id=one_line(stage.id)),
                              T("Add `{role}: <rep id>` under `team:` (a rep from the roster in salesgen.yaml).",
                                role=role),
                              key="team" in deal.raw)
