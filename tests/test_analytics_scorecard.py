"""The customer evaluation scorecard (table 4-2): weighted score with configured weights."""
from __future__ import annotations

from decimal import Decimal

import pytest

from salesgen.analytics.scorecard import scorecard
from salesgen.config import default_weights

FACTORS = ("scale_position", "profitability", "investment", "credit", "project_scale", "project_value", "priority")
# The method's weights (salesgen/method/METHOD.md), written out: the oracle, not the code's defaults.
METHOD_WEIGHTS = {"scale_position": 10, "profitability": 10, "investment": 10, "credit": 20, "project_scale": 20,
                  "project_value": 10, "priority": 20}


def evaluation(*scores):
    return dict(zip(FACTORS, scores))


@pytest.mark.parametrize("scores, expected", [
    ((5, 7, 7, 7, 7, 7, 3), "6.0"),  # the text's customer A
    ((5, 9, 7, 5, 5, 9, 7), "6.4"),  # the text's customer B
])
def test_the_texts_worked_example_comes_out_as_on_paper(scores, expected):
    card = scorecard(evaluation(*scores), METHOD_WEIGHTS)
    assert str(card.rounded) == expected
    assert card.total == Decimal(expected)


def test_customer_b_ranks_above_customer_a():
    a = scorecard(evaluation(5, 7, 7, 7, 7, 7, 3), METHOD_WEIGHTS)
    b = scorecard(evaluation(5, 9, 7, 5, 5, 9, 7), METHOD_WEIGHTS)
    assert b.total > a.total


def test_rows_show_each_factors_weighted_points():
    card = scorecard(evaluation(5, 9, 7, 5, 5, 9, 7), METHOD_WEIGHTS)
    points = {row.factor: row.points for row in card.rows}
    assert points == {"scale_position": Decimal("0.5"), "profitability": Decimal("0.9"), "investment": Decimal("0.7"),
                      "credit": Decimal("1"), "project_scale": Decimal("1"), "project_value": Decimal("0.9"),
                      "priority": Decimal("1.4")}
    assert [row.factor for row in card.rows] == list(FACTORS)


def test_configured_weights_change_the_score():
    weights = dict(METHOD_WEIGHTS, priority=60, credit=0, project_scale=0)  # still 100 in all
    card = scorecard(evaluation(5, 7, 7, 7, 7, 7, 3), weights)
    expected = (Decimal(5 * 10 + 7 * 10 + 7 * 10 + 7 * 10 + 3 * 60)) / 100
    assert card.total == expected


def test_weights_are_percent_and_never_rescaled():
    # the configuration refuses weights that do not add up to 100; the score does not hide it by rescaling
    weights = {f: 1 for f in FACTORS}
    card = scorecard(evaluation(1, 2, 3, 4, 5, 6, 7), weights)
    assert card.total == Decimal(28) / 100


def test_a_missing_factor_leaves_the_score_open():
    scores = evaluation(5, 7, 7, 7, 7, 7, 3)
    del scores["priority"]
    card = scorecard(scores, METHOD_WEIGHTS)
    assert card.total is None and not card.complete and card.rounded is None
    assert next(r for r in card.rows if r.factor == "priority").points is None


def test_half_a_tenth_rounds_up():
    # 6 x 75% + 7 x 25% = 6.25 -> 6.3 (half up, as on paper), not 6.2 (banker's rounding)
    weights = {**{f: 0 for f in FACTORS}, "credit": 75, "priority": 25}
    card = scorecard({**{f: 1 for f in FACTORS}, "credit": 6, "priority": 7}, weights)
    assert card.total == Decimal("6.25")
    assert str(card.rounded) == "6.3"


def test_the_default_weights_are_the_methods():
    assert default_weights() == METHOD_WEIGHTS
    assert list(default_weights()) == list(FACTORS)
