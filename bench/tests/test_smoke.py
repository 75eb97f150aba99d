"""The benchmark's own smoke run: a few orders, correctness only (timings are never asserted).

The same code the suite times: W1 setup, the order pipeline through the real services (create,
submit, approve; each its own transaction), the checks run after every measured run, and the bulk
history loader with the dashboard selectors reading what it wrote.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from bench import data, w1


@pytest.fixture
def w1_db(db):  # type: ignore[no-untyped-def]
    meta = data.w1_setup()
    return meta


def test_p2_2_c_smoke_w1_orders_get_unique_gap_free_numbers_and_right_totals(w1_db):  # type: ignore[no-untyped-def]
    one = w1.order_pipeline(data.w1_context())
    orders = [one(i) for i in range(6)]
    assert [o.state for o in orders] == ["approved"] * 6
    check = w1.step_w1_verify({"n": 6, "services": True})
    assert check["ok"], check
    assert [o.total_amount for o in orders] == [data.w1_expected_total(i) for i in range(6)]


def test_w1_setup_gives_every_customer_the_credit_limit_of_the_issue_once_credit_exists(w1_db):  # type: ignore[no-untyped-def]
    from django.apps import apps

    assert len(w1_db["customers"]) == data.W1_CUSTOMERS
    if not apps.is_installed("ordertaking.credit"):
        assert w1_db["credit"] is False
        return
    from ordertaking.credit.models import CustomerCredit

    limits = set(CustomerCredit.objects.filter(customer_id__in=w1_db["customers"])
                 .values_list("credit_limit", flat=True))
    assert w1_db["credit"] is True and limits == {Decimal("1000000.00")}


def test_w1_list_prices_follow_the_issue_formula():
    assert [data.list_price(i) for i in (0, 1, 27, 199)] == [Decimal(10 + (i * 37) % 991) for i in (0, 1, 27, 199)]
    assert data.w1_lines(5) == [(35, 6), (36, 7), (37, 8)]


def test_p4_2_c_bulk_history_is_consistent_and_the_dashboard_reads_it(db):  # type: ignore[no-untyped-def]
    from django.db.models import Count, F, Sum

    from ordertaking.accounts.models import User
    from ordertaking.orders.models import Order, OrderLine
    from ordertaking.reports import selectors as rsel

    data.w1_setup()
    out = data.history_load(n_orders=300, n_customers=120, months=24)
    assert out["orders"] == 300 and Order.objects.count() == 300
    assert OrderLine.objects.count() == out["lines"]
    # every order's total is the sum of its lines; no order number twice
    mismatched = (Order.objects.annotate(s=Sum("lines__amount")).exclude(total_amount=F("s")).count())
    assert mismatched == 0
    per_day = Order.objects.values("number").annotate(c=Count("id")).filter(c__gt=1)
    assert not per_day.exists()
    viewer = User.objects.get(username="bench_reviewer")
    by_region = rsel.revenue_by_region(user=viewer)
    by_category = rsel.revenue_by_category(user=viewer)
    assert sum(r["amount"] for r in by_region) == sum(r["amount"] for r in by_category)
    expected = (Order.objects.filter(approved_at__gte=rsel.period().start).exclude(state="cancelled")
                .aggregate(s=Sum("total_amount"))["s"])
    assert sum(r["amount"] for r in by_region) == expected
