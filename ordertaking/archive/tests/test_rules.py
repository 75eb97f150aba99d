"""P4.1.b: the classification rules on known histories, at their boundaries (no database)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from ordertaking.archive import rules
from ordertaking.archive.rules import History, Thresholds

T = Thresholds(period_months=12, frequent_orders=6, regular_orders=2, active_days=180, dormant_days=365,
               key_orders=4, key_amount=Decimal("500000.00"), growing_orders=2, growing_amount=Decimal("100000.00"))
TODAY = date(2026, 11, 30)


def h(n: int, amount: str, days_ago: int | None) -> History:
    return History(orders_in_period=n, amount_in_period=Decimal(amount),
                   last_order_on=None if days_ago is None else TODAY - timedelta(days=days_ago))


@pytest.mark.parametrize(("n", "expected"), [(0, "none"), (1, "low"), (2, "medium"), (5, "medium"), (6, "high"),
                                             (40, "high")])
def test_p4_1_b_purchase_frequency_is_the_class_of_the_orders_in_the_period(n, expected):
    assert rules.purchase_frequency(n, T) == expected


@pytest.mark.parametrize(("history", "expected"), [
    (h(0, "0", None), ""),  # never ordered: no tier
    (h(0, "0", 366), "dormant"),  # one day past the dormancy limit
    (h(0, "0", 365), "occasional"),  # exactly at the limit: not yet dormant
    (h(4, "500000.00", 180), "key"),  # every key threshold exactly met, last order exactly recent
    (h(4, "500000.00", 181), "occasional"),  # the same figures, one day too old to be recent
    (h(4, "499999.99", 10), "growing"),  # one fen short of key, enough orders to grow
    (h(3, "600000.00", 10), "growing"),  # enough money, one order short of key
    (h(1, "100000.00", 10), "growing"),  # growing by amount alone
    (h(1, "99999.99", 10), "occasional"),  # one fen short of growing, one order
    (h(2, "1.00", 10), "growing"),  # growing by orders alone
    (h(9, "9000000.00", 400), "dormant"),  # a big customer that stopped ordering is dormant
])
def test_p4_1_b_value_tier_by_recency_frequency_and_amount_at_its_boundaries(history, expected):
    assert rules.value_tier(history, today=TODAY, t=T) == expected


@pytest.mark.parametrize(("today", "months", "start"), [
    (date(2026, 11, 30), 12, date(2025, 11, 30)),
    (date(2026, 5, 31), 3, date(2026, 2, 28)),  # the shorter month's last day
    (date(2028, 5, 31), 3, date(2028, 2, 29)),  # a leap year
    (date(2026, 1, 15), 1, date(2025, 12, 15)),
])
def test_p4_1_b_the_period_is_counted_in_months_back_from_today(today, months, start):
    assert rules.period_start(today, months) == start


def test_p4_1_b_contradicting_thresholds_are_refused_naming_the_field():
    assert rules.thresholds_problems(T) == []
    bad = Thresholds(**{**{f: getattr(T, f) for f in Thresholds.FIELDS}, "regular_orders": 7})
    assert [f for f, _m in rules.thresholds_problems(bad)] == ["regular_orders"]
    bad = Thresholds(**{**{f: getattr(T, f) for f in Thresholds.FIELDS}, "active_days": 400})
    assert [f for f, _m in rules.thresholds_problems(bad)] == ["active_days"]
    bad = Thresholds(**{**{f: getattr(T, f) for f in Thresholds.FIELDS}, "growing_amount": Decimal("600000")})
    assert [f for f, _m in rules.thresholds_problems(bad)] == ["growing_amount"]
    bad = Thresholds(**{**{f: getattr(T, f) for f in Thresholds.FIELDS}, "period_months": 0})
    assert [f for f, _m in rules.thresholds_problems(bad)] == ["period_months"]
