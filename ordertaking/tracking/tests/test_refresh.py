"""An order's risks recorded as its facts change (P2.4.d): a time node missed opens a reason and an
at-risk period (event, the rep told in their language); the work done closes it — through the hand-off
the apps below call (common.progress), in their transaction; nothing is written when nothing changed."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from ordertaking.audit.models import AuditEvent
from ordertaking.fulfilment.models import Task
from ordertaking.fulfilment.services import task_complete
from ordertaking.notifications.models import Notification
from ordertaking.tracking.jobs import risk_run
from ordertaking.tracking.models import OrderRisk, RiskEpisode
from ordertaking.tracking.services import order_risk_refresh

pytestmark = pytest.mark.django_db


def at(day, hour=10):  # type: ignore[no-untyped-def]
    return timezone.make_aware(datetime.combine(day, time(hour)))


def events(order, action):  # type: ignore[no-untyped-def]
    return list(AuditEvent.objects.filter(subject_type="orders.order", subject_id=str(order.pk), action=action))


def first_task(order):  # type: ignore[no-untyped-def]
    return Task.objects.filter(order=order).order_by("due_date", "id").first()


def test_p2_4_d_an_order_whose_time_nodes_are_ahead_is_on_track_and_nothing_is_written(approved_order):
    order = approved_order()
    assert Task.objects.filter(order=order).exists()
    result = order_risk_refresh(order=order)
    assert result.open == [] and not RiskEpisode.objects.exists()
    assert not events(order, "order.at_risk")


def test_p2_4_d_a_missed_time_node_puts_the_order_at_risk_once_and_tells_the_rep(approved_order, sales_rep):
    order = approved_order()
    task = first_task(order)
    now = at(task.due_date + timedelta(days=2))
    result = order_risk_refresh(order=order, now=now)
    late = Task.objects.filter(order=order, due_date__lt=now.date())
    assert {r.key for r in result.added} == {f"task:{t.pk}" for t in late}
    risk = next(r for r in result.added if r.key == f"task:{task.pk}")
    assert (risk.reason, risk.clause) == ("task_overdue", "P2.4.d")
    assert risk.params == {"task": task.kind, "due": task.due_date.isoformat(), "days": 2}
    episode = RiskEpisode.objects.get(order=order)
    assert episode.started_at == now and episode.ended_at is None
    (ev,) = events(order, "order.at_risk")
    assert ev.after == {"risk_reasons": ["task_overdue"]} and ev.clause == "P2.4.d"
    (note,) = Notification.objects.filter(kind="order_at_risk", recipient=sales_rep)
    assert note.params["order"] == order.number and "时间节点延误" in note.params["reason"]["zh-hans"]
    assert "Time node missed" in note.params["reason"]["en"]
    # again, a day later: the same reason, its days brought up to date, nothing new recorded
    order_risk_refresh(order=order, now=now + timedelta(days=1))
    assert OrderRisk.objects.get(key=f"task:{task.pk}").params["days"] == 3
    assert len(events(order, "order.at_risk")) == 1 and Notification.objects.filter(kind="order_at_risk").count() == 1


def test_p2_4_d_completing_the_late_task_clears_the_risk_in_the_same_transaction(approved_order, make_user):
    from ordertaking.accounts.roles import Role

    order = approved_order()
    task = first_task(order)
    # the task was planned to be done three days ago (the test sets the plan; the clock is today's)
    past = timezone.localdate() - timedelta(days=3)
    Task.objects.filter(pk=task.pk).update(planned_start=past, due_date=past)
    assert [r.key for r in order_risk_refresh(order=order).added] == [f"task:{task.pk}"]
    worker = make_user("worker1", task.department if task.department != "order_center" else Role.ORDER_CENTER)
    task_complete(task=task, actor=worker, note="已完成")
    # the hand-off refreshed the order: the reason is gone, the period ended, the timeline says so
    assert not OrderRisk.objects.filter(cleared_at__isnull=True).exists()
    assert RiskEpisode.objects.get(order=order).ended_at is not None
    (ev,) = events(order, "order.risk_cleared")
    assert ev.before == {"risk_reasons": ["task_overdue"]} and ev.after == {"risk_reasons": []}


def test_p2_4_d_the_daily_job_flags_every_order_with_a_missed_time_node(approved_order):
    from ordertaking.ops.models import JobRun

    late, fine = approved_order(), approved_order(delivery_date=timezone.localdate() + timedelta(days=120))
    day = first_task(late).due_date + timedelta(days=1)
    assert first_task(fine).due_date > day
    result = risk_run(today=day, now=at(day, 6))
    assert result["orders"] == 2
    assert list(RiskEpisode.objects.values_list("order", flat=True)) == [late.pk]
    assert JobRun.objects.get(job="risk_refresh").succeeded


def test_p2_4_d_an_order_cancelled_after_approval_leaves_the_at_risk_list(approved_order, flag_at_risk):
    from ordertaking.orders.models import Order

    order = approved_order()
    task = first_task(order)
    order_risk_refresh(order=order, now=at(task.due_date + timedelta(days=1)))
    Order.objects.filter(pk=order.pk).update(state="cancelled")  # as amendments' agreed cancellation leaves it
    order_risk_refresh(order=order, now=at(task.due_date + timedelta(days=2)))
    assert RiskEpisode.objects.get(order=order).ended_at is not None


def test_p2_4_c_a_shipping_exception_puts_the_order_at_risk_when_recorded_and_closing_it_clears(
        approved_order, logistics_user, catalog):
    from decimal import Decimal

    from ordertaking.logistics.services import carrier_create, exception_close, exception_record
    from tests.readiness import shipment_create_dispatched

    order = approved_order(lines=[{"product": "reducer", "quantity": "4"}])
    today = timezone.localdate()
    carrier = carrier_create(actor=logistics_user, code="sf", name="顺丰速运", contract_number="SF-1",
                             contract_valid_from=today - timedelta(days=10),
                             contract_valid_to=today + timedelta(days=90),
                             methods=["freight"], regions=list(catalog["regions"].values()))
    shipment = shipment_create_dispatched(order=order, actor=logistics_user, method="freight", carrier=carrier,
                                          waybill_number="SF0001", planned_ship_date=today,
                                          lines=[{"order_line": order.lines.get(), "quantity": Decimal("4")}])
    exc = exception_record(shipment=shipment, actor=logistics_user, kind="delay", cause="大雾封路")
    (risk,) = OrderRisk.objects.filter(order=order, cleared_at__isnull=True)
    assert (risk.reason, risk.clause, risk.params) == ("shipping_exception", "P2.4.c",
                                                       {"kind": "delay", "waybill": "SF0001"})
    exception_close(exception=exc, actor=logistics_user, note="已送达")
    assert not OrderRisk.objects.filter(order=order, cleared_at__isnull=True).exists()
    assert events(order, "order.risk_cleared")


def test_p5_2_b_a_failed_inspection_puts_the_order_at_risk_when_recorded(approved_order, production_user):
    from ordertaking.production.models import ProductionOrder
    from ordertaking.production.services import inspection_record, production_order_start

    order = approved_order(lines=[{"product": "motor", "quantity": "4"}])
    po = ProductionOrder.objects.get(order=order)
    production_order_start(po=po, actor=production_user)
    qi = inspection_record(po=po, actor=production_user, checkpoint="in_process", result="fail", sample_size=2,
                           inspected_quantity="2", defect_count=1, defects="绕组绝缘电阻偏低")
    (risk,) = OrderRisk.objects.filter(order=order, cleared_at__isnull=True)
    assert (risk.reason, risk.key, risk.clause) == ("inspection_failed", f"inspection:{qi.pk}", "P5.2.b")
    assert risk.params == {"checkpoint": "in_process"}


def test_p2_4_b_a_production_plan_finishing_too_late_to_ship_in_time_puts_the_order_at_risk(
        approved_order, production_user):
    from ordertaking.production.models import ProductionOrder
    from ordertaking.production.services import production_order_plan

    order = approved_order(lines=[{"product": "motor", "quantity": "4"}])  # delivered to 上海 (1 transit day)
    po = ProductionOrder.objects.get(order=order)
    assert not OrderRisk.objects.filter(order=order).exists()
    production_order_plan(po=po, actor=production_user, planned_finish=order.delivery_date)
    (risk,) = OrderRisk.objects.filter(order=order, reason="production_late", cleared_at__isnull=True)
    assert risk.params == {"forecast": order.delivery_date.isoformat(),
                           "latest": (order.delivery_date - timedelta(days=1)).isoformat(), "days": 1}
    production_order_plan(po=po, actor=production_user, planned_finish=order.delivery_date - timedelta(days=1))
    assert not OrderRisk.objects.filter(order=order, cleared_at__isnull=True).exists()


def test_p2_4_d_a_first_approval_checks_the_new_tasks_without_looking_for_what_cannot_exist_yet(
        make_order, customer, sales_rep, reviewer):
    """Issue 14: the approval hands the risk check the tasks it created (FirstApproval); an order never
    approved has no shipment, exception, inspection or risk, so none is looked for — and the daily job's
    full check afterwards finds exactly what the approval's check recorded."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ordertaking.review.services import order_approve
    from ordertaking.tracking.services import order_risk_refresh
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=sales_rep)
    order = make_order(state="submitted")
    with CaptureQueriesContext(connection) as q:
        order_approve(order=order, actor=reviewer)
    sql = " ".join(x["sql"] for x in q.captured_queries)
    assert "fulfilment_task" in sql  # the tasks were created in the approval ...
    for table in ("logistics_shipment", "logistics_shippingexception", "production_qualityinspection",
                  "tracking_orderrisk", "tracking_riskepisode"):
        assert f'FROM "{table}"' not in sql, table  # ... and nothing that cannot exist yet was looked for
    result = order_risk_refresh(order=order)  # the full check, as the daily job runs it
    assert result.added == [] and result.cleared == []


def test_p2_4_d_a_first_approval_forecasts_production_from_the_production_orders_it_made(
        make_order, customer, sales_rep, reviewer, leader):
    """Issue 14: the approval hands the risk check the production orders it has just made (FirstApproval)
    instead of reading them back. A promised date too close for production (let through by a special
    approval) puts the order at risk at once, with the forecast the daily job's full check computes from the
    stored production orders."""
    from ordertaking.production.models import ProductionOrder
    from ordertaking.review.services import order_approve, special_approval_grant, special_approval_request
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=sales_rep)
    today = timezone.localdate()
    order = make_order(state="submitted", lines=[{"product": "motor", "quantity": "4"}],
                       delivery_date=today)  # delivered to 上海 (1 transit day): production had to finish yesterday
    asked = special_approval_request(order=order, actor=sales_rep, reason="客户停产待修，急需。")
    special_approval_grant(approval=asked, actor=leader)
    order_approve(order=order, actor=reviewer)
    po = ProductionOrder.objects.get(order=order)
    (risk,) = OrderRisk.objects.filter(order=order, reason="production_late")
    assert risk.params == {"forecast": po.planned_finish.isoformat(),
                           "latest": (today - timedelta(days=1)).isoformat(), "days": 1}
    result = order_risk_refresh(order=order)  # the full check, as the daily job runs it
    assert result.added == [] and result.cleared == []
    risk.refresh_from_db()
    assert risk.params["forecast"] == po.planned_finish.isoformat() == today.isoformat()
