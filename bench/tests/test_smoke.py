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


def test_w1_floor_pipeline_approves_and_moves_the_exposure_like_the_services(w1_db):  # type: ignore[no-untyped-def]
    """The bare-ORM floor does the same work as W1 (numbers, totals, approval, exposure), nothing else."""
    from bench.floor import orm_floor_pipeline
    from ordertaking.audit.models import AuditEvent
    from ordertaking.credit.models import CustomerCredit
    from ordertaking.orders.models import Order

    one = orm_floor_pipeline(data.w1_context())
    for i in range(4):
        one(i)
    check = w1.step_w1_verify({"n": 4, "services": True})
    assert check["ok"], check
    first = Order.objects.order_by("pk").first()
    assert first is not None
    credit = CustomerCredit.objects.get(customer_id=first.customer_id)
    assert credit.approved_uninvoiced == data.w1_expected_total(0)
    assert not AuditEvent.objects.filter(subject_type="orders.order").exists()  # no controls: the point of it


@pytest.mark.postgres  # the raw ceiling opens its own connection; the SQLite test database lives in memory
@pytest.mark.django_db(transaction=True)
def test_w1_ceiling_in_three_transactions_leaves_approved_orders(w1_db):  # type: ignore[no-untyped-def]
    from django.db import connection

    from bench import ceiling
    from bench.data import business_today

    sd = connection.settings_dict
    url = f"postgresql://{sd['USER']}@{sd['HOST'] or '127.0.0.1'}/{sd['NAME']}"
    ceiling.prepare(url)
    c = ceiling.Ceiling(url)
    for i in range(3):
        c.three(i, business_today())
    c.close()
    check = w1.step_w1_verify({"n": 3, "services": True})
    assert check["ok"], check


def test_p3_6_w2_invoices_feed_the_aging_report_with_the_same_answer_as_raw_sql(db):  # type: ignore[no-untyped-def]
    from django.db.models import F, Sum
    from django.utils import timezone

    from ordertaking.accounts.models import User
    from ordertaking.finance import selectors as fsel
    from ordertaking.finance.models import Invoice
    from ordertaking.orders.models import Order

    data.w1_setup()
    data.history_load(n_orders=400, n_customers=50, months=24)
    out = data.invoices_load()
    approved = Order.objects.filter(state="approved", total_amount__gt=0)
    assert out["invoices"] == approved.count() == Invoice.objects.count()
    assert 0 < out["open_invoices"] < out["invoices"]
    assert not Invoice.objects.filter(state="paid").exclude(settled_amount=F("amount")).exists()
    report = fsel.aging(User.objects.get(username="bench_finance"), as_of=timezone.localdate())
    open_total = Invoice.objects.filter(state="open").aggregate(s=Sum(F("amount") - F("settled_amount")))["s"]
    assert report["total"]["total"] == open_total
    assert data.invoices_load()["invoices"] == 0  # run again: nothing twice


def test_p2_5_smoke_w4_takes_orders_from_entry_to_closed_through_every_department(db):  # type: ignore[no-untyped-def]
    """W4's lifecycle on two orders: produced and inspected, shipped in two signed parts, accepted, invoiced,
    paid — closed, and the verification the benchmark runs after each run agrees."""
    from bench import w4
    from ordertaking.logistics.models import Shipment
    from ordertaking.production.models import ProductionOrder, QualityInspection

    w4.w4_setup()
    steps = w4.lifecycle_steps(data.w1_context())
    for i in range(2):
        subject = i
        for name in w4.STEPS:
            subject = steps[name](subject)
        subject.refresh_from_db()
        assert subject.state == "closed"
    check = w4.step_w4_verify({"n": 2})
    assert check["ok"], check
    assert Shipment.objects.count() == 4 and check["vouchers_signed"] == 4
    made = ProductionOrder.objects.count()
    assert made > 0 and QualityInspection.objects.filter(result="pass").count() == made


@pytest.mark.postgres  # W4 at scale runs on PostgreSQL (its history is loaded by INSERT … SELECT)
def test_p2_5_smoke_w4_runs_on_a_history_whose_old_orders_went_through_the_whole_lifecycle(db):  # type: ignore[no-untyped-def]
    """W4 at scale in small: W4's setup on top of a bulk-loaded history (orders, lines, audit events), the
    later steps' history of the old orders, then W4's lifecycle to closed, and the run's check counts only
    the run's orders."""
    from django.db.models import Count

    from bench import w4
    from ordertaking.deliveries.models import DeliveryVoucher
    from ordertaking.finance.models import Invoice
    from ordertaking.logistics import selectors
    from ordertaking.logistics.models import Carrier, Shipment
    from ordertaking.orders.models import Order
    from ordertaking.production.models import ProductionOrder, QualityInspection

    w4.w4_setup()
    data.history_load(n_orders=300, n_customers=120, events=True)
    approved = Order.objects.filter(state="approved").count()
    loaded = w4.w4_history_load()
    assert loaded["shipments"] == loaded["vouchers"] == loaded["invoices"] == loaded["orders_closed"] == approved
    assert loaded["production_orders"] == loaded["inspections"] > 0
    assert w4.w4_history_load() == {"note": "the W4 history is loaded already"}  # once per database
    # the carrier's rating counts the loaded shipments (recounted at the end of the load): all delivered
    assert loaded["carrier_tallies_rebuilt"] == 1 and selectors.carrier_tally_drift() == []
    assert selectors.rating_of(Carrier.objects.get(code="sf")).delivered == approved
    assert not Order.objects.filter(state="approved").exists()
    assert DeliveryVoucher.objects.filter(state="signed").count() == approved
    assert Invoice.objects.filter(state="paid").count() == approved
    steps = w4.lifecycle_steps(data.w1_context())
    subject = 0
    for name in w4.STEPS:
        subject = steps[name](subject)
    check = w4.step_w4_verify({"n": 1})
    assert check["ok"], check
    assert Shipment.objects.filter(order=subject).count() == 2
    per_po = QualityInspection.objects.values("production_order").annotate(n=Count("id")).filter(n__gt=1)
    assert not per_po.exists() and ProductionOrder.objects.filter(order=subject).exists()


def test_smoke_the_api_profile_takes_w1_orders_through_api_v1_and_counts_each_calls_statements(w1_db):  # type: ignore[no-untyped-def]
    from bench.profile import step_profile_api
    from ordertaking.orders.models import Order

    out = step_profile_api({"orders": 2})
    assert set(out["statements_per_call"]) == {"create", "submit", "approve"}
    assert all(n > 0 for n in out["statements_per_call"].values())
    assert out["orders"] == 2 and all(ms > 0 for ms in out["ms_per_call"].values())
    # 20 warm-up and 2 counted, each entered, submitted and approved through the API
    assert Order.objects.filter(state="approved").count() == 22
