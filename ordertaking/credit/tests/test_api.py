"""/api/v1/credit (P5.1): the same services as the pages, errors as {code, message, field}."""

from __future__ import annotations

import pytest

from ordertaking.accounts.services import api_token_issue
from ordertaking.credit.models import CreditEvaluation

pytestmark = pytest.mark.django_db
BASE = "/api/v1/credit"
FACTORS = {"registered_capital": "20000000", "years_in_business": 12, "licences_held": 3,
           "annual_revenue": "50000000", "debt_ratio": "45", "references": 3}


def bearer(user):  # type: ignore[no-untyped-def]
    _t, raw = api_token_issue(user=user, name="test", actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_p5_1_a_propose_and_approve_through_the_api_with_four_eyes(client, finance_user, leader, customer):
    r = client.post(f"{BASE}/customers/{customer.pk}/evaluations", FACTORS, content_type="application/json",
                    **bearer(finance_user))
    assert r.status_code == 201, r.content
    ev = r.json()
    assert ev["rating"] == "AA" and ev["factor_scores"]["factors"]["payment"] == 60
    r = client.post(f"{BASE}/evaluations/{ev['id']}/approve", {}, content_type="application/json",
                    **bearer(finance_user))
    assert r.status_code == 403 and r.json()["code"] == "same_person"
    r = client.post(f"{BASE}/evaluations/{ev['id']}/approve", {"comment": "ok"}, content_type="application/json",
                    **bearer(leader))
    assert r.status_code == 200 and r.json()["state"] == "approved"
    r = client.post(f"{BASE}/evaluations/{ev['id']}/approve", {}, content_type="application/json", **bearer(leader))
    assert r.status_code == 409
    pos = client.get(f"{BASE}/customers/{customer.pk}", **bearer(leader)).json()
    assert pos["rating"] == "AA" and pos["credit_limit"] == "1000000.00"


def test_p5_1_a_bad_input_gives_422_with_the_field(client, finance_user, customer):
    r = client.post(f"{BASE}/customers/{customer.pk}/evaluations", {**FACTORS, "registered_capital": "-1"},
                    content_type="application/json", **bearer(finance_user))
    assert r.status_code == 422 and r.json()["field"] == "registered_capital"
    r = client.post(f"{BASE}/customers/{customer.pk}/evaluations", {**FACTORS, "annual_revenue": "lots"},
                    content_type="application/json", **bearer(finance_user))
    assert r.status_code == 422 and r.json()["field"] == "annual_revenue"
    assert CreditEvaluation.objects.count() == 0


def test_p5_1_sales_cannot_see_credit_figures(client, sales_rep, customer):
    r = client.get(f"{BASE}/customers/{customer.pk}", **bearer(sales_rep))
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert client.get(f"{BASE}/holds", **bearer(sales_rep)).status_code == 404


def test_p5_1_holds_list_and_release_through_the_api(client, finance_user, customer, held_order, evaluate):
    evaluate(customer, limit="1000")
    order, hold = held_order(customer, "3000.00")
    [row] = client.get(f"{BASE}/holds", **bearer(finance_user)).json()["items"]
    assert (row["number"], row["excess"]) == (order.number, "2000.00")
    r = client.post(f"{BASE}/holds/{hold.pk}/release", {"reason": ""}, content_type="application/json",
                    **bearer(finance_user))
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = client.post(f"{BASE}/holds/{hold.pk}/release", {"reason": "已付定金"}, content_type="application/json",
                    **bearer(finance_user))
    assert r.status_code == 200 and r.json()["state"] == "released"
    assert client.get(f"{BASE}/reconciliation", **bearer(finance_user)).json()["items"] == []


def test_p5_1_b_guarantee_through_the_api(client, finance_user, customer, make_order):
    order = make_order(customer)
    r = client.post(f"{BASE}/customers/{customer.pk}/guarantees",
                    {"kind": "deposit", "amount": "3000", "percent": "30", "valid_from": "2026-01-01",
                     "valid_until": "2027-01-01", "order_number": order.number},
                    content_type="application/json", **bearer(finance_user))
    assert r.status_code == 201 and r.json()["order_number"] == order.number
    r = client.post(f"{BASE}/customers/{customer.pk}/guarantees",
                    {"kind": "deposit", "amount": "-3", "valid_from": "2026-01-01", "valid_until": "2027-01-01"},
                    content_type="application/json", **bearer(finance_user))
    assert r.status_code == 422 and r.json()["field"] == "amount"


def test_p5_1_a_the_scorecard_is_read_and_versioned_through_the_api(client, finance_user, leader):
    current = client.get(f"{BASE}/policy", **bearer(leader)).json()
    assert current["version"] == 1 and current["weights"]["payment"] == 30
    body = {**current, "finance_release_authority": "70000", "note": "调整"}
    r = client.post(f"{BASE}/policy", body, content_type="application/json", **bearer(leader))
    assert r.status_code == 403
    r = client.post(f"{BASE}/policy", body, content_type="application/json", **bearer(finance_user))
    assert r.status_code == 201 and r.json()["version"] == 2
    r = client.post(f"{BASE}/policy", {**body, "bands": [{"rating": "A", "min_score": 10, "limit": "1"}]},
                    content_type="application/json", **bearer(finance_user))
    assert r.status_code == 422 and r.json()["field"] == "bands"
