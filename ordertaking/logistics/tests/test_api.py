"""Logistics through /api/v1/logistics: the same services as the pages, the one error shape, paged lists."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ordertaking.logistics.models import Shipment
from tests.readiness import readiness_sign_all

from .conftest import line_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, logistics_user):  # type: ignore[no-untyped-def]
    client.force_login(logistics_user)
    return client


def _create(api, order, lines, **kw):  # type: ignore[no-untyped-def]
    body = {"lines": [{"order_line_id": line_of(order, p).pk, "quantity": q} for p, q in lines.items()],
            "method": "express", "carrier": "sf", "waybill_number": "SF1", "planned_ship_date":
            timezone.localdate().isoformat(), **kw}
    return api.post(f"/api/v1/logistics/orders/{order.number}/shipments", body, content_type="application/json")


def _dispatched(api, order, lines):  # type: ignore[no-untyped-def]
    """Planned, its readiness checklist signed (P2.5.a), then dispatched through the API."""
    number = _create(api, order, lines).json()["number"]
    readiness_sign_all(Shipment.objects.get(number=number))
    r = api.post(f"/api/v1/logistics/shipments/{number}/dispatch", {}, content_type="application/json")
    assert r.status_code == 200, r.content
    return r.json()


def test_P2_4_c_shipments_through_the_api_partial_then_whole(api, approved_order, carrier):
    # Planned and dispatched at once: refused until production, logistics and sales signed its readiness
    # checklist (P2.5.a), and nothing was written.
    r = _create(api, approved_order, {1: "4"}, dispatch=True)
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "not_ready", "readiness"), r.content
    assert not Shipment.objects.filter(order=approved_order).exists()
    first = _dispatched(api, approved_order, {1: "4"})
    assert first["state"] == "dispatched" and first["lines"][0]["quantity"] == "4.000"
    r = _create(api, approved_order, {1: "6", 2: "4"})
    second = r.json()["number"]
    readiness_sign_all(Shipment.objects.get(number=second))
    assert api.post(f"/api/v1/logistics/shipments/{second}/dispatch", {},
                    content_type="application/json").json()["state"] == "dispatched"
    approved_order.refresh_from_db()
    assert approved_order.state == "shipped"
    r = api.get("/api/v1/logistics/shipments", {"order": approved_order.number})
    assert r.json()["count"] == 2


def test_P2_4_c_over_shipping_through_the_api_is_a_422_naming_the_line(api, approved_order, carrier):
    r = _create(api, approved_order, {1: "11"})
    assert r.status_code == 422
    assert r.json()["field"] == "lines.0.quantity" and r.json()["code"] == "over_shipped"


def test_P2_4_c_an_expired_carrier_through_the_api_needs_the_override(api, approved_order, expired_carrier):
    r = _create(api, approved_order, {1: "1"}, carrier="zt", method="freight")
    assert (r.status_code, r.json()["field"]) == (422, "override_reason")
    r = _create(api, approved_order, {1: "1"}, carrier="zt", method="freight", override_reason="仅此一家可运")
    assert r.status_code == 201 and r.json()["carrier_override"] == "仅此一家可运"


def test_P2_4_c_tracking_and_exceptions_through_the_api(api, approved_order, carrier):
    number = _dispatched(api, approved_order, {1: "2"})["number"]
    r = api.post(f"/api/v1/logistics/shipments/{number}/events", {"kind": "delivered", "place": "上海"},
                 content_type="application/json")
    assert r.status_code == 201 and r.json()["source"] == "api"
    assert api.get(f"/api/v1/logistics/shipments/{number}").json()["state"] == "delivered"
    r = api.post(f"/api/v1/logistics/shipments/{number}/exceptions",
                 {"kind": "damage", "cause": "两台外壳凹陷", "told_departments": ["sales"]},
                 content_type="application/json")
    assert r.status_code == 201, r.content
    exc_id = r.json()["id"]
    r = api.post(f"/api/v1/logistics/exceptions/{exc_id}/handle", {"handling": "补发两台"},
                 content_type="application/json")
    assert r.json()["state"] == "handled"
    assert api.get("/api/v1/logistics/exceptions", {"state": "handled"}).json()["count"] == 1
    r = api.post(f"/api/v1/logistics/exceptions/{exc_id}/handle", {"handling": "x"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"


def test_P2_4_c_carriers_through_the_api_with_their_rating(api, catalog):
    r = api.post("/api/v1/logistics/carriers", {
        "code": "db", "name": "德邦物流", "contract_number": "DB-1", "contract_valid_from": "2026-01-01",
        "contract_valid_to": "2026-12-31", "methods": ["freight"], "regions": ["SH", "GD"]},
        content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["rating"]["on_time_rate"] is None and r.json()["regions"] == ["GD", "SH"]
    r = api.patch("/api/v1/logistics/carriers/db", {"contract_valid_to": "2027-06-30"}, content_type="application/json")
    assert r.json()["contract_valid_to"] == "2027-06-30"
    r = api.patch("/api/v1/logistics/carriers/db", {"contract_valid_to": "2025-01-01"}, content_type="application/json")
    assert (r.status_code, r.json()["field"]) == (422, "contract_valid_to")
    r = api.post("/api/v1/logistics/carriers/db/webhook-key")
    assert r.status_code == 201 and len(r.json()["secret"]) > 30
    assert api.get("/api/v1/logistics/carriers/db").json()["webhook_key_set"] is True
    assert "secret" not in api.get("/api/v1/logistics/carriers/db").content.decode()


def test_P3_5_a_sales_rep_reads_their_orders_shipments_but_cannot_write(client, approved_order, ship, sales_rep):
    s = ship(approved_order, {1: "1"})
    client.force_login(sales_rep)
    assert client.get(f"/api/v1/logistics/shipments/{s.number}").status_code == 200
    r = client.post(f"/api/v1/logistics/shipments/{s.number}/dispatch", {}, content_type="application/json")
    assert r.status_code == 403
    assert client.get("/api/v1/logistics/carriers").status_code == 403


def test_P3_5_another_rep_does_not_see_the_shipment(client, approved_order, ship, sales_rep2):
    s = ship(approved_order, {1: "1"})
    client.force_login(sales_rep2)
    assert client.get(f"/api/v1/logistics/shipments/{s.number}").status_code == 404
    assert client.get("/api/v1/logistics/shipments").json()["count"] == 0


def test_the_shipment_list_pages_in_a_fixed_number_of_queries(api, approved_order, ship, django_assert_num_queries):
    for _ in range(3):
        ship(approved_order, {1: "1"})
    with django_assert_num_queries(7):
        r = api.get("/api/v1/logistics/shipments")
    assert r.json()["count"] == 3
    for _ in range(3):
        ship(approved_order, {2: "1"})
    with django_assert_num_queries(7):
        assert api.get("/api/v1/logistics/shipments").json()["count"] == 6
