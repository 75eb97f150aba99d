"""/api/v1/inquiries (P2.1): per endpoint, allowed and refused roles, bad input 4xx with its field."""

from __future__ import annotations

import json

import pytest

from ordertaking.inquiries.models import Inquiry

pytestmark = pytest.mark.django_db
URL = "/api/v1/inquiries"


def post(client, url, body=None):  # type: ignore[no-untyped-def]
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


BODY = {"channel": "online", "company_name": "宁波海星电器有限公司", "contact_name": "何女士",
        "contact_phone": "0574-87654321", "region": "SH", "city": "上海市", "address": "静安区1号",
        "product": "RED-001", "quantity": "3", "service_requirements": "含安装", "wanted_delivery_date": None,
        "needs_analysis": "替换旧设备"}


@pytest.fixture
def inquiry(client, cs_agent, catalog):  # type: ignore[no-untyped-def]
    client.force_login(cs_agent)
    r = post(client, URL, BODY)
    assert r.status_code == 201, r.content
    return r.json()


def test_p2_1_a_api_record_inquiry(inquiry, cs_agent):
    assert inquiry["state"] == "open" and inquiry["product"] == "RED-001" and inquiry["quantity"] == "3.000"
    assert inquiry["reference"] == f"INQ-{inquiry['id']}" and inquiry["received_by"] == "赵客服"


@pytest.mark.parametrize("over,field", [
    ({"channel": "fax"}, "channel"),
    ({"contact_phone": "1"}, "contact_phone"),
    ({"product": "NOPE"}, "product"),
    ({"product": "OLD-001"}, "product"),
    ({"region": "QQ"}, "region"),
    ({"quantity": "-2"}, "quantity"),
    ({"quantity": "abc"}, "quantity"),
    ({"wanted_delivery_date": "2026-02-30"}, "wanted_delivery_date"),
    ({"customer_id": 424242}, "customer_id"),
    ({"company_name": ""}, "company_name"),
    ({"company_name": "a\x00b"}, "company_name"),
    ({"notes": "\x00"}, "notes"),
    ({"state": "converted"}, None),
])
def test_p2_1_c_api_bad_input_is_422_with_field(client, cs_agent, catalog, over, field):
    client.force_login(cs_agent)
    r = post(client, URL, {**BODY, **over})
    if field is None:  # unknown fields such as state are ignored, never applied
        assert r.status_code == 201 and r.json()["state"] == "open"
        return
    assert r.status_code == 422, r.content
    assert r.json()["field"] == field
    assert not Inquiry.objects.exists()


def test_p3_2_api_record_refused_for_roles_without_inquiry_record(client, reviewer, catalog):
    client.force_login(reviewer)
    assert post(client, URL, BODY).status_code == 403


def test_p2_1_api_list_scopes(client, inquiry, cs_agent, sales_rep, leader):
    client.force_login(sales_rep)
    assert client.get(URL).json()["count"] == 0
    assert client.get(f"{URL}/{inquiry['id']}").status_code == 404
    client.force_login(leader)
    assert client.get(URL, {"scope": "all"}).json()["count"] == 1
    assert client.get(URL).json()["count"] == 0  # "mine" by default
    client.force_login(cs_agent)
    assert client.get(URL, {"channel": "online"}).json()["count"] == 1
    assert client.get(URL, {"channel": "phone"}).json()["count"] == 0
    assert client.get(URL, {"state": "open", "q": "海星"}).json()["count"] == 1


def test_p2_1_b_api_handover_then_the_rep_sees_it(client, inquiry, cs_agent, sales_rep, reviewer):
    client.force_login(cs_agent)
    assert post(client, f"{URL}/{inquiry['id']}/handover", {"to": reviewer.pk}).json()["field"] == "to"
    assert post(client, f"{URL}/{inquiry['id']}/handover", {"to": 99999}).status_code == 422
    r = post(client, f"{URL}/{inquiry['id']}/handover", {"to": sales_rep.pk, "note": "急", "special_needs": True})
    assert r.status_code == 200 and r.json()["state"] == "handed_over" and r.json()["assigned_to_id"] == sales_rep.pk
    client.force_login(sales_rep)
    assert client.get(URL).json()["items"][0]["id"] == inquiry["id"]


def test_p2_1_b_api_handover_refused_for_leader(client, inquiry, leader, sales_rep):
    client.force_login(leader)
    assert post(client, f"{URL}/{inquiry['id']}/handover", {"to": sales_rep.pk}).status_code == 403


def test_p2_1_api_patch_and_close(client, inquiry, cs_agent):
    r = client.patch(f"{URL}/{inquiry['id']}", data=json.dumps({"notes": "补充", "quantity": "4"}),
                     content_type="application/json")
    assert r.status_code == 200 and r.json()["notes"] == "补充"
    assert post(client, f"{URL}/{inquiry['id']}/close", {"reason": ""}).json()["field"] == "reason"
    assert post(client, f"{URL}/{inquiry['id']}/close", {}).status_code == 422
    r = post(client, f"{URL}/{inquiry['id']}/close", {"reason": "价格不合适"})
    assert r.status_code == 200 and r.json()["state"] == "closed"
    again = post(client, f"{URL}/{inquiry['id']}/close", {"reason": "x"})
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_p2_1_api_convert(client, inquiry, cs_agent, sales_rep):
    client.force_login(cs_agent)
    assert post(client, f"{URL}/{inquiry['id']}/convert").status_code == 403  # customer service enters no orders
    post(client, f"{URL}/{inquiry['id']}/handover", {"to": sales_rep.pk})
    client.force_login(sales_rep)
    r = post(client, f"{URL}/{inquiry['id']}/convert")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["order_number"].startswith("SO") and body["inquiry"]["state"] == "converted"
    assert body["inquiry"]["order_number"] == body["order_number"]
    assert post(client, f"{URL}/{inquiry['id']}/convert").status_code == 409
