"""The scorecard as pure functions (P5.1.a): each factor, the boundaries of each rating."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ordertaking.credit import rules

D = Decimal
BANDS = rules.parse_bands(rules.DEFAULT_BANDS)


def test_p5_1_a_qualification_scores_capital_years_and_licences():
    assert rules.score_qualification(rules.Qualification(D("50000000"), 10, 5)) == 100
    assert rules.score_qualification(rules.Qualification(D("49999999.99"), 9, 0)) == 30 + 25
    assert rules.score_qualification(rules.Qualification(D("1000000"), 2, 1)) == 20 + 15 + 5
    assert rules.score_qualification(rules.Qualification(D("0"), 0, 0)) == 0 + 5 + 0
    assert rules.score_qualification(rules.Qualification(D("100"), 1, 9)) == 10 + 5 + 25  # licences capped at 5


@pytest.mark.parametrize(("revenue", "debt", "expected"), [
    ("100000000", "40", 100), ("99999999", "40.01", 35 + 35), ("10000000", "60", 35 + 35),
    ("1000000", "60.01", 20 + 15), ("999999", "80", 5 + 15), ("0", "80.01", 5 + 0),
])
def test_p5_1_a_financial_status_scores_revenue_and_debt_ratio(revenue, debt, expected):
    assert rules.score_financial(rules.Financials(D(revenue), D(debt))) == expected


def test_p5_1_a_reputation_blacklist_is_zero_and_litigation_costs_fifty():
    assert rules.score_reputation(rules.Reputation(False, True, 4)) == 0
    assert rules.score_reputation(rules.Reputation(False, False, 0)) == 60
    assert rules.score_reputation(rules.Reputation(False, False, 9)) == 100
    assert rules.score_reputation(rules.Reputation(True, False, 1)) == 20
    assert rules.score_reputation(rules.Reputation(True, False, 0)) == 10


def test_p5_1_a_payment_record_new_customer_is_neutral_and_lateness_costs():
    assert rules.score_payment(rules.PaymentRecord()) == 60
    perfect = rules.PaymentRecord(invoices=5, on_time_ratio=D("1"), worst_days_overdue=0)
    assert rules.score_payment(perfect) == 100
    late = rules.PaymentRecord(invoices=4, on_time_ratio=D("0.5"), worst_days_overdue=45,
                               open_overdue_amount=D("1.00"))
    assert rules.score_payment(late) == 35 + 10 - 20
    assert rules.score_payment(rules.PaymentRecord(invoices=1, on_time_ratio=D("0"), worst_days_overdue=61,
                                                   open_overdue_amount=D("5"))) == 0


def test_p5_1_a_payment_record_is_computed_from_invoices():
    today = date(2026, 11, 26)
    rec = rules.payment_record_from([
        (date(2026, 9, 1), date(2026, 8, 30), D("0")),     # early
        (date(2026, 9, 1), date(2026, 9, 21), D("0")),     # 20 days late
        (date(2026, 10, 27), None, D("500.00")),           # open, 30 days overdue
        (date(2026, 12, 10), None, D("900.00")),           # open, not due
    ], today=today)
    assert rec.invoices == 4
    assert rec.on_time_ratio == D("0.3333")  # 1 on time of 2 settled + 1 open overdue
    assert rec.worst_days_overdue == 30
    assert rec.avg_days_overdue == D("25.0")
    assert rec.open_overdue_amount == D("500.00")


@pytest.mark.parametrize(("score", "rating"), [
    (100, "AAA"), (85, "AAA"), (84, "AA"), (70, "AA"), (69, "A"), (55, "A"), (54, "B"), (40, "B"), (39, "C"),
    (0, "C"),
])
def test_p5_1_a_rating_bands_have_exact_boundaries(score, rating):
    assert rules.band_for(score, BANDS).rating == rating


def test_p5_1_a_scorecard_blends_factors_by_weight_and_shows_contributions():
    card = rules.scorecard(qualification=rules.Qualification(D("50000000"), 10, 5),
                           financials=rules.Financials(D("100000000"), D("30")),
                           reputation=rules.Reputation(False, False, 4),
                           payment=rules.PaymentRecord(), weights=rules.Weights(), bands=BANDS)
    assert card.factors == {"qualification": 100, "financial": 100, "reputation": 100, "payment": 60}
    assert card.contributions["payment"] == D("18.00")
    assert card.score == 25 + 25 + 20 + 18
    assert card.band.rating == "AAA"
    assert card.band.limit == D("2000000.00")
    assert card.band.guarantee_required is False


def test_p5_1_b_a_blacklisted_customer_gets_the_lowest_band_with_a_guarantee():
    card = rules.scorecard(qualification=rules.Qualification(D("50000000"), 10, 5),
                           financials=rules.Financials(D("100000000"), D("30")),
                           reputation=rules.Reputation(False, True, 4),
                           payment=rules.PaymentRecord(invoices=3, on_time_ratio=D("1")), weights=rules.Weights(),
                           bands=BANDS)
    assert card.score >= 70
    assert card.band.rating == "C"
    assert card.band.guarantee_required is True


def test_p5_1_a_weights_must_add_up_to_100_and_bands_must_fall_to_zero():
    with pytest.raises(ValueError):
        rules.Weights(30, 30, 30, 30).check()
    with pytest.raises(ValueError):
        rules.parse_bands([{"rating": "A", "min_score": 50, "limit": "1"}])
    with pytest.raises(ValueError):
        rules.parse_bands([{"rating": "A", "min_score": 0, "limit": "-1"}])


def test_p5_1_limit_check_gives_the_excess_or_zero():
    assert rules.limit_check(exposure=D("90"), order_amount=D("10"), limit=D("100")) == D("0.00")
    assert rules.limit_check(exposure=D("90"), order_amount=D("10.01"), limit=D("100")) == D("0.01")
    assert rules.limit_check(exposure=D("90"), order_amount=D("20"), limit=D("100"), allowed_excess=D("10")) == 0


def test_p3_6_payment_terms_must_be_within_the_rating():
    assert rules.terms_finding(kind="credit", term_days=30, allowed_kinds=["credit"], max_term_days=30,
                               rating="A") == []
    [f] = rules.terms_finding(kind="credit", term_days=60, allowed_kinds=["credit"], max_term_days=30, rating="A")
    assert (f.code, f.clause) == ("payment_term_too_long", "P3.6")
    [f] = rules.terms_finding(kind="credit", term_days=30, allowed_kinds=["prepayment"], max_term_days=0,
                              rating="B")
    assert (f.code, f.clause) == ("payment_method_not_allowed_by_rating", "P5.1.a")
