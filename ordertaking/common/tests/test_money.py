"""The one rounding rule for money (common.money): half-up to the fen, on every half-fen case."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ordertaking.common.money import half_up, line_amount, money, money_sum, percent_of

D = Decimal


@pytest.mark.parametrize(("raw", "rounded"), [
    ("4.965", "4.97"), ("4.975", "4.98"), ("0.005", "0.01"), ("0.015", "0.02"), ("2.675", "2.68"),
    ("-4.965", "-4.97"), ("4.9649", "4.96"), ("12345678901.235", "12345678901.24"), ("7", "7.00"),
])
def test_money_rounds_every_half_fen_up_away_from_zero(raw, rounded):  # type: ignore[no-untyped-def]
    assert money(D(raw)) == D(rounded)
    assert str(money(D(raw))) == rounded


def test_one_and_a_half_at_3_31_is_4_97_as_on_the_order():
    assert line_amount(D("1.5"), D("3.31")) == D("4.97")
    assert line_amount(None, D("3.31")) == D("0.00") and line_amount(D("1"), None) == D("0.00")


def test_money_refuses_floats_which_carry_binary_noise():
    with pytest.raises(TypeError):
        money(2.675)  # type: ignore[arg-type]


def test_sums_and_percentages_round_by_the_same_rule():
    assert money_sum([D("1.005"), None, D("2")]) == D("3.01")
    assert percent_of(D("100.01"), 50) == D("50.01")  # 50.005 -> half up
    assert half_up(D("12.345")) == D("12.35") and half_up(D("0.5"), 0) == D("1")


@given(qty=st.decimals(min_value=D("0.001"), max_value=D("100000"), places=3),
       price=st.decimals(min_value=D("0.01"), max_value=D("1000000"), places=2))
def test_a_line_amount_is_within_half_a_fen_and_half_fens_go_up(qty, price):  # type: ignore[no-untyped-def]
    exact = qty * price
    amount = line_amount(qty, price)
    assert abs(amount - exact) <= D("0.005")
    if (exact * 1000) % 10 == 5 and exact == exact.quantize(D("0.001")):
        assert amount > exact
    assert amount == exact.quantize(D("0.01"), rounding=ROUND_HALF_UP)
