"""`salesgen build` and `salesgen serve` as commands: gating on lint, the site folder, configs, languages."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from conftest import copy_example
from salesgen.cli import cli



def build(root: Path, out: Path, *extra: str):
    return CliRunner().invoke(cli, ["build", "--root", str(root), "--site-dir", str(out), "--as-of", "2026-11-20",
                                    *extra], catch_exceptions=False)


def break_customer_reference(root: Path) -> None:
    deal = root / "deals" / "acme-line.yaml"
    deal.write_text(deal.read_text(encoding="utf-8").replace("customer: acme", "customer: nobody"), encoding="utf-8")


def test_lint_errors_stop_the_build(tiny_repo, tmp_path):
    break_customer_reference(tiny_repo)
    result = build(tiny_repo, tmp_path / "site")
    assert result.exit_code == 1
    assert "ref-customer" in result.output and "not built" in result.output
    assert not (tmp_path / "site").exists()


def test_allow_errors_builds_and_lists_them(tiny_repo, tmp_path):
    break_customer_reference(tiny_repo)
    result = build(tiny_repo, tmp_path / "site", "--allow-errors")
    assert result.exit_code == 0, result.output
    rules = (tmp_path / "site" / "rules" / "index.html").read_text(encoding="utf-8")
    assert "<code>ref-customer</code>" in rules and "sg-sev-error" in rules


def test_a_bad_configuration_is_exit_2(tiny_repo, tmp_path):
    (tiny_repo / "salesgen.yaml").write_text("reps: []\n", encoding="utf-8")
    result = build(tiny_repo, tmp_path / "site")
    assert result.exit_code == 2
    assert "salesgen.yaml" in result.output


def test_a_folder_salesgen_did_not_build_is_never_cleaned(tiny_repo, tmp_path):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "thesis.txt").write_text("precious", encoding="utf-8")
    result = build(tiny_repo, target)
    assert result.exit_code == 2
    assert "not built by salesgen" in result.output
    assert (target / "thesis.txt").read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in target.iterdir()) == ["thesis.txt"]


def test_a_site_salesgen_built_is_rebuilt_cleanly(tiny_repo, tmp_path):
    target = tmp_path / "site"
    assert build(tiny_repo, target).exit_code == 0
    (target / "stale.html").write_text("old", encoding="utf-8")
    assert build(tiny_repo, target).exit_code == 0
    assert not (target / "stale.html").exists()
    assert (target / "deals" / "acme-line" / "index.html").is_file()


def test_the_site_folder_cannot_hold_the_repository_or_its_data(tiny_repo, tmp_path):
    for target in (tiny_repo, tiny_repo / "deals" / "site", tiny_repo.parent):
        result = build(tiny_repo, target)
        assert result.exit_code == 2, target
    assert (tiny_repo / "deals" / "acme-line.yaml").is_file()


def files(root: Path) -> dict:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_without_mkdocs_yml_the_builtin_configuration_is_used(tiny_repo, tmp_path_factory):
    assert not (tiny_repo / "mkdocs.yml").exists()
    before = files(tiny_repo)
    site = tmp_path_factory.mktemp("out") / "site"
    result = build(tiny_repo, site)
    assert result.exit_code == 0, result.output
    assert files(tiny_repo) == before, "only the site folder is written"
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "assets/salesgen.css" in index
    assert (site / "assets" / "salesgen.css").is_file()
    assert list((site / "assets" / "stylesheets").glob("main.*.css")), "the theme's own files are copied"
    assert not (site / "salesgen.css").exists()


def test_a_small_deal_page_is_small(tiny_repo, tmp_path):
    """The theme's frame is about 13 KB; what salesgen adds for a one-contact deal stays under 12 KB
    (10.7 KB with the buying-stage checklist, the checklist's three states and the forms link)."""
    assert build(tiny_repo, tmp_path / "site").exit_code == 0
    page = (tmp_path / "site" / "deals" / "acme-line" / "index.html").read_text(encoding="utf-8")
    body = page[page.index('<div class="sg-page'):page.index("</article>")]
    assert len(body.encode("utf-8")) < 12 * 1024
    # the frame grew with two tabs (win/loss, changes) and the light/dark switch: 26.3 KB in all
    assert len(page.encode("utf-8")) < 28 * 1024


def test_as_of_reaches_the_pages(tiny_repo, tmp_path):
    result = CliRunner().invoke(cli, ["build", "--root", str(tiny_repo), "--site-dir", str(tmp_path / "site"),
                                      "--as-of", "2027-02-03", "--allow-errors"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "As of 2027-02-03" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_chinese_interface(tiny_repo, tmp_path):
    config = tiny_repo / "salesgen.yaml"
    text = config.read_text(encoding="utf-8")
    assert "language: en" in text
    config.write_text(text.replace("language: en", "language: zh"), encoding="utf-8")
    assert build(tiny_repo, tmp_path / "site").exit_code == 0
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh"' in index
    for label in ("概览", "销售漏斗", "销售预测", "销售项目", "客户", "团队", "规则与数据质量"):
        assert label in index, label
    deal = (tmp_path / "site" / "deals" / "acme-line" / "index.html").read_text(encoding="utf-8")
    assert "阶段路径" in deal and "客户规划与电话邀约" in deal  # interface and stage labels in Chinese


def test_plain_mkdocs_build_with_the_repository_config(tmp_path):
    """The repository's mkdocs.yml works with MkDocs alone: the plugin is found by its entry point."""
    root = copy_example(tmp_path / "repo", site_config=True)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SALESGEN_AS_OF="2026-11-20")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (root / "site" / "deals" / "temp-capacity-expansion" / "index.html").is_file()
    assert (root / "site" / ".salesgen-site").is_file()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(url: str, needle: str, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = fetch(url)
        if body is not None and needle in body:
            return True
        time.sleep(0.3)
    return False


def test_serve_rebuilds_when_a_deal_changes(tiny_repo):
    port = free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    server = subprocess.Popen([sys.executable, "-m", "salesgen", "serve", "--root", str(tiny_repo), "--as-of",
                               "2026-11-20", "--dev-addr", f"127.0.0.1:{port}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/deals/acme-line/"
        assert wait_for(url, "Acme 生产线"), "the served deal page"
        deal = tiny_repo / "deals" / "acme-line.yaml"
        deal.write_text(deal.read_text(encoding="utf-8").replace("name: Acme 生产线", "name: Acme 二号线"),
                        encoding="utf-8")
        assert wait_for(url, "Acme 二号线"), "the page after the deal changed"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:  # pragma: no cover
            server.kill()
            server.wait()


def test_a_second_configuration_builds_the_other_language_with_a_language_menu(tmp_path):
    """README: mkdocs.yml lists both languages under extra.alternate; mkdocs.zh.yml inherits it and
    sets the salesgen plugin's `language: zh` and site/zh. The example's salesgen.yaml says en."""
    root = copy_example(tmp_path / "repo", site_config=True)
    assert "language: en" in (root / "salesgen.yaml").read_text(encoding="utf-8")
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("\nextra:\n  alternate:\n    - {name: English, link: /, lang: en}\n"
                     "    - {name: 中文, link: /zh/, lang: zh}\n")
    (root / "mkdocs.zh.yml").write_text("INHERIT: mkdocs.yml\nsite_dir: site/zh\nplugins:\n  - search\n"
                                        "  - salesgen: {language: zh}\n", encoding="utf-8")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SALESGEN_AS_OF="2026-11-20")
    for args in ([], ["-f", "mkdocs.zh.yml"]):
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", *args], cwd=root, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    english = (root / "site" / "deals" / "index.html").read_text(encoding="utf-8")
    chinese = (root / "site" / "zh" / "deals" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in english and '<html lang="zh"' in chinese
    assert ">Open deals<" in english and ">在途项目<" in chinese
    for page in (english, chinese):
        assert 'href="/zh/" hreflang="zh"' in page and 'href="/" hreflang="en"' in page


def test_a_page_of_the_docs_folder_is_an_extra_page_unless_salesgen_makes_that_page(tmp_path):
    root = copy_example(tmp_path / "repo", site_config=True)
    docs = root / ".salesgen-docs"
    (docs / "index.md").write_text("# Our own home page\n\nhomemade-marker\n", encoding="utf-8")
    (docs / "playbook.md").write_text("# Playbook\n\nplaybook-marker\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--site-dir", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "homemade-marker" not in home and 'href="funnel/"' in home  # salesgen's dashboard
    assert "playbook-marker" in (tmp_path / "site" / "playbook" / "index.html").read_text(encoding="utf-8")
