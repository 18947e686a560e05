"""End to end: one new deal from planning to won using only commands, never a hand edit; lint clean at the end."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from salesgen.cli import cli

README = Path(__file__).resolve().parent.parent / "README.md"


def steps():
    """(as-of day, arguments) of each line of the README's walk from planning to won, in order."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### From planning to won, by command"):]
    block = re.search(r"```sh\n(.*?)\n```", section, re.S).group(1)
    found = []
    for line in block.splitlines():
        if not line.startswith("salesgen "):
            assert line.startswith("# "), line
            continue
        args = shlex.split(line)[1:]
        at = args.index("--as-of")
        found.append((args[at + 1], args[:at] + args[at + 2:]))
    return found


def run(root, day, args):
    full = [*args, "--as-of", day, "--root", str(root)]
    result = CliRunner().invoke(cli, full, catch_exceptions=False)
    assert result.exit_code == 0, f"salesgen {' '.join(args)} (as of {day}) -> {result.exit_code}\n{result.output}"
    return result


def test_the_walk_uses_only_commands_and_reaches_every_stage():
    commands = [args for _, args in steps()]
    assert {args[0] for args in commands} <= {"new", "set", "stakeholder", "log", "evidence", "move", "approve", "team",
                                          "fix"}
    moves = [args[2] for args in commands if args[0] == "move"]
    assert moves == ["visit", "proposal", "demo", "design", "evaluation", "negotiation", "won"]
    # the three approval criteria are met by `approve`, never by evidence
    assert [args[2] for args in commands if args[0] == "approve"] == ["project_initiation", "quote", "contract_review"]
    assert not {args[2] for args in commands if args[0] == "evidence"} & {
        "project_initiation_approved", "quote_approved", "contract_reviewed"}


def test_a_new_deal_walks_from_planning_to_won_with_commands_only(tmp_path):
    root = tmp_path / "pipeline"
    assert CliRunner().invoke(cli, ["init", str(root), "--as-of", "2027-01-01"]).exit_code == 0
    for day, args in steps():
        run(root, day, args)
    deal = (root / "deals" / "acme-line.yaml").read_text(encoding="utf-8")
    assert "stage: won" in deal
    # the example deal `init` wrote is left alone (its follow-ups are due): lint what the walk made
    lint = CliRunner().invoke(cli, ["lint", "--root", str(root), "--as-of", "2027-02-20",
                                    str(root / "deals" / "acme-line.yaml"), str(root / "customers" / "acme.yaml")])
    assert lint.exit_code == 0, lint.output
    assert "0 errors, 0 warnings" in lint.output
    shown = CliRunner().invoke(cli, ["show", "acme-line", "--root", str(root), "--as-of", "2027-02-20"])
    assert shown.exit_code == 0 and "▶ won" in shown.output
