"""The synthetic repository generator: valid under every rule, deterministic, realistic in shape."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from salesgen.cli import cli
from salesgen.config import load_config
from salesgen.engine import lint
from salesgen.synthetic import DEFAULT_AS_OF, generate

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "salesgen" / "data" / "default-config.yaml"


def problems(root: Path) -> list:
    config, _ = load_config(root)
    return [f"{p.file}:{p.line} [{p.rule}] {p.message}" for p in lint(root, config.as_of).problems]


def files(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("deals, customers, seed", [(120, 20, 1), (60, 5, 2), (3, 1, 3), (200, 60, 4)])
def test_generated_repositories_lint_clean(tmp_path, deals, customers, seed):
    generate(tmp_path / "repo", deals=deals, customers=customers, seed=seed)
    assert problems(tmp_path / "repo") == []


def test_sizes_are_what_was_asked(tmp_path):
    summary = generate(tmp_path / "repo", deals=75, customers=12, contacts=100, seed=1)
    customers = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in (tmp_path / "repo" / "customers").glob("*.yaml")]
    deals = list((tmp_path / "repo" / "deals").glob("*.yaml"))
    assert (len(deals), len(customers), sum(len(c["contacts"]) for c in customers)) == (75, 12, 100)
    assert (summary.deals, summary.customers, summary.contacts) == (75, 12, 100)
    data = {name: blob for name, blob in files(tmp_path / "repo").items() if name != "salesgen.yaml"}
    assert summary.files == len(data) == 87 and summary.bytes == sum(map(len, data.values()))


def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    generate(tmp_path / "a", deals=40, customers=8, seed=7)
    generate(tmp_path / "b", deals=40, customers=8, seed=7)
    generate(tmp_path / "c", deals=40, customers=8, seed=8)
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert files(tmp_path / "a") != files(tmp_path / "c")


def test_deals_spread_over_pipelines_and_stages_like_a_funnel(tmp_path):
    generate(tmp_path / "repo", deals=600, customers=100, seed=1)
    deals = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in (tmp_path / "repo" / "deals").glob("*.yaml")]
    config, _ = load_config(tmp_path / "repo")
    by_stage = Counter((d["pipeline"], d["stage"]) for d in deals)
    for pipeline in config.pipelines.values():  # every stage of every pipeline is populated
        for stage in pipeline.stages:
            assert by_stage[(pipeline.id, stage.id)] > 0, (pipeline.id, stage.id)
    project = config.pipelines["project"]
    opened = [by_stage[("project", s.id)] for s in project.open_stages]
    assert opened[0] + opened[1] > opened[-1] + opened[-2]  # early stages hold more deals than late ones
    closed = Counter(d["stage"] for d in deals if d["stage"] in ("won", "lost"))
    assert 0.1 < closed["won"] / len(deals) < 0.35 and 0.15 < closed["lost"] / len(deals) < 0.45
    assert 0.6 < sum(d["pipeline"] == "project" for d in deals) / len(deals) < 0.95
    per_customer = Counter(d["customer"] for d in deals)
    assert max(per_customer.values()) > 3 * (len(deals) / 100)  # a few key accounts carry many deals


def test_closed_deals_carry_their_closing_duties(tmp_path):
    generate(tmp_path / "repo", deals=150, customers=20, seed=2)
    config, _ = load_config(tmp_path / "repo")
    for path in (tmp_path / "repo" / "deals").glob("*.yaml"):
        deal = yaml.safe_load(path.read_text(encoding="utf-8"))
        if deal["stage"] == "won":
            payments = deal["contract"]["payments"]
            assert sum(p["amount"] for p in payments) == deal["contract"]["value"] == deal["amount"]
        elif deal["stage"] == "lost":
            assert deal["lost_reason"]["code"] in config.lost_reasons
        else:
            last = max(a["date"] for a in deal["activities"])
            assert DEFAULT_AS_OF - dt.timedelta(days=config.follow_up_days) < last <= DEFAULT_AS_OF
        for approval in deal.get("approvals", ()):
            assert approval["approver"] != deal["owner"]


def test_criteria_come_from_the_configuration(tmp_path):
    """A team's own criterion, role and stage are honoured without changing the generator."""
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    anchor = "      - id: evaluation\n"
    assert anchor in text
    custom = text.replace("        roles: [executive]\n", "        roles: [executive, consultant]\n", 1).replace(
        "          - id: requirements_researched\n",
        "          - id: site_survey\n            label: {en: Site survey, zh: 现场勘查}\n            kind: evidence\n"
        "          - id: requirements_researched\n", 1)
    generate(tmp_path / "repo", deals=150, customers=20, seed=3, config_text=custom)
    assert problems(tmp_path / "repo") == []
    texts = [p.read_text(encoding="utf-8") for p in (tmp_path / "repo" / "deals").glob("*.yaml")]
    assert any("criterion: site_survey" in t for t in texts)
    assert any("consultant:" in t for t in texts)


def test_generate_command(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["generate", str(tmp_path / "out"), "--deals", "12", "--customers", "3",
                                 "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "12 deals, 3 customers, 45 contacts" in result.output
    assert len(list((tmp_path / "out" / "deals").glob("*.yaml"))) == 12
    again = runner.invoke(cli, ["generate", str(tmp_path / "out")])
    assert again.exit_code == 2 and "not empty" in again.output
