"""/api/v1/finance (P3.6): invoices, payments, credit notes, statement, aging; bad input → 4xx."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ordertaking.accounts.services import api_token_issue

pytestmark = pytest.mark.django_db
BASE = "/api/v1/finance"


def bearer(user):  # type: ignore[no-untyped-def]
    _t, raw = api_token_issue(user=user, name="test", actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def order(customer, make_order, approve, evaluate):  # type: ignore[no-untyped-def]
    evaluate(customer, limit="100000")
    o, _h = approve(make_order(customer, total="1000.00", qty="10", payment="net30"))
    return o


def test_p3_6_invoice_pay_and_credit_through_the_api(client, finance_user, order):
    h = bearer(finance_user)
    line = order.lines.get()
    r = client.post(f"{BASE}/orders/{order.number}/invoices",
                    {"lines": [{"order_line_id": line.pk, "quantity": "4"}]}, content_type="application/json", **h)
    assert r.status_code == 201, r.content
    inv = r.json()
    assert inv["amount"] == "400.00"
    r = client.post(f"{BASE}/payments", {"customer_id": order.customer_id, "amount": "500",
                                         "allocations": [{"invoice_id": inv["id"], "amount": "400"}]},
                    content_type="application/json", **h)
    assert r.status_code == 201 and r.json()["unallocated"] == "100.00"
    r = client.post(f"{BASE}/credit-notes", {"customer_id": order.customer_id, "amount": "50", "reason": "赔偿"},
                    content_type="application/json", **h)
    assert r.status_code == 201
    st = client.get(f"{BASE}/customers/{order.customer_id}/statement", **h).json()
    assert Decimal(st["balance"]) == Decimal("-150.00")
    aging = client.get(f"{BASE}/aging", **h).json()
    assert aging["total"]["total"] == "0.00"
    x = client.get(f"{BASE}/aging.xlsx?by=sales_rep", **h)
    assert x.status_code == 200 and x.content[:2] == b"PK"


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"amount": "-10"}, "amount", "negative_amount"),
    ({"amount": "10", "currency": "EUR"}, "currency", "unknown_currency"),
    ({"amount": "x"}, "amount", "validation_error"),
])
def test_p3_6_bad_payments_are_refused_with_code_and_field(client, finance_user, order, body, field, code):
    r = client.post(f"{BASE}/payments", {"customer_id": order.customer_id, **body}, content_type="application/json",
                    **bearer(finance_user))
    assert r.status_code == 422
    assert (r.json()["field"], r.json()["code"]) == (field, code)


def test_p3_6_a_payment_larger_than_its_invoice_is_refused(client, finance_user, order):
    h = bearer(finance_user)
    inv = client.post(f"{BASE}/orders/{order.number}/invoices", {}, content_type="application/json", **h).json()
    r = client.post(f"{BASE}/payments", {"customer_id": order.customer_id, "amount": "2000",
                                         "allocations": [{"invoice_id": inv["id"], "amount": "1500"}]},
                    content_type="application/json", **h)
    assert r.status_code == 422 and r.json()["code"] == "payment_exceeds_invoice"
    assert r.json()["field"] == "allocations.0.amount"


def test_p3_6_sales_gets_403_or_404(client, sales_rep, order):
    h = bearer(sales_rep)
    assert client.post(f"{BASE}/orders/{order.number}/invoices", {}, content_type="application/json",
                       **h).status_code == 404
    assert client.get(f"{BASE}/aging", **h).status_code == 404


def test_p3_6_leadership_may_read_but_not_invoice(client, leader, order):
    h = bearer(leader)
    assert client.get(f"{BASE}/aging", **h).status_code == 200
    r = client.post(f"{BASE}/orders/{order.number}/invoices", {}, content_type="application/json", **h)
    assert r.status_code == 403


def test_p5_1_c_dunning_tasks_through_the_api(client, finance_user, sales_rep, order):
    from datetime import timedelta

    from ordertaking.finance.monitoring import credit_monitor_run

    h = bearer(finance_user)
    inv = client.post(f"{BASE}/orders/{order.number}/invoices", {}, content_type="application/json", **h).json()
    credit_monitor_run(today=date.fromisoformat(inv["due_date"]) + timedelta(days=35))
    mine = client.get(f"{BASE}/dunning", **bearer(sales_rep)).json()["items"]
    assert [t["assignee"] for t in mine] == [str(sales_rep)]
    assert client.get(f"{BASE}/dunning", **h).json()["count"] == 2
    r = client.post(f"{BASE}/dunning/{mine[0]['id']}/done", {"note": "已电话催收"}, content_type="application/json",
                    **bearer(sales_rep))
    assert r.status_code == 200 and r.json()["state"] == "done"
    r = client.post(f"{BASE}/dunning/{mine[0]['id']}/done", {}, content_type="application/json", **bearer(sales_rep))
    assert r.status_code == 409
