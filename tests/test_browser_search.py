"""The site's search in a real browser: Chinese names and words, Latin words, no personal data.

The example repository is built twice, with ``language: en`` and ``language: zh``, and
served from 127.0.0.1; a query is typed into Material's search box and the result links
are read. The expected pages come from the example's own YAML (张家强 is a rep, 孙大伟 a
contact of Temp, 商务谈判 a step of Temp's buying process), not from the index.

Like tests/test_browser.py: skipped on a workstation without chromium, FAILS in CI.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from click.testing import CliRunner

from salesgen.cli import cli
from test_browser import ARGS, CHROMIUM, require_browser, serving

REPO = Path(__file__).resolve().parent.parent


def example_facts() -> dict:
    """Where the example's words live, read from its YAML (the oracle)."""
    config = yaml.safe_load((REPO / "salesgen.yaml").read_text(encoding="utf-8"))
    temp = yaml.safe_load((REPO / "customers" / "temp.yaml").read_text(encoding="utf-8"))
    rep = next(r for r in config["reps"] if r["name"] == "张家强")
    contact = next(c for c in temp["contacts"] if c["name"] == "孙大伟")
    assert any("商务谈判" in step["step"] for step in temp["buying_process"])
    return {"rep": rep["id"], "contact": contact, "customer": temp["id"]}


@pytest.fixture(scope="module", params=["en", "zh"])
def served(request, tmp_path_factory):
    work = tmp_path_factory.mktemp(f"search-{request.param}")
    root = work / "repo"
    root.mkdir()
    text = (REPO / "salesgen.yaml").read_text(encoding="utf-8")
    assert "\nlanguage: en\n" in text
    (root / "salesgen.yaml").write_text(text.replace("\nlanguage: en\n", f"\nlanguage: {request.param}\n"),
                                        encoding="utf-8")
    shutil.copytree(REPO / "customers", root / "customers")
    shutil.copytree(REPO / "deals", root / "deals")
    site = work / "site"
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--site-dir", str(site), "--as-of", "2026-11-20",
                                      "--allow-errors"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with serving(site) as base:
        yield base


def search(sync_playwright, base: str, queries: list[str]) -> tuple[dict, list]:
    """query -> the paths of the result links Material shows; and the requests to other hosts."""
    found, foreign = {}, []
    host = urlsplit(base).netloc
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()

            def route(r):
                if urlsplit(r.request.url).netloc != host and not r.request.url.startswith(("data:", "blob:")):
                    foreign.append(r.request.url)
                    return r.abort()
                return r.continue_()

            page.route("**/*", route)
            page.goto(base + "/", wait_until="networkidle")
            for query in queries:
                page.click("input.md-search__input")
                page.fill("input.md-search__input", "")
                page.keyboard.type(query)  # Chinese arrives as text input, as from an input method
                page.keyboard.press("End")  # the key that ends the input: Material searches on key up
                try:
                    page.wait_for_selector(".md-search-result__item", timeout=8000)
                except Exception:  # no result: an empty list, asserted by the caller
                    pass
                page.wait_for_timeout(300)
                links = page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")
                found[query] = {urlsplit(link).path for link in links}
        finally:
            browser.close()
    return found, foreign


def test_search_finds_chinese_and_latin_words(served):
    sync_playwright = require_browser()
    facts = example_facts()
    email = facts["contact"].get("email") or facts["contact"].get("mobile") or facts["contact"].get("phone")
    assert email, "the contact should have personal data to look for"
    queries = ["张家强", "孙大伟", "商务谈判", "retrofit", email.split("@")[0]]
    found, foreign = search(sync_playwright, served, queries)
    assert foreign == [], "requests to another host"
    assert f"/team/{facts['rep']}/" in found["张家强"], found
    assert any(p.startswith("/deals/") for p in found["张家强"]), found  # the deals he owns
    assert f"/customers/{facts['customer']}/" in found["孙大伟"], found
    assert f"/customers/{facts['customer']}/" in found["商务谈判"], found
    assert "/deals/temp-line1-retrofit/" in found["retrofit"], found
    assert found[email.split("@")[0]] == set(), "personal data must not be searchable"
