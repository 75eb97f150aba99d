"""/api/v1/production-orders and /api/v1/inspections (P2.4.b, P3.4, P5.2.b): the same services as the pages;
multipart inspections with attachments; bad input → 4xx naming the field."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ordertaking.accounts.services import api_token_issue
from ordertaking.production.models import QualityInspection

from .conftest import png_bytes

pytestmark = pytest.mark.django_db
PO_BASE = "/api/v1/production-orders"
QI_BASE = "/api/v1/inspections"


def bearer(user):  # type: ignore[no-untyped-def]
    _t, raw = api_token_issue(user=user, name="test", actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_p2_4_b_production_through_the_api_start_progress_finish(client, po, production_user):
    h = bearer(production_user)
    r = client.get(PO_BASE, **h)
    assert r.status_code == 200 and r.json()["count"] == 1
    assert r.json()["items"][0]["number"] == po.number
    assert client.post(f"{PO_BASE}/{po.number}/start", **h).json()["state"] == "in_progress"
    r = client.post(f"{PO_BASE}/{po.number}/progress", {"percent": 50, "note": "半成品"},
                    content_type="application/json", **h)
    assert r.status_code == 201 and r.json()["percent"] == 50
    r = client.post(f"{PO_BASE}/{po.number}/progress", {"percent": 40}, content_type="application/json", **h)
    assert r.status_code == 422 and r.json()["field"] == "note"
    r = client.post(f"{PO_BASE}/{po.number}/finish", {"note": ""}, content_type="application/json", **h)
    assert r.status_code == 200 and r.json()["state"] == "finished" and r.json()["percent"] == 100
    assert r.json()["shipping_block"] is None
    r = client.post(f"{PO_BASE}/{po.number}/start", **h)
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"


def test_p3_4_the_api_refuses_who_may_not_act_or_see(client, po, sales_rep, sales_rep2, finance_user):
    assert client.post(f"{PO_BASE}/{po.number}/start", **bearer(sales_rep)).status_code == 403
    assert client.get(f"{PO_BASE}/{po.number}", **bearer(sales_rep)).status_code == 200
    assert client.get(f"{PO_BASE}/{po.number}", **bearer(sales_rep2)).status_code == 404
    assert client.get(PO_BASE, **bearer(finance_user)).status_code == 403


def test_p5_2_b_inspection_rework_and_reinspection_through_the_api(client, po, production_user):
    h = bearer(production_user)
    client.post(f"{PO_BASE}/{po.number}/start", **h)
    client.post(f"{PO_BASE}/{po.number}/finish", {}, content_type="application/json", **h)
    photo = SimpleUploadedFile("defect.png", png_bytes(), content_type="image/png")
    r = client.post(QI_BASE, {"production_order": po.number, "checkpoint": "finished", "result": "fail",
                              "sample_size": "5", "inspected_quantity": "10", "defect_count": "2",
                              "defects": "外壳划伤", "attachments": [photo]}, **h)
    assert r.status_code == 201, r.content
    failed = r.json()
    assert failed["result"] == "fail" and failed["attachments"][0]["name"] == "defect.png"
    assert client.get(f"{PO_BASE}/{po.number}", **h).json()["shipping_block"]
    r = client.post(f"{PO_BASE}/{po.number}/rework", {"inspection_id": failed["id"], "note": "重新喷涂"},
                    content_type="application/json", **h)
    assert r.status_code == 201 and r.json()["inspection_number"] == failed["number"]
    r = client.post(QI_BASE, {"production_order": po.number, "checkpoint": "finished", "result": "pass",
                              "sample_size": "5", "inspected_quantity": "10",
                              "reinspection_of": str(failed["id"])}, **h)
    assert r.status_code == 201 and r.json()["reinspection_of"] == failed["id"]
    assert client.get(f"{PO_BASE}/{po.number}", **h).json()["shipping_block"] is None
    r = client.get(QI_BASE, {"open": "true"}, **h)
    assert r.json()["count"] == 0
    assert client.get(QI_BASE, **h).json()["count"] == 2


@pytest.mark.parametrize(("upload", "code"), [
    (("page.html", b"<html></html>"), "attachment_type"),
    (("photo.png", b"<html><script>alert(1)</script>"), "attachment_content"),
])
def test_p5_2_b_the_api_refuses_a_bad_attachment_naming_the_field(client, po, production_user, upload, code):  # type: ignore[no-untyped-def]
    h = bearer(production_user)
    client.post(f"{PO_BASE}/{po.number}/start", **h)
    r = client.post(QI_BASE, {"production_order": po.number, "checkpoint": "in_process", "result": "pass",
                              "sample_size": "1", "inspected_quantity": "1",
                              "attachments": [SimpleUploadedFile(*upload)]}, **h)
    assert r.status_code == 422
    assert (r.json()["field"], r.json()["code"]) == ("attachments", code)
    assert not QualityInspection.objects.exists()


def test_p5_2_b_the_api_refuses_bad_inspection_figures_naming_the_field(client, po, production_user):
    h = bearer(production_user)
    r = client.post(QI_BASE, {"production_order": po.number, "checkpoint": "finished", "result": "pass",
                              "sample_size": "1", "inspected_quantity": "1"}, **h)
    assert r.status_code == 422 and r.json()["field"] == "checkpoint"
    r = client.post(QI_BASE, {"production_order": po.number, "checkpoint": "raw_material", "result": "pass",
                              "sample_size": "x", "inspected_quantity": "1"}, **h)
    assert r.status_code == 422 and r.json()["field"] == "sample_size"
    r = client.post(QI_BASE, {"production_order": "PO-NOPE", "checkpoint": "raw_material", "result": "pass",
                              "sample_size": "1", "inspected_quantity": "1"}, **h)
    assert r.status_code == 404
