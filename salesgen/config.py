"""salesgen.yaml: the roster, the pipelines, rule levels and reporting settings.

Loaded once, validated by ``schemas/config.schema.json``; problems in it are returned
as Problems (the CLI turns them into exit code 2, a configuration error).
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import fullwidth, schemas
from .i18n import Localized, T
from .problem import Problem
from .yamlsource import Mapping, decode, locate, one_line, parse

CONFIG_NAME = "salesgen.yaml"

DEFAULT_CONFIG = Path(__file__).resolve().parent / "data" / "default-config.yaml"


@functools.lru_cache(maxsize=1)
def _default_weights() -> tuple:
    """The scorecard weights of the default configuration: the one place the defaults are written."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return tuple(yaml.load(DEFAULT_CONFIG.read_text(encoding="utf-8"), Loader=loader)["scorecard"].items())


def default_weights() -> dict:
    """Factor -> weight in percent, for a salesgen.yaml without (all of) `scorecard`."""
    return dict(_default_weights())

# The weighted scorecard score a target customer reaches (target_fit). The text gives no
# number; 6.0 is the text's own customer A, the lower of its two worked examples.
DEFAULT_THRESHOLD = Decimal("6.0")

# Who holds a new interest account and who reviews and assigns it (figure 1-3: 营销中心经理,
# 营销中心总经理), as roster roles; `interest_accounts:` in salesgen.yaml changes them.
DEFAULT_ACCOUNT_ROLES = ("executive",)


@dataclass(frozen=True)
class Criterion:
    id: str
    label: dict
    kind: str  # computed | evidence | approval
    stage: str
    description: dict = field(default_factory=dict)
    check: str | None = None
    schema: dict | None = None
    evidence_accepted: bool = False
    approval: str | None = None  # kind: approval: the approval kind (project_initiation | quote | contract_review)
    approver_roles: tuple = ()  # kind: approval: roster roles that may approve it


@dataclass(frozen=True)
class Stage:
    id: str
    index: int  # 0-based position in the pipeline
    label: dict
    probability: int
    funnel: str  # prospecting | in_funnel | best | closed
    buyer_stage: str | None
    outcome: str | None  # won | lost | None
    milestone: dict
    roles: tuple
    exit: tuple  # of Criterion


@dataclass(frozen=True)
class Pipeline:
    id: str
    label: dict
    stages: tuple  # of Stage, in order, closing stages included
    buyer_stages: tuple  # of (id, label)
    learn: dict = field(default_factory=dict)  # buyer stage id -> ((item id, label), ...): what to learn there

    def stage(self, stage_id: str) -> Stage | None:
        return self._stages_by_id.get(stage_id)

    @functools.cached_property
    def _stages_by_id(self) -> dict:  # every rule asks for every deal's stage: a dict, not a scan
        stages: dict = {}
        for stage in self.stages:
            stages.setdefault(stage.id, stage)  # the first wins, as before
        return stages

    @property
    def open_stages(self) -> tuple:
        return tuple(s for s in self.stages if s.outcome is None)

    def buyer_index(self, buyer_id: str) -> int | None:
        return next((i for i, (b, _) in enumerate(self.buyer_stages) if b == buyer_id), None)

    def criteria(self) -> dict:
        return {c.id: c for s in self.stages for c in s.exit}


@dataclass(frozen=True)
class Rep:
    id: str
    name: str
    active: bool
    title: str = ""
    quota_amount: Decimal | None = None
    quota_currency: str | None = None
    left: dt.date | None = None
    roles: tuple = ()  # roles the rep holds in the company (executive, commercial...): who may approve what


@dataclass
class Config:
    path: str
    raw: Any
    reps: dict
    pipelines: dict
    title: str = "salesgen"
    language: str = "en"
    as_of: dt.date | None = None
    currency: str = "CNY"
    rates: dict = field(default_factory=dict)
    follow_up_days: int = 15
    intent_days: int = 30
    alignment_gap: int = 1
    lost_reasons: dict = field(default_factory=dict)
    weights: dict = field(default_factory=default_weights)
    scorecard_threshold: Decimal = DEFAULT_THRESHOLD
    rule_levels: dict = field(default_factory=dict)
    published_contact_fields: tuple = ()  # `publish: contact_fields:` personal fields shown on the site
    account_holder_roles: tuple = DEFAULT_ACCOUNT_ROLES  # hold a new interest account until it is assigned
    account_assigner_roles: tuple = DEFAULT_ACCOUNT_ROLES  # review a new interest account and assign it

    def holds_role(self, rep_id: str | None, roles: tuple) -> bool:
        """Whether ``rep_id`` is a rep of the roster who holds one of ``roles``."""
        rep = self.reps.get(rep_id) if rep_id else None
        return bool(rep and set(rep.roles) & set(roles))

    def label(self, label: dict | None) -> str:
        if not label:
            return ""
        text = label.get(self.language) or label.get("en") or next(iter(label.values()), "")
        # The other languages ride along, so that `lint --lang zh` shows the Chinese label of an English config
        return Localized(text, tuple(sorted((k, v) for k, v in label.items() if isinstance(v, str) and v)))


def load_config(root: Path) -> tuple[Config | None, list[Problem]]:
    path = root / CONFIG_NAME
    if not path.is_file():
        return None, [Problem(CONFIG_NAME, 0, 0, "config-missing", T("no {name} in {root}", name=CONFIG_NAME, root=root),
                              T("Run salesgen in a pipeline repository, pass --root DIR, or create one with "
                                "`salesgen init DIR`."))]
    text, problems = decode(path.read_bytes(), CONFIG_NAME)
    if text is None:
        return None, problems
    data, parse_problems = parse(text, CONFIG_NAME)
    parse_problems = [p for p in parse_problems if not _is_rule_level_off(p, data)]
    problems += parse_problems
    if data is None or problems:
        return None, problems
    problems = schemas.validate("config", data, CONFIG_NAME, skip_paths=[p.path for p in parse_problems])
    if problems:  # `probability: １０` is text to YAML: say what it is, once
        wide = fullwidth.scan(text, CONFIG_NAME)[0]
        return None, wide + [p for p in problems if p.line not in {w.line for w in wide}]
    config = _build(data)
    return config, _consistency(config, data)


def _is_rule_level_off(problem: Problem, data) -> bool:
    """`rules: {some-rule: off}` means the text "off": the one place a bare off is what it looks like."""
    path = problem.path
    return (problem.rule == "yaml-ambiguous-value" and len(path) == 2 and path[0] == "rules"
            and isinstance(data, dict) and data.get("rules", {}).get(path[1]) in ("off", "Off", "OFF"))


def _build(data: Mapping) -> Config:
    reps = {}
    for item in data["reps"]:
        quota = item.get("quota") or {}
        reps[item["id"]] = Rep(item["id"], item["name"], item.get("active", True), item.get("title", ""),
                               Decimal(str(quota["amount"])) if quota else None, quota.get("currency"),
                               dt.date.fromisoformat(item["left"]) if item.get("left") else None,
                               tuple(item.get("roles") or ()))
    pipelines = {p["id"]: _pipeline(p) for p in data["pipelines"]}
    cadence = data.get("cadence") or {}
    accounts = data.get("interest_accounts") or {}
    weights = default_weights()
    weights.update(data.get("scorecard") or {})
    return Config(
        path=CONFIG_NAME, raw=data, reps=reps, pipelines=pipelines,
        title=data.get("title", "salesgen"), language=data.get("language", "en"),
        as_of=dt.date.fromisoformat(data["as_of"]) if data.get("as_of") else None,
        currency=data.get("currency", "CNY"),
        rates={k: Decimal(str(v)) for k, v in (data.get("rates") or {}).items()},
        follow_up_days=cadence.get("follow_up_days", 15), intent_days=cadence.get("intent_days", 30),
        alignment_gap=data.get("alignment_gap", 1), lost_reasons=dict(data.get("lost_reasons") or {}),
        weights=weights,
        scorecard_threshold=Decimal(str(data.get("scorecard_threshold", DEFAULT_THRESHOLD))),
        rule_levels={k: str(v).lower() for k, v in (data.get("rules") or {}).items()},
        published_contact_fields=tuple((data.get("publish") or {}).get("contact_fields") or ()),
        account_holder_roles=tuple(accounts.get("held_by") or DEFAULT_ACCOUNT_ROLES),
        account_assigner_roles=tuple(accounts.get("assigned_by") or DEFAULT_ACCOUNT_ROLES),
    )


def _pipeline(data: Mapping) -> Pipeline:
    stages = []
    for index, s in enumerate(data["stages"]):
        exit_criteria = tuple(
            Criterion(c["id"], c["label"], c["kind"], s["id"], c.get("description") or {}, c.get("check"),
                      c.get("schema"), c.get("evidence_accepted", False),
                      (c.get("approval") or {}).get("kind"), tuple((c.get("approval") or {}).get("roles") or ()))
            for c in s.get("exit") or ())
        stages.append(Stage(s["id"], index, s["label"], s["probability"], s["funnel"], s.get("buyer_stage"),
                            s.get("outcome"), s.get("milestone") or {}, tuple(s.get("roles") or ()), exit_criteria))
    buyer = tuple((b["id"], b["label"]) for b in data.get("buyer_stages") or ())
    learn = {b["id"]: tuple((i["id"], i["label"]) for i in b.get("learn") or ()) for b in data.get("buyer_stages") or ()}
    return Pipeline(data["id"], data["label"], tuple(stages), buyer, learn)


def _currency_problems(data: Mapping) -> list[Problem]:
    """The reporting currency, the codes under ``rates:`` and quota currencies are ISO 4217 codes."""
    from . import currencies
    from .rules import currency_unknown

    places = [(("currency",), data.get("currency"), False)]
    places += [(("rates", code), code, True) for code in data.get("rates") or ()]
    places += [(("reps", i, "quota", "currency"), (rep.get("quota") or {}).get("currency"), False)
               for i, rep in enumerate(data["reps"])]
    problems = []
    for path, code, is_key in places:
        if code is not None and not currencies.is_known(code):
            line, column = locate(data, path, key=is_key)
            problems.append(Problem(CONFIG_NAME, line, column, currency_unknown.ID, currency_unknown.message(code),
                                    currencies.hint(code), path=path))
    return problems


def _consistency(config: Config, data: Mapping) -> list[Problem]:
    """What the schema cannot say: unique ids, known check names, buyer stages that exist."""
    from .analytics.insight import FROM_DATA  # late imports: they need the model, not the config
    from .criteria import NAMED_CHECKS

    learnable = set(FROM_DATA) | set(schemas.load_schema("deal")["properties"]["buyer_insight"]["properties"])

    problems = []

    def problem(path, rule, message, hint, key=False):
        line, column = locate(data, path, key=key)
        problems.append(Problem(CONFIG_NAME, line, column, rule, message, hint, path=path))

    problems.extend(_currency_problems(data))
    weights = default_weights()
    weights.update(data.get("scorecard") or {})
    total = sum(weights.values())
    if total != 100:
        where = ("scorecard",) if "scorecard" in data else ()
        problem(where, "config-scorecard", T("the scorecard weights add up to {total} %, not 100 %", total=format(total, "g")),
                T("Make the weights under `scorecard:` add up to 100 (table 4-2: 10, 10, 10, 20, 20, 10, 20); "
                  "salesgen does not rescale them."), key=True)
    seen = set()
    for i, rep in enumerate(data["reps"]):
        if rep["id"] in seen:
            problem(("reps", i, "id"), "config-duplicate-id", T("rep id '{id}' appears twice", id=one_line(rep['id'])),
                    T("Give every rep a unique id."))
        seen.add(rep["id"])
    pipeline_ids = set()
    for p_index, pipe in enumerate(data["pipelines"]):
        if pipe["id"] in pipeline_ids:
            problem(("pipelines", p_index, "id"), "config-duplicate-id",
                    T("pipeline id '{id}' appears twice", id=one_line(pipe['id'])), T("Give every pipeline a unique id."))
        pipeline_ids.add(pipe["id"])
        buyer_ids = {b["id"] for b in pipe.get("buyer_stages") or ()}
        for b_index, buyer in enumerate(pipe.get("buyer_stages") or ()):
            for i_index, item in enumerate(buyer.get("learn") or ()):
                if item["id"] not in learnable:
                    problem(("pipelines", p_index, "buyer_stages", b_index, "learn", i_index, "id"), "config-reference",
                            T("unknown item to learn '{item}'", item=one_line(item["id"])),
                            T("Use one of: {choices} (keys of a deal's `buyer_insight`).",
                              choices=", ".join(sorted(learnable))))
        stage_ids, criterion_ids = set(), set()
        for s_index, stage in enumerate(pipe["stages"]):
            base = ("pipelines", p_index, "stages", s_index)
            if stage["id"] in stage_ids:
                problem(base + ("id",), "config-duplicate-id", T("stage id '{id}' appears twice", id=one_line(stage['id'])),
                        T("Give every stage of a pipeline a unique id."))
            stage_ids.add(stage["id"])
            if stage.get("buyer_stage") and stage["buyer_stage"] not in buyer_ids:
                problem(base + ("buyer_stage",), "config-reference",
                        T("buyer stage '{stage}' is not in this pipeline's buyer_stages",
                          stage=one_line(stage['buyer_stage'])),
                        T("Use one of: {choices}.",
                          choices=", ".join(one_line(b) for b in sorted(buyer_ids)) or T("(none defined)")))
            for c_index, crit in enumerate(stage.get("exit") or ()):
                if crit["id"] in criterion_ids:
                    problem(base + ("exit", c_index, "id"), "config-duplicate-id",
                            T("criterion id '{id}' appears twice in pipeline '{pipeline}'", id=one_line(crit['id']),
                              pipeline=one_line(pipe['id'])),
                            T("Give every criterion of a pipeline a unique id."))
                criterion_ids.add(crit["id"])
                if crit.get("check") and crit["check"] not in NAMED_CHECKS:
                    problem(base + ("exit", c_index, "check"), "config-reference",
                            T("unknown named check '{check}'", check=one_line(crit['check'])),
                            T("Use one of: {choices}, or a `schema:` fragment.", choices=", ".join(sorted(NAMED_CHECKS))))
                if crit.get("schema") is not None:
                    why = schemas.fragment_schema_error(crit["schema"])
                    if why is not None:
                        problem(base + ("exit", c_index, "schema"), "config-schema",
                                T("criterion '{id}' has an invalid schema fragment: {why}", id=one_line(crit["id"]),
                                  why=one_line(why)),
                                T("Write a JSON Schema (2020-12) fragment over the deal."))
        if not any(s.get("outcome") == "won" for s in pipe["stages"]):
            problem(("pipelines", p_index, "stages"), "config-schema",
                    T("pipeline '{id}' has no stage with `outcome: won`", id=one_line(pipe['id'])),
                    T("Mark the closing stage with `outcome: won` (and the lost stage with `outcome: lost`)."))
    return problems
