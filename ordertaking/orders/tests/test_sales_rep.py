"""P3.1: every order's sales rep is a sales rep, whichever door the order came in by (issue 8)."""

from __future__ import annotations

import json

import pytest

from ordertaking.common.errors import ValidationFailed
from ordertaking.orders.models import Order
from ordertaking.orders.services import order_create, order_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def body(customer, far_date):  # type: ignore[no-untyped-def]
    return {"customer": customer.pk, "delivery_date": far_date.isoformat(), "delivery_region": "SH",
            "payment_method": "PREPAY", "lines": [{"product": "MOT-001", "quantity": "2"}]}


@pytest.mark.parametrize("who", ["production_user", "reviewer", "finance_user"])
def test_P3_1_the_api_refuses_a_sales_rep_without_the_sales_role(request, client, sales_rep, body, who):
    client.force_login(sales_rep)
    body["sales_rep"] = request.getfixturevalue(who).username
    r = client.post("/api/v1/orders", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 422, r.content
    assert r.json()["field"] == "sales_rep"
    assert r.json()["code"] == "not_a_sales_rep"
    assert not Order.objects.exists()


def test_P3_1_the_api_accepts_another_sales_rep(client, sales_rep, sales_rep2, body):
    client.force_login(sales_rep)
    body["sales_rep"] = sales_rep2.username
    r = client.post("/api/v1/orders", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    assert Order.objects.get().sales_rep == sales_rep2


def test_P3_1_a_patch_cannot_make_a_production_worker_the_sales_rep(client, sales_rep, production_user, body):
    client.force_login(sales_rep)
    number = client.post("/api/v1/orders", data=json.dumps(body), content_type="application/json").json()["number"]
    r = client.patch(f"/api/v1/orders/{number}", data=json.dumps({"sales_rep": production_user.username}),
                     content_type="application/json")
    assert r.status_code == 422, r.content
    assert r.json()["field"] == "sales_rep"
    assert Order.objects.get().sales_rep == sales_rep


def test_P3_1_the_service_refuses_a_sales_rep_without_the_sales_role(sales_rep, logistics_user, customer):
    with pytest.raises(ValidationFailed) as e:
        order_create(actor=sales_rep, customer=customer, sales_rep=logistics_user)
    assert e.value.field == "sales_rep"
    order = order_create(actor=sales_rep, customer=customer)
    with pytest.raises(ValidationFailed):
        order_update(order=order, actor=sales_rep, changes={"sales_rep": logistics_user})


def test_P3_1_an_inactive_sales_rep_is_refused(sales_rep, sales_rep2, customer):
    sales_rep2.is_active = False
    sales_rep2.save()
    with pytest.raises(ValidationFailed):
        order_create(actor=sales_rep, customer=customer, sales_rep=sales_rep2)
