"""The pages take the same hostile input as the API (issue 8) and re-show their form with the error,
never a 500: negative day counts and huge amounts in the credit scorecard, huge amounts in the credit
evaluation, payment and credit-note forms, and invalid UTF-8 in an order's free text."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
HUGE = "1" + "0" * 30


def _policy_post(client, **override):  # type: ignore[no-untyped-def]
    data = {"w_qualification": "25", "w_financial": "25", "w_reputation": "20", "w_payment": "30",
            "finance_release_authority": "50000.00", "watch_overdue_days": "30", "stop_overdue_days": "90",
            "limit_cut_percent": "30", "term_cut_days": "15", "near_limit_percent": "80", "note": "",
            **override}
    return client.post("/credit/scorecard/", data)


@pytest.mark.parametrize("override", [{"watch_overdue_days": "-5"}, {"term_cut_days": "-1"},
                                      {"finance_release_authority": HUGE}, {"near_limit_percent": "-3"},
                                      {"stop_overdue_days": "9" * 30}])
def test_P5_1_a_the_scorecard_page_re_shows_its_form_for_negative_days_and_huge_amounts(client, finance_user,
                                                                                        override):
    client.force_login(finance_user)
    resp = _policy_post(client, **override)
    assert resp.status_code == 422, resp.status_code
    assert b"<form" in resp.content


@pytest.mark.parametrize("field,value", [("registered_capital", HUGE), ("annual_revenue", "1e40"),
                                         ("debt_ratio", "99999"), ("years_in_business", "9" * 30)])
def test_P5_1_a_the_evaluation_page_re_shows_its_form_for_huge_numbers(client, finance_user, customer, field, value):
    client.force_login(finance_user)
    data = {"registered_capital": "20000000", "years_in_business": "12", "licences_held": "3",
            "annual_revenue": "50000000", "debt_ratio": "45", "references": "3", field: value}
    resp = client.post(f"/credit/customers/{customer.pk}/evaluate/", data)
    assert 400 <= resp.status_code < 500 or (resp.status_code == 200 and b"<form" in resp.content), resp.status_code
    assert b"<form" in resp.content


@pytest.mark.parametrize("url", ["payments/new/", "credit-notes/new/"])
@pytest.mark.parametrize("amount", [HUGE, "-5", "1e40", "NaN"])
def test_P3_6_payment_and_credit_note_pages_re_show_their_form_for_hostile_amounts(client, finance_user, customer,
                                                                                url, amount):
    client.force_login(finance_user)
    resp = client.post(f"/finance/customers/{customer.pk}/{url}", {"amount": amount, "reason": "r",
                                                                   "currency": "CNY", "received_on": "2026-01-01"})
    assert resp.status_code in (200, 422), resp.status_code
    assert b"<form" in resp.content


def test_P2_2_b_invalid_utf8_in_an_order_form_never_breaks_the_page(client, sales_rep, customer):
    client.force_login(sales_rep)
    body = (f"customer={customer.pk}&notes=%ED%A0%80%FF&customer_reference=%C3&delivery_address=a%ED%B0%80b"
            "&lines-TOTAL_FORMS=1&lines-INITIAL_FORMS=0&lines-0-description=%ED%A0%80&lines-0-quantity=1e400")
    resp = client.post("/orders/new/", body, content_type="application/x-www-form-urlencoded")
    assert resp.status_code < 500
