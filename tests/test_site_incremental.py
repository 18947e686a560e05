"""Incremental builds (salesgen/site/incremental.py): after a change, `salesgen build` renders only the
pages whose inputs changed, and the site is the same bytes as a full build of the same files.

One synthetic repository goes through a series of edits (a deal changed, added, deleted; a
customer renamed; a next step that jieba must learn; salesgen.yaml and the language changed).
After each, the site built incrementally in one folder is compared, file by file and byte for
byte, with a site built from scratch (--full) in another, and the files that must go are gone.
The oracle is the full build: nothing of the incremental machinery takes part in it.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from salesgen.cli import cli
from salesgen.commands.build import _progress
from salesgen.site import compat, incremental
from salesgen.synthetic import generate

AS_OF = "2026-11-20"


@pytest.fixture(autouse=True)
def same_day(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the sitemap's dates and its gzip header
    monkeypatch.delenv("SALESGEN_COMPAT", raising=False)
    compat.reset()
    yield
    compat.reset()


def build(root: Path, site: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--site-dir", str(site), "--as-of", AS_OF, *args],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def site_files(site: Path) -> dict:
    files = {}
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.name != incremental.MANIFEST:
            files[path.relative_to(site).as_posix()] = path.read_bytes()
    return files


def rebuilt(output: str) -> tuple[int, int] | None:
    found = re.search(r"Rebuilt (\d+) of (\d+) pages", output)
    return (int(found.group(1)), int(found.group(2))) if found else None


def assert_same_site(incremental_site: Path, full_site: Path) -> None:
    mine, full = site_files(incremental_site), site_files(full_site)
    assert sorted(set(mine) - set(full)) == [], "files a full build does not write"
    assert sorted(set(full) - set(mine)) == [], "files missing from the incremental build"
    differ = [name for name in full if mine[name] != full[name]]
    assert differ == [], f"{len(differ)} files differ from a full build: {differ[:5]}"
    assert gzip.decompress(mine["sitemap.xml.gz"]) == mine["sitemap.xml"]


def check(root: Path, site: Path, scratch: Path) -> str:
    """Build ``site`` incrementally and a fresh full site; they must be the same bytes."""
    output = build(root, site)
    shutil.rmtree(scratch, ignore_errors=True)
    build(root, scratch, "--full")
    assert_same_site(site, scratch)
    return output


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("incremental") / "repo"
    generate(root, deals=40, customers=8, contacts=40, seed=3)
    return root


def deal_files(root: Path) -> list[Path]:
    return sorted((root / "deals").rglob("*.yaml"))


def test_every_kind_of_change_gives_the_site_of_a_full_build(repo, tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(repo, root)
    site, scratch = tmp_path / "site", tmp_path / "full"
    first = build(root, site)
    assert rebuilt(first) is None and "Built " in first  # no manifest yet: a full build

    unchanged = build(root, site)
    written, total = rebuilt(unchanged)
    deal_pages = len(deal_files(root))
    assert written < total - 2 * deal_pages  # no deal page nor forms page is rendered again

    # one deal's amount: its page, its forms, its customer and the summaries; not the other deals
    target = deal_files(root)[5]
    text = target.read_text(encoding="utf-8")
    target.write_text(re.sub(r"(?m)^amount: (\d+)", lambda m: f"amount: {int(m.group(1)) + 12345}", text, count=1),
                      encoding="utf-8")
    before = {p: p.stat().st_mtime_ns for folder in ("deals", "customers", "team")
              for p in (site / folder).glob("*/index.html")}
    output = check(root, site, scratch)
    deal_id = re.search(r"(?m)^id: (\S+)", text).group(1)
    customer_id = re.search(r"(?m)^customer: (\S+)", text).group(1)
    reps = set(re.findall(r"(?m)^\s*(?:owner|presales|consultant|who|approver|[a-z_]+): ([a-z]+-[a-z]+)$", text))
    changed = {p.relative_to(site).parent.as_posix() for p, mtime in before.items() if p.stat().st_mtime_ns != mtime}
    # the deal, its customer and the reps it names: no other deal, customer or rep page
    assert f"deals/{deal_id}" in changed and f"customers/{customer_id}" in changed
    assert changed - {f"deals/{deal_id}", f"customers/{customer_id}"} <= {f"team/{rep}" for rep in reps}
    assert rebuilt(output)[0] == written + len(changed) + 1  # and the deal's forms page

    # a new deal (a copy under another id), then one deleted: their pages come and go
    new = target.with_name("zz-new-deal.yaml")
    new.write_text(text.replace(f"id: {deal_id}", "id: zz-new-deal", 1), encoding="utf-8")
    check(root, site, scratch)
    assert (site / "deals" / "zz-new-deal" / "forms" / "index.html").is_file()
    new.unlink()
    check(root, site, scratch)
    assert not (site / "deals" / "zz-new-deal").exists()

    # a customer renamed: its page and its deals' pages show the new name
    customer = sorted((root / "customers").rglob("*.yaml"))[0]
    ctext = customer.read_text(encoding="utf-8")
    customer.write_text(re.sub(r"(?m)^name: .*$", "name: 新名字客户", ctext, count=1), encoding="utf-8")
    check(root, site, scratch)
    assert "新名字客户" in (site / "customers" / customer.stem / "index.html").read_text(encoding="utf-8")

    # a next step no deal had: jieba learns a new word, so every page's search text is indexed again
    other = deal_files(root)[7]
    otext = other.read_text(encoding="utf-8")
    assert "next_step: " in otext
    other.write_text(otext.replace("next_step: ", "next_step: 约见甲方总工程师潘建华并", 1),
                     encoding="utf-8")
    check(root, site, scratch)

    # salesgen.yaml, then the language: every page again
    config = root / "salesgen.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("title: ", "title: Renamed ", 1), encoding="utf-8")
    output = check(root, site, scratch)
    assert rebuilt(output) is None
    config.write_text(re.sub(r"(?m)^language: .*$", "language: zh", config.read_text(encoding="utf-8")) if re.search(
        r"(?m)^language:", config.read_text(encoding="utf-8")) else config.read_text(encoding="utf-8") +
        "language: zh\n", encoding="utf-8")
    output = check(root, site, scratch)
    assert rebuilt(output) is None and "销售" in (site / "index.html").read_text(encoding="utf-8")


def test_pages_that_say_what_they_said_keep_their_index_entries_and_jieba_stays_unloaded(repo, tmp_path,
                                                                                         monkeypatch):
    """A deal's `source` is on its page but not in its search text: the pages rendered again index as before,
    so the build takes their entries from the last index and never teaches jieba (loading its dictionary)."""
    from salesgen.site import search

    taught = []
    teach = search.add_words
    monkeypatch.setattr(search, "add_words", lambda *args: taught.append(1) or teach(*args))
    root = tmp_path / "repo"
    shutil.copytree(repo, root)
    site, scratch = tmp_path / "site", tmp_path / "full"
    build(root, site)
    assert taught == [1]  # a full build indexes every page
    target = deal_files(root)[3]
    text = target.read_text(encoding="utf-8")
    assert "\nsource: " in text
    target.write_text(text.replace("\nsource: ", "\nsource: 展会 ", 1), encoding="utf-8")
    taught.clear()
    output = build(root, site)
    assert rebuilt(output)[0] > 3 and taught == []  # pages were rendered; none needed indexing again
    deal_id = re.search(r"(?m)^id: (\S+)", text).group(1)
    assert "展会" in (site / "deals" / deal_id / "index.html").read_text(encoding="utf-8")
    shutil.rmtree(scratch, ignore_errors=True)
    build(root, scratch, "--full")
    assert_same_site(site, scratch)  # the search index too, entry for entry

    # its stage label and amount are in its search text: that page is indexed again, with jieba taught
    target.write_text(re.sub(r"(?m)^amount: (\d+)", lambda m: f"amount: {int(m.group(1)) + 7}", text, count=1),
                      encoding="utf-8")
    taught.clear()
    check(root, site, scratch)
    assert taught == [1, 1]  # the incremental build, then the full one


def test_a_damaged_or_foreign_manifest_means_a_full_build(repo, tmp_path):
    site, scratch = tmp_path / "site", tmp_path / "full"
    build(repo, site)
    manifest = site / incremental.MANIFEST
    for damage in ("{not json", json.dumps({"format": incremental.FORMAT - 1}),
                   manifest.read_text(encoding="utf-8")[:100]):
        manifest.write_text(damage, encoding="utf-8")
        (site / "stray.txt").write_text("left by hand\n", encoding="utf-8")
        output = build(repo, site)
        assert rebuilt(output) is None and "Built " in output
        assert not (site / "stray.txt").exists()  # emptied first, as a full build does
    build(repo, scratch, "--full")
    assert_same_site(site, scratch)


def test_a_page_changed_in_the_folder_is_rendered_again_and_stray_files_go(repo, tmp_path):
    site, scratch = tmp_path / "site", tmp_path / "full"
    build(repo, site)
    page = next((site / "deals").glob("*/index.html"))
    page.write_text("edited by hand", encoding="utf-8")
    customer_page = next((site / "customers").glob("*/index.html"))
    customer_page.unlink()
    (site / "deals" / "stray").mkdir()
    (site / "deals" / "stray" / "notes.txt").write_text("left by hand\n", encoding="utf-8")
    output = build(repo, site)
    assert rebuilt(output) is not None
    build(repo, scratch, "--full")
    assert_same_site(site, scratch)
    assert not (site / "deals" / "stray").exists()


def test_a_search_index_that_cannot_be_read_means_a_full_build(repo, tmp_path):
    site = tmp_path / "site"
    build(repo, site)
    (site / "search" / "search_index.json").write_text("{", encoding="utf-8")
    output = build(repo, site)
    assert rebuilt(output) is None
    assert json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


def test_stock_behaviour_builds_in_full_and_the_same_site(repo, tmp_path, monkeypatch):
    site, scratch = tmp_path / "site", tmp_path / "full"
    build(repo, site)
    build(repo, scratch)
    monkeypatch.setenv("SALESGEN_COMPAT", "stock")
    compat.reset()
    output = build(repo, site)  # a manifest is there, but the stock path never keeps pages
    assert rebuilt(output) is None and "Built " in output
    assert_same_site(site, scratch)


def test_full_option_renders_every_page(repo, tmp_path):
    site = tmp_path / "site"
    build(repo, site)
    output = build(repo, site, "--full")
    assert rebuilt(output) is None and re.search(r"Built \d+ pages into .* in \d+\.\d s\.", output)


def test_off_a_terminal_the_build_says_one_line_with_the_count_and_the_time(repo, tmp_path):
    output = build(repo, tmp_path / "site")
    assert "Writing pages" not in output and "\r" not in output
    assert re.search(r"(?m)^Built (\d+) pages into .* in \d+\.\d s\.$", output)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_bar_counts_pages_from_the_first_one_written(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    stream = Terminal()
    now = [0.0]
    with _progress() as progress:
        progress(1, 500)  # the first page: the bar opens now, after linting, with the number of pages
        bar = progress.bar
        assert (bar.label, bar.unit, bar.total, bar.done) == ("Writing pages", "pages", 500, 1)
        bar.stream, bar.live, bar.clock, bar.started, bar.first_at = stream, True, (lambda: now[0]), 0.0, 0.0
        now[0] = 0.5
        progress(51, 500)
        assert stream.getvalue() == ""  # quiet during the first second
        now[0] = 1.0
        progress(101, 500)
        assert stream.getvalue().endswith("101/500 pages  20%  -0:04")  # 100 pages a second: 399 left
    assert stream.getvalue().endswith("\r\x1b[2K")  # wiped at the end; the build prints its own summary line


def test_the_manifest_holds_no_data_of_the_deals(repo, tmp_path):
    site = tmp_path / "site"
    build(repo, site)
    text = (site / incremental.MANIFEST).read_text(encoding="utf-8")
    amounts = {line.split(": ")[1] for path in deal_files(repo)
               for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("amount: ")}
    assert not any(amount in text for amount in amounts if len(amount) > 5)
    names = {line.split(": ", 1)[1] for path in deal_files(repo)
             for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("name: ")}
    assert not any(name in text for name in names)
    pages = len(json.loads(text)["pages"])
    assert os.path.getsize(site / incremental.MANIFEST) < 400 * pages  # digests and paths, no page text


@pytest.mark.parametrize("part", [1, 2, 1000])  # parts of one entry, of two (the four pages end a part), of all
def test_the_manifest_written_in_parts_reads_back_whole(tmp_path, monkeypatch, part):
    monkeypatch.setattr(incremental, "PART", part)
    """write() streams the manifest; read() gets every written page, the kept ones as they were, every file of
    the folder but the manifest and its temporary file, and no page whose file is missing."""
    site = tmp_path / "site"
    for name in ("index.html", "deals/a/index.html", "deals/b/index.html", "deals/b/forms/index.html", "x.css"):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(name, encoding="utf-8")
    (site / (incremental.MANIFEST + ".tmp")).write_text("left by a build that was killed", encoding="utf-8")
    pages = {"deals/a/index.md": ("d1", "deals/a/index.html"), "deals/b/index.md": ("d2", "deals/b/index.html"),
             "deals/gone/index.md": ("d3", "deals/gone/index.html"), "deals/b/forms/index.md": ("d4", "x")}
    kept = {"deals/b/forms/index.md": ["d4", "deals/b/forms/index.html", 7, 11]}
    incremental.write(site, "key", "words", pages, kept)
    manifest = incremental.read(site)
    assert (manifest.key, manifest.words) == ("key", "words")
    size = len("deals/a/index.html")
    assert manifest.pages["deals/a/index.md"][:3] == ["d1", "deals/a/index.html", size]
    assert manifest.pages["deals/b/forms/index.md"] == kept["deals/b/forms/index.md"]
    assert set(manifest.pages) == {"deals/a/index.md", "deals/b/index.md", "deals/b/forms/index.md"}
    assert sorted(manifest.files) == ["deals/a/index.html", "deals/b/forms/index.html", "deals/b/index.html",
                                      "index.html", "x.css"]
    incremental.write(site, "key", "words", {}, files=["a", incremental.MANIFEST, "b"])
    assert incremental.read(site).files == ["a", "b"] and incremental.read(site).pages == {}
