"""`salesgen serve` shows an edited deal before the rest of the site is rebuilt (salesgen/site/quick.py).

The oracles: for the problems, a full `engine.lint` of the same files; for the page, the
page the server's own full rebuild writes afterwards (nothing of the quick path takes
part in it). The end-to-end tests run the real `salesgen serve` on a free port.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from salesgen.engine import lint
from salesgen.site import quick
from salesgen.synthetic import generate

AS_OF = dt.date(2026, 11, 20)
LIVERELOAD = re.compile(rb"<script>\s*var livereload.*?</script>", re.S)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("quick") / "repo"
    generate(root, deals=120, customers=20, contacts=80, seed=5)  # a rebuild of a second or so
    return root


@pytest.fixture
def copy(repo, tmp_path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(repo, root)
    return root


def open_deal(root: Path) -> Path:
    """A deal file of an open deal (no outcome stage), the first in name order."""
    for path in sorted((root / "deals").rglob("*.yaml")):
        if not re.search(r"(?m)^stage: (won|lost)", path.read_text(encoding="utf-8")):
            return path
    raise AssertionError("the synthetic repository has no open deal")


def touch(path: Path, text: str | None = None) -> None:
    """Write ``path`` (or rewrite it as it is) with a time one second later than before."""
    stat = path.stat()
    path.write_text(path.read_text(encoding="utf-8") if text is None else text, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


# ------------------------------------------------------------------ which changes take the quick path

def test_one_edited_deal_file_is_seen_and_nothing_else_is(copy):
    before = quick.snapshot(copy)
    assert quick.edited_deals(before, quick.snapshot(copy)) is None  # nothing changed
    deal = open_deal(copy)
    touch(deal)
    assert quick.edited_deals(before, quick.snapshot(copy)) == [deal.relative_to(copy).as_posix()]


def test_a_customer_or_the_configuration_changed_means_the_whole_rebuild(copy):
    before = quick.snapshot(copy)
    touch(sorted((copy / "customers").rglob("*.yaml"))[0])
    assert quick.edited_deals(before, quick.snapshot(copy)) is None
    before = quick.snapshot(copy)
    touch(copy / "salesgen.yaml")
    assert quick.edited_deals(before, quick.snapshot(copy)) is None


def test_a_deal_added_or_removed_means_the_whole_rebuild(copy):
    before = quick.snapshot(copy)
    deal = open_deal(copy)
    extra = deal.with_name("zz-extra.yaml")
    shutil.copy(deal, extra)
    assert quick.edited_deals(before, quick.snapshot(copy)) is None
    before = quick.snapshot(copy)
    extra.unlink()
    assert quick.edited_deals(before, quick.snapshot(copy)) is None


def test_up_to_five_edited_deals_take_the_quick_path_six_do_not(copy):
    deals = sorted((copy / "deals").rglob("*.yaml"))
    before = quick.snapshot(copy)
    for path in deals[:5]:
        touch(path)
    assert quick.edited_deals(before, quick.snapshot(copy)) == [p.relative_to(copy).as_posix() for p in deals[:5]]
    touch(deals[5])
    assert quick.edited_deals(before, quick.snapshot(copy)) is None


# ------------------------------------------------------------------ the deal checked again

def test_the_edited_deal_gets_the_problems_a_full_lint_finds_in_it(copy):
    result = lint(copy, AS_OF, past=True)
    deal = open_deal(copy)
    rel = deal.relative_to(copy).as_posix()
    assert not [p for p in result.problems if p.file == rel and p.rule == "close-date-passed"]
    text = deal.read_text(encoding="utf-8")
    touch(deal, re.sub(r"(?m)^expected_close: .*$", "expected_close: 2026-11-19", text, count=1))  # a day before
    found = quick.relint_deal(result, rel)
    assert found is not None
    updated, model = found
    full = lint(copy, AS_OF, past=True)
    assert [p for p in updated.problems if p.file == rel] == [p for p in full.problems if p.file == rel]
    assert "close-date-passed" in {p.rule for p in updated.problems if p.file == rel}
    assert [p for p in updated.problems if p.file != rel] == [p for p in result.problems if p.file != rel]
    assert model.expected_close == dt.date(2026, 11, 19) and updated.repo.deals[model.id] is model
    assert result.repo.deals[model.id].expected_close != model.expected_close  # the last build's model is kept

    touch(deal, re.sub(r"(?m)^expected_close: .*$", "expected_close: 2026-11-20", text, count=1))  # the day itself
    updated, _ = quick.relint_deal(result, rel)
    assert "close-date-passed" not in {p.rule for p in updated.problems if p.file == rel}


def test_a_deal_that_no_longer_reads_or_changed_its_id_takes_the_whole_rebuild(copy):
    result = lint(copy, AS_OF, past=True)
    deal = open_deal(copy)
    rel = deal.relative_to(copy).as_posix()
    text = deal.read_text(encoding="utf-8")
    touch(deal, "id: [unclosed\n")
    assert quick.relint_deal(result, rel) is None
    touch(deal, re.sub(r"(?m)^id: .*$", "id: another-id", text, count=1))
    assert quick.relint_deal(result, rel) is None
    touch(deal, text)
    assert quick.relint_deal(result, rel) is not None


# ------------------------------------------------------------------ the real server

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, root: Path, log: Path, env: dict):
        self.port = free_port()
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "salesgen", "serve", "--root", str(root), "--as-of", AS_OF.isoformat(),
             "--dev-addr", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL, stderr=log.open("wb"), env=env)

    def get(self, path: str) -> bytes | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=60) as response:
                return response.read()
        except OSError:
            return None

    def wait(self, test, what: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not test():
            assert self.process.poll() is None, f"the server stopped: {self.log.read_text(errors='replace')}"
            assert time.monotonic() < deadline, f"{what}: {self.log.read_text(errors='replace')}"
            time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def serve_and_edit(root: Path, tmp_path: Path, stock: bool) -> tuple[bytes, bytes, str, int]:
    """Start serve, rename a deal; (its page as first served with the edit, after the rebuild, the log, the
    number of builds that had read the files when the edit was first served)."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    env.pop("SALESGEN_COMPAT", None)
    if stock:
        env["SALESGEN_COMPAT"] = "stock"
    deal = open_deal(root)
    deal_id = re.search(r"(?m)^id: (\S+)", deal.read_text(encoding="utf-8")).group(1)
    log = tmp_path / "serve.log"
    server = Server(root, log, env)
    try:
        server.wait(lambda: b"Serving on" in log.read_bytes(), "the server did not start")
        text = deal.read_text(encoding="utf-8")
        deal.write_text(re.sub(r"(?m)^name: ", "name: 改过的名字 ", text, count=1), encoding="utf-8")
        page = f"deals/{deal_id}/"
        server.wait(lambda: "改过的名字".encode() in (server.get(page) or b""), "the edit was never served")
        # How far the rebuild had gone: 1 the first build only; 2 the rebuild has read the files (its pages follow)
        builds = log.read_bytes().count(b" deals and ")
        first = server.get(page)
        server.wait(lambda: log.read_bytes().count(b"Reloading browsers") >= 1, "the rebuild did not end")
        return first, server.get(page), log.read_text(encoding="utf-8", errors="replace"), builds
    finally:
        server.stop()


def test_serve_shows_the_edited_deal_before_the_rebuild_and_the_rebuild_agrees(copy, tmp_path):
    first, final, log, builds = serve_and_edit(copy, tmp_path, stock=False)
    assert builds == 1  # served before the rebuild had even read the files
    shown = log.index("pages of deals/")
    assert shown < log.index("Building documentation...", shown) < log.index("Reloading browsers")
    assert LIVERELOAD.sub(b"", first) == LIVERELOAD.sub(b"", final)  # the same page, but for the reload script
    assert "<title>改过的名字".encode() in final


def test_with_stock_mkdocs_behaviour_serve_waits_for_the_rebuild(copy, tmp_path):
    first, final, log, builds = serve_and_edit(copy, tmp_path, stock=True)
    assert "pages of deals/" not in log and builds == 2  # served when the rebuild had ended
    assert LIVERELOAD.sub(b"", first) == LIVERELOAD.sub(b"", final)


def test_a_server_without_the_known_internals_gets_mkdocs_own_rebuild():
    from salesgen.site import compat

    class Server:  # a live-reload server of another MkDocs: a builder, none of the epochs
        builder = None

    assert compat.quick_serve_supported(Server()) is False


def test_the_watcher_hears_writes_not_reads(tmp_path):
    folder = tmp_path / "deals"
    folder.mkdir()
    existing = folder / "a.yaml"
    existing.write_text("id: a\n", encoding="utf-8")
    heard = []
    observer = quick.watch([str(folder)], lambda: heard.append(time.monotonic()))
    assert observer is not None
    try:
        time.sleep(0.3)
        existing.read_text(encoding="utf-8")  # a build reads every file: that is no change
        time.sleep(0.5)
        assert heard == []
        (folder / "b.yaml").write_text("id: b\n", encoding="utf-8")
        deadline = time.monotonic() + 10
        while not heard and time.monotonic() < deadline:
            time.sleep(0.02)
        assert heard
    finally:
        observer.stop()


def test_a_failing_quick_path_still_rebuilds_and_says_why():
    import logging

    from salesgen.site.plugin import SalesgenPlugin

    plugin = SalesgenPlugin()
    built, said = [], []

    def broken():
        raise RuntimeError("boom")

    class Heard(logging.Handler):  # on the plugin's own logger: `salesgen build` stops MkDocs' propagating
        def emit(self, record):
            said.append(record.getMessage())

    plugin.show_edited_deals = broken
    logger, heard = logging.getLogger("mkdocs.plugins.salesgen"), Heard(logging.WARNING)
    logger.addHandler(heard)
    try:
        plugin.quick_then(lambda: built.append(True))()
    finally:
        logger.removeHandler(heard)
    assert built == [True]
    assert any("could not be shown before the rebuild: RuntimeError: boom" in line for line in said)
