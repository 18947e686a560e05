"""Pipelines, stages, buyer stages and criterion ids named in a deal exist in salesgen.yaml.

Passing:

```yaml
pipeline: project
stage: demo
buyer_stage: criteria_set
evidence:
  - {criterion: demo_done, date: 2026-09-01, ref: 技术交流纪要}
```

Failing:

```yaml
pipeline: project
stage: demonstration   # ref-pipeline: no such stage in pipeline 'project'
```
"""
from __future__ import annotations

from ..yamlsource import one_line

ID = "ref-pipeline"
SEVERITY = "error"


def check(ctx):
    pipelines = ctx.config.pipelines
    for deal in ctx.repo.deals.values():
        pipeline = pipelines.get(deal.pipeline)
        if pipeline is None:
            yield ctx.at_deal(ID, deal, ("pipeline",), f"unknown pipeline '{one_line(deal.pipeline)}'",
                              f"Use one of: {', '.join(one_line(p) for p in sorted(pipelines))}.")
            continue
        stage_ids = [s.id for s in pipeline.stages]
        if deal.stage not in stage_ids:
            yield ctx.at_deal(ID, deal, ("stage",),
                              f"unknown stage '{one_line(deal.stage)}' in pipeline '{one_line(pipeline.id)}'",
                              f"Use one of: {', '.join(one_line(s) for s in stage_ids)}.")
        for entry in deal.stage_history:
            if entry.stage not in stage_ids:
                yield ctx.at_deal(ID, deal, ("stage_history", entry.index, "stage"),
                                  f"unknown stage '{one_line(entry.stage)}' in pipeline '{one_line(pipeline.id)}'",
                                  f"Use one of: {', '.join(one_line(s) for s in stage_ids)}.")
        if deal.buyer_stage is not None and pipeline.buyer_index(deal.buyer_stage) is None:
            names = ", ".join(one_line(b) for b, _ in pipeline.buyer_stages) or "(none defined)"
            yield ctx.at_deal(ID, deal, ("buyer_stage",),
                              f"unknown buyer stage '{one_line(deal.buyer_stage)}' in pipeline '{one_line(pipeline.id)}'",
                              f"Use one of: {names}.")
        criteria = pipeline.criteria()
        for criterion, indexes in deal.evidence.items():
            if criterion not in criteria:
                for index in indexes:
                    yield ctx.at_deal(ID, deal, ("evidence", index, "criterion"),
                                      f"unknown criterion '{one_line(criterion)}' in pipeline '{one_line(pipeline.id)}'",
                                      "See `salesgen rules` or the pipeline in salesgen.yaml for criterion ids.")
