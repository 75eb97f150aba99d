"""The logistics pages: board, shipment form, shipment page, exception form, carriers, the order card."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ordertaking.logistics import services
from ordertaking.logistics.models import Shipment, ShippingException, TrackingEvent
from tests.readiness import readiness_sign_all

from .conftest import line_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client, logistics_user):  # type: ignore[no-untyped-def]
    client.force_login(logistics_user)
    return client


def test_P3_5_the_board_shows_orders_to_plan_moving_shipments_and_exceptions(office, approved_order, ship,
                                                                              logistics_user):
    s = ship(approved_order, {1: "3"}, dispatch=True)
    services.exception_record(shipment=s, actor=logistics_user, kind="delay", cause="暴雪封路")
    ship(approved_order, {1: "2"})
    r = office.get(reverse("logistics:board"))
    body = r.content.decode()
    assert r.status_code == 200
    assert approved_order.number in body  # still something to plan
    assert s.number in body and "暴雪封路" in body


def test_the_board_keeps_its_query_count_as_shipments_grow(office, approved_order, ship, django_assert_max_num_queries):
    ship(approved_order, {1: "1"}, dispatch=True)
    ship(approved_order, {1: "1"})
    with django_assert_max_num_queries(20) as first:
        office.get(reverse("logistics:board"))
    for _ in range(4):
        ship(approved_order, {1: "1"}, dispatch=True)
        ship(approved_order, {2: "1"})
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert office.get(reverse("logistics:board")).status_code == 200


def test_P3_5_the_board_is_not_for_sales(client, sales_rep):
    client.force_login(sales_rep)
    assert client.get(reverse("logistics:board")).status_code == 403


def test_P2_4_c_the_shipment_form_shows_what_remains_and_plans_a_partial_shipment(office, approved_order, ship,
                                                                                  carrier):
    ship(approved_order, {1: "4"})
    url = reverse("logistics:shipment_new", args=[approved_order.number])
    r = office.get(url)
    body = r.content.decode()
    assert r.status_code == 200
    assert f'name="qty_{line_of(approved_order, 1).pk}" value="6"' in body  # 10 ordered, 4 planned
    assert f'name="qty_{line_of(approved_order, 3).pk}"' not in body  # the installation service does not ship
    r = office.post(url, {f"qty_{line_of(approved_order, 1).pk}": "6", "method": "express", "carrier": carrier.pk,
                        "waybill_number": "SF77", "packages": "2",
                        "planned_ship_date": timezone.localdate().isoformat()})
    assert r.status_code == 302
    assert Shipment.objects.filter(order=approved_order).count() == 2


def test_P2_4_c_over_shipping_on_the_form_is_shown_beside_the_line(office, approved_order, carrier):
    url = reverse("logistics:shipment_new", args=[approved_order.number])
    r = office.post(url, {f"qty_{line_of(approved_order, 2).pk}": "5", "method": "express", "carrier": carrier.pk,
                        "packages": "1", "planned_ship_date": timezone.localdate().isoformat()})
    assert r.status_code == 422
    assert "第 2 行只剩 4 待发运" in r.content.decode() or "Only 4 of line 2" in r.content.decode()
    assert not Shipment.objects.exists()


def test_P2_4_c_the_shipment_page_dispatches_and_records_tracking(office, approved_order, ship):
    s = ship(approved_order, {1: "10", 2: "4"})
    r = office.post(reverse("logistics:dispatch", args=[s.number]), {"waybill_number": "SF555"}, follow=True)
    assert "交付准备清单尚未完成" in r.content.decode()  # P2.5.a first, in the reader's language
    s.refresh_from_db()
    assert s.state == "planned"
    readiness_sign_all(s)
    office.post(reverse("logistics:dispatch", args=[s.number]), {"waybill_number": "SF555"})
    s.refresh_from_db()
    assert (s.state, s.waybill_number) == ("dispatched", "SF555")
    approved_order.refresh_from_db()
    assert approved_order.state == "shipped"
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    r = office.post(reverse("logistics:event_new", args=[s.number]), {"kind": "arrived", "occurred_at": when,
                                                                    "place": "宁波"})
    assert r.status_code == 302
    assert TrackingEvent.objects.get(shipment=s).place == "宁波"
    body = office.get(reverse("logistics:shipment", args=[s.number])).content.decode()
    assert "宁波" in body and 'data-testid="tracking-timeline"' in body


def test_P2_4_c_a_tracking_event_in_the_future_is_shown_beside_its_field(office, approved_order, ship):
    s = ship(approved_order, {1: "1"}, dispatch=True)
    later = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    r = office.post(reverse("logistics:event_new", args=[s.number]), {"kind": "arrived", "occurred_at": later})
    assert r.status_code == 422
    assert not TrackingEvent.objects.exists()


def test_P5_2_c_the_exception_form_records_who_was_told(office, approved_order, ship):
    s = ship(approved_order, {1: "1"}, dispatch=True)
    r = office.post(reverse("logistics:exception_new", args=[s.number]), {
        "kind": "delay", "cause": "台风停航", "handling": "改陆运", "told_departments": ["sales", "customer_service"],
        "told_contact": "电话告知刘经理"})
    assert r.status_code == 302, r.content.decode()[:2000]
    exc = ShippingException.objects.get()
    assert exc.told_departments == ["sales", "customer_service"]
    assert exc.told_contact.startswith("电话告知刘经理")
    r = office.post(reverse("logistics:exception_move", args=[exc.pk, "handle"]), {"handling": "已改陆运"})
    exc.refresh_from_db()
    assert exc.state == "handled"


def test_P2_4_c_carriers_page_shows_rating_and_expiry_in_fixed_queries(office, carrier, expired_carrier,
                                                                       django_assert_num_queries):
    with django_assert_num_queries(6):  # the carriers and their record in one query, their regions in one more
        r = office.get(reverse("logistics:carriers"))
    body = r.content.decode()
    assert "顺丰速运" in body and "中通快运" in body
    assert "已过期" in body or "expired" in body


def test_P2_4_c_the_webhook_key_is_shown_once(office, carrier):
    r = office.post(reverse("logistics:carrier_secret", args=[carrier.code]))
    assert r.status_code == 302
    carrier.refresh_from_db()
    key = carrier.webhook_secret_plain()  # the column holds it encrypted (test_webhook_key.py)
    first = office.get(reverse("logistics:carrier", args=[carrier.code])).content.decode()
    assert key in first and carrier.webhook_secret not in first
    again = office.get(reverse("logistics:carrier", args=[carrier.code])).content.decode()
    assert key not in again


def test_P3_5_a_carrier_is_created_on_the_page(office, catalog):
    r = office.post(reverse("logistics:carrier_new"), {
        "code": "jd", "name": "京东物流", "contract_number": "JD-9", "contract_valid_from": "2026-01-01",
        "contract_valid_to": "2026-12-31", "methods": ["express"], "regions": [catalog["regions"]["sh"].pk],
        "active": "on"})
    assert r.status_code == 302
    r = office.post(reverse("logistics:carrier_new"), {
        "code": "jd2", "name": "京东物流", "contract_number": "JD-9", "contract_valid_from": "2026-01-01",
        "contract_valid_to": "2026-12-31", "methods": ["express"]})
    assert r.status_code == 422


def test_P2_4_c_the_order_page_card_shows_shipments_to_the_rep(client, approved_order, ship, sales_rep):
    s = ship(approved_order, {1: "4"}, dispatch=True)
    client.force_login(sales_rep)
    body = client.get(reverse("orders:detail", args=[approved_order.number])).content.decode()
    assert reverse("logistics:order_card", args=[approved_order.number]) in body
    card = client.get(reverse("logistics:order_card", args=[approved_order.number])).content.decode()
    assert s.number in card and 'data-testid="shipments-card"' in card
    assert reverse("logistics:shipment_new", args=[approved_order.number]) not in card  # sales don't plan


def test_a_draft_order_has_no_shipments_card(client, make_order, sales_rep):
    order = make_order(state="draft")
    client.force_login(sales_rep)
    body = client.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert reverse("logistics:order_card", args=[order.number]) not in body


def test_P5_2_b_the_shipment_form_says_which_line_waits_for_production(office, unproduced_order):
    from ordertaking.production.models import ProductionOrder

    po = ProductionOrder.objects.get(order=unproduced_order)
    body = office.get(reverse("logistics:shipment_new", args=[unproduced_order.number])).content.decode()
    assert po.number in body  # production's reason, beside the motor line
