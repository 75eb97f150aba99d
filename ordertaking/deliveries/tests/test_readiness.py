"""The delivery readiness checklist 交付准备 (P2.5.a): three parts signed by three departments, the
production part resting on production's inspection records, and logistics dispatching nothing before."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from ordertaking.common.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.deliveries import rules, services
from ordertaking.deliveries.models import DeliveryReadiness
from ordertaking.logistics.services import shipment_cancel, shipment_create, shipment_dispatch
from ordertaking.logistics.tests.conftest import produce
from tests.credit_grant import customer_credit_grant
from tests.factories import events_since_built
from tests.readiness import inspections_pass

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(make_order, customer, finance_user, production_user):  # type: ignore[no-untyped-def]
    """Approved and produced: line 1 (motors) made by production, line 2 (reducers) from stock."""
    customer_credit_grant(customer, by=finance_user)
    o = make_order(state="approved", lines=[{"product": "motor", "quantity": "10"},
                                            {"product": "reducer", "quantity": "4"}])
    produce(o, production_user)
    o.refresh_from_db()
    return o


def _plan(order: Any, actor: Any, lines: dict[int, str]) -> Any:
    return shipment_create(order=order, actor=actor, method="own_fleet", planned_ship_date=timezone.localdate(),
                           lines=[{"order_line": order.lines.get(position=p), "quantity": Decimal(q)}
                                  for p, q in lines.items()])


def _sales(shipment: Any, actor: Any, **kw: Any) -> DeliveryReadiness:
    args: dict[str, Any] = {"agreed_time": timezone.now() + timedelta(days=1), "agreed_place": "浦东新区张江路100号",
                            "agreed_with": "刘经理", "agreed_on": timezone.localdate()}
    args.update(kw)
    return services.readiness_sign(actor=actor, shipment=shipment, part="sales", **args)


def test_P2_5_a_no_dispatch_until_production_logistics_and_sales_have_signed(
        order, logistics_user, production_user, sales_rep):
    s = _plan(order, logistics_user, {1: "10", 2: "4"})
    with pytest.raises(ValidationFailed) as e:
        shipment_dispatch(shipment=s, actor=logistics_user)
    assert (e.value.code, e.value.field) == ("not_ready", "readiness")
    inspections_pass(s, inspector=production_user)
    services.readiness_sign(actor=production_user, shipment=s, part="production", packaging_intact=True,
                            inspection_passed=True)
    services.readiness_sign(actor=logistics_user, shipment=s, part="logistics", vehicle_ready=True,
                            packing_materials_ready=True)
    with pytest.raises(ValidationFailed) as e:
        shipment_dispatch(shipment=s, actor=logistics_user)
    assert "销售部门" in str(e.value.message) or "Sales" in str(e.value.message)
    assert "生产部门" not in str(e.value.message) and "Production" not in str(e.value.message)
    r = _sales(s, sales_rep)
    assert r.complete and r.missing_parts() == []
    shipment_dispatch(shipment=s, actor=logistics_user)
    s.refresh_from_db()
    assert s.state == "dispatched"
    signed = events_since_built(order, "readiness.signed")
    assert [e.after["readiness_part"] for e in signed] == ["production", "logistics", "sales"]
    assert {e.clause for e in signed} == {"P2.5.a"} and signed[-1].after["readiness_complete"] is True
    assert [e.actor_id for e in signed] == [production_user.pk, logistics_user.pk, sales_rep.pk]


def test_P2_5_a_production_cannot_sign_without_a_passing_finished_product_inspection(
        order, logistics_user, production_user):
    from ordertaking.production.models import ProductionOrder
    from ordertaking.production.services import inspection_record, rework_record

    s = _plan(order, logistics_user, {1: "10"})
    with pytest.raises(ValidationFailed) as e:  # missing
        services.readiness_sign(actor=production_user, shipment=s, part="production", packaging_intact=True,
                                inspection_passed=True)
    assert e.value.code == "inspection_missing"
    po = ProductionOrder.objects.get(order=order, line_position=1)
    failed = inspection_record(po=po, actor=production_user, checkpoint="finished", result="fail", sample_size=5,
                               inspected_quantity=10, defect_count=1, defects="绝缘电阻偏低")
    with pytest.raises(ValidationFailed) as e:  # failed, not re-inspected
        services.readiness_sign(actor=production_user, shipment=s, part="production", packaging_intact=True,
                                inspection_passed=True)
    assert e.value.code == "inspection_failed" and failed.number in str(e.value.message)
    rework_record(inspection=failed, actor=production_user, note="重新浸漆")
    passed = inspection_record(po=po, actor=production_user, checkpoint="finished", result="pass", sample_size=5,
                               inspected_quantity=10, reinspection_of=failed)
    with pytest.raises(ValidationFailed) as e:  # ticked, never assumed
        services.readiness_sign(actor=production_user, shipment=s, part="production", packaging_intact=False,
                                inspection_passed=True)
    assert e.value.field == "packaging_intact"
    assert not DeliveryReadiness.objects.filter(shipment=s, production_signed_at__isnull=False).exists()
    r = services.readiness_sign(actor=production_user, shipment=s, part="production", packaging_intact=True,
                                inspection_passed=True)
    assert r.inspection_numbers == [passed.number]


def test_P2_5_a_a_stock_only_shipment_needs_no_inspection(order, logistics_user, production_user):
    s = _plan(order, logistics_user, {2: "4"})
    r = services.readiness_sign(actor=production_user, shipment=s, part="production", packaging_intact=True,
                                inspection_passed=True)
    assert r.production_signed_by == production_user and r.inspection_numbers == []


@pytest.mark.parametrize("part", ["production", "logistics", "sales"])
def test_P2_5_a_each_part_is_signed_only_by_its_department(part, order, logistics_user, production_user,
                                                           sales_rep, make_user):
    from ordertaking.accounts.roles import Role

    s = _plan(order, logistics_user, {2: "1"})
    outsiders = {"production": [logistics_user, sales_rep], "logistics": [production_user, sales_rep],
                 "sales": [production_user, logistics_user, make_user("sales9", Role.SALES),
                           make_user("oc9", Role.ORDER_CENTER)]}[part]
    for who in outsiders:
        with pytest.raises(PermissionDenied):
            services.readiness_sign(actor=who, shipment=s, part=part, packaging_intact=True, inspection_passed=True,
                                    vehicle_ready=True, packing_materials_ready=True,
                                    agreed_time=timezone.now(), agreed_place="x", agreed_with="y",
                                    agreed_on=timezone.localdate())
    assert not events_since_built(order, "readiness.signed")


def test_P2_5_a_sales_part_needs_what_was_agreed_with_whom_and_when(order, logistics_user, sales_rep):
    s = _plan(order, logistics_user, {2: "1"})
    for kw, field in (({"agreed_time": None}, "agreed_time"), ({"agreed_place": " "}, "agreed_place"),
                      ({"agreed_with": ""}, "agreed_with"), ({"agreed_on": None}, "agreed_on"),
                      ({"agreed_on": timezone.localdate() + timedelta(days=1)}, "agreed_on"),
                      ({"agreed_time": timezone.now() - timedelta(days=3)}, "agreed_time")):
        with pytest.raises(ValidationFailed) as e:
            _sales(s, sales_rep, **kw)
        assert e.value.field == field
    r = _sales(s, sales_rep)
    assert (r.agreed_with, r.sales_signed_by) == ("刘经理", sales_rep)
    with pytest.raises(Conflict):
        _sales(s, sales_rep)


def test_P2_5_a_a_sign_off_is_withdrawn_with_a_reason_only_while_planned(order, logistics_user, sales_rep):
    s = _plan(order, logistics_user, {2: "1"})
    services.readiness_sign(actor=logistics_user, shipment=s, part="logistics", vehicle_ready=True,
                            packing_materials_ready=True)
    with pytest.raises(ValidationFailed):
        services.readiness_withdraw(actor=logistics_user, shipment=s, part="logistics", reason=" ")
    r = services.readiness_withdraw(actor=logistics_user, shipment=s, part="logistics", reason="车辆故障")
    assert (r.logistics_signed_at, r.vehicle_ready) == (None, False)
    (ev,) = events_since_built(order, "readiness.withdrawn")
    assert ev.message == "车辆故障"
    with pytest.raises(Conflict):
        services.readiness_withdraw(actor=logistics_user, shipment=s, part="logistics", reason="再撤")
    shipment_cancel(shipment=s, actor=logistics_user, reason="客户改期")
    with pytest.raises(InvalidTransition):
        services.readiness_sign(actor=logistics_user, shipment=s, part="logistics", vehicle_ready=True,
                                packing_materials_ready=True)


def test_P2_5_a_rules_without_a_database():
    line = rules.LineInspection(position=1, block=None, passed=["QI-1"])
    assert rules.production_part_check(packaging_intact=True, inspection_passed=True, lines=[line]) == ["QI-1"]
    with pytest.raises(ValidationFailed):
        rules.production_part_check(packaging_intact=True, inspection_passed=False, lines=[])
    with pytest.raises(ValidationFailed):
        rules.logistics_part_check(vehicle_ready=True, packing_materials_ready=False)


def test_P2_5_a_the_shipment_page_and_the_order_page_show_the_checklist(client, order, logistics_user, sales_rep):
    s = _plan(order, logistics_user, {2: "4"})
    services.readiness_sign(actor=logistics_user, shipment=s, part="logistics", vehicle_ready=True,
                            packing_materials_ready=True)
    client.force_login(sales_rep)
    body = client.get(reverse("deliveries:readiness", args=[s.number])).content.decode()
    assert 'data-part="sales"' in body and reverse("deliveries:readiness_sign", args=[s.number, "sales"]) in body
    assert reverse("deliveries:readiness_sign", args=[s.number, "production"]) not in body  # not the rep's part
    assert "陈物流" in body  # who signed logistics' part
    r = client.post(reverse("deliveries:readiness_sign", args=[s.number, "sales"]), {
        "sales-agreed_time": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "sales-agreed_place": "张江路100号", "sales-agreed_with": "刘经理",
        "sales-agreed_on": timezone.localdate().isoformat()})
    assert r.status_code == 302
    assert DeliveryReadiness.objects.get(shipment=s).sales_signed_by == sales_rep
    r = client.post(reverse("deliveries:readiness_sign", args=[s.number, "sales"]), {
        "sales-agreed_time": "2026-13-45T99:99"}, follow=True)
    assert r.status_code == 200  # a bad form is a message, never a 500
    body = client.get(reverse("deliveries:order_readiness", args=[order.number])).content.decode()
    assert s.number in body and 'data-testid="order-readiness"' in body


def test_P2_5_a_the_api_signs_and_refuses_in_the_one_error_shape(client, order, logistics_user, production_user):
    s = _plan(order, logistics_user, {2: "4"})
    client.force_login(production_user)
    r = client.get(f"/api/v1/deliveries/readiness/{s.number}")
    assert r.status_code == 200 and r.json()["missing"] == ["production", "logistics", "sales"]
    r = client.post(f"/api/v1/deliveries/readiness/{s.number}/logistics/sign",
                    {"vehicle_ready": True, "packing_materials_ready": True}, content_type="application/json")
    assert r.status_code == 403
    r = client.post(f"/api/v1/deliveries/readiness/{s.number}/production/sign",
                    {"packaging_intact": True, "inspection_passed": True}, content_type="application/json")
    assert r.status_code == 200 and r.json()["missing"] == ["logistics", "sales"]
    r = client.post(f"/api/v1/deliveries/readiness/{s.number}/nonsense/sign", {}, content_type="application/json")
    assert r.status_code == 422
    assert client.get("/api/v1/deliveries/readiness/SHP-NOPE").status_code == 404
