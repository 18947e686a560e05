"""Compiled templates kept between builds (salesgen/site/template_cache.py): the same site, compiled once."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from salesgen.site import template_cache
from salesgen.synthetic import generate


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.delenv(template_cache.ENV_VAR, raising=False)
    template_cache.bytecode_cache.cache_clear()
    yield
    template_cache.bytecode_cache.cache_clear()


def test_templates_compiled_by_salesgen_and_by_jinja_are_kept_apart():
    fast, stock = template_cache.bytecode_cache("pages-(True, True)"), template_cache.bytecode_cache("pages-(False, False)")
    assert fast.pattern != stock.pattern
    assert fast.directory == stock.directory and os.path.isdir(fast.directory)


@pytest.mark.parametrize("value", ["off", "0", "no", "false", " OFF "])
def test_the_cache_can_be_turned_off(monkeypatch, value):
    monkeypatch.setenv(template_cache.ENV_VAR, value)
    assert template_cache.bytecode_cache("theme") is None


def test_a_folder_that_cannot_be_made_means_no_cache(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    import tempfile

    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(blocker))  # the user's folder would go inside a file
    assert template_cache.bytecode_cache("theme") is None


def site(root: Path, out: Path, cache: str) -> dict:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", **{template_cache.ENV_VAR: cache})
    done = subprocess.run([sys.executable, "-m", "salesgen", "build", "--root", str(root), "--site-dir", str(out),
                           "--as-of", "2026-11-20"], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".salesgen-build.json"}


def test_the_site_is_the_same_bytes_with_compiled_templates_from_the_cache(tmp_path):
    root = tmp_path / "repo"
    generate(root, deals=12, customers=4, contacts=12, seed=2)
    without = site(root, tmp_path / "off", "off")
    site(root, tmp_path / "warm", "on")  # fills the cache
    cached = site(root, tmp_path / "on", "on")  # compiled templates read from it
    assert cached.keys() == without.keys()
    assert [name for name in without if cached[name] != without[name]] == []
    folder = Path(template_cache.bytecode_cache("theme").directory)
    assert any(folder.glob("__salesgen_*.cache"))
