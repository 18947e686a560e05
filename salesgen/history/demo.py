"""A demo repository with a year of sales history, built deterministically (`salesgen demo-history`).

The final state is a real pipeline repository (the synthetic generator's, or a copy of
one given with ``source``). Each deal's past is played backwards from its own file:
it is created on its first ``stage_history`` day (or on the first day of the year,
for older deals), moves through each recorded stage on its recorded day, sometimes
steps back a stage for a while, has its close date slip, its amount revised, its
owner changed, and, for some lost deals, is lost once and reopened before it is lost
for good. Every version is the final file with the top-level ``stage``, ``amount``,
``expected_close`` and ``owner`` lines rewritten, so each parses and passes its schema.

The commits are written with one `git fast-import` (authors are the reps of
salesgen.yaml, dates at 18:00 China time), then checked out. ``build`` returns the
script of events, so tests can compute every figure independently of the reader.
"""
from __future__ import annotations

import datetime as dt
import random
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

TZ = "+0800"
HIDDEN_HISTORY = b"\n      history: false"  # the plugin option in this project's own mkdocs.yml
FIELDS = ("stage", "amount", "expected_close", "owner")


@dataclass(frozen=True)
class Step:
    """One scripted change: on ``day`` the deal in ``file`` gets ``values`` (field -> text)."""

    day: dt.date
    order: int  # position in the script (ties on a day keep this order)
    file: str
    deal: str
    values: dict  # field -> new text; {} with final=True means "the final file"
    author: str  # rep id
    final: bool = False


def _line(field: str) -> re.Pattern:
    return re.compile(rf"^{field}:[^\n]*$", re.MULTILINE)


def render(final_text: str, values: dict) -> str:
    text = final_text
    for field, value in values.items():
        text = _line(field).sub(f"{field}: {value}", text, count=1)
    return text


def script(root: Path, start: dt.date, end: dt.date, seed: int = 1) -> list[Step]:
    """The scripted changes of every deal file below ``root`` between ``start`` and ``end``."""
    rng = random.Random(seed)
    config = yaml.safe_load((root / "salesgen.yaml").read_text(encoding="utf-8"))
    orders = {p["id"]: [s["id"] for s in p["stages"]] for p in config["pipelines"]}
    outcomes = {(p["id"], s["id"]): s.get("outcome") for p in config["pipelines"] for s in p["stages"]}
    reps = [r["id"] for r in config.get("reps", [])]
    steps: list[Step] = []
    for path in sorted((root / "deals").rglob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        steps += _deal_script(rng, rel, doc, orders.get(doc["pipeline"], []), outcomes, reps, start, end)
    for path in sorted((root / "customers").rglob("*.yaml")):
        steps.append(Step(start, len(steps), path.relative_to(root).as_posix(), "", {}, reps[0] if reps else "", True))
    steps.sort(key=lambda s: (s.day, s.order))
    return steps


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _deal_script(rng, rel, doc, order, outcomes, reps, start, end) -> list[Step]:
    ident, owner = doc["id"], doc["owner"]
    history = [(e["stage"], _as_date(e["date"])) for e in doc.get("stage_history") or []]
    if not history or history[-1][0] != doc["stage"]:
        history.append((doc["stage"], _as_date(doc.get("created") or start)))
    final_close, final_amount = _as_date(doc["expected_close"]), int(doc["amount"])
    born = max(start, min(history[0][1], end))
    # Where the deal starts: the stage it was in on the day it appears, a different amount, an earlier close date.
    first_index = max(i for i, (_, day) in enumerate(history) if i == 0 or day <= born)
    amount = final_amount if rng.random() < 0.5 else round(final_amount * rng.choice((0.7, 0.8, 1.2, 1.3)) / 1000) * 1000
    slips = rng.choice((0, 0, 1, 2, 3))
    close = final_close - dt.timedelta(days=21 * slips) if rng.random() < 0.85 else final_close + dt.timedelta(days=28)
    first_owner = owner if rng.random() < 0.9 or len(reps) < 2 else rng.choice([r for r in reps if r != owner])
    values = {"stage": history[first_index][0], "amount": str(amount), "expected_close": close.isoformat(),
              "owner": first_owner}
    steps = [Step(born, 0, rel, ident, dict(values), first_owner)]
    moves = [(day, {"stage": stage}) for stage, day in history[first_index + 1:] if day > born]
    # a lost deal, sometimes lost once already and reopened ten days later
    final_stage, lost_day = doc["stage"], history[-1][1]
    if (outcomes.get((doc["pipeline"], final_stage)) == "lost" and len(history) >= 2 and moves
            and moves[-1][1].get("stage") == final_stage and lost_day - dt.timedelta(days=20) > born
            and rng.random() < 0.3):
        moves.append((lost_day - dt.timedelta(days=20), {"stage": final_stage}))
        moves.append((lost_day - dt.timedelta(days=10), {"stage": history[-2][0]}))
    # sometimes a step back: between two moves the deal returns to the stage before for a while
    forward = [m for m in moves if m[1].get("stage") in order]
    if len(forward) >= 2 and rng.random() < 0.25:
        (d1, c1), (d2, _) = forward[-2], forward[-1]
        before = forward[-3][1]["stage"] if len(forward) >= 3 else history[first_index][0]
        gap = (d2 - d1).days
        if gap >= 6 and before in order and order.index(before) < order.index(c1["stage"]) \
                and outcomes.get((doc["pipeline"], c1["stage"])) is None:
            moves.append((d1 + dt.timedelta(days=gap // 3), {"stage": before}))
            moves.append((d1 + dt.timedelta(days=2 * gap // 3), {"stage": c1["stage"]}))
    last = max([born] + [day for day, _ in moves])
    span = max(1, (last - born).days)
    for _ in range(slips if close < final_close else 1):
        moves.append((born + dt.timedelta(days=rng.randint(1, span)), {"expected_close": None}))  # filled below
    if amount != final_amount:
        moves.append((born + dt.timedelta(days=rng.randint(1, span)), {"amount": str(final_amount)}))
    if first_owner != owner:
        moves.append((born + dt.timedelta(days=rng.randint(1, span)), {"owner": owner}))
    moves = [(day, change) for day, change in moves if born < day <= end]
    moves.sort(key=lambda m: m[0])
    current = close
    for index, (day, change) in enumerate(moves, start=1):
        if "expected_close" in change:
            step = dt.timedelta(days=21) if current < final_close else dt.timedelta(days=-28)
            current = current + step if current != final_close else current
            change = {"expected_close": current.isoformat()}
        values.update(change)
        author = values["owner"] if rng.random() < 0.85 or len(reps) < 2 else reps[0]
        steps.append(Step(day, index, rel, ident, dict(values), author))
    steps.append(Step(max(last, born), len(moves) + 1, rel, ident, {}, owner, True))
    by_day = {step.day: step for step in steps}  # one version per deal and day: the day's last
    return list(by_day.values())


def build(target: Path, source: Path, *, start: dt.date, end: dt.date, seed: int = 1) -> list[Step]:
    """Write ``target`` as a git repository whose history ends in ``source``'s files. Returns the script."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    steps = script(source, start, end, seed)
    config = yaml.safe_load((source / "salesgen.yaml").read_text(encoding="utf-8"))
    people = {r["id"]: (r.get("name") or r["id"], r.get("email") or f"{r['id']}@example.com")
              for r in config.get("reps", [])}
    finals = {}
    for step in steps:
        if step.file not in finals:
            finals[step.file] = (source / step.file).read_text(encoding="utf-8")
    others = [p for p in ("salesgen.yaml", "mkdocs.yml", "README.md", ".gitignore") if (source / p).is_file()]
    for folder in ("schemas", ".salesgen-docs"):
        if (source / folder).is_dir():
            others += [p.relative_to(source).as_posix() for p in sorted((source / folder).rglob("*")) if p.is_file()]
    stream = []
    mark = 0
    by_commit: dict = {}
    for step in steps:  # one commit per day and author
        by_commit.setdefault((step.day, step.author), []).append(step)
    first = True
    for (day, author), group in sorted(by_commit.items(), key=lambda kv: (kv[0][0], kv[1][0].order, kv[0][1])):
        name, email = people.get(author, (author or "salesgen", f"{author or 'salesgen'}@example.com"))
        stamp = int(dt.datetime.combine(day, dt.time(18, 0), dt.timezone(dt.timedelta(hours=8))).timestamp())
        stamp += mark  # strictly increasing times keep the order of a day's commits
        files = {}
        if first:
            for rel in others:
                files[rel] = (source / rel).read_bytes()
            if "mkdocs.yml" in files:  # a site that hid its (development) history shows this one
                files["mkdocs.yml"] = files["mkdocs.yml"].replace(HIDDEN_HISTORY, b"")
            first = False
        for step in group:
            text = finals[step.file] if step.final else render(finals[step.file], step.values)
            files[step.file] = text.encode("utf-8")
        message = f"{name}: {', '.join(sorted({_describe(s) for s in group}))[:200]}"
        stream.append(_commit(files, name, email, stamp, message, mark == 0))
        mark += 1
    subprocess.run(["git", "init", "-q", "-b", "main", str(target)], check=True)
    subprocess.run(["git", "-C", str(target), "fast-import", "--quiet"], input=b"".join(stream), check=True)
    subprocess.run(["git", "-C", str(target), "checkout", "-q", "-f", "main"], check=True)
    return steps


def _describe(step: Step) -> str:
    if step.final:
        return f"update {step.deal or step.file}"
    return f"{step.deal}: " + " ".join(f"{k}={v}" for k, v in sorted(step.values.items()) if k == "stage") \
        if step.order == 0 else f"{step.deal} " + ",".join(sorted(step.values))


def _commit(files: dict, name: str, email: str, stamp: int, message: str, root_commit: bool) -> bytes:
    out = [b"commit refs/heads/main\n"]
    who = f"{name} <{email}> {stamp} {TZ}\n".encode("utf-8")
    out += [b"author " + who, b"committer " + who]
    data = message.encode("utf-8")
    out.append(b"data %d\n%s\n" % (len(data), data))
    for rel, content in sorted(files.items()):
        out.append(b"M 100644 inline %s\ndata %d\n%s\n" % (rel.encode("utf-8"), len(content), content))
    out.append(b"\n")
    return b"".join(out)
