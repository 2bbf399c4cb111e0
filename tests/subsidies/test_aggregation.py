from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from subsidies.aggregation import panel_score, weighted_total

totals_strategy = st.lists(
    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=12,
)


@given(totals_strategy)
def test_trimmed_mean_lies_between_min_and_max(totals):
    score = panel_score(totals, trim_from=5)
    assert min(totals) - Decimal("0.01") <= score <= max(totals) + Decimal("0.01")


@given(totals_strategy, st.randoms())
def test_panel_score_does_not_depend_on_order(totals, rnd):
    shuffled = list(totals)
    rnd.shuffle(shuffled)
    assert panel_score(shuffled, trim_from=5) == panel_score(totals, trim_from=5)


def test_five_scores_drop_the_highest_and_lowest():
    totals = [Decimal(x) for x in (50, 70, 72, 74, 99)]
    assert panel_score(totals, trim_from=5) == Decimal("72.00")


def test_four_scores_are_a_plain_mean():
    totals = [Decimal(x) for x in (50, 70, 72, 100)]
    assert panel_score(totals, trim_from=5) == Decimal("73.00")


def test_trim_threshold_is_a_parameter():
    # The ranking passes the round's policy version's trim_min_scores (tests/policy).
    scores = [Decimal(0), Decimal(50), Decimal(100)]
    assert panel_score(scores, trim_from=3) == Decimal("50.00")
    assert panel_score(scores, trim_from=5) == Decimal("50.00")
    assert panel_score([Decimal(0), Decimal(60), Decimal(90)], trim_from=3) == Decimal("60.00")
    assert panel_score([Decimal(0), Decimal(60), Decimal(90)], trim_from=5) == Decimal("50.00")


def test_weighted_total():
    weights = {1: 20, 2: 25, 3: 20, 4: 15, 5: 10, 6: 10}
    scores = {1: 80, 2: 90, 3: 70, 4: 60, 5: 100, 6: 50}
    # 16 + 22.5 + 14 + 9 + 10 + 5
    assert weighted_total(scores, weights) == Decimal("76.50")
