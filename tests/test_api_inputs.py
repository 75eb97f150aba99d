"""Inputs that cannot break the API (issue 8): each of these was a 500, or was accepted when it should
have been refused, on the main of 2026-11-30. Every answer is a 4xx in the one shape
{code, message, field}; nothing is half written."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from ordertaking.accounts.services import api_token_issue
from ordertaking.audit.models import AuditEvent
from ordertaking.credit.tests.conftest import evaluate, held_order, make_order  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

HUGE = "1" + "0" * 30
CT = "application/json"


def bearer(user: Any) -> dict[str, str]:
    _t, raw = api_token_issue(user=user, name="test", actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def send(client: Client, method: str, url: str, user: Any, raw: bytes | str) -> Any:
    return getattr(client, method)(url, data=raw, content_type=CT, **bearer(user))


def assert_error(resp: Any, status: int, code: str | None = None, field: str | None = None) -> dict[str, Any]:
    assert resp.status_code == status, (resp.status_code, resp.content[:300])
    assert resp["Content-Type"].startswith("application/json"), resp["Content-Type"]
    body = resp.json()
    assert {"code", "message", "field"} <= set(body), body
    if code is not None:
        assert body["code"] == code, body
    if field is not None:
        assert body["field"] == field, body
    return body


@pytest.fixture
def order_body(customer, far_date):  # type: ignore[no-untyped-def]
    return {"customer": customer.pk, "delivery_date": far_date.isoformat(), "delivery_region": "SH",
            "delivery_city": "上海市", "delivery_address": "浦东新区张江路100号", "payment_method": "PREPAY",
            "lines": [{"product": "MOT-001", "quantity": "2"}]}


# --- text the server cannot store ---------------------------------------------------------------------

@pytest.mark.parametrize("field", ["notes", "customer_reference", "delivery_address", "contact_name"])
def test_P4_2_a_a_lone_surrogate_in_an_order_text_is_a_422_naming_the_field(client, sales_rep, order_body, field):
    raw = json.dumps({**order_body, field: "a\ud800b"})  # json.dumps writes the escape "\ud800"
    assert_error(send(client, "post", "/api/v1/orders", sales_rep, raw), 422, "invalid_text", field)


def test_a_lone_surrogate_in_a_customer_address_or_an_inquiry_analysis_is_a_422(client, sales_rep, cs_agent,
                                                                                customer):
    raw = json.dumps({"region": "SH", "city": "上海市", "detail": "\ud83d"})
    assert_error(send(client, "post", f"/api/v1/customers/{customer.pk}/addresses", sales_rep, raw), 422,
                 "invalid_text", "detail")
    raw = json.dumps({"channel": "phone", "company_name": "甲", "needs_analysis": "x\udfffy"})
    assert_error(send(client, "post", "/api/v1/inquiries", cs_agent, raw), 422, "invalid_text", "needs_analysis")


def test_a_surrogate_in_a_nested_line_names_its_path(client, sales_rep, order_body):
    raw = json.dumps({**order_body, "lines": [{"description": "\ud800", "quantity": "1", "unit_price": "1"}]})
    assert_error(send(client, "post", "/api/v1/orders", sales_rep, raw), 422, "invalid_text", "lines.0.description")


@pytest.mark.parametrize("raw", [b'{"opinion": "\xed\xa0\x80"}', b'{"opinion": "\xff\xfe"}', b'{"opinion": "\xc3"}'])
def test_P2_3_invalid_utf8_in_a_return_opinion_is_a_400_not_a_500(client, reviewer, sales_rep, order_body, raw):
    number = send(client, "post", "/api/v1/orders", sales_rep, json.dumps(order_body)).json()["number"]
    assert send(client, "post", f"/api/v1/orders/{number}/submit", sales_rep, b"").status_code == 200
    assert_error(send(client, "post", f"/api/v1/orders/{number}/return", reviewer, raw), 400, "invalid_encoding")


@pytest.mark.parametrize("url,user", [("/api/v1/orders/SO20990101-0001/special-approvals", "sales_rep"),
                                      ("/api/v1/orders/SO20990101-0001/cancel", "sales_rep"),
                                      ("/api/v1/credit/holds/1/release", "finance_user")])
def test_invalid_utf8_in_a_reason_is_refused_before_anything_is_looked_up(client, request, url, user):
    raw = b'{"reason": "\xed\xb0\x80 bad"}'
    assert_error(send(client, "post", url, request.getfixturevalue(user), raw), 400, "invalid_encoding")


# --- bodies that are not a JSON object ----------------------------------------------------------------

@pytest.mark.parametrize("raw", ["[]", "null", '"hello world"', "123", "true", "[{}]"])
def test_a_patch_body_that_is_not_a_json_object_is_refused_not_an_empty_patch(client, sales_rep, customer, raw):
    contact = customer.contacts.first()
    before = (contact.title, contact.name)
    url = f"/api/v1/customers/{customer.pk}/contacts/{contact.pk}"
    assert_error(send(client, "patch", url, sales_rep, raw), 400, "body_not_object")
    contact.refresh_from_db()
    assert (contact.title, contact.name) == before
    assert_error(send(client, "patch", f"/api/v1/customers/{customer.pk}", sales_rep, raw), 400, "body_not_object")


def test_not_json_at_all_is_a_400_in_the_error_shape(client, sales_rep):
    assert_error(send(client, "post", "/api/v1/orders", sales_rep, "{not json"), 400, "invalid_json")


# --- authentication -----------------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [{}, {"HTTP_AUTHORIZATION": "Bearer ot_wrong"}, {"HTTP_AUTHORIZATION": "Basic x"}])
@pytest.mark.parametrize("method,url", [("post", "/api/v1/orders"), ("patch", "/api/v1/orders/SO20990101-0001"),
                                        ("delete", "/api/v1/customers/1/contacts/1")])
def test_unauthenticated_writes_are_401_like_reads_not_a_csrf_403(method, url, headers):
    client = Client(enforce_csrf_checks=True)
    resp = getattr(client, method)(url, data="{}", content_type=CT, **headers)
    assert_error(resp, 401, "not_authenticated")
    assert_error(client.get("/api/v1/orders", **headers), 401, "not_authenticated")


def test_a_browser_session_without_its_csrf_token_is_a_403_in_the_error_shape(sales_rep, order_body):
    client = Client(enforce_csrf_checks=True)
    client.force_login(sales_rep)
    resp = client.post("/api/v1/orders", data=json.dumps(order_body), content_type=CT)
    assert_error(resp, 403, "csrf_failed")


# --- errors Django answers itself ---------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/api/v1/nothing-here", "/api/v1/orders/SO1/unknown/deeper", "/api/v1/"])
def test_an_unknown_path_under_the_api_is_a_json_404(client, sales_rep, url):
    client.force_login(sales_rep)
    assert_error(client.get(url), 404, "not_found")


def test_a_method_the_path_does_not_take_is_a_json_405(client, sales_rep):
    client.force_login(sales_rep)
    body = assert_error(client.put("/api/v1/orders", data="{}", content_type=CT), 405, "method_not_allowed")
    assert body["field"] is None


def test_a_body_over_the_upload_limit_is_a_json_413(client, sales_rep, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    raw = json.dumps({"customer": 1, "notes": "x" * 5000})
    assert_error(send(client, "post", "/api/v1/orders", sales_rep, raw), 413, "too_large")


# --- numbers beyond the columns' range ----------------------------------------------------------------

FACTORS = {"registered_capital": "20000000", "years_in_business": 12, "licences_held": 3,
           "annual_revenue": "50000000", "debt_ratio": "45", "references": 3}


@pytest.mark.parametrize("field,value", [("registered_capital", HUGE), ("annual_revenue", "9" * 40 + ".999"),
                                         ("debt_ratio", HUGE), ("registered_capital", "1e30")])
def test_P5_1_a_an_evaluation_amount_beyond_the_column_is_a_422_out_of_range(client, finance_user, customer,
                                                                               field, value):
    url = f"/api/v1/credit/customers/{customer.pk}/evaluations"
    resp = send(client, "post", url, finance_user, json.dumps({**FACTORS, field: value}))
    assert_error(resp, 422, "out_of_range", field)


@pytest.mark.parametrize("field", ["amount", "percent"])
def test_P5_1_a_a_guarantee_amount_beyond_the_column_is_a_422(client, finance_user, customer, field):
    body = {"kind": "deposit", "amount": "1000.00", "valid_from": "2026-01-01", "valid_until": "2099-01-01",
            field: HUGE + ".005"}
    resp = send(client, "post", f"/api/v1/credit/customers/{customer.pk}/guarantees", finance_user, json.dumps(body))
    assert_error(resp, 422, "out_of_range", field)


def test_P5_1_a_a_release_authority_beyond_the_column_is_a_422(client, finance_user):
    policy = client.get("/api/v1/credit/policy", **bearer(finance_user)).json()
    resp = send(client, "post", "/api/v1/credit/policy", finance_user,
                json.dumps({**policy, "finance_release_authority": HUGE + ".001"}))
    assert_error(resp, 422, "out_of_range", "finance_release_authority")


@pytest.mark.parametrize("field", ["watch_overdue_days", "stop_overdue_days", "term_cut_days", "limit_cut_percent",
                                   "near_limit_percent"])
def test_P5_1_c_a_negative_day_count_in_the_credit_policy_is_a_422_not_a_database_error(client, finance_user, field):
    policy = client.get("/api/v1/credit/policy", **bearer(finance_user)).json()
    versions = policy["version"]
    resp = send(client, "post", "/api/v1/credit/policy", finance_user, json.dumps({**policy, field: -5}))
    assert_error(resp, 422, field=field)
    assert client.get("/api/v1/credit/policy", **bearer(finance_user)).json()["version"] == versions


@pytest.mark.parametrize("value", [HUGE + ".004", "99999999999999999999.994", "1e40"])
def test_P3_6_payment_and_credit_note_amounts_beyond_the_column_are_422_out_of_range(client, finance_user, customer,
                                                                                      value):
    auth = bearer(finance_user)
    events = AuditEvent.objects.count()
    resp = client.post("/api/v1/finance/payments", json.dumps({"customer_id": customer.pk, "amount": value}),
                       content_type=CT, **auth)
    assert_error(resp, 422, "out_of_range", "amount")
    resp = client.post("/api/v1/finance/credit-notes", json.dumps(
        {"customer_id": customer.pk, "amount": value, "reason": "compensation"}), content_type=CT, **auth)
    assert_error(resp, 422, "out_of_range", "amount")
    assert AuditEvent.objects.count() == events


def test_money_is_checked_for_size_after_rounding():
    from ordertaking.common.errors import ValidationFailed
    from ordertaking.credit.services import money_in

    assert money_in("999999999999.99", "amount") == Decimal("999999999999.99")
    with pytest.raises(ValidationFailed):  # three places are refused, never rounded into range
        money_in("999999999999.995", "amount")
    for value in ("1000000000000", HUGE, "1e30", HUGE + ".001"):
        with pytest.raises(ValidationFailed) as e:
            money_in(value, "amount")
        assert (e.value.field, e.value.code) == ("amount", "out_of_range")


def test_a_percentage_that_rounds_up_past_its_column_is_out_of_range():
    from ordertaking.common.errors import ValidationFailed
    from ordertaking.credit.services import PERCENT_LIMIT, decimal_in

    assert decimal_in("999.994", "debt_ratio", limit=PERCENT_LIMIT, message="x") == Decimal("999.99")
    with pytest.raises(ValidationFailed) as e:
        decimal_in("999.995", "debt_ratio", limit=PERCENT_LIMIT, message="x")
    assert e.value.code == "out_of_range"


# --- what the database refuses ------------------------------------------------------------------------

@pytest.mark.parametrize("message,status,code", [
    ("UNIQUE constraint failed: finance_creditnote.number", 409, "conflict"),
    ('duplicate key value violates unique constraint "finance_creditnote_number_key"', 409, "conflict"),
    ("CHECK constraint failed: guarantee_amount_positive", 422, "constraint_violated"),
    ('new row for relation "credit_scorecardpolicy" violates check constraint "x"', 422, "constraint_violated"),
])
def test_an_integrity_error_a_user_can_provoke_is_a_409_or_422_with_a_code(client, finance_user, customer,
                                                                           monkeypatch, message, status, code):
    from django.db import IntegrityError

    from ordertaking.finance import services

    def clash(**kwargs: Any) -> None:
        raise IntegrityError(message)

    monkeypatch.setattr(services, "credit_note_issue", clash)
    resp = send(client, "post", "/api/v1/finance/credit-notes", finance_user,
                json.dumps({"customer_id": customer.pk, "amount": "10.00", "reason": "compensation"}))
    assert_error(resp, status, code)


# --- paging: nothing silently capped ------------------------------------------------------------------

def test_P5_1_b_the_hold_queue_pages_with_a_total_and_reaches_the_newest_hold(  # noqa: F811 - fixtures
        client, finance_user, customer, held_order, evaluate, monkeypatch):  # noqa: F811
    """The API showed the 200 oldest holds and the page the 100 oldest; finance's newest were invisible."""
    from ordertaking.credit import views

    evaluate(customer, limit="1000")
    numbers = [held_order(customer, "3000.00")[0].number for _ in range(3)]
    auth = bearer(finance_user)
    first = client.get("/api/v1/credit/holds?page_size=2", **auth).json()
    assert (first["count"], first["page"], first["page_size"], len(first["items"])) == (3, 1, 2, 2)
    last = client.get("/api/v1/credit/holds?page_size=2&page=2", **auth).json()
    assert [h["number"] for h in first["items"] + last["items"]] == numbers
    assert_error(client.get("/api/v1/credit/holds?page_size=100000", **auth), 422, field="page_size")

    monkeypatch.setattr(views, "HOLDS_PER_PAGE", 2)
    client.force_login(finance_user)
    page2 = client.get("/credit/?page=2").content.decode()
    assert numbers[2] in page2 and numbers[0] not in page2
