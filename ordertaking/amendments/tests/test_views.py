"""The pages and the API of the order after approval (P2.3, P2.4): the order page's card, the change
form, the cancellation request and decision, the deciders' queue; refusals are words, never a 500."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from ordertaking.amendments import services
from ordertaking.amendments.models import CancelRequest, ChangeRequest
from ordertaking.finance.services import invoice_issue

pytestmark = pytest.mark.django_db


def test_p2_3_the_rep_sees_the_card_and_changes_a_quantity_on_the_form(client, approved, sales_rep):
    order = approved()
    client.force_login(sales_rep)
    page = client.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert reverse("amendments:panel", args=[order.number]) in page
    panel = client.get(reverse("amendments:panel", args=[order.number])).content.decode()
    assert 'id="action-change"' in panel and 'id="action-cancel-request"' in panel
    form = client.get(reverse("amendments:change", args=[order.number]))
    assert form.status_code == 200
    motor = order.lines.get(position=1)
    resp = client.post(reverse("amendments:change", args=[order.number]), {
        "reason": "客户追加一台", f"quantity-{motor.pk}": "3", f"unit_price-{motor.pk}": str(motor.unit_price),
        "delivery_address": order.delivery_address})
    assert resp.status_code == 302
    order.refresh_from_db()
    assert order.state == "submitted" and order.lines.get(position=1).pk == motor.pk
    assert ChangeRequest.objects.get(order=order).state == "open"


def test_p2_3_a_refused_change_is_shown_again_with_its_message(client, approved, sales_rep, finance_user):
    order = approved()
    motor = order.lines.get(position=1)
    invoice_issue(order=order, actor=finance_user, lines=[{"order_line": motor.pk, "quantity": "2"}])
    client.force_login(sales_rep)
    resp = client.post(reverse("amendments:change", args=[order.number]),
                       {"reason": "减少", f"quantity-{motor.pk}": "1"})
    assert resp.status_code == 422
    assert "Line 1 cannot go below 2" in resp.content.decode() or "不能低于" in resp.content.decode()
    resp = client.post(reverse("amendments:change", args=[order.number]), {"reason": "", f"quantity-{motor.pk}": "3"})
    assert resp.status_code == 422 and 'data-field="reason"' in resp.content.decode()


def test_p2_4_request_then_decide_on_the_cancel_page(client, approved, sales_rep, reviewer, customer):
    order = approved()
    client.force_login(sales_rep)
    page = client.get(reverse("amendments:cancel", args=[order.number]))
    assert page.status_code == 200 and 'id="done-lines"' in page.content.decode()
    assert client.post(reverse("amendments:cancel", args=[order.number]), {"reason": ""}).status_code == 422
    assert client.post(reverse("amendments:cancel", args=[order.number]), {"reason": "客户取消"}).status_code == 302
    req = CancelRequest.objects.get(order=order)
    # the requester cannot decide: the 403 page with the reason
    assert client.post(reverse("amendments:cancel_agree", args=[order.number, req.pk])).status_code == 403
    client.force_login(reviewer)
    queue = client.get(reverse("amendments:queue")).content.decode()
    assert order.number in queue
    assert client.post(reverse("amendments:cancel_refuse", args=[order.number, req.pk]),
                       {"comment": ""}).status_code == 422
    resp = client.post(reverse("amendments:cancel_agree", args=[order.number, req.pk]), {"comment": "同意"})
    assert resp.status_code == 302
    order.refresh_from_db()
    assert order.state == "cancelled" and order.approved_total == 0


def test_p2_4_the_deciders_queue_pages_in_a_fixed_number_of_queries(client, approved, sales_rep, reviewer,
                                                                    django_assert_max_num_queries):
    for _i in range(3):
        services.cancel_request_create(order=approved(), actor=sales_rep, reason="客户取消")
    client.force_login(reviewer)
    with django_assert_max_num_queries(12):
        resp = client.get(reverse("amendments:queue"))
    assert resp.status_code == 200 and resp.content.decode().count('class="order-no"') == 3


def test_p2_4_api_request_agree_with_sod_and_open_invoices(client, approved, sales_rep, center_clerk, reviewer,
                                                         finance_user):
    order = approved()
    client.force_login(center_clerk)
    url = f"/api/v1/orders/{order.number}/cancel-requests"
    created = client.post(url, {"reason": "客户取消"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["state"] == "requested"
    rid = created.json()["id"]
    refused = client.post(f"{url}/{rid}/agree", {}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "segregation_of_duties"
    invoice_issue(order=order, actor=finance_user)
    client.force_login(reviewer)
    blocked = client.post(f"{url}/{rid}/agree", {}, content_type="application/json")
    assert blocked.status_code == 409 and blocked.json()["code"] == "invoices_open"
    assert client.get(url).json()[0]["state"] == "requested"


def test_p2_3_api_change_request_keeps_line_ids(client, approved, sales_rep):
    order = approved()
    client.force_login(sales_rep)
    lines = [{"id": ln.pk, "product": ln.product_code, "quantity": "5" if ln.position == 1 else str(ln.quantity),
              "unit_price": str(ln.unit_price)} for ln in order.lines.all()]
    resp = client.post(f"/api/v1/orders/{order.number}/change-requests",
                       {"reason": "追加", "lines": lines}, content_type="application/json")
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["order_state"] == "submitted" and Decimal(body["approved_total"]) == Decimal("12000.00")
    assert Decimal(body["total_amount"]) == Decimal("21600.00")
    assert sorted(order.lines.values_list("pk", flat=True)) == sorted(ln["id"] for ln in lines)
