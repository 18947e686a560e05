"""The README's tour quotes the example repository: it cannot drift from the real files."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def tour_blocks():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    tour = text[text.index("## A tour of the format"):text.index("## `salesgen lint`")]
    return re.findall(r"```yaml\n(.*?)\n```", tour, re.S)


def test_tour_excerpts_are_lines_of_the_example_files():
    customer = (REPO / "customers" / "temp.yaml").read_text(encoding="utf-8").splitlines()
    deal = (REPO / "deals" / "east-china" / "temp-capacity-expansion.yaml").read_text(encoding="utf-8").splitlines()
    blocks = tour_blocks()
    assert len(blocks) == 2
    for block, source in zip(blocks, (customer, deal)):
        yaml.safe_load(block)  # each excerpt is still YAML
        quoted = [line for line in block.splitlines() if not line.strip().startswith("# ...")]
        missing = [line for line in quoted if line not in source]
        assert missing == [], f"README lines not in the example file: {missing[:3]}"


def test_quickstart_has_the_two_commands_and_ci_runs_the_test_command():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    quick = text[text.index("## Quickstart"):text.index("## The repository layout")]
    commands = re.findall(r"```sh\n(.*?)\n```", quick, re.S)
    assert commands[0] == "python3 -m pip install -e . && salesgen lint && salesgen build"
    test_command = commands[1].split("&&")[-1].strip()
    assert test_command == "python3 -m pytest"
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    lines = ci.splitlines()
    assert test_command in lines, "CI runs the README's test command, exactly"
    # ... and then the same suite in a virtualenv holding the lowest declared versions.
    assert "pip install -q -e '.[test]' -c tests/lowest-versions.txt" in ci
    assert lines[-1] == '"$lowest/bin/python" -m pytest' and lines.index(test_command) < len(lines) - 1
