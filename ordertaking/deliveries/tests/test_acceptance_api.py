"""Acceptance, acceptance issues and compensation through /api/v1/deliveries (P2.5.c/d): the same services as the
pages, errors in the one shape."""

from __future__ import annotations

import pytest

from ordertaking.deliveries.models import AcceptanceIssue, Compensation

pytestmark = pytest.mark.django_db
API = "/api/v1/deliveries"


def ok(note: str = "") -> dict[str, object]:
    return {"accepted": not note, "note": note}


def body(order, reject_line: int | None = None) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {"customer_name": "刘经理", "lines": [
        {"line": ln.position, "criteria": {"quantity": ok(), "specification": ok(),
                                           "quality": ok("外壳破损") if ln.position == reject_line else ok(),
                                           "performance": ok()}}
        for ln in order.lines.all()]}


def test_p2_5_c_the_rep_records_acceptance_through_the_api_and_the_order_is_accepted(client, delivered_order,
                                                                                      sales_rep):
    client.force_login(sales_rep)
    r = client.post(f"{API}/orders/{delivered_order.number}/acceptance", body(delivered_order),
                    content_type="application/json")
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["order_state"] == "accepted" and data["issues_opened"] == []
    assert all(ln["status"] == "accepted" and len(ln["checks"]) == 4 for ln in data["lines"])
    assert client.get(f"{API}/orders/{delivered_order.number}/acceptance").json()["order_state"] == "accepted"


def test_p2_5_c_errors_name_the_field(client, delivered_order, sales_rep, sales_rep2):
    client.force_login(sales_rep)
    bad = body(delivered_order, reject_line=1)
    bad["lines"][0]["criteria"]["quality"]["note"] = ""  # type: ignore[index]
    r = client.post(f"{API}/orders/{delivered_order.number}/acceptance", bad, content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "lines.0.quality"
    criteria = body(delivered_order)["lines"][0]["criteria"]  # type: ignore[index]
    unknown = {"customer_name": "刘经理", "lines": [{"line": 99, "criteria": criteria}]}
    r = client.post(f"{API}/orders/{delivered_order.number}/acceptance", unknown, content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "lines.0.line"
    client.force_login(sales_rep2)
    r = client.post(f"{API}/orders/{delivered_order.number}/acceptance", body(delivered_order),
                    content_type="application/json")
    assert r.status_code == 404


def test_p2_5_d_an_issue_and_its_compensation_through_the_api(client, delivered_order, sales_rep, leader):
    client.force_login(sales_rep)
    r = client.post(f"{API}/orders/{delivered_order.number}/acceptance", body(delivered_order, reject_line=2),
                    content_type="application/json")
    number = r.json()["issues_opened"][0]
    assert r.json()["order_state"] == "delivered"
    assert client.get(f"{API}/issues?state=open").json()["count"] == 1
    r = client.post(f"{API}/issues/{number}/classify", {"issue_class": "major"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["deadline"] is None
    r = client.post(f"{API}/issues/{number}/analysis", {"cause": "包装不当", "responsible_department": "logistics"},
                    content_type="application/json")
    assert r.json()["state"] == "analysed"
    r = client.post(f"{API}/issues/{number}/resolve", {"result": "已处理"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "major_needs_solution"
    r = client.post(f"{API}/issues/{number}/progress", {"text": "已联系物流公司"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["updates"][0]["text"] == "已联系物流公司"
    r = client.post(f"{API}/issues/{number}/compensations", {"amount": "800.00", "basis": "合同第8条"},
                    content_type="application/json")
    assert r.status_code == 201
    comp_id = r.json()["id"]
    r = client.post(f"{API}/compensations/{comp_id}/approve", {}, content_type="application/json")
    assert r.status_code == 403
    client.force_login(leader)
    r = client.post(f"{API}/compensations/{comp_id}/approve", {"comment": "同意"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "approved" and r.json()["credit_note"]
    assert Compensation.objects.get().credit_note is not None
    assert AcceptanceIssue.objects.get().state == "analysed"
