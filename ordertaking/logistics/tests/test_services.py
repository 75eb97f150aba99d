"""Shipments, tracking and exceptions through the services (P2.4.c, P3.5, P5.2.c)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.logistics import selectors, services
from ordertaking.logistics.models import Shipment, ShippingException, TrackingEvent
from ordertaking.orders.models import Order
from tests.factories import events_since_built
from tests.readiness import readiness_sign_all

from .conftest import line_of

pytestmark = pytest.mark.django_db


def test_P2_4_c_two_partial_shipments_add_up_partly_shipped_then_shipped(approved_order, ship):
    first = ship(approved_order, {1: "6", 2: "4"}, dispatch=True)
    approved_order.refresh_from_db()
    assert first.state == Shipment.State.DISPATCHED
    assert approved_order.state == "partly_shipped"
    second = ship(approved_order, {1: "4"})
    assert second.state == Shipment.State.PLANNED
    readiness_sign_all(second)
    services.shipment_dispatch(shipment=second, actor=second.created_by)
    approved_order.refresh_from_db()
    assert approved_order.state == "shipped"  # the service line (installation) never ships
    shipped = selectors.shipped_quantities(approved_order)
    assert shipped == {line_of(approved_order, 1).pk: Decimal("10"), line_of(approved_order, 2).pk: Decimal("4")}
    moves = [(e.before["state"], e.after["state"]) for e in events_since_built(approved_order, "shipment.dispatched")]
    assert moves == [("in_execution", "partly_shipped"), ("partly_shipped", "shipped")]  # production started it
    assert {e.clause for e in events_since_built(approved_order, "shipment.dispatched")} == {"P2.4.c"}


def test_P5_2_b_dispatch_waits_for_production_and_for_a_passing_reinspection_after_a_failed_one(
        unproduced_order, ship, production_user, logistics_user):
    from ordertaking.production.models import ProductionOrder
    from ordertaking.production.services import inspection_record, rework_record

    from .conftest import produce

    s = ship(unproduced_order, {1: "10"})
    with pytest.raises(ValidationFailed) as e:
        services.shipment_dispatch(shipment=s, actor=logistics_user)
    po = ProductionOrder.objects.get(order=unproduced_order)
    assert (e.value.code, e.value.field) == ("shipping_blocked", "lines") and po.number in str(e.value.message)
    produce(unproduced_order, production_user)
    failed = inspection_record(po=po, actor=production_user, checkpoint="finished", result="fail", sample_size=5,
                               inspected_quantity=10, defect_count=2, defects="外壳划伤两处")
    with pytest.raises(ValidationFailed) as e:
        services.shipment_dispatch(shipment=s, actor=logistics_user)
    assert failed.number in str(e.value.message)
    rework_record(inspection=failed, actor=production_user, note="更换外壳两件")
    with pytest.raises(ValidationFailed):
        services.shipment_dispatch(shipment=s, actor=logistics_user)  # rework alone is not enough
    s.refresh_from_db()
    assert s.state == "planned"
    inspection_record(po=po, actor=production_user, checkpoint="finished", result="pass", sample_size=5,
                      inspected_quantity=10, reinspection_of=failed)
    readiness_sign_all(s)
    services.shipment_dispatch(shipment=s, actor=logistics_user)
    s.refresh_from_db()
    assert s.state == "dispatched"


def test_P2_4_c_a_line_from_stock_ships_while_another_is_still_in_production(unproduced_order, ship):
    s = ship(unproduced_order, {2: "4"}, dispatch=True)
    assert s.state == "dispatched"
    unproduced_order.refresh_from_db()
    assert unproduced_order.state == "partly_shipped"


def test_P2_4_c_over_shipping_a_line_is_refused_with_the_field(approved_order, ship):
    ship(approved_order, {1: "7"})
    with pytest.raises(ValidationFailed) as e:
        ship(approved_order, {2: "1", 1: "4"})
    assert e.value.field == "lines.1.quantity"
    assert e.value.code == "over_shipped"
    assert "3" in str(e.value.message)
    assert Shipment.objects.filter(order=approved_order).count() == 1  # nothing half-written


def test_P2_4_c_a_cancelled_planned_shipment_frees_its_quantity(approved_order, ship, logistics_user):
    s = ship(approved_order, {1: "10"})
    services.shipment_cancel(shipment=s, actor=logistics_user, reason="客户改约")
    ship(approved_order, {1: "10"})
    assert Shipment.objects.filter(order=approved_order, state="planned").count() == 1


def test_P2_4_c_a_service_line_is_not_shipped(approved_order, ship):
    with pytest.raises(ValidationFailed) as e:
        ship(approved_order, {3: "1"})
    assert e.value.field == "lines.0.order_line"


def test_P2_4_c_dispatch_needs_a_waybill_for_a_carrier(approved_order, ship):
    s = ship(approved_order, {1: "1"}, waybill_number="")
    with pytest.raises(ValidationFailed) as e:
        services.shipment_dispatch(shipment=s, actor=s.created_by)
    assert e.value.field == "waybill_number"
    readiness_sign_all(s)
    services.shipment_dispatch(shipment=s, actor=s.created_by, waybill_number="SF0001")
    s.refresh_from_db()
    assert (s.state, s.waybill_number) == ("dispatched", "SF0001")


def test_P2_4_c_only_a_planned_shipment_can_be_dispatched_or_cancelled(approved_order, ship, logistics_user):
    s = ship(approved_order, {1: "1"}, dispatch=True)
    with pytest.raises(InvalidTransition):
        services.shipment_dispatch(shipment=s, actor=logistics_user)
    with pytest.raises(InvalidTransition):
        services.shipment_cancel(shipment=s, actor=logistics_user, reason="x")


def test_P3_5_only_logistics_plans_shipments(approved_order, carrier, sales_rep):
    with pytest.raises(PermissionDenied):
        services.shipment_create(order=approved_order, actor=sales_rep, method="express", carrier=carrier,
                                 planned_ship_date=timezone.localdate(),
                                 lines=[{"order_line": line_of(approved_order, 1), "quantity": "1"}])


def test_P2_4_c_a_draft_order_cannot_ship(make_order, ship):
    order = make_order(state="draft")
    with pytest.raises(InvalidTransition):
        ship(order, {1: "1"})


def test_P2_4_c_an_expired_contract_needs_an_override_with_a_reason(approved_order, ship, expired_carrier):
    with pytest.raises(ValidationFailed) as e:
        ship(approved_order, {1: "1"}, carrier=expired_carrier, method="freight")
    assert (e.value.field, e.value.code) == ("override_reason", "carrier_not_eligible")
    s = ship(approved_order, {1: "1"}, carrier=expired_carrier, method="freight",
             override_reason="大件设备，仅中通有车，合同续签中")
    assert s.carrier_override.startswith("大件设备")
    ev = events_since_built(approved_order, "shipment.planned")[-1]
    assert ev.after["carrier_warnings"] == ["contract_expired"]
    assert ev.message == "大件设备，仅中通有车，合同续签中"


def test_P2_4_c_a_carrier_below_the_on_time_floor_needs_an_override(approved_order, ship, carrier,
                                                                     logistics_user, settings):
    settings.LOGISTICS_ON_TIME_FLOOR = "0.80"
    today = timezone.localdate()  # planned to arrive two days ago, delivered today: late
    late = ship(approved_order, {1: "1"}, dispatch=True, planned_ship_date=today - timedelta(days=3),
                planned_arrival=today - timedelta(days=2))
    services.tracking_event_record(shipment=late, actor=logistics_user, kind="delivered")
    rating = selectors.rating_of(carrier)
    assert (rating.delivered, rating.on_time, rating.on_time_rate) == (1, 0, Decimal("0.000"))
    assert rating.below_floor
    with pytest.raises(ValidationFailed) as e:
        ship(approved_order, {1: "1"})
    assert e.value.code == "carrier_not_eligible"
    ship(approved_order, {1: "1"}, override_reason="客户指定顺丰")


def test_P2_4_c_rating_is_read_from_the_record(approved_order, ship, carrier, logistics_user):
    today = timezone.localdate()
    a = ship(approved_order, {1: "1"}, dispatch=True, planned_arrival=today)
    b = ship(approved_order, {1: "1"}, dispatch=True, planned_arrival=today)
    ship(approved_order, {1: "1"}, dispatch=True, planned_arrival=today)
    for s in (a, b):
        services.tracking_event_record(shipment=s, actor=logistics_user, kind="delivered")
    services.exception_record(shipment=b, actor=logistics_user, kind="damage", cause="外包装破损")
    rating = selectors.rating_of(carrier)
    assert (rating.delivered, rating.on_time, rating.shipped, rating.damaged) == (2, 2, 3, 1)
    assert rating.on_time_rate == Decimal("1.000")
    assert rating.damage_rate == Decimal("0.333")


def test_P2_4_c_tracking_moves_the_shipment_and_never_back(approved_order, ship, logistics_user):
    s = ship(approved_order, {1: "2"}, dispatch=True)
    services.tracking_event_record(shipment=s, actor=logistics_user, kind="picked_up", place="上海")
    s.refresh_from_db()
    assert s.state == "dispatched"
    services.tracking_event_record(shipment=s, actor=logistics_user, kind="in_transit", place="杭州")
    s.refresh_from_db()
    assert s.state == "in_transit"
    services.tracking_event_record(shipment=s, actor=logistics_user, kind="delivered", place="宁波")
    services.tracking_event_record(shipment=s, actor=logistics_user, kind="in_transit", place="宁波")
    s.refresh_from_db()
    assert s.state == "delivered" and s.delivered_at is not None
    assert TrackingEvent.objects.filter(shipment=s).count() == 4
    approved_order.refresh_from_db()
    assert approved_order.state == "partly_shipped"  # delivery to the customer is issue 11's


def test_P2_4_c_a_planned_shipment_cannot_be_tracked(approved_order, ship, logistics_user):
    s = ship(approved_order, {1: "2"})
    with pytest.raises(InvalidTransition):
        services.tracking_event_record(shipment=s, actor=logistics_user, kind="in_transit")


def test_P5_2_c_an_exception_is_recorded_and_the_customer_contact_mailed_in_chinese_first(
        approved_order, ship, logistics_user, django_capture_on_commit_callbacks):
    s = ship(approved_order, {1: "2"}, dispatch=True)
    with django_capture_on_commit_callbacks(execute=True):
        exc = services.exception_record(shipment=s, actor=logistics_user, kind="delay", cause="高速封路",
                                        handling="改走国道，预计晚一天", told_departments=["sales", "customer_service"],
                                        new_arrival=timezone.localdate() + timedelta(days=3))
    assert exc.state == "open"
    assert "liu@pujiang.example.cn" in exc.told_contact
    assert len(mail.outbox) == 1
    m = mail.outbox[0]
    assert m.to == ["liu@pujiang.example.cn"]
    assert m.body.index("运输延误") < m.body.index("Transport delay")
    assert "delay" not in m.body.replace("Transport delay", "")
    assert selectors.open_exceptions(approved_order) == [exc]
    services.exception_handle(exception=exc, actor=logistics_user, handling="已改道")
    services.exception_close(exception=exc, actor=logistics_user, note="货物已送达")
    exc.refresh_from_db()
    assert exc.state == "closed"
    assert selectors.open_exceptions(approved_order) == []
    actions = [e.action for e in events_since_built(approved_order) if e.action.startswith("shipping_exception")]
    assert actions == ["shipping_exception.recorded", "shipping_exception.handled", "shipping_exception.closed"]


def test_P5_2_c_the_sales_rep_and_the_departments_told_are_notified(approved_order, ship, logistics_user,
                                                                     sales_rep, cs_agent, make_user):
    from ordertaking.accounts.roles import Role
    from ordertaking.notifications.models import Notification

    other_logistics = make_user("logi2", Role.LOGISTICS)
    s = ship(approved_order, {1: "2"}, dispatch=True)
    services.exception_record(shipment=s, actor=logistics_user, kind="damage", cause="叉车碰伤外壳",
                              told_departments=["customer_service"])
    got = Notification.objects.filter(kind="shipping_exception")
    assert set(got.values_list("recipient", flat=True)) == {sales_rep.pk, cs_agent.pk, other_logistics.pk}
    assert not got.filter(recipient=logistics_user).exists()  # never the one who recorded it
    first = got.first()
    assert first is not None
    assert first.params == {"order": approved_order.number, "shipment": s.number, "reason": "叉车碰伤外壳"}


def test_P5_2_c_a_closed_exception_cannot_be_handled(approved_order, ship, logistics_user):
    s = ship(approved_order, {1: "2"}, dispatch=True)
    exc = services.exception_record(shipment=s, actor=logistics_user, kind="loss", cause="丢件")
    services.exception_close(exception=exc, actor=logistics_user)
    with pytest.raises(InvalidTransition):
        services.exception_handle(exception=exc, actor=logistics_user, handling="x")
    assert ShippingException.objects.get(pk=exc.pk).state == "closed"


def test_order_shipments_cancel_cancels_only_planned_ones(approved_order, ship, leader):
    gone = ship(approved_order, {1: "2"}, dispatch=True)
    planned = ship(approved_order, {1: "3"})
    cancelled = services.order_shipments_cancel(order=approved_order, actor=leader, reason="订单取消")
    assert [s.pk for s in cancelled] == [planned.pk]
    gone.refresh_from_db()
    assert gone.state == "dispatched"
    assert AuditEvent.objects.filter(action="shipment.cancelled").count() == 1


def test_P2_4_d_tracking_hears_of_dispatches_and_exceptions_inside_the_transaction(approved_order, ship,
                                                                                   logistics_user):
    from ordertaking.common import progress

    seen: list[str] = []

    def handler(*, order, actor, first=None):  # type: ignore[no-untyped-def]
        seen.append(Order.objects.get(pk=order.pk).state)

    s = ship(approved_order, {1: "2"})
    readiness_sign_all(s)  # production's inspection moves progress too: before the handler listens
    progress.order_progress_handler_add(handler)
    try:
        s = services.shipment_dispatch(shipment=s, actor=logistics_user)
        exc = services.exception_record(shipment=s, actor=logistics_user, kind="delay", cause="堵车")
        services.exception_close(exception=exc, actor=logistics_user)
    finally:
        progress._handlers.remove(handler)
    # the dispatch (the shipping task it starts reports in the same batch: tracking hears once), the exception
    # recorded, the exception closed
    assert seen == ["partly_shipped"] * 3


def test_P2_4_a_the_first_dispatch_starts_the_shipping_task_and_the_last_completes_it(approved_order, ship):
    from ordertaking.fulfilment.models import Task

    task = Task.objects.get(order=approved_order, kind="shipping")
    assert task.state == "open"
    first = ship(approved_order, {1: "10"}, dispatch=True)
    task.refresh_from_db()
    assert task.state == "in_progress"
    second = ship(approved_order, {2: "4"}, dispatch=True)
    task.refresh_from_db()
    assert task.state == "done"
    assert task.note == f"{first.number}, {second.number}"
