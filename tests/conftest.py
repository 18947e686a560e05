"""Shared fixtures: a tiny valid repository built from the default configuration; a copy of the example."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO / "salesgen" / "data" / "default-config.yaml"

TINY_CUSTOMER = """\
# A customer of the tiny test repository
id: acme
name: Acme 机械
type: interest
owner: {rep}
assigned: {{by: {assigner}, date: 2026-11-01}}
contacts:
  - id: acme-boss
    name: 王总
    title: 总经理
    department: 总经办
    level: decision
  - id: acme-buyer
    name: 李采购
    title: 采购经理
    department: 采购部
    level: management
    reports_to: acme-boss
"""

TINY_DEAL = """\
id: acme-line
name: Acme 生产线
customer: acme
owner: {rep}
pipeline: project
stage: planning
amount: 500000
currency: CNY
expected_close: 2027-03-31
stakeholders:
  - contact: acme-buyer
    role: initiator
    handler: true
    attitude: supporter
    closeness: frequent
activities:
  - date: 2026-11-10
    type: call
    who: {rep}
    contacts: [acme-buyer]
    summary: 电话邀约
    intent: medium
stage_history:
  - stage: planning
    date: 2026-11-01
"""

AS_OF = "2026-11-20"


def first_active_rep(config_text: str) -> str:
    import yaml

    data = yaml.safe_load(config_text)
    return next(r["id"] for r in data["reps"] if r.get("active", True))


def first_assigner(config_text: str) -> str:
    """The first active rep who may assign a new interest account (role executive, the default)."""
    import yaml

    data = yaml.safe_load(config_text)
    roles = set((data.get("interest_accounts") or {}).get("assigned_by") or ["executive"])
    return next(r["id"] for r in data["reps"] if r.get("active", True) and roles & set(r.get("roles") or ()))


@pytest.fixture
def tiny_repo(tmp_path: Path) -> Path:
    """A one-customer, one-deal repository that lints clean as of 2026-11-20."""
    config = DEFAULT_CONFIG.read_text(encoding="utf-8")
    rep = first_active_rep(config)
    (tmp_path / "salesgen.yaml").write_text(config, encoding="utf-8")
    (tmp_path / "customers").mkdir()
    (tmp_path / "deals").mkdir()
    customer = TINY_CUSTOMER.format(rep=rep, assigner=first_assigner(config))
    (tmp_path / "customers" / "acme.yaml").write_text(customer, encoding="utf-8")
    (tmp_path / "deals" / "acme-line.yaml").write_text(TINY_DEAL.format(rep=rep), encoding="utf-8")
    return tmp_path


@pytest.fixture
def example_repo(tmp_path: Path) -> Path:
    """A copy of this repository's example pipeline (config, customers, deals)."""
    target = tmp_path / "example"
    target.mkdir()
    shutil.copy(REPO / "salesgen.yaml", target / "salesgen.yaml")
    shutil.copytree(REPO / "customers", target / "customers")
    shutil.copytree(REPO / "deals", target / "deals")
    return target


def copy_example(target: Path, *, site_config: bool = False) -> Path:
    """The repository's example data (and, with ``site_config``, its mkdocs.yml) copied into ``target``."""
    target.mkdir(parents=True)
    shutil.copy(REPO / "salesgen.yaml", target / "salesgen.yaml")
    for name in ("customers", "deals"):
        shutil.copytree(REPO / name, target / name)
    if site_config:
        shutil.copy(REPO / "mkdocs.yml", target / "mkdocs.yml")
        shutil.copytree(REPO / ".salesgen-docs", target / ".salesgen-docs")
    return target
