"""Synthetic pipeline repositories: realistic, valid, deterministic, of any size.

``generate(target, deals=10_000, customers=2_000, contacts=30_000, seed=1)`` writes a
``salesgen.yaml`` (the default configuration with a generated roster and an ``as_of``
date), ``customers/*.yaml`` and ``deals/*.yaml``. Used by the benchmarks and tests, and
for demos (`salesgen generate`).

Everything a deal must satisfy is derived from the pipeline definitions, not
hard-coded: a deal sitting in stage N meets the exit criteria of every stage before N
(an evidence record for ``kind: evidence``; the data a named check or a schema
fragment looks at for ``kind: computed``), has the team roles of the stages it
reached, a stage history ending in its stage, activities inside the 1-15-30 cadence
windows before ``as_of``, approvals by an active rep other than the owner, and, when
closed, a contract whose payments sum to its value or a configured lost reason. The
same seed and sizes give byte-identical files.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Config, Stage, load_config
from .criteria import NAMED_CHECKS, SCORECARD_FACTORS, Env

DEFAULT_AS_OF = dt.date(2026, 11, 20)
ROLE_POOLS = ("presales", "consultant", "executive", "commercial", "finance", "legal", "implementation")
# Share of deals per outcome; open deals thin out along the funnel as real pipelines do.
OUTCOME_WEIGHTS = {"lost": 30, "won": 20, "open": 50}
PROJECT_SHARE = 0.8


class GenerationError(Exception):
    """The generator could not satisfy a criterion of the configuration (a bug, or a custom fragment)."""


@dataclass
class Summary:
    deals: int
    customers: int
    contacts: int
    reps: int
    files: int  # data files (deals and customers)
    bytes: int  # their total size
    stages: dict = field(default_factory=dict)  # (pipeline, stage) -> count


@dataclass
class _Rep:
    id: str
    name: str
    title: str
    pool: str  # account | presales | ... | manager


def generate(target: Path, *, deals: int = 10_000, customers: int = 2_000, contacts: int | None = None,
             seed: int = 1, as_of: dt.date = DEFAULT_AS_OF, config_text: str | None = None) -> Summary:
    """Write a synthetic repository into ``target`` (created; must not hold a salesgen.yaml already)."""
    target = Path(target)
    if (target / "salesgen.yaml").exists():
        raise FileExistsError(f"{target / 'salesgen.yaml'} exists: generate into an empty folder")
    customers = max(1, customers)
    contacts = contacts if contacts is not None else customers * 15
    rng = random.Random(seed)
    roster = _roster(rng, deals)
    target.mkdir(parents=True, exist_ok=True)
    (target / "salesgen.yaml").write_text(_config_text(config_text, roster, as_of, seed), encoding="utf-8")
    config, problems = load_config(target)
    if config is None or problems:
        raise GenerationError("; ".join(p.message for p in problems) or "configuration did not load")
    writer = _Writer(target)
    world = _World(rng, config, roster, as_of)
    accounts = world.customers(customers, contacts)
    counts: dict = {}
    for index in range(deals):
        account = world.pick_account(accounts)
        deal = world.deal(account, index)
        counts[(deal["pipeline"], deal["stage"])] = counts.get((deal["pipeline"], deal["stage"]), 0) + 1
        writer.write("deals", deal["id"], deal, f"# {deal['name']}: synthetic deal (salesgen generate, seed {seed})")
    for account in accounts:
        writer.write("customers", account.doc["id"], world.finish_customer(account),
                     f"# {account.doc['name']}: synthetic customer (salesgen generate, seed {seed})")
    return Summary(deals, len(accounts), sum(len(a.contacts) for a in accounts), len(roster), writer.files,
                   writer.bytes, dict(sorted(counts.items())))


# --- configuration and roster ---------------------------------------------------------------

def _default_config_text() -> str:
    return (Path(__file__).resolve().parent / "data" / "default-config.yaml").read_text(encoding="utf-8")


def _config_text(base: str | None, roster: list, as_of: dt.date, seed: int) -> str:
    """The default configuration with this roster and as_of (comments kept)."""
    text = base if base is not None else _default_config_text()
    lines = ["reps:"]
    for rep in roster:
        lines += [f"  - id: {rep.id}", f"    name: {rep.name}", f"    title: {emit.scalar(rep.title)}"]
        if rep.pool == "account":
            lines.append("    quota: {amount: 8000000, currency: CNY}")
        if rep.pool == "left":
            lines += ["    active: false", f"    left: {as_of - dt.timedelta(days=200)}"]
        if POOL_ROLES.get(rep.pool):
            lines.append(f"    roles: [{', '.join(POOL_ROLES[rep.pool])}]")
    block = "\n".join(lines) + "\n"
    text, found = re.subn(r"(?m)^reps:[^\n]*\n(?:(?:[ \t-][^\n]*)?\n)*", lambda _m: block, text, count=1)
    if not found:
        raise GenerationError("the base configuration has no top-level `reps:` block")
    text = re.sub(r"(?m)^as_of:[^\n]*\n", "", text)
    text = re.sub(r"(?m)^title:[^\n]*$", lambda _m: f"title: Synthetic pipeline (seed {seed})", text, count=1)
    return text.replace(block, f"as_of: {as_of}   # snapshot date of the synthetic data\n\n{block}", 1)


# What each pool may approve (roster `roles:`): sales directors approve projects and quotes.
POOL_ROLES = {"manager": ("executive", "commercial"), "executive": ("executive",), "commercial": ("commercial",),
              "finance": ("finance",), "legal": ("legal",)}


def _roster(rng: random.Random, deals: int) -> list:
    """Account managers scale with the number of deals; the other roles with them."""
    accounts = max(3, deals // 200)
    sizes = {"manager": 3, "account": accounts, "presales": max(2, accounts // 4), "consultant": max(1, accounts // 8),
             "executive": 2, "commercial": max(1, accounts // 15), "finance": max(1, accounts // 25),
             "legal": max(1, accounts // 25), "implementation": max(2, accounts // 6), "left": 1}
    titles = {"manager": "销售总监 (Sales Director)", "account": "客户经理 (Account Manager)",
              "presales": "售前工程师 (Presales Engineer)", "consultant": "咨询顾问 (Consultant)",
              "executive": "副总经理 (Vice President)", "commercial": "商务经理 (Commercial Manager)",
              "finance": "财务经理 (Finance Manager)", "legal": "法务 (Legal Counsel)",
              "implementation": "实施工程师 (Implementation Engineer)", "left": "客户经理 (Account Manager)"}
    used: set = set()
    roster = []
    for pool, size in sizes.items():
        for _ in range(size):
            name, slug = _person(rng)
            ident = _unique(slug, used)
            roster.append(_Rep(ident, name, titles[pool], pool))
    return roster


def _person(rng: random.Random) -> tuple[str, str]:
    surname, s_pinyin = rng.choice(SURNAMES)
    given, g_pinyin = rng.choice(GIVEN)
    return surname + given, f"{s_pinyin}-{g_pinyin}"


def _unique(slug: str, used: set) -> str:
    """``slug``, or ``slug-2``, ``slug-3``...: unique, and within the 64 characters of an id."""
    slug = slug[:64].rstrip("-")
    candidate, n = slug, 1
    while candidate in used:
        n += 1
        candidate = f"{slug[:60].rstrip('-')}-{n}"
    used.add(candidate)
    return candidate


# --- customers --------------------------------------------------------------------------------

@dataclass
class _Account:
    doc: dict
    contacts: list  # contact dicts
    top: dict  # the decision-level contact
    weight: float
    short: str  # the name people use: city and brand
    deals: list = field(default_factory=list)  # (highest open stage index reached, outcome, initiated)


class _World:
    def __init__(self, rng: random.Random, config: Config, roster: list, as_of: dt.date) -> None:
        self.rng, self.config, self.as_of = rng, config, as_of
        self.pools: dict = {}
        for rep in roster:
            self.pools.setdefault(rep.pool, []).append(rep.id)
        self.managers = self.pools["manager"] + self.pools["executive"]
        self.approvers: dict = {}  # role -> rep ids holding it
        for rep in roster:
            for role in POOL_ROLES.get(rep.pool, ()):
                self.approvers.setdefault(role, []).append(rep.id)
        self.used_ids: set = set()
        self.pipelines = list(config.pipelines.values())
        self.lost_codes = sorted(config.lost_reasons) or ["other"]
        self._cumulative: list = []

    def customers(self, count: int, contacts: int) -> list:
        rng = self.rng
        per = [2] * count
        for _ in range(max(0, contacts - 2 * count)):
            per[rng.randrange(count)] += 1
        accounts = []
        for index in range(count):
            city, c_py = rng.choice(CITIES)
            core, k_py = rng.choice(COMPANIES)
            industry, i_py, i_en = rng.choice(INDUSTRIES)
            ident = _unique(f"{c_py}-{k_py}-{i_py}", self.used_ids)
            doc = {
                "id": ident, "name": f"{city}{core}{industry}有限公司", "type": "organization",
                "owner": rng.choice(self.pools["account"]), "industry": f"{industry} ({i_en})",
                "region": city, "website": f"www.{c_py}{k_py}.com.cn", "employees": rng.randrange(80, 8000),
                "since": self.as_of - dt.timedelta(days=rng.randrange(400, 3000)),
                "summary": f"{city}{industry}企业，年营收约{rng.randrange(2, 90)}亿元，"
                           f"{rng.choice(('信誉良好', '付款较慢', '扩产中', '正在数字化改造'))}。",
            }
            people = self._contacts(ident, per[index])
            accounts.append(_Account(doc, people, people[0], rng.paretovariate(1.2), f"{city}{core}"))
        total = 0.0
        for account in accounts:
            total += account.weight
            self._cumulative.append(total)
        return accounts

    def _contacts(self, customer: str, count: int) -> list:
        rng = self.rng
        people, managers = [], []
        for index in range(count):
            name, slug = _person(rng)
            ident = _unique(f"{customer}-{slug}", self.used_ids)
            if index == 0:
                person = {"id": ident, "name": name, "title": "总经理", "department": "总经理办公室", "level": "decision",
                          "motives": {"personality": rng.choice(("果断，重结果", "稳重，重数据", "谨慎，集体决策",
                                                                 "务实，重服务"))}}
            else:
                department, function, title = rng.choice(DEPARTMENTS)
                level = "management" if index < 1 + max(1, count // 4) else "operational"
                boss = people[0] if level == "management" else rng.choice(managers)
                person = {"id": ident, "name": name, "title": title if level == "management" else f"{department}专员",
                          "department": department, "level": level, "function": function,
                          "reports_to": boss["id"]}
                if level == "management":
                    managers.append(person)
            if rng.random() < 0.7:
                person["phone"] = f"{rng.randrange(130, 190)}{rng.randrange(10**7, 10**8)}"
            if index and rng.random() < 0.2:
                person["motives"] = {"job_concerns": rng.sample(CONCERNS, 2),
                                     "personal_needs": rng.sample(NEEDS, 2)}
            people.append(person)
        return people

    def pick_account(self, accounts: list) -> _Account:
        import bisect

        point = self.rng.random() * self._cumulative[-1]
        return accounts[min(bisect.bisect_left(self._cumulative, point), len(accounts) - 1)]

    def finish_customer(self, account: _Account) -> dict:
        """Account type, scorecard and buying process follow from the customer's deals."""
        doc, rng = account.doc, self.rng
        has_deals = bool(account.deals)
        if has_deals:  # a customer we sell to is a target: its scorecard reaches the threshold
            doc["evaluation"] = {factor: rng.randrange(6, 11) for factor in SCORECARD_FACTORS}
        elif rng.random() < 0.5:
            doc["evaluation"] = {factor: rng.randrange(3, 11) for factor in SCORECARD_FACTORS}
        if any(reached >= 1 for reached, _, _ in account.deals) or rng.random() < 0.3:
            doc["buying_process"] = [{"step": step, "owner": account.top["id"]} for step in
                                     ("发现问题，提出要求", "研究可行性，确定预算", "项目立项，组建采购小组",
                                      "建立采购标准", "招标，初步筛选", "确定首选供应商", "合同审核，商务谈判", "签约")]
        doc["type"] = _account_type(account.deals)
        doc["contacts"] = account.contacts
        if doc["type"] == "interest":
            doc = self._assigned(doc)
        return doc

    def _assigned(self, doc: dict) -> dict:
        """Figure 1-3: an interest account an account manager owns was assigned by the head of sales.

        The assigner and the day follow from the id and ``since`` (no draw from the random
        stream, so every other file stays as the same seed made it before)."""
        config = self.config
        holders = {r for role in config.account_holder_roles for r in self.approvers.get(role, ())}
        assigners = sorted({r for role in config.account_assigner_roles for r in self.approvers.get(role, ())}
                           - {doc["owner"]})
        if doc["owner"] in holders or not assigners:
            return doc
        record = {"by": assigners[sum(map(ord, doc["id"])) % len(assigners)],
                  "date": min(doc["since"] + dt.timedelta(days=1), self.as_of)}
        ordered = {}
        for key, value in doc.items():  # written right under `owner:`, as a person would
            ordered[key] = value
            if key == "owner":
                ordered["assigned"] = record
        return ordered

    # --- deals ---------------------------------------------------------------------------------

    def deal(self, account: _Account, index: int) -> dict:
        rng, as_of = self.rng, self.as_of
        pipeline = self.pipelines[0] if rng.random() < PROJECT_SHARE or len(self.pipelines) == 1 \
            else rng.choice(self.pipelines[1:])
        opened = list(pipeline.open_stages)
        won = next(s for s in pipeline.stages if s.outcome == "won")
        lost = next((s for s in pipeline.stages if s.outcome == "lost"), None)
        outcome = rng.choices(list(OUTCOME_WEIGHTS), weights=list(OUTCOME_WEIGHTS.values()))[0]
        if outcome == "lost" and lost is None:
            outcome = "won"
        project = pipeline is self.pipelines[0]
        span = (8, 45) if project else (3, 18)
        if outcome == "open":
            # funnel shape: earlier stages hold more deals
            reached = rng.choices(range(len(opened)), weights=[len(opened) - i + 1 for i in range(len(opened))])[0]
            path = opened[: reached + 1]
            end = as_of - dt.timedelta(days=rng.randrange(0, 35))
        elif outcome == "won":
            path = opened + [won]
            end = as_of - dt.timedelta(days=rng.randrange(1, 720))
        else:
            path = opened[: rng.randrange(1, len(opened) + 1)] + [lost]
            end = as_of - dt.timedelta(days=rng.randrange(1, 720))
        # stage entry dates, walking back from the last one
        entered = [end]
        for _ in path[1:]:
            entered.insert(0, entered[0] - dt.timedelta(days=rng.randrange(*span)))
        stage = path[-1]
        owner = account.doc["owner"] if rng.random() < 0.85 else rng.choice(self.pools["account"])
        product, p_en = rng.choice(PROJECTS[0 if project else 1])
        ident = _unique(f"{account.doc['id']}-{p_en}-{entered[0].year}", self.used_ids)
        amount = rng.randrange(20, 2000) * 10_000 if project else rng.randrange(5, 300) * 1_000
        currency = rng.choices(("CNY", "USD", "EUR"), weights=(90, 7, 3))[0]
        if currency not in self.config.rates and currency != self.config.currency:
            currency = self.config.currency
        doc: dict = {
            "id": ident, "name": f"{account.short}{product}", "customer": account.doc["id"],
            "owner": owner, "pipeline": pipeline.id, "stage": stage.id,
        }
        buyer = _buyer_stage(path)
        if buyer:
            doc["buyer_stage"] = buyer
        close = (as_of + dt.timedelta(days=rng.randrange(20, 300))) if outcome == "open" else end
        doc.update({"amount": amount, "currency": currency, "expected_close": close, "created": entered[0],
                    "source": rng.choice(("展会", "老客户介绍", "电话邀约", "官网询盘", "渠道伙伴"))})
        reached_open = [s for s in path if s.outcome is None]
        team = self._team(path, owner)
        if team:
            doc["team"] = team
        holders = self._stakeholders(account, len(reached_open), project, outcome == "open")
        doc["stakeholders"] = holders
        code = self.lost_codes[index % len(self.lost_codes)]
        reason = f"结项申请: {self.config.label(self.config.lost_reasons.get(code))}"
        doc["stage_history"] = [{"stage": s.id, "date": d, **({"reason": reason} if s.outcome == "lost" else {})}
                                for s, d in zip(path, entered)]
        doc["activities"] = self._activities(path, entered, owner, team, holders, outcome == "open")
        # criteria of every stage left behind
        left_behind = reached_open if stage.outcome == "won" else reached_open[:-1]
        if project and len(left_behind) >= 2:
            low = amount * rng.randrange(80, 95) // 100
            doc["quote"] = {"low": low, "high": amount * rng.randrange(105, 125) // 100,
                            "date": entered[min(2, len(entered) - 1)]}
        if any(s.index >= 4 and s.outcome is None for s in path) and project:
            doc["competitors"] = [{"name": rng.choice(("德玛吉", "马扎克", "哈斯", "牧野", "大连机床", "沈阳机床")) + "公司",
                                   "strengths": "品牌知名度高，交期短", "weaknesses": "售后响应慢，价格高",
                                   "standing": rng.choice(("ahead", "level", "behind"))}
                                  for _ in range(rng.randrange(1, 3))]
        evidence, approvals = [], []
        for position, s in enumerate(path):
            if s not in left_behind:
                continue
            start, stop = entered[position], entered[position + 1]
            for criterion in s.exit:
                when = start + dt.timedelta(days=rng.randrange(0, max(1, (stop - start).days + 1)))
                if criterion.kind == "evidence" or not self._computed_met(criterion, doc, account):
                    if criterion.kind != "evidence" and not criterion.evidence_accepted:
                        raise GenerationError(f"cannot satisfy computed criterion '{criterion.id}' of {pipeline.id}")
                    evidence.append({"criterion": criterion.id, "date": when,
                                     "kind": rng.choice(("document", "meeting", "form", "email")),
                                     "ref": f"{self.config.label(criterion.label)} {when}"})
                approval = criterion.approval if criterion.kind == "approval" else None
                if approval:
                    eligible = sorted({r for role in criterion.approver_roles for r in self.approvers.get(role, ())})
                    approvals.append({"kind": approval, "date": when,
                                      "approver": rng.choice([m for m in eligible if m != owner]),
                                      "ref": f"{approval.upper()}-{when.year}-{index:05d}"})
        if evidence:
            doc["evidence"] = evidence
        if approvals:
            doc["approvals"] = approvals
        if stage.outcome == "won":
            doc["contract"] = self._contract(amount, end, index)
        elif stage.outcome == "lost":
            label = self.config.lost_reasons.get(code) or {}  # the note is Chinese: the Chinese label in it
            doc["lost_reason"] = {"code": code, "note": "客户内部评审后决定：" + (label.get("zh") or self.config.label(label))}
            if code == "competitor":
                doc["lost_reason"]["winner"] = "某竞争对手公司"
        if rng.random() < 0.3:
            doc["tags"] = rng.sample(["key-account", "export", "retrofit", "strategic", "framework"], 2)
        initiated = any(a["kind"] == "project_initiation" for a in approvals) or any(
            e["criterion"] == "project_initiation_approved" for e in evidence)
        account.deals.append((max(s.index for s in reached_open), stage.outcome, initiated))
        return doc

    def _computed_met(self, criterion, doc: dict, account: _Account) -> bool:
        from .model import Customer, Deal
        from .schemas import validator_for_fragment

        plain = _plain(doc)
        deal = Deal.from_document(plain, plain["id"] + ".yaml")
        # the customer as finish_customer() will write it for an account with this deal
        customer = Customer.from_document(_plain({**account.doc, "type": "interest", "contacts": account.contacts,
                                                  "evaluation": {factor: 6 for factor in SCORECARD_FACTORS},
                                                  "buying_process": [{"step": "x"}]}), "c.yaml")
        if criterion.check and not NAMED_CHECKS[criterion.check](deal, customer, Env(self.as_of, self.config)):
            return False
        return criterion.schema is None or validator_for_fragment(criterion.schema).is_valid(plain)

    def _team(self, path: list, owner: str) -> dict:
        rng = self.rng
        roles = [r for s in path for r in s.roles]
        if any(s.index >= 4 and s.outcome is None for s in path) and rng.random() < 0.5:
            roles.append("consultant")
        team = {}
        for role in ROLE_POOLS:
            if role in roles and self.pools.get(role):
                team[role] = rng.choice([r for r in self.pools[role] if r != owner] or self.pools[role])
        return team

    def _stakeholders(self, account: _Account, reached: int, project: bool, is_open: bool) -> list:
        """The buying centre: the top decision maker, a handler, a few more; open deals have a supporter."""
        rng = self.rng
        others = [c for c in account.contacts if c is not account.top]
        chosen = [account.top] + rng.sample(others, min(len(others), rng.randrange(1, 5)))
        holders = []
        for position, person in enumerate(chosen):
            attitudes = ("supporter", "neutral") if position == 0 and is_open else ("supporter", "supporter",
                                                                                    "neutral", "opponent")
            holder = {"contact": person["id"],
                      "role": "decision_maker" if position == 0 else rng.choice(("initiator", "designer", "user",
                                                                                 "evaluator")),
                      "attitude": rng.choice(attitudes),
                      "closeness": rng.choice(("close", "frequent", "distant")) if position else "frequent"}
            if position == 1 or (position == 0 and len(chosen) == 1):
                holder["handler"] = True
            if project and reached >= 5 and position < 3:
                holder["evaluation_team"] = True
            if rng.random() < 0.4:
                holder["concerns"] = rng.sample(CONCERNS, 2)
            if holder["role"] in ("decision_maker", "evaluator") and holder["attitude"] == "opponent":
                holder["strategy"] = {"motives": "关注投资回报与个人考核指标", "route": "通过其上级（正式组织关系）",
                                      "actions": "高层拜访，提交投资回收测算与同行业案例"}
            holders.append(holder)
        if is_open and not any(h["attitude"] == "supporter" for h in holders):
            next(h for h in holders if h.get("handler"))["attitude"] = "supporter"
        return holders

    def _activities(self, path: list, entered: list, owner: str, team: dict, holders: list, is_open: bool) -> list:
        """A few activities per stage, dated inside it; open deals were touched within the last week."""
        rng = self.rng
        kinds = {0: ("call", "email"), 1: ("visit",), 2: ("proposal", "meeting"), 3: ("demo",),
                 4: ("meeting", "tender"), 5: ("review", "meeting"), 6: ("meeting",)}
        dates = []
        for position, s in enumerate(path):
            start = entered[position]
            stop = entered[position + 1] if position + 1 < len(entered) else (self.as_of if is_open else start)
            width = max(0, (stop - start).days)
            count = 1 if s.outcome else rng.randrange(1, 4)
            for n in range(count):
                kind = "visit" if (s.index == 0 and n == count - 1 and len(path) > 1) else \
                    rng.choice(kinds.get(s.index, ("meeting", "call"))) if s.outcome is None else "meeting"
                dates.append((start + dt.timedelta(days=rng.randrange(0, width + 1)), kind, s))
        if is_open:
            dates.append((self.as_of - dt.timedelta(days=rng.randrange(0, 7)), "call", path[-1]))
        dates.sort(key=lambda item: item[0])
        contacts = [h["contact"] for h in holders]
        handler = next(h["contact"] for h in holders if h.get("handler"))
        activities = []
        for position, (date, kind, s) in enumerate(dates):
            who = team.get("presales", owner) if kind == "demo" else owner
            reached = rng.sample(contacts, min(2, len(contacts)))
            if position in (0, len(dates) - 1) and handler not in reached:
                reached[-1] = handler
            item = {"date": date, "type": kind, "who": who, "contacts": reached,
                    "summary": self._summary(s, kind)}
            last = position == len(dates) - 1
            if last and is_open:
                item["next_step"] = "电话跟进客户反馈"
                item["next_date"] = self.as_of + dt.timedelta(days=rng.randrange(3, 14))
            elif not last:
                item["next_date"] = dates[position + 1][0]
            if rng.random() < 0.4 or last:
                item["intent"] = rng.choice(("high", "medium", "medium", "low"))
            activities.append(item)
        return activities

    def _summary(self, stage: Stage, kind: str) -> str:
        """One line of a call log: what was done and found, with the figures people write down."""
        rng = self.rng
        what = {"call": "电话沟通", "visit": "现场拜访", "demo": "方案演示", "email": "邮件往来", "proposal": "方案交流",
                "tender": "投标澄清", "review": "内部评审"}.get(kind, "会谈")
        topic = rng.choice(("确认需求细节", "跟进预算审批", "讨论技术方案", "了解竞争情况", "约定下次会面", "澄清交期要求",
                            "讨论付款条件", "核对设备参数"))
        detail = rng.choice((f"客户提出{rng.randrange(2, 12)}项技术问题，需在{rng.randrange(2, 10)}天内答复",
                             f"预算约{rng.randrange(50, 900)}万元，{rng.randrange(1, 12)}月份上会",
                             f"产能缺口约{rng.randrange(5, 40)}%，希望{rng.randrange(1, 12)}月前投产",
                             f"对比了{rng.randrange(2, 5)}家供应商，价格差距约{rng.randrange(3, 25)}%",
                             f"参会{rng.randrange(2, 9)}人，技术部意见基本一致"))
        return f"{stage.label.get('zh') or self.config.label(stage.label)}阶段{what}：{topic}；{detail}。"

    def _contract(self, amount: int, signed: dt.date, index: int) -> dict:
        shares = (30, 60, 10)
        payments, paid = [], 0
        for n, share in enumerate(shares):
            part = amount - paid if n == len(shares) - 1 else amount * share // 100
            paid += part
            due = signed + dt.timedelta(days=30 + 90 * n)
            payments.append({"due": due, "amount": part,
                             "milestone": ("预付款", "到货验收", "质保金")[n], "paid": due <= self.as_of})
        return {"date": signed, "value": amount, "ref": f"HT-{signed.year}-{index:05d}", "payments": payments}


def _buyer_stage(path: list) -> str | None:
    """The buyer stage aligned with the last stage reached that has one (a lost deal keeps its last)."""
    for stage in reversed(path):
        if stage.buyer_stage:
            return stage.buyer_stage
    return None


def _account_type(deals: list) -> str:
    """organization -> interest -> intent (a sales project approved) -> customer (a deal won)."""
    if any(outcome == "won" for _, outcome, _ in deals):
        return "customer"
    if any(initiated and outcome is None for _, outcome, initiated in deals):
        return "intent"
    return "interest" if deals else "organization"


def _plain(value: Any) -> Any:
    """Dates as ISO text, as the loader gives them."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class _Writer:
    def __init__(self, root: Path) -> None:
        self.root, self.files, self.bytes = root, 0, 0
        self.made: set = set()

    def write(self, folder: str, ident: str, doc: dict, comment: str) -> None:
        directory = self.root / folder
        if folder not in self.made:
            directory.mkdir(exist_ok=True)
            self.made.add(folder)
        data = (comment + "\n" + emit.document(doc)).encode("utf-8")
        (directory / f"{ident}.yaml").write_bytes(data)
        self.files += 1
        self.bytes += len(data)


# --- names and words ---------------------------------------------------------------------------

def _pairs(text: str) -> list:
    return [tuple(item.split(":")) for item in text.split()]


SURNAMES = _pairs("王:wang 李:li 张:zhang 刘:liu 陈:chen 杨:yang 黄:huang 赵:zhao 吴:wu 周:zhou 徐:xu 孙:sun 马:ma "
                  "朱:zhu 胡:hu 郭:guo 何:he 高:gao 林:lin 罗:luo 郑:zheng 梁:liang 谢:xie 宋:song 唐:tang 韩:han "
                  "冯:feng 邓:deng 曹:cao 彭:peng 曾:zeng 萧:xiao 田:tian 董:dong 潘:pan 袁:yuan 蔡:cai 蒋:jiang")
GIVEN = _pairs("伟:wei 芳:fang 娜:na 敏:min 静:jing 磊:lei 强:qiang 军:jun 洋:yang 勇:yong 艳:yan 杰:jie 涛:tao "
               "明:ming 超:chao 秀英:xiuying 华:hua 平:ping 刚:gang 桂英:guiying 志远:zhiyuan 建平:jianping "
               "海峰:haifeng 国栋:guodong 晓东:xiaodong 丽:li 鹏:peng 辉:hui 斌:bin 宇:yu 浩:hao 凯:kai 婷:ting "
               "雪:xue 琳:lin 文博:wenbo 学明:xueming 家强:jiaqiang 大伟:dawei 建国:jianguo 红梅:hongmei 志刚:zhigang")
CITIES = _pairs("宁波:ningbo 苏州:suzhou 无锡:wuxi 常州:changzhou 佛山:foshan 东莞:dongguan 青岛:qingdao "
                "烟台:yantai 天津:tianjin 沈阳:shenyang 长沙:changsha 武汉:wuhan 重庆:chongqing 成都:chengdu "
                "西安:xian 合肥:hefei 郑州:zhengzhou 济南:jinan 厦门:xiamen 温州:wenzhou 大连:dalian 株洲:zhuzhou "
                "柳州:liuzhou 襄阳:xiangyang 昆山:kunshan 嘉兴:jiaxing 南通:nantong 芜湖:wuhu")
COMPANIES = _pairs("华信:huaxin 恒通:hengtong 金达:jinda 宏远:hongyuan 永泰:yongtai 瑞丰:ruifeng 新锐:xinrui "
                   "天成:tiancheng 东方:dongfang 联合:lianhe 精工:jinggong 海天:haitian 远大:yuanda 中联:zhonglian "
                   "兴业:xingye 长城:changcheng 三友:sanyou 博达:boda 正泰:zhengtai 鼎盛:dingsheng 汇川:huichuan")
INDUSTRIES = [("汽车零部件", "auto", "automotive parts"), ("精密机械", "machining", "precision machining"),
              ("注塑", "plastics", "injection moulding"), ("电子", "electronics", "electronics"),
              ("家电", "appliances", "home appliances"), ("化工", "chemicals", "chemicals"),
              ("食品", "food", "food processing"), ("钢结构", "steel", "steel structures"),
              ("医疗器械", "medical", "medical devices"), ("新能源", "energy", "new energy"),
              ("纺织", "textiles", "textiles"), ("包装", "packaging", "packaging")]
DEPARTMENTS = [("采购部", "procurement", "采购经理"), ("技术部", "technical", "技术总监"),
               ("设备部", "technical", "设备经理"), ("生产部", "user", "生产经理"), ("质量部", "user", "质量经理"),
               ("财务部", "finance", "财务经理"), ("信息部", "technical", "IT经理")]
PROJECTS = ([("冲压线扩产", "press-line"), ("数控加工单元", "cnc-cells"), ("涂装线改造", "paint-shop"),
             ("MES系统", "mes"), ("AGV物流系统", "agv"), ("机器人焊接站", "robot-welding"), ("测试台", "test-bench"),
             ("自动化产线", "automation"), ("视觉检测", "vision"), ("节能改造", "energy-saving"),
             ("立体仓库", "warehouse")],
            [("备件采购", "spare-parts"), ("服务包", "service-kit"), ("刀具", "tooling"), ("传感器", "sensors")])
CONCERNS = ["technology", "performance", "quality", "price", "safety", "service"]
NEEDS = ["achievement", "visibility", "belonging", "status", "planning"]


# --- a small YAML writer: block style as people write it, every scalar safe to read back --------

class emit:  # noqa: N801 - a namespace
    _PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`0-9+.~=<\\][^\n\\]*\Z")
    _RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}

    @classmethod
    def scalar(cls, value: Any, flow: bool = False) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, dt.date)) or type(value).__name__ == "Decimal":
            return str(value)
        text = str(value)
        plain = (cls._PLAIN.match(text) and ": " not in text and " #" not in text and not text.endswith((" ", ":"))
                 and text.lower() not in cls._RESERVED and not (flow and any(c in text for c in ",[]{}")))
        return text if plain else json.dumps(text, ensure_ascii=False)

    @classmethod
    def document(cls, doc: dict) -> str:
        out: list = []
        cls._mapping(doc, 0, out, first_prefix="")
        return "\n".join(out) + "\n"

    @classmethod
    def _mapping(cls, doc: dict, indent: int, out: list, first_prefix: str) -> None:
        pad = " " * indent
        for position, (key, value) in enumerate(doc.items()):
            lead = first_prefix if position == 0 and first_prefix else pad
            if isinstance(value, dict):
                out.append(f"{lead}{key}:")
                cls._mapping(value, indent + 2, out, "")
            elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                out.append(f"{lead}{key}:")
                for item in value:
                    cls._mapping(item, indent + 4, out, " " * (indent + 2) + "- ")
            elif isinstance(value, list):
                out.append(f"{lead}{key}: [{', '.join(cls.scalar(v, flow=True) for v in value)}]")
            else:
                out.append(f"{lead}{key}: {cls.scalar(value)}")


__all__ = ["generate", "Summary", "GenerationError", "DEFAULT_AS_OF"]
