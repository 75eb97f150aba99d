"""P4.2.c dashboard statistics: monthly revenue by category and by province, top customers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ordertaking.customers.models import Customer
from ordertaking.reports import selectors as rsel

TODAY = date(2026, 11, 26)
KEYS = {"MOT-001": "motor", "RED-001": "reducer", "SVC-INST": "install"}


def order(make_order, *, customer, rep, state="approved", approved_at=None, lines=(), region="sh"):  # type: ignore[no-untyped-def]
    """An order through the real services (the shared factory), approved at a chosen moment."""
    return make_order(customer, rep=rep, state=state, approved_at=approved_at, region=region,
                      lines=[{"product": KEYS[p.code], "quantity": str(q), "unit_price": str(price)}
                             for p, q, price in lines])


@pytest.fixture
def data(catalog, customer, sales_rep, sales_rep2, make_order):  # type: ignore[no-untyped-def]
    from ordertaking.customers.models import Contact
    from tests.credit_grant import customer_credit_grant

    motor, reducer, install = (catalog["products"][k] for k in ("motor", "reducer", "install"))
    other = Customer.objects.create(name="广州南方设备有限公司", credit_code="91440101MA59PJ2K38",
                                    region=catalog["regions"]["gd"], city="广州市",
                                    status="active", sales_rep=sales_rep2, created_by=sales_rep2)
    Contact.objects.create(customer=other, name="黄经理", phone="13922223333", is_primary=True)
    for c in (customer, other):  # P5.1.b: both evaluated, so their orders can be approved
        customer_credit_grant(c, by=c.created_by)
    nov = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)
    oct_ = datetime(2026, 10, 10, 2, 0, tzinfo=UTC)
    # 2026-10-31 17:30 UTC is 2026-11-01 01:30 in Shanghai: it counts in November (P4.2.c, local months).
    edge = datetime(2026, 10, 31, 17, 30, tzinfo=UTC)
    order(make_order, customer=customer, rep=sales_rep, approved_at=nov, region="sh",
               lines=[(motor, 2, Decimal("3200.00")), (install, 1, Decimal("800.00"))])
    order(make_order, customer=customer, rep=sales_rep, approved_at=oct_, region="sh",
          lines=[(reducer, 1, Decimal("5600.00"))])
    order(make_order, customer=other, rep=sales_rep2, approved_at=edge, region="gd",
          lines=[(motor, 1, Decimal("3000.00"))])
    # None of these count: not approved, cancelled, or approved before the 12 months.
    order(make_order, customer=customer, rep=sales_rep, state="draft", region="sh",
          lines=[(motor, 9, Decimal("3200.00"))])
    order(make_order, customer=customer, rep=sales_rep, state="cancelled", approved_at=nov, region="sh",
               lines=[(motor, 7, Decimal("3200.00"))])
    order(make_order, customer=other, rep=sales_rep2, approved_at=datetime(2025, 11, 20, tzinfo=UTC), region="gd",
               lines=[(motor, 5, Decimal("3200.00"))])
    return {"other": other, "cats": catalog["categories"]}


def test_p4_2_c_period_is_the_last_twelve_months_including_this_one():
    p = rsel.period(today=TODAY)
    months = rsel.month_list(p)
    assert months[0] == date(2025, 12, 1) and months[-1] == date(2026, 11, 1) and len(months) == 12
    assert p.start.date() == date(2025, 12, 1)


def test_p4_2_c_revenue_by_category_sums_approved_lines_per_local_month(data, reviewer):  # type: ignore[no-untyped-def]
    rows = rsel.revenue_by_category(user=reviewer, today=TODAY)
    got = {(r["month"], r["category"]): r["amount"] for r in rows}
    assert got == {
        (date(2026, 10, 1), "电机"): Decimal("5600.00"),
        (date(2026, 11, 1), "电机"): Decimal("9400.00"),  # 2 × 3200 + the Shanghai-November 3000
        (date(2026, 11, 1), "服务"): Decimal("800.00"),
    }


def test_p4_2_c_revenue_by_region_counts_approved_orders_per_delivery_province(data, reviewer):  # type: ignore[no-untyped-def]
    rows = rsel.revenue_by_region(user=reviewer, today=TODAY)
    got = {(r["month"], r["region"]): (r["amount"], r["orders"]) for r in rows}
    assert got == {
        (date(2026, 10, 1), "上海市"): (Decimal("5600.00"), 1),
        (date(2026, 11, 1), "上海市"): (Decimal("7200.00"), 1),
        (date(2026, 11, 1), "广东省"): (Decimal("3000.00"), 1),
    }


def test_p4_2_c_top_customers_ranks_by_revenue_and_honours_the_limit(data, reviewer, customer):  # type: ignore[no-untyped-def]
    rows = rsel.top_customers(user=reviewer, today=TODAY)
    assert [(r["customer"], r["amount"], r["orders"]) for r in rows] == [
        (customer.name, Decimal("12800.00"), 2), (data["other"].name, Decimal("3000.00"), 1)]
    assert [r["customer_id"] for r in rsel.top_customers(user=reviewer, today=TODAY, limit=1)] == [customer.pk]


def test_p4_2_c_a_sales_rep_sees_statistics_of_their_own_orders_only(data, sales_rep2):  # type: ignore[no-untyped-def]
    rows = rsel.revenue_by_region(user=sales_rep2, today=TODAY)
    assert {(r["region"], r["amount"]) for r in rows} == {("广东省", Decimal("3000.00"))}
    assert [r["customer"] for r in rsel.top_customers(user=sales_rep2, today=TODAY)] == [data["other"].name]


def test_p4_2_c_a_user_without_access_to_orders_sees_no_statistics(data, make_user):  # type: ignore[no-untyped-def]
    nobody = make_user("nobody")  # no role: neither order_view_all nor order_enter
    assert rsel.revenue_by_category(user=nobody, today=TODAY) == []
    assert rsel.revenue_by_region(user=nobody, today=TODAY) == []
    assert rsel.top_customers(user=nobody, today=TODAY) == []


def test_p4_2_c_dashboard_is_a_fixed_handful_of_queries(data, reviewer, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)  # cold permission cache, as on a request
    with django_assert_max_num_queries(10):
        out = rsel.dashboard(user=reviewer, today=TODAY)
    assert len(out["months"]) == 12 and len(out["by_category"]) == 3 and len(out["top_customers"]) == 2


# --- the monthly rollups (closed months) give the same answers as the live aggregates -----------------

def _all(user):  # type: ignore[no-untyped-def]
    return (rsel.revenue_by_category(user=user, today=TODAY), rsel.revenue_by_region(user=user, today=TODAY),
            rsel.top_customers(user=user, today=TODAY))


def test_p4_2_c_rollups_of_closed_months_give_the_same_statistics_as_live(data, reviewer):  # type: ignore[no-untyped-def]
    from ordertaking.reports.models import RevenueMonth
    from ordertaking.reports.tests.rollup import refresh

    live = _all(reviewer)
    rebuilt = refresh(today=TODAY)
    assert rebuilt == rsel.month_list(rsel.period(today=TODAY))[:-1]  # every month but the current one
    assert not RevenueMonth.objects.filter(month=date(2026, 11, 1)).exists()
    assert _all(reviewer) == live
    refresh(today=TODAY)  # idempotent
    assert _all(reviewer) == live


def test_p4_2_c_the_current_month_stays_live_after_a_rollup(data, reviewer, customer, catalog, sales_rep,
                                                            make_order):  # type: ignore[no-untyped-def]
    from ordertaking.reports.tests.rollup import refresh

    refresh(today=TODAY)
    order(make_order, customer=customer, rep=sales_rep, approved_at=datetime(2026, 11, 20, 3, 0, tzinfo=UTC),
               region="sh", lines=[(catalog["products"]["reducer"], 1, Decimal("5600.00"))])
    rows = {(r["month"], r["region"]): r["amount"] for r in rsel.revenue_by_region(user=reviewer, today=TODAY)}
    assert rows[(date(2026, 11, 1), "上海市")] == Decimal("12800.00")
    assert rows[(date(2026, 10, 1), "上海市")] == Decimal("5600.00")  # from the rollup


def test_p4_2_c_a_sales_rep_never_reads_the_company_wide_rollups(data, sales_rep2):  # type: ignore[no-untyped-def]
    from ordertaking.reports.tests.rollup import refresh

    before = _all(sales_rep2)
    refresh(today=TODAY)
    assert _all(sales_rep2) == before
    assert {r["region"] for r in before[1]} == {"广东省"}


def test_p4_2_c_dashboard_from_rollups_is_a_fixed_handful_of_queries(data, reviewer,  # type: ignore[no-untyped-def]
                                                                     django_assert_max_num_queries):
    from ordertaking.reports.tests.rollup import refresh

    refresh(today=TODAY)
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)
    with django_assert_max_num_queries(14):
        out = rsel.dashboard(user=reviewer, today=TODAY)
    assert len(out["by_region"]) == 3 and out["top_customers"][0]["amount"] == Decimal("12800.00")
