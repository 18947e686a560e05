"""Currency codes: ISO 4217 from a real list, what was meant, and which totals leave a currency out."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from salesgen import currencies
from salesgen.cli import cli

BASELINE = Path(__file__).resolve().parent / "data" / "valid"
AS_OF = "2026-11-20"


@pytest.mark.parametrize("code", ["CNY", "USD", "EUR", "JPY", "HKD", "TWD", "GBP", "CHF", "SGD", "KRW"])
def test_real_codes_are_known(code):
    assert currencies.is_known(code)


@pytest.mark.parametrize("code", ["RMB", "NTD", "cny", "Cny", "US$", "", "CNY\n", "XXX", "XTS", "EURO", 156, None])
def test_what_is_not_a_code_is_unknown(code):
    assert not currencies.is_known(code)


@pytest.mark.parametrize("written, meant", [
    ("RMB", "CNY"), ("rmb", "CNY"), ("人民币", "CNY"), ("元", "CNY"), ("cny", "CNY"), (" CNY ", "CNY"),
    ("US$", "USD"), ("$", "USD"), ("€", "EUR"), ("HK$", "HKD"), ("NT$", "TWD"), ("NTD", "TWD"),
    ("USX", "USD"), ("CNZ", "CNY"), ("usd", "USD"), ("12", None), ("", None),
])
def test_the_code_that_was_meant(written, meant):
    assert currencies.suggest(written) == meant


def test_the_hint_names_the_guess_first():
    assert currencies.hint("RMB").startswith("Did you mean CNY? ")
    assert not currencies.hint("12").startswith("Did you mean")


# --- the rules, through `salesgen lint` -------------------------------------------------------------

DEAL = """\
id: {id}
name: A deal in {currency}
customer: acme
owner: li-lei
pipeline: project
stage: {stage}
amount: 4000000
currency: {currency}
expected_close: 2027-03-31
"""


def lint_with(tmp_path: Path, deals: dict, config_edit=lambda text: text) -> list[dict]:
    root = tmp_path / "repo"
    shutil.copytree(BASELINE, root)
    config = root / "salesgen.yaml"
    config.write_text(config_edit(config.read_text(encoding="utf-8")), encoding="utf-8")
    for ident, (currency, stage) in deals.items():
        (root / "deals" / f"{ident}.yaml").write_text(DEAL.format(id=ident, currency=currency, stage=stage),
                                                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", "--root", str(root), "--as-of", AS_OF, "--format", "json",
                                      "--no-cache"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return json.loads(result.stdout)


def currency_problems(problems: list[dict]) -> list[tuple]:
    return sorted((p["file"], p["line"], p["rule"], p["severity"]) for p in problems
                  if p["rule"].startswith("currency-"))


def test_a_deal_without_a_rate_is_one_warning_that_names_the_totals(tmp_path):
    problems = lint_with(tmp_path, {"in-yen": ("JPY", "planning")})
    assert currency_problems(problems) == [("deals/in-yen.yaml", 8, "currency-no-rate", "warning")]
    warning = next(p for p in problems if p["rule"] == "currency-no-rate")
    assert warning["message"] == ("the amount in JPY is left out of the CNY pipeline, forecast and quota totals: "
                                  "no rate from JPY")
    assert warning["hint"] == "Add `JPY: <CNY per 1 JPY>` under `rates:` in salesgen.yaml."


def test_a_won_deal_without_a_rate_is_left_out_of_the_closed_totals(tmp_path):
    problems = lint_with(tmp_path, {"won-in-yen": ("JPY", "won")})
    warning = next(p for p in problems if p["rule"] == "currency-no-rate")
    assert "left out of the CNY closed, forecast and quota totals" in warning["message"]


def test_no_warning_with_a_rate_in_the_reporting_currency_or_for_a_lost_deal(tmp_path):
    problems = lint_with(tmp_path, {"in-yen": ("JPY", "planning"), "in-dollars": ("USD", "planning"),
                                    "in-yuan": ("CNY", "visit"), "lost-in-euro": ("EUR", "lost")},
                         lambda text: text.replace("  USD: 7.1\n", "  USD: 7.1\n  JPY: 0.047\n"))
    assert currency_problems(problems) == []


def test_one_warning_per_deal(tmp_path):
    problems = lint_with(tmp_path, {"yen-a": ("JPY", "planning"), "yen-b": ("JPY", "visit")})
    assert currency_problems(problems) == [("deals/yen-a.yaml", 8, "currency-no-rate", "warning"),
                                           ("deals/yen-b.yaml", 8, "currency-no-rate", "warning")]


def test_an_unknown_code_is_one_error_not_also_a_missing_rate(tmp_path):
    problems = lint_with(tmp_path, {"in-rmb": ("RMB", "planning")})
    assert currency_problems(problems) == [("deals/in-rmb.yaml", 8, "currency-unknown", "error")]
    error = next(p for p in problems if p["rule"] == "currency-unknown")
    assert error["message"] == "'RMB' is not an ISO 4217 currency code"
    assert error["hint"].startswith("Did you mean CNY?")


def test_a_quota_without_a_rate_is_a_warning_on_the_configuration(tmp_path):
    problems = lint_with(tmp_path, {}, lambda text: text.replace(
        "    title: Account Manager\n", "    title: Account Manager\n    quota: {amount: 100000, currency: EUR}\n"))
    assert currency_problems(problems) == [("salesgen.yaml", 17, "currency-no-rate", "warning")]
    warning = next(p for p in problems if p["rule"] == "currency-no-rate")
    assert warning["message"].startswith("the quota of 'li-lei' in EUR is left out of quota attainment in CNY")


def test_a_quota_with_a_rate_is_not_reported(tmp_path):
    problems = lint_with(tmp_path, {}, lambda text: text.replace(
        "    title: Account Manager\n", "    title: Account Manager\n    quota: {amount: 100000, currency: USD}\n"))
    assert currency_problems(problems) == []
