"""/api/v1/orders: each action with each role, idempotent creation, odd input never a 500 (P2.2, P4.2.a)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ordertaking.audit.models import AuditEvent
from ordertaking.orders.models import IdempotencyKey, Order
from ordertaking.orders.states import OrderState
from ordertaking.review.services import order_submit

from .conftest import return_order

pytestmark = pytest.mark.django_db

BASE = "/api/v1/orders"


def call(client, method: str, url: str, user=None, body: Any = None, **headers: Any):  # type: ignore[no-untyped-def]
    if user is not None:
        client.force_login(user)
    kwargs: dict[str, Any] = {"content_type": "application/json", **headers}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    return getattr(client, method)(url, **kwargs)


@pytest.fixture
def body(customer, far_date):  # type: ignore[no-untyped-def]
    return {"customer": customer.pk, "delivery_date": far_date.isoformat(), "delivery_region": "SH",
            "delivery_city": "上海市", "delivery_address": "浦东新区张江路100号", "payment_method": "PREPAY",
            "customer_reference": "PO-7788",
            "lines": [{"product": "MOT-001", "quantity": "2"},
                      {"description": "现场培训", "unit": "次", "quantity": "1", "unit_price": "500.00"}]}


# --- create --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["sales_rep", "reviewer"])
def test_p2_2_c_sales_and_the_order_center_create_an_order_with_its_number(request, client, body, who):
    r = call(client, "post", BASE, request.getfixturevalue(who), body)
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["number"].startswith("SO") and data["state"] == "draft"
    assert data["total_amount"] == "6900.00"
    assert [ln["product_code"] for ln in data["lines"]] == ["MOT-001", ""]
    assert Order.objects.get(number=data["number"]).lines.count() == 2


@pytest.mark.parametrize("who", ["cs_agent", "finance_user", "leader", "auditor", "logistics_user"])
def test_p2_2_b_other_roles_get_403_on_create(request, client, body, who):
    r = call(client, "post", BASE, request.getfixturevalue(who), body)
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    assert Order.objects.count() == 0


def test_the_api_needs_authentication(client, body):
    assert call(client, "post", BASE, None, body).status_code == 401
    assert call(client, "get", BASE).status_code == 401


def test_a_bearer_token_works_like_the_session(client, sales_rep, body):
    from ordertaking.accounts.services import api_token_issue

    _token, raw = api_token_issue(user=sales_rep, name="erp", actor=sales_rep)
    r = client.post(BASE, data=json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 201 and r.json()["sales_rep"] == "sales1"


def test_p2_2_b_entering_more_lines_costs_no_more_queries(client, sales_rep, body):
    """The lines' products are looked up together, not one query per line (no N+1)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(lines):  # type: ignore[no-untyped-def]
        with CaptureQueriesContext(connection) as ctx:
            r = call(client, "post", BASE, sales_rep, {**body, "lines": lines})
        assert r.status_code == 201, r.content
        return len(ctx.captured_queries)

    queries([{"product": "MOT-001", "quantity": 1}])  # warm the user's permission cache
    one = queries([{"product": "MOT-001", "quantity": 1}])
    assert queries([{"product": p, "quantity": 1} for p in ["MOT-001", "RED-001", "MOT-001", "RED-001"]]) == one


@pytest.mark.parametrize(("patch", "field"), [
    ({"lines": [{"product": "MOT-001", "quantity": "-1"}]}, "lines.1.quantity"),
    ({"lines": [{"product": "MOT-001", "quantity": "1e30"}]}, "lines.1.quantity"),
    ({"lines": [{"product": "MOT-001", "quantity": "abc"}]}, "lines.0.quantity"),
    ({"lines": [{"product": "MOT-001", "quantity": "NaN"}]}, "lines.0.quantity"),
    ({"lines": [{"product": "MOT-001", "quantity": 1, "unit_price": "-5"}]}, "lines.1.unit_price"),
    ({"lines": [{"product": "NOPE-404", "quantity": 1}]}, "lines.1.product"),
    ({"lines": [{"product": "OLD-001", "quantity": 1}]}, "lines.1.product"),
    ({"lines": [{"product": "MOT-001", "quantity": 1}, {"product": "NOPE-404", "quantity": 1}]}, "lines.2.product"),
    ({"lines": "motor"}, "lines"),
    ({"lines": [{"product": 5, "quantity": 1}]}, "lines.0.product"),
    ({"delivery_date": "2026-02-30"}, "delivery_date"),
    ({"delivery_date": "tomorrow"}, "delivery_date"),
    ({"delivery_region": "ZZ"}, "delivery_region"),
    ({"payment_method": "BITCOIN"}, "payment_method"),
    ({"customer": 999999}, "customer"),
    ({"customer": "abc"}, "customer"),
    ({"state": "approved"}, "state"),
    ({"total_amount": "1.00"}, "total_amount"),
    ({"notes": "x" * 6000}, "notes"),
    ({"sales_rep": "nobody"}, "sales_rep"),
])
def test_p2_2_b_bad_input_is_a_422_with_its_field_and_nothing_is_written(client, sales_rep, body, patch, field):
    r = call(client, "post", BASE, sales_rep, {**body, **patch})
    assert r.status_code == 422, r.content
    assert r.json()["field"] == field and r.json()["message"]
    assert Order.objects.count() == 0


def test_a_body_that_is_not_json_is_refused_cleanly(client, sales_rep):
    client.force_login(sales_rep)
    r = client.post(BASE, data="{not json", content_type="application/json")
    assert 400 <= r.status_code < 500
    assert Order.objects.count() == 0


# --- idempotency ---------------------------------------------------------------------------------------

def test_the_same_idempotency_key_and_body_return_the_same_order_without_a_duplicate(client, sales_rep, body):
    first = call(client, "post", BASE, sales_rep, body, HTTP_IDEMPOTENCY_KEY="erp-4711")
    again = call(client, "post", BASE, sales_rep, body, HTTP_IDEMPOTENCY_KEY="erp-4711")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["number"] == first.json()["number"]
    assert Order.objects.count() == 1 and IdempotencyKey.objects.count() == 1
    assert AuditEvent.objects.filter(action="order.created").count() == 1


def test_the_same_idempotency_key_with_another_body_is_a_409(client, sales_rep, body):
    call(client, "post", BASE, sales_rep, body, HTTP_IDEMPOTENCY_KEY="erp-4712")
    r = call(client, "post", BASE, sales_rep, {**body, "customer_reference": "PO-OTHER"},
             HTTP_IDEMPOTENCY_KEY="erp-4712")
    assert r.status_code == 409 and r.json()["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1


def test_idempotency_keys_belong_to_their_user(client, sales_rep, reviewer, body):
    a = call(client, "post", BASE, sales_rep, body, HTTP_IDEMPOTENCY_KEY="k1")
    b = call(client, "post", BASE, reviewer, body, HTTP_IDEMPOTENCY_KEY="k1")
    assert a.status_code == b.status_code == 201 and a.json()["number"] != b.json()["number"]


def test_a_refused_creation_does_not_burn_its_idempotency_key(client, sales_rep, body):
    bad = call(client, "post", BASE, sales_rep, {**body, "lines": [{"product": "MOT-001", "quantity": "-1"}]},
               HTTP_IDEMPOTENCY_KEY="k2")
    assert bad.status_code == 422
    good = call(client, "post", BASE, sales_rep, body, HTTP_IDEMPOTENCY_KEY="k2")
    assert good.status_code == 201


# --- read ------------------------------------------------------------------------------------------------

def test_p4_2_a_an_order_is_found_by_its_number(client, draft, sales_rep):
    r = call(client, "get", f"{BASE}/{draft.number}", sales_rep)
    assert r.status_code == 200 and r.json()["number"] == draft.number
    assert r.json()["delivery_region"] == "SH" and r.json()["payment_method"] == "PREPAY"


@pytest.mark.parametrize(("who", "status"), [("sales_rep", 200), ("reviewer", 200), ("finance_user", 200),
                                             ("auditor", 200), ("sales_rep2", 404)])
def test_p4_2_a_who_sees_an_order(request, client, draft, who, status):
    r = call(client, "get", f"{BASE}/{draft.number}", request.getfixturevalue(who))
    assert r.status_code == status
    if status == 404:
        assert r.json()["code"] == "not_found"


def test_an_unknown_number_is_a_404_in_the_error_shape(client, sales_rep):
    r = call(client, "get", f"{BASE}/SO19990101-0001", sales_rep)
    assert r.status_code == 404 and set(r.json()) >= {"code", "message", "field"}


def test_p4_2_c_the_list_filters_searches_sorts_and_pages(client, sales_rep, sales_rep2, customer, draft, body):
    from ordertaking.orders.services import order_create

    other = order_create(actor=sales_rep, customer=customer, customer_reference="B")
    theirs = order_create(actor=sales_rep2, customer=customer, sales_rep=sales_rep2)
    r = call(client, "get", f"{BASE}?sort=number", sales_rep)
    assert r.status_code == 200
    assert [o["number"] for o in r.json()["items"]] == [draft.number, other.number]
    assert theirs.number not in {o["number"] for o in r.json()["items"]}
    by_number = call(client, "get", f"{BASE}?q={other.number[-4:]}").json()
    assert [o["number"] for o in by_number["items"]] == [other.number]
    whole = call(client, "get", f"{BASE}?q={other.number.lower()}").json()
    assert [o["number"] for o in whole["items"]] == [other.number]
    by_name = call(client, "get", f"{BASE}?q=浦江").json()
    assert by_name["count"] == 2
    paged = call(client, "get", f"{BASE}?page_size=1&page=2&sort=-number").json()
    assert paged["count"] == 2 and [o["number"] for o in paged["items"]] == [draft.number]
    assert call(client, "get", f"{BASE}?state=submitted").json()["count"] == 0
    assert call(client, "get", f"{BASE}?customer={customer.pk}&date_from=2020-01-01").json()["count"] == 2
    assert call(client, "get", f"{BASE}?date_to=2020-01-01").json()["count"] == 0


@pytest.mark.parametrize("query", ["state=nonsense", "sort=password", "date_from=2026-13-01", "page=0",
                                   "page_size=100000", "customer=abc"])
def test_bad_list_filters_are_422_not_500(client, sales_rep, query):
    r = call(client, "get", f"{BASE}?{query}", sales_rep)
    assert r.status_code == 422 and r.json()["code"] == "validation_error"


def test_p4_2_a_the_timeline_lists_the_orders_events_with_labels(client, draft, sales_rep, no_review):
    order_submit(order=draft, actor=sales_rep)
    r = call(client, "get", f"{BASE}/{draft.number}/timeline", sales_rep)
    assert r.status_code == 200
    assert [e["action"] for e in r.json()] == ["order.created", "order.submitted"]
    assert all(e["description"] for e in r.json())


# --- patch ------------------------------------------------------------------------------------------------

def test_p2_2_b_patch_changes_the_header_and_replaces_the_lines(client, draft, sales_rep):
    r = call(client, "patch", f"{BASE}/{draft.number}", sales_rep,
             {"payment_method": "COD", "lines": [{"product": "RED-001", "quantity": "1"}]})
    assert r.status_code == 200, r.content
    assert r.json()["payment_method"] == "COD" and r.json()["total_amount"] == "5600.00"
    assert [ln["product_code"] for ln in r.json()["lines"]] == ["RED-001"]


def test_p2_2_b_patch_never_sets_the_state(client, draft, sales_rep):
    r = call(client, "patch", f"{BASE}/{draft.number}", sales_rep, {"state": "approved"})
    assert r.status_code == 422 and r.json()["field"] == "state"
    draft.refresh_from_db()
    assert draft.state == OrderState.DRAFT


@pytest.mark.parametrize(("who", "status"), [("finance_user", 403), ("auditor", 403), ("sales_rep2", 404),
                                             ("reviewer", 200)])
def test_p2_2_b_who_may_patch(request, client, draft, who, status):
    r = call(client, "patch", f"{BASE}/{draft.number}", request.getfixturevalue(who), {"notes": "备注"})
    assert r.status_code == status
    draft.refresh_from_db()
    assert (draft.notes == "备注") == (status == 200)


def test_p2_2_b_patch_of_a_submitted_order_is_409(client, draft, sales_rep, no_review):
    order_submit(order=draft, actor=sales_rep)
    r = call(client, "patch", f"{BASE}/{draft.number}", sales_rep, {"notes": "x"})
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"


# --- submit -----------------------------------------------------------------------------------------------

def test_p2_2_a_submit_moves_a_complete_order_to_pending_review(client, draft, sales_rep, no_review):
    r = call(client, "post", f"{BASE}/{draft.number}/submit", sales_rep)
    assert r.status_code == 200 and r.json()["state"] == "submitted"


def test_p2_2_a_submit_of_an_incomplete_order_is_422_with_every_finding(client, incomplete_draft, sales_rep):
    r = call(client, "post", f"{BASE}/{incomplete_draft.number}/submit", sales_rep)
    assert r.status_code == 422
    data = r.json()
    assert data["code"] == "incomplete"
    assert {"delivery_date", "payment_method", "lines.1.quantity"} <= {d["field"] for d in data["details"]}
    assert all(d["clause"].startswith("P2.2") for d in data["details"])
    incomplete_draft.refresh_from_db()
    assert incomplete_draft.state == OrderState.DRAFT


@pytest.mark.parametrize(("who", "status"), [("finance_user", 403), ("leader", 403), ("sales_rep2", 404)])
def test_p2_2_a_who_may_not_submit(request, client, draft, who, status, no_review):
    r = call(client, "post", f"{BASE}/{draft.number}/submit", request.getfixturevalue(who))
    assert r.status_code == status
    draft.refresh_from_db()
    assert draft.state == OrderState.DRAFT


def test_p2_2_a_submitting_twice_is_409(client, draft, sales_rep, no_review):
    call(client, "post", f"{BASE}/{draft.number}/submit", sales_rep)
    r = call(client, "post", f"{BASE}/{draft.number}/submit")
    assert r.status_code == 409


# --- cancel -----------------------------------------------------------------------------------------------

def test_p4_2_a_cancel_with_a_reason(client, draft, sales_rep):
    r = call(client, "post", f"{BASE}/{draft.number}/cancel", sales_rep, {"reason": "客户撤单"})
    assert r.status_code == 200 and r.json()["state"] == "cancelled" and r.json()["cancel_reason"] == "客户撤单"


def test_p4_2_a_cancel_of_a_returned_order(client, draft, sales_rep, reviewer, no_review):
    order_submit(order=draft, actor=sales_rep)
    return_order(draft, reviewer)
    r = call(client, "post", f"{BASE}/{draft.number}/cancel", sales_rep, {"reason": "客户撤单"})
    assert r.status_code == 200


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "  "}, {"reason": 5}])
def test_p4_2_a_cancel_without_a_reason_is_422(client, draft, sales_rep, body):
    r = call(client, "post", f"{BASE}/{draft.number}/cancel", sales_rep, body)
    assert r.status_code == 422
    draft.refresh_from_db()
    assert draft.state == OrderState.DRAFT


@pytest.mark.parametrize(("who", "status"), [("finance_user", 403), ("cs_agent", 403), ("sales_rep2", 404)])
def test_p4_2_a_who_may_not_cancel(request, client, draft, who, status):
    r = call(client, "post", f"{BASE}/{draft.number}/cancel", request.getfixturevalue(who), {"reason": "x"})
    assert r.status_code == status
    draft.refresh_from_db()
    assert draft.state == OrderState.DRAFT


def test_p4_2_a_cancel_of_a_submitted_order_is_409(client, draft, sales_rep, no_review):
    order_submit(order=draft, actor=sales_rep)
    r = call(client, "post", f"{BASE}/{draft.number}/cancel", sales_rep, {"reason": "x"})
    assert r.status_code == 409


def test_p4_2_c_the_api_list_query_count_does_not_grow_with_the_rows(client, sales_rep, customer,
                                                                     django_assert_max_num_queries):
    from ordertaking.orders.services import order_create

    for _ in range(30):
        order_create(actor=sales_rep, customer=customer)
    client.force_login(sales_rep)
    call(client, "get", BASE)
    with django_assert_max_num_queries(8):
        r = call(client, "get", f"{BASE}?page_size=30&sort=-total")
    assert r.status_code == 200 and len(r.json()["items"]) == 30


def test_p4_1_c_a_rep_cannot_create_an_order_for_another_reps_customer(client, sales_rep, sales_rep2, body):
    """P4.1.c: the API looks the customer up through customers_visible, never among all customers."""
    from ordertaking.customers.services import customer_create

    theirs = customer_create(actor=sales_rep2, name="别家机电有限公司", sales_rep=sales_rep2,
                             contacts=[{"name": "外人", "phone": "13800138000"}])
    r = call(client, "post", BASE, sales_rep, {**body, "customer": theirs.pk})
    assert r.status_code == 422 and r.json()["field"] == "customer"
    assert not Order.objects.filter(customer=theirs).exists()


# --- the created order's answer, and the catalog codes read together (issue 14) --------------------------

@pytest.mark.parametrize(("who", "change"), [
    ("sales_rep", {}),
    ("sales_rep", {"lines": []}),
    ("sales_rep", {"delivery_region": None, "payment_method": "", "lines": [
        {"description": "现场培训", "unit": "次", "quantity": "1.5", "unit_price": "500.1"}]}),
    ("sales_rep", {"lines": [{"product": "SVC-INST", "quantity": "3", "unit_price": "700"},
                             {"product": "RED-001", "quantity": "0.125"}, {"product": " MOT-001 ", "quantity": 1}]}),
    ("sales_rep", {"contract_terms": "non_standard", "contract_terms_text": "付款期限延长至60天", "notes": " 备注 "}),
    ("sales_rep", {"sales_rep": "sales2"}),
    ("reviewer", {}),  # the order's rep is the customer's, not the actor
    ("reviewer", {"delivery_region": "XZ", "payment_method": "NET30"}),
])
def test_p2_2_b_the_created_orders_answer_is_the_order_as_stored(request, client, body, who, change, sales_rep2):
    """The answer is built from the order the service saved (not read back): it says what a GET says."""
    user = request.getfixturevalue(who)
    r = call(client, "post", BASE, user, {**body, **change})
    assert r.status_code == 201, r.content
    assert call(client, "get", f"{BASE}/{r.json()['number']}").json() == r.json()


def test_p2_2_b_an_idempotent_retry_answers_the_first_order_as_stored(client, sales_rep, body):
    first = call(client, "post", BASE, sales_rep, body, HTTP_IDEMPOTENCY_KEY="erp-4713")
    again = call(client, "post", BASE, sales_rep, body, HTTP_IDEMPOTENCY_KEY="erp-4713")
    assert (first.status_code, again.status_code) == (201, 200) and again.json() == first.json()


@pytest.mark.parametrize(("patch", "field"), [
    ({"customer": 999999, "delivery_region": "ZZ", "lines": [{"product": "NOPE", "quantity": 1}]}, "customer"),
    ({"sales_rep": "nobody", "delivery_region": "ZZ"}, "sales_rep"),
    ({"delivery_region": "ZZ", "payment_method": "BITCOIN", "lines": [{"product": "NOPE", "quantity": 1}]},
     "delivery_region"),
    ({"delivery_region": " ", "payment_method": "BITCOIN"}, "delivery_region"),
    ({"payment_method": "BITCOIN", "lines": [{"product": "NOPE", "quantity": 1}]}, "payment_method"),
    ({"lines": [{"product": "MOT-001", "quantity": 1}, {"product": "mot-001", "quantity": 1}]}, "lines.2.product"),
    ({"lines": [{"product": "OLD-001", "quantity": 1}, {"product": "NOPE", "quantity": 1}]}, "lines.2.product"),
])
def test_p2_2_b_the_codes_read_together_are_still_refused_in_the_order_of_the_body(client, sales_rep, body, patch,
                                                                                   field):
    """Region, payment method and products are read in one statement; an unknown one is still named in the order
    the fields are checked (customer, rep, region, payment method, lines), exactly (case and all)."""
    r = call(client, "post", BASE, sales_rep, {**body, **patch})
    assert r.status_code == 422 and r.json()["field"] == field, r.content
    assert Order.objects.count() == 0


@pytest.mark.parametrize(("patch", "field"), [
    ({"delivery_region": "SH\x00"}, "delivery_region"),
    ({"payment_method": "\x00"}, "payment_method"),
    ({"lines": [{"product": "NOPE", "quantity": 1}, {"product": "MOT\x00", "quantity": 1}]}, "lines.1.product"),
])
def test_a_code_holding_nul_is_answered_as_the_database_answers_it(client, sales_rep, body, patch, field):
    """PostgreSQL text cannot hold NUL: such a code is read alone at its turn, as before the catalog was read in
    one statement, so PostgreSQL still answers out_of_range and SQLite an unknown code; a field checked earlier
    is still named first."""
    from django.db import connection

    r = call(client, "post", BASE, sales_rep, {**body, **patch})
    expected = ("out_of_range", None) if connection.vendor == "postgresql" else ("unknown_code", field)
    assert r.status_code == 422 and (r.json()["code"], r.json()["field"]) == expected, r.content
    r = call(client, "post", BASE, sales_rep, {**body, **patch, "delivery_region": "ZZ"})
    assert r.status_code == 422 and r.json()["field"] == "delivery_region", r.content
    assert Order.objects.count() == 0


def test_p4_1_c_a_customer_without_a_rep_is_one_every_rep_may_order_for(client, sales_rep2, body, customer):
    """The customer is read with the catalog codes in one statement, through customers_in_scope: a rep sees their
    own customers and those without a rep; the new order's rep is then the one who entered it."""
    from ordertaking.customers.models import Customer

    Customer.objects.filter(pk=customer.pk).update(sales_rep=None)
    r = call(client, "post", BASE, sales_rep2, body)
    assert r.status_code == 201 and r.json()["sales_rep"] == "sales2", r.content
    assert call(client, "get", f"{BASE}/{r.json()['number']}").json() == r.json()


def test_p4_1_c_who_may_enter_orders_but_see_no_customer_orders_for_none(client, make_user, body):
    """A user holding order entry but not customer_view: every customer is unknown to them, nothing is written."""
    from django.contrib.auth.models import Permission

    user = make_user("entry-only")
    user.user_permissions.add(Permission.objects.get(codename="order_enter", content_type__app_label="accounts"))
    r = call(client, "post", BASE, user, body)
    assert r.status_code == 422 and r.json()["code"] == "unknown_customer", r.content
    assert Order.objects.count() == 0
