"""The carriers' webhook (P2.4.c): HMAC-SHA256 over timestamp + "." + raw body with the carrier's key,
a 5-minute window and a one-time event id. Valid, tampered, wrong key, stale and replayed calls, through
the real endpoint; every refusal answers the error shape and leaves a log row."""

from __future__ import annotations

import json
import time

import pytest

from ordertaking.audit.models import AuditEvent
from ordertaking.logistics import rules, services
from ordertaking.logistics.models import TrackingEvent, WebhookAttempt

pytestmark = pytest.mark.django_db

URL = "/api/v1/logistics/webhook/sf"


@pytest.fixture
def shipped(approved_order, ship, carrier, logistics_user):  # type: ignore[no-untyped-def]
    shipment = ship(approved_order, {1: "5"}, dispatch=True, waybill_number="SF900001")
    secret = services.carrier_secret_generate(carrier=carrier, actor=logistics_user)
    return shipment, secret


def _body(event_id: str = "evt-1", kind: str = "in_transit") -> bytes:
    return json.dumps({"event_id": event_id, "waybill_number": "SF900001", "kind": kind, "place": "杭州转运中心",
                       "occurred_at": "2026-11-30T09:00:00+08:00", "note": "到达转运中心"},
                      ensure_ascii=False).encode()


def _post(client, body: bytes, secret: str, *, ts: int | None = None, sign_body: bytes | None = None):  # type: ignore[no-untyped-def]
    stamp = str(int(time.time()) if ts is None else ts)
    sig = rules.signature(secret, stamp, body if sign_body is None else sign_body)
    return client.post(URL, data=body, content_type="application/json",
                       headers={"X-Carrier-Timestamp": stamp, "X-Carrier-Signature": sig})


def test_P2_4_c_a_validly_signed_event_is_recorded_and_moves_the_shipment(client, shipped):
    shipment, secret = shipped
    r = _post(client, _body(), secret)
    assert r.status_code == 201, r.content
    assert r.json() == {"accepted": True, "shipment": shipment.number, "state": "in_transit"}
    ev = TrackingEvent.objects.get(shipment=shipment)
    assert (ev.kind, ev.place, ev.source, ev.recorded_by) == ("in_transit", "杭州转运中心", "webhook", None)
    assert WebhookAttempt.objects.get().outcome == "accepted"
    assert AuditEvent.objects.filter(action="shipment.tracked", actor_name="system").count() == 1


def test_P2_4_c_a_tampered_body_is_refused_and_logged(client, shipped):
    _shipment, secret = shipped
    r = _post(client, _body(kind="delivered"), secret, sign_body=_body(kind="in_transit"))
    assert r.status_code == 401
    assert r.json()["code"] == "bad_signature" and set(r.json()) >= {"code", "message", "field"}
    assert TrackingEvent.objects.count() == 0
    assert WebhookAttempt.objects.get().outcome == "bad_signature"


def test_P2_4_c_a_call_signed_with_another_key_is_refused(client, shipped):
    _shipment, _secret = shipped
    r = _post(client, _body(), "not-the-carriers-key")
    assert r.status_code == 401 and r.json()["code"] == "bad_signature"
    assert TrackingEvent.objects.count() == 0


def test_P2_4_c_a_stale_timestamp_is_refused_even_when_signed(client, shipped):
    _shipment, secret = shipped
    r = _post(client, _body(), secret, ts=int(time.time()) - 301)
    assert r.status_code == 401 and r.json()["code"] == "stale_timestamp"
    assert WebhookAttempt.objects.get().outcome == "stale"
    assert _post(client, _body(), secret, ts=int(time.time()) - 290).status_code == 201


def test_P2_4_c_a_replayed_event_is_refused_with_409(client, shipped):
    _shipment, secret = shipped
    assert _post(client, _body("evt-7"), secret).status_code == 201
    r = _post(client, _body("evt-7"), secret)
    assert r.status_code == 409 and r.json()["code"] == "replay"
    assert TrackingEvent.objects.count() == 1
    assert list(WebhookAttempt.objects.order_by("id").values_list("outcome", flat=True)) == ["accepted", "replay"]


def test_P2_4_c_an_unknown_carrier_or_one_without_a_key_is_refused(client, shipped, expired_carrier):
    _shipment, secret = shipped
    body = _body()
    stamp = str(int(time.time()))
    r = client.post("/api/v1/logistics/webhook/zt", data=body, content_type="application/json",
                    headers={"X-Carrier-Timestamp": stamp, "X-Carrier-Signature": rules.signature(secret, stamp, body)})
    assert r.status_code == 401
    r = client.post("/api/v1/logistics/webhook/nobody", data=body, content_type="application/json")
    assert r.status_code == 401
    assert set(WebhookAttempt.objects.values_list("outcome", flat=True)) == {"unknown_carrier"}
    # ... answered as a bad signature is, so a caller cannot tell which carrier codes exist
    bad_signature = _post(client, body, "not-the-carriers-key")
    assert bad_signature.status_code == 401
    assert r.json() == bad_signature.json() == {"code": "bad_signature", "field": None,
                                                 "message": "签名未被接受。"}


def test_P2_4_c_a_signed_call_for_an_unknown_waybill_is_refused_with_the_field(client, shipped):
    _shipment, secret = shipped
    body = json.dumps({"event_id": "e9", "waybill_number": "NOPE", "kind": "arrived"}).encode()
    r = _post(client, body, secret)
    assert r.status_code == 422 and r.json()["field"] == "waybill_number"
    assert WebhookAttempt.objects.get().outcome == "invalid"


def test_P2_4_c_a_regenerated_key_retires_the_old_one(client, shipped, carrier, logistics_user):
    _shipment, old = shipped
    new = services.carrier_secret_generate(carrier=carrier, actor=logistics_user)
    assert _post(client, _body("a"), old).status_code == 401
    assert _post(client, _body("b"), new).status_code == 201


def test_the_signature_rule_is_hmac_sha256_over_timestamp_dot_body():
    import hashlib
    import hmac

    expected = hmac.new(b"k", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert rules.signature("k", "1700000000", b"{}") == expected
    assert rules.signature_valid("k", "1700000000", b"{}", expected.upper())
    assert not rules.signature_valid("k", "1700000001", b"{}", expected)
    assert rules.timestamp_fresh("1000", 1300) and not rules.timestamp_fresh("1000", 1301)
    assert not rules.timestamp_fresh("soon", 1000)
