"""The search index (search/search_index.json) holds what people look for, split into words.

The example repository is built; each index entry's text is split with the index's own
separator (as the browser's search does) and checked against the example's YAML: a
deal's id, owner, competitors and buying centre, a customer's contacts and buying
process, a rep's name. Chinese must be cut into words (jieba, zero-width spaces) with
the names whole. A plain ``mkdocs build`` gives the same index. (That no personal data
reaches the index is tests/test_privacy.py's scan of every site file.)
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from salesgen.cli import cli

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-20"


def copy_example(root: Path) -> Path:
    root.mkdir(parents=True)
    for name in ("salesgen.yaml", "mkdocs.yml"):
        shutil.copy(REPO / name, root / name)
    for name in ("customers", "deals"):
        shutil.copytree(REPO / name, root / name)
    (root / ".salesgen-docs").mkdir()
    return root


def load_index(site: Path) -> tuple[dict, dict]:
    data = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return data["config"], {doc["location"]: doc for doc in data["docs"] if "#" not in doc["location"]}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = copy_example(tmp_path_factory.mktemp("search") / "repo")
    site = root.parent / "site"
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--site-dir", str(site), "--as-of", AS_OF,
                                      "--allow-errors"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root, site


def words(config: dict, doc: dict) -> set[str]:
    text = re.sub(r"<[^>]+>", " ", doc["title"] + " " + doc["text"]).lower()
    return {w for w in re.split(config["separator"], text) if w}


def plain(doc: dict) -> str:
    return doc["text"].replace("\u200b", "")


def yaml_files(folder: Path) -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(folder.rglob("*.yaml"))]


def test_the_separator_splits_jiebas_words(built):
    config, _ = load_index(built[1])
    assert re.split(config["separator"], "商务\u200b谈判 a-b") == ["商务", "谈判", "a", "b"]


def test_people_and_customers_are_found_by_their_whole_chinese_name(built):
    root, site = built
    config, docs = load_index(site)
    reps = yaml.safe_load((root / "salesgen.yaml").read_text(encoding="utf-8"))["reps"]
    for rep in reps:
        assert rep["name"].lower() in words(config, docs[f"team/{rep['id']}/"]), rep["name"]
    temp = yaml.safe_load((root / "customers" / "temp.yaml").read_text(encoding="utf-8"))
    temp_words = words(config, docs["customers/temp/"])
    for contact in temp["contacts"]:
        assert contact["name"].lower() in temp_words, contact["name"]
    assert "商务谈判" in temp_words  # a step of its buying process
    assert "张家强" in temp_words  # its owner


def test_a_deals_entry_holds_its_id_owner_competitors_and_buying_centre(built):
    root, site = built
    config, docs = load_index(site)
    reps = {r["id"]: r["name"] for r in yaml.safe_load((root / "salesgen.yaml").read_text(encoding="utf-8"))["reps"]}
    contacts = {c["id"]: c for customer in yaml_files(root / "customers") for c in customer.get("contacts") or ()}
    deals = yaml_files(root / "deals")
    assert any(d.get("competitors") for d in deals) and any(d.get("stakeholders") for d in deals)
    for deal in deals:
        doc = docs[f"deals/{deal['id']}/"]
        found = words(config, doc)
        assert set(deal["id"].split("-")) <= found, deal["id"]
        assert reps[deal["owner"]].lower() in found, deal["id"]
        for competitor in deal.get("competitors") or ():
            assert competitor["name"] in plain(doc), (deal["id"], competitor["name"])
        for holder in deal.get("stakeholders") or ():
            assert contacts[holder["contact"]]["name"].lower() in found, (deal["id"], holder["contact"])


def test_plain_mkdocs_build_gives_the_same_index(built, tmp_path):
    root = copy_example(tmp_path / "repo")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SALESGEN_AS_OF=AS_OF)
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert load_index(root / "site") == load_index(built[1])


def test_a_deals_forms_page_is_left_out_and_its_own_page_is_found(built):
    """A search for a deal finds the deal, not also its printable forms (the same name, none of its content)."""
    root, site = built
    _, docs = load_index(site)
    deals = yaml_files(root / "deals")
    for deal in deals:
        assert (site / "deals" / deal["id"] / "forms" / "index.html").is_file()  # the page is still built
        assert f"deals/{deal['id']}/" in docs, deal["id"]
    assert [location for location in docs if location.endswith("/forms/")] == []
    customers = yaml_files(root / "customers")
    assert {f"customers/{c['id']}/" for c in customers} <= docs.keys()
