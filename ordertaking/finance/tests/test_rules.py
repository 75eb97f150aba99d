"""Receivables rules (P3.6): due dates from the payment term, aging buckets on known data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ordertaking.finance import rules

AS_OF = date(2026, 11, 26)


def test_p3_6_due_date_is_issue_date_plus_the_payment_term():
    assert rules.due_date_for(date(2026, 11, 1), 30) == date(2026, 12, 1)
    assert rules.due_date_for(date(2026, 11, 1), 0) == date(2026, 11, 1)


@pytest.mark.parametrize(("due", "bucket"), [
    (date(2026, 12, 1), "current"), (date(2026, 11, 26), "current"), (date(2026, 11, 25), "d1_30"),
    (date(2026, 10, 27), "d1_30"), (date(2026, 10, 26), "d31_60"), (date(2026, 9, 27), "d31_60"),
    (date(2026, 9, 26), "d61_90"), (date(2026, 8, 28), "d61_90"), (date(2026, 8, 27), "d90_plus"),
])
def test_p3_6_aging_buckets_have_exact_boundaries(due, bucket):
    assert rules.aging_bucket(due, AS_OF) == bucket


def test_p3_6_aging_totals_sum_open_amounts_per_bucket():
    totals = rules.aging_totals([(date(2026, 12, 1), Decimal("100.00")), (date(2026, 11, 20), Decimal("50.50")),
                                 (date(2026, 11, 1), Decimal("49.50")), (date(2026, 6, 1), Decimal("1000.00"))],
                                AS_OF)
    assert totals == {"current": Decimal("100.00"), "d1_30": Decimal("100.00"), "d31_60": Decimal("0.00"),
                      "d61_90": Decimal("0.00"), "d90_plus": Decimal("1000.00"), "total": Decimal("1200.00")}
