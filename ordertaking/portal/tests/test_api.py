"""P2.5.b in the API: the staff's links of an order, and the customer's overview by token."""

from __future__ import annotations

import pytest

from ordertaking.portal.models import PortalLink

pytestmark = pytest.mark.django_db


def test_the_rep_issues_lists_and_revokes_links(client, order, sales_rep) -> None:  # type: ignore[no-untyped-def]
    client.force_login(sales_rep)
    r = client.post(f"/api/v1/orders/{order.number}/portal-links",
                    {"email": "liu@pujiang.example.cn", "send": False, "days": 10}, content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "active" and "/p/" in body["url"] and body["sent_to"] == ""
    listed = client.get(f"/api/v1/orders/{order.number}/portal-links").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]
    r = client.post(f"/api/v1/orders/{order.number}/portal-links/{body['id']}/revoke", {"reason": "重发"},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "revoked" and r.json()["url"] == ""


@pytest.mark.parametrize("payload,field", [({"email": "nope", "send": True}, "email"),
                                           ({"send": False, "days": 0}, "days"),
                                           ({"send": False, "days": 10**15}, "days"),
                                           ({"send": False, "language": "fr"}, "language")])
def test_bad_input_is_422_with_its_field(client, order, sales_rep, payload, field) -> None:  # type: ignore[no-untyped-def]
    client.force_login(sales_rep)
    r = client.post(f"/api/v1/orders/{order.number}/portal-links", payload, content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == field
    assert not PortalLink.objects.exists()


def test_others_are_refused(client, order, link, sales_rep2, production_user) -> None:  # type: ignore[no-untyped-def]
    client.force_login(sales_rep2)
    assert client.get(f"/api/v1/orders/{order.number}/portal-links").status_code == 404
    client.force_login(production_user)
    assert client.get(f"/api/v1/orders/{order.number}/portal-links").status_code in (403, 404)
    client.logout()
    assert client.get(f"/api/v1/orders/{order.number}/portal-links").status_code == 401


def test_unknown_link_id_is_404(client, order, sales_rep) -> None:  # type: ignore[no-untyped-def]
    client.force_login(sales_rep)
    for pk in ("999999", "99999999999999999999999"):
        r = client.post(f"/api/v1/orders/{order.number}/portal-links/{pk}/revoke", {"reason": "x"},
                        content_type="application/json")
        assert r.status_code in (404, 422)


def test_the_customers_overview_by_token_without_an_account(client, order, token) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"/api/v1/portal/{token}")
    assert r.status_code == 200
    body = r.json()
    assert body["order_number"] == order.number and body["state"] == "approved"
    assert [s["key"] for s in body["steps"]] == ["approved", "production", "shipped", "delivered", "accepted"]
    assert body["steps"][0]["done"] is True
    assert {d["key"] for d in body["documents"]} >= {"contract"}
    assert len(body["lines"]) == 2
