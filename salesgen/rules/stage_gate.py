"""A deal sits in a stage only when the exit criteria of every stage before it are met.

"What is said is done, what is done is seen": each stage ends with a milestone, and
its exit criteria (`exit:` of the stage in salesgen.yaml) must be met before the deal
moves on. A deal in stage N must therefore meet the exit criteria of every open stage
before N (a won deal: of all of them; a lost deal: none). A `computed` criterion is
checked from the data (a named check, or a JSON Schema fragment over the deal); an
`evidence` criterion needs an `evidence:` entry with its id, dated on or before the
as-of date, and a `ref` saying what shows it; an `approval` criterion (销售项目立项,
报价审批, 合同评审) needs an `approvals:` record of its kind by a rep who holds one of
the roles the criterion names (`roles:` in the roster): evidence alone does not meet
it (approval-four-eyes reports an approval by the owner or by a rep who had left). Evidence dated after the day the deal left the
stage is reported by `evidence-late`, not here. One problem is reported per unmet
criterion, on the deal's `stage` line; a waiver with `criterion:` covers just that one.

Passing:

```yaml
pipeline: project
stage: visit
customer: temp          # customers/temp.yaml has all seven scorecard factors
stakeholders:
  - {contact: temp-li-hua, handler: true, closeness: frequent}
activities:
  - {date: 2026-09-02, type: visit, summary: 拜访李华，现场查看冲压线}
evidence:
  - {criterion: interest_confirmed, date: 2026-08-28, kind: email, ref: 李华邮件确认有兴趣}
```

Failing:

```yaml
pipeline: project
stage: visit            # stage-gate: 'Interest confirmed' (interest_confirmed) of stage 'planning' is not met
stakeholders:
  - {contact: temp-li-hua, handler: true, closeness: frequent}
activities:
  - {date: 2026-09-02, type: visit, summary: 拜访李华，现场查看冲压线}
evidence: []
```
"""
from __future__ import annotations

from ..criteria import NAMED_CHECKS, Env, evaluate, reads, required_before
from ..yamlsource import one_line
from ..i18n import Message, T, any_of, join

ID = "stage-gate"
SEVERITY = "error"
SCOPE = "deal"  # each deal's problems come from that deal alone (with the customers and the configuration)


def check(ctx):
    required: dict = {}  # (pipeline id, stage id) -> criteria; computed once per stage, not per deal
    for deal, stage in ctx.known_deals():
        pipeline = ctx.pipeline_of(deal)
        key = (pipeline.id, stage.id)
        criteria = required.get(key)
        if criteria is None:
            criteria = required[key] = required_before(pipeline, stage)
        if not criteria:
            continue
        customer = ctx.customer_of(deal)
        damaged = _damaged(ctx, deal, customer)
        for criterion in criteria:
            if not evaluate(deal, customer, criterion, ctx.as_of, ctx.config).met:
                if damaged and _depends_on(criterion, damaged):
                    continue  # judged on data left out for its own problem: that problem is the message
                yield _problem(ctx, deal, stage, pipeline, customer, criterion)


def _damaged(ctx, deal, customer) -> set:
    """Keys whose data was left out of the model for a problem: the deal's, and "customer.<key>" of its customer.

    "customer.*" when the customer's file defines it but could not be read at all.
    """
    damaged = set(ctx.repo.left_out(deal.file))
    if customer is not None:
        damaged.update(f"customer.{key}" for key in ctx.repo.left_out(customer.file))
    elif ("customer", deal.customer) in ctx.repo.unbuilt:
        damaged.add("customer.*")
    return damaged


def _depends_on(criterion, damaged: set) -> bool:
    keys = reads(criterion)
    if keys is None:
        return True
    return not keys.isdisjoint(damaged) or ("customer.*" in damaged and any(k.startswith("customer.") for k in keys))


def _problem(ctx, deal, stage, pipeline, customer, criterion):
    label = ctx.label
    owner_stage = pipeline.stage(criterion.stage)
    message = T("exit criterion '{criterion}' ({criterion_id}) of stage '{owner}' ({owner_id}) is not met, "
                "but the deal is in stage '{stage}' ({stage_id})", criterion=label(criterion.label),
                criterion_id=one_line(criterion.id), owner=label(owner_stage.label), owner_id=one_line(owner_stage.id),
                stage=label(stage.label), stage_id=one_line(stage.id))
    return ctx.at_deal(ID, deal, ("stage",), message, _hint(ctx, deal, customer, criterion), subject=criterion.id)


def _hint(ctx, deal, customer, criterion) -> str:
    values = {"file": deal.file, "criterion": one_line(criterion.id), "as_of": ctx.as_of}
    record = T("add under `evidence:` in {file}: `- {{criterion: {criterion}, date: YYYY-MM-DD, "
               "kind: document|meeting|form|email|person|other, ref: <what shows it>}}`, dated on or before "
               "{as_of}", **values)
    if criterion.kind == "approval":
        return approval_hint(ctx, deal, criterion)
    if criterion.kind == "evidence":
        description = ctx.config.label({lang: text.strip().rstrip(".。") for lang, text
                                        in (criterion.description or {}).items() if isinstance(text, str)})
        hint = (T("Once it is done ({description}), {record}.", description=description, record=record)
                if description else
                T("Add under `evidence:` in {file}: `- {{criterion: {criterion}, date: YYYY-MM-DD, "
                  "kind: document|meeting|form|email|person|other, ref: <what shows it>}}`, dated on or before "
                  "{as_of}.", **values))
        late = [date for date, _ in deal.evidence_of(criterion.id) if date > ctx.as_of]
        if late:
            hint = T("{hint} The evidence recorded for it is dated {date}, after the as-of date {as_of}.",
                     hint=hint, date=min(late), as_of=ctx.as_of)
        return hint
    parts = []
    if criterion.check and not NAMED_CHECKS[criterion.check](deal, customer, Env(ctx.as_of, ctx.config)):
        needed = Message(needed_data(criterion.check))
        where = deal.file
        if customer is not None and criterion.check in _CUSTOMER_CHECKS:
            where = T("{deal} and {customer}", deal=deal.file, customer=customer.file)
        parts.append(T("Missing data: {needed} (in {where}).", needed=needed, where=where))
    elif criterion.schema is not None:
        parts.append(T("Missing data: {error} (the criterion's `schema:` in salesgen.yaml).",
                       error=_first_schema_error(criterion.schema, deal.raw)))
    if criterion.evidence_accepted:
        parts.append(T("Or {record}.", record=record))
    return join(parts, " ")


def needed_data(check: str) -> str:
    """What a named check needs, from its docstring: a msgid of the catalogue."""
    needed = (NAMED_CHECKS[check].__doc__ or check).strip().rstrip(".")
    return needed[0].lower() + needed[1:]


def approval_hint(ctx, deal, criterion) -> str:
    """What approval record would meet an approval criterion, and why the ones recorded do not."""
    roles = any_of(criterion.approver_roles) or T("any")
    holders = [one_line(r.id) for r in ctx.config.reps.values() if r.active and r.id != deal.owner
               and set(r.roles) & set(criterion.approver_roles)]
    hint = T("Evidence alone does not meet it: have it approved by a rep with the role {roles}, not the "
             "owner ({holders}) and add under `approvals:` in {file}: `- {{kind: {kind}, date: YYYY-MM-DD, "
             "approver: <rep id>, ref: <form>}}`, dated on or before {as_of}.", roles=roles,
             holders=", ".join(holders[:4]) or T("give a manager `roles:` in the roster"), file=deal.file,
             kind=criterion.approval, as_of=ctx.as_of)
    recorded = [a for a in deal.get("approvals") or () if a["kind"] == criterion.approval]
    if recorded:
        first = recorded[0]
        rep = ctx.config.reps.get(first["approver"])
        why = (T("is dated after {as_of}", as_of=ctx.as_of) if first["date"] > ctx.as_of.isoformat() else
               T("holds none of the roles {roles}", roles=roles)
               if rep is not None and not set(rep.roles) & set(criterion.approver_roles)
               else T("is not in the roster"))
        hint = T("{hint} The approval recorded ({date}, {approver}) does not count: the approver {why}.",
                 hint=hint, date=first["date"], approver=one_line(first["approver"]), why=why)
    return hint


# Named checks that read the customer file too (the hint then names both files).
_CUSTOMER_CHECKS = {"scorecard_filled", "target_fit", "buying_process_mapped", "org_chart", "decision_makers_known",
                    "handler_reached", "visit_booked"}


def _first_schema_error(fragment: dict, document) -> str:
    from ..schemas import validator_for_fragment

    error = next(iter(validator_for_fragment(fragment).iter_errors(document)), None)
    if error is None:  # pragma: no cover - only called for a deal the fragment rejected
        return "the deal does not match the criterion's schema"
    where = one_line(".".join(str(part) for part in error.absolute_path))
    # jsonschema's message quotes the whole value, however long: then say it in our words
    quoted = repr(error.instance)
    what = error.message if len(quoted) <= 60 or quoted not in error.message else \
        f"'{one_line(error.instance)}' does not meet {error.validator}"
    return f"{where}: {what}" if where else what
