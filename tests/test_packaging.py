"""pyproject.toml declares what the code imports, and tests/lowest-versions.txt pins its lower bounds.

CI installs the package a second time with tests/lowest-versions.txt as pip constraints
and runs the suite there (.ci/run), so a lower bound that no longer works fails CI.
"""
from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
LOWEST = REPO / "tests" / "lowest-versions.txt"

# Distribution name -> the top-level module it provides (written out: the oracle).
IMPORT_NAME = {
    "pyyaml": "yaml", "jsonschema": "jsonschema", "jsonschema-rs": "jsonschema_rs", "jinja2": "jinja2",
    "markupsafe": "markupsafe", "markdown": "markdown", "mkdocs": "mkdocs", "mkdocs-material": "material",
    "click": "click", "pytest": "pytest", "hypothesis": "hypothesis", "playwright": "playwright",
    "babel": "babel", "regress": "regress", "packaging": "packaging", "jieba": "jieba", "watchdog": "watchdog",
}
# Test dependencies the tests run as commands, not import: distribution -> the command.
COMMANDS = {"pre-commit": "pre-commit"}


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement(text: str) -> tuple[str, list[str]]:
    """('mkdocs', ['>=1.6', '<1.7']) from 'mkdocs>=1.6,<1.7' (no extras or markers in this project)."""
    match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)", text.strip())
    assert match and "[" not in text and ";" not in text, f"unexpected requirement {text!r}"
    return normalized(match.group(1)), [s.strip() for s in match.group(2).split(",") if s.strip()]


RUNTIME = dict(requirement(r) for r in PYPROJECT["project"]["dependencies"])
TEST = dict(requirement(r) for r in PYPROJECT["project"]["optional-dependencies"]["test"])


@functools.cache
def third_party_imports(folder: Path, local: frozenset[str]) -> dict[str, str]:
    """Top-level module -> the first file importing it, for every module not in the standard library."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in local:
                    found.setdefault(top, str(path.relative_to(REPO)))
    return found


def uses_material_theme() -> bool:
    """mkdocs-material is the MkDocs theme salesgen's site is built with (and compat reaches into its search plugin)."""
    config = (REPO / "salesgen" / "site" / "mkdocs_config.py").read_text(encoding="utf-8")
    return '"theme": {"name": "material"' in config


def test_every_dependency_has_its_import_name_listed():
    assert sorted(set({**RUNTIME, **TEST}) - set(IMPORT_NAME) - set(COMMANDS)) == [], "add it to IMPORT_NAME above"


def test_every_import_of_salesgen_is_a_declared_dependency():
    imported = third_party_imports(REPO / "salesgen", frozenset({"salesgen"}))
    declared = {IMPORT_NAME.get(name) for name in RUNTIME}
    assert {module: path for module, path in imported.items() if module not in declared} == {}


def test_every_declared_dependency_is_used():
    imported = set(third_party_imports(REPO / "salesgen", frozenset({"salesgen"})))
    unused = [name for name in RUNTIME if IMPORT_NAME.get(name) not in imported]
    assert unused == [] and uses_material_theme()


def test_every_import_of_the_tests_is_declared_and_every_test_dependency_used():
    local = frozenset({"salesgen", "conftest", "run_benchmarks", "history_bench"} | {p.stem for p in (REPO / "tests").glob("*.py")})
    imported = third_party_imports(REPO / "tests", local)
    declared = {IMPORT_NAME.get(name) for name in {**RUNTIME, **TEST}}
    assert {module: path for module, path in imported.items() if module not in declared} == {}
    assert [name for name in TEST if name not in COMMANDS and IMPORT_NAME.get(name) not in imported] == []
    tests_text = "".join(p.read_text(encoding="utf-8") for p in (REPO / "tests").glob("*.py"))
    assert [name for name, command in COMMANDS.items() if f'"{command}"' not in tests_text] == []


@functools.cache
def installed_providers() -> dict:
    return importlib.metadata.packages_distributions()


@pytest.mark.parametrize("name", sorted(set({**RUNTIME, **TEST}) - set(COMMANDS)))
def test_the_import_names_are_the_installed_distributions(name):
    """The table above is right: the installed distribution provides that module."""
    provides = installed_providers().get(IMPORT_NAME.get(name, name), [])
    assert name in {normalized(d) for d in provides}


def test_lowest_versions_pin_exactly_the_lower_bounds():
    pins = {}
    for line in LOWEST.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, specs = requirement(line)
            assert name not in pins, f"{name} pinned twice"
            pins[name] = specs
    lower = {}
    for name, specs in {**RUNTIME, **TEST}.items():
        bounds = [s.removeprefix(">=") for s in specs if s.startswith(">=")]
        assert len(bounds) == 1, f"{name}: one lower bound (>=) expected, found {specs}"
        lower[name] = [f"=={bounds[0]}"]
    assert pins == lower


def test_upper_bounds_are_explained():
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    for name, specs in RUNTIME.items():
        if any(s.startswith("<") for s in specs):
            line = next(line for line in text.splitlines() if re.match(rf'\s*"{re.escape(name)}[>=<]', line, re.I))
            before = text[:text.index(line)].splitlines()
            assert before[-1].strip().startswith("#"), f"{name}: say in a comment why it has an upper bound"


# --- the suite itself ---------------------------------------------------------------------------------------

# Skips allowed: the browser test outside CI (it fails in CI), symlinks on Windows.
# Skips allowed, each for a platform, never for a missing feature: the browser outside CI (CI fails
# instead), symlinks and pipes where the OS has none, the kill tests where there is no fork().
# readline, which the prompts' Tab completion uses, is absent on Windows only.
ALLOWED_SKIPS = {"test_browser.py": 1, "test_corpus.py": 1, "test_edit_journal.py": 1, "test_cli_log_evidence.py": 1}


def test_no_test_skips_itself_away():
    """A test that skips when something is missing can vanish unnoticed: it must fail instead."""
    found = {}
    for path in sorted((REPO / "tests").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        count = len(re.findall(r"pytest\.(skip|importorskip)\(|mark\.(skip|skipif|xfail)\b", text))
        if count:
            found[path.name] = count
    assert found == ALLOWED_SKIPS
