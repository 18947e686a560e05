"""The deal team has every role its stage needs (销售团队分工).

The team sells together, and each role joins at a defined stage: a stage's `roles` in
salesgen.yaml are needed from that stage on (by default presales from the demo,
an executive from the evaluation, commercial, finance and legal in the negotiation,
implementation once won). A deal needs the roles of its own stage and of every open
stage before it; a lost deal needs none. Roles are rep ids under `team:`.

Passing:

```yaml
stage: evaluation
team: {presales: zeng-xueming, executive: zhao-wei}
```

Failing:

```yaml
stage: evaluation
team: {presales: zeng-xueming}   # team-roles: no executive, needed from 'evaluation' on
```
"""
from __future__ import annotations

from ..yamlsource import one_line

ID = "team-roles"
SEVERITY = "error"


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
                              f"the deal team has no {role}, needed from stage '{label(since.label)}' "
                              f"({one_line(since.id)}) on; the deal is in '{label(stage.label)}' ({one_line(stage.id)})",
                              f"Add `{role}: <rep id>` under `team:` (a rep from the roster in salesgen.yaml).",
                              key="team" in deal.raw)
