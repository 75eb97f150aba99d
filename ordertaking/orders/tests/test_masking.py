"""P4.1.c confidential customer data on orders: the contact's phone in full only for those whose work
needs it — the order's rep and whoever entered it, and the duties of confidentiality's one rule (issue 12);
every other role sees it masked, on the order page, its timeline and the API alike."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ordertaking.orders.services import order_create, order_update

pytestmark = pytest.mark.django_db

FULL, MASKED = "13812345678", "138****5678"
SEES = ["sales_rep"]
MASKED_FOR = ["cs_agent", "reviewer", "finance_user", "leader", "auditor", "production_user", "logistics_user"]


@pytest.fixture
def order(sales_rep, customer):  # type: ignore[no-untyped-def]
    o = order_create(actor=sales_rep, customer=customer, contact_name="刘经理", contact_phone="13800000000")
    return order_update(order=o, actor=sales_rep, changes={"contact_phone": FULL})


@pytest.mark.parametrize("who", SEES + MASKED_FOR)
def test_P4_1_c_the_api_masks_the_contact_phone_for_roles_that_do_not_need_it(request, client, order, who):
    client.force_login(request.getfixturevalue(who))
    r = client.get(f"/api/v1/orders/{order.number}")
    assert r.status_code == 200
    expected = MASKED if who in MASKED_FOR else FULL
    assert r.json()["contact_phone"] == expected
    timeline = client.get(f"/api/v1/orders/{order.number}/timeline").content.decode()
    if who in MASKED_FOR:
        assert FULL not in timeline and "13800000000" not in timeline and MASKED in timeline
    else:
        assert FULL in timeline


@pytest.mark.parametrize("who", SEES + MASKED_FOR)
def test_P4_1_c_the_order_page_masks_the_contact_phone_for_roles_that_do_not_need_it(request, client, order,
                                                                                      who):
    client.force_login(request.getfixturevalue(who))
    html = client.get(reverse("orders:detail", args=[order.number])).content.decode()
    if who in MASKED_FOR:
        assert FULL not in html and "13800000000" not in html  # neither the page nor its timeline
        assert MASKED in html
    else:
        assert FULL in html


def test_P4_1_c_another_sales_rep_who_entered_the_order_sees_what_they_typed(client, sales_rep2, customer):
    order = order_create(actor=sales_rep2, customer=customer, contact_phone=FULL)
    client.force_login(sales_rep2)
    assert client.get(f"/api/v1/orders/{order.number}").json()["contact_phone"] == FULL
