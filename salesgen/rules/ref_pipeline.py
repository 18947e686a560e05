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
from ..i18n import T

from ..yamlsource import one_line

ID = "ref-pipeline"
SEVERITY = "error"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)


def check(ctx):
    pipelines = ctx.config.pipelines
    for deal in ctx.repo.deals.values():
        pipeline = pipelines.get(deal.pipeline)
        if pipeline is None:
            yield ctx.at_deal(ID, deal, ("pipeline",), T("unknown pipeline '{pipeline}'", pipeline=one_line(deal.pipeline)),
                              T("Use one of: {choices}.", choices=", ".join(one_line(p) for p in sorted(pipelines))))
            continue
        stage_ids = [s.id for s in pipeline.stages]
        if deal.stage not in stage_ids:
            yield ctx.at_deal(ID, deal, ("stage",), T("unknown stage '{stage}' in pipeline '{pipeline}'",
                                                      stage=one_line(deal.stage), pipeline=one_line(pipeline.id)),
                              T("Use one of: {choices}.", choices=", ".join(one_line(s) for s in stage_ids)))
        for entry in deal.stage_history:
            if entry.stage not in stage_ids:
                yield ctx.at_deal(ID, deal, ("stage_history", entry.index, "stage"),
                                  T("unknown stage '{stage}' in pipeline '{pipeline}'", stage=one_line(entry.stage),
                                    pipeline=one_line(pipeline.id)),
                                  T("Use one of: {choices}.", choices=", ".join(one_line(s) for s in stage_ids)))
        if deal.buyer_stage is not None and pipeline.buyer_index(deal.buyer_stage) is None:
            names = ", ".join(one_line(b) for b, _ in pipeline.buyer_stages) or T("(none defined)")
            yield ctx.at_deal(ID, deal, ("buyer_stage",),
                              T("unknown buyer stage '{stage}' in pipeline '{pipeline}'", stage=one_line(deal.buyer_stage),
                                pipeline=one_line(pipeline.id)),
                              T("Use one of: {choices}.", choices=names))
        criteria = pipeline.criteria()
        for criterion, indexes in deal.evidence.items():
            if criterion not in criteria:
                for index in indexes:
                    yield ctx.at_deal(ID, deal, ("evidence", index, "criterion"),
                                      T("unknown criterion '{criterion}' in pipeline '{pipeline}'",
                                        criterion=one_line(criterion), pipeline=one_line(pipeline.id)),
                                      T("See `salesgen rules` or the pipeline in salesgen.yaml for criterion ids."))
