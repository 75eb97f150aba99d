"""The review API (P2.3) at /api/v1/orders: each action with each role, the error shape, no clash
between `/special-approvals` and the orders router's `/{number}`."""

from __future__ import annotations

import pytest
from django.urls import resolve

from ordertaking.accounts.services import api_token_issue
from ordertaking.audit.models import AuditEvent
from ordertaking.orders.states import OrderState
from ordertaking.review.models import ReviewDecision, SpecialApproval
from ordertaking.review.services import special_approval_grant, special_approval_request

pytestmark = pytest.mark.django_db
BASE = "/api/v1/orders"


def post(client, user, path, body=None):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client.post(f"{BASE}{path}", body if body is not None else {}, content_type="application/json")


def get(client, user, path):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client.get(f"{BASE}{path}")


def order_events(order, action):  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(subject_type="orders.order", subject_id=str(order.pk), action=action).count()


@pytest.mark.parametrize(("path", "view"), [
    (f"{BASE}/special-approvals", "special_approvals_waiting"),
    (f"{BASE}/special-approvals/7/grant", "special_approval_grant"),
    (f"{BASE}/special-approvals/7/refuse", "special_approval_refuse"),
    (f"{BASE}/SO20261126-0001/approve", "approve"),
    (f"{BASE}/SO20261126-0001/special-approvals", "special_approval_request"),
])
def test_p2_3_review_paths_resolve_to_the_review_router_not_to_an_order_number(path, view):
    from ordertaking.review import api as review_api

    assert resolve(path).url_name == view and hasattr(review_api, view)


def test_p2_3_an_order_number_still_reaches_the_orders_router():
    from ordertaking.review import api as review_api

    assert not hasattr(review_api, resolve(f"{BASE}/SO20261126-0001").url_name or "")


def test_p2_3_c_leader_lists_waiting_special_approvals(client, floor_order, sales_rep, leader):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="战略客户")
    r = get(client, leader, "/special-approvals")
    assert r.status_code == 200
    (row,) = r.json()["items"]
    assert (row["id"], row["number"], row["finding_codes"], row["reason"]) == (
        sa.pk, floor_order.number, ["price_below_floor"], "战略客户")


@pytest.mark.parametrize("who", ["reviewer", "sales_rep", "finance_user"])
def test_p2_3_c_special_approval_queue_is_403_for_roles_that_do_not_decide(client, floor_order, sales_rep,
                                                                          who, request):
    special_approval_request(order=floor_order, actor=sales_rep, reason="x")
    r = get(client, request.getfixturevalue(who), "/special-approvals")
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"


def test_p2_3_a_findings_show_each_clause(client, floor_order, reviewer):
    r = get(client, reviewer, f"/{floor_order.number}/findings")
    assert r.status_code == 200
    body = r.json()
    assert body["live"] is True and body["open_blocking"] == 1
    assert [(f["code"], f["clause"], f["line"], f["covered"]) for f in body["findings"]] == [
        ("price_below_floor", "P2.3.b", 1, False)]


@pytest.mark.parametrize(("writer", "reader", "words"), [
    ("zh-hans", "en", "Line 1: unit price ¥2,799.99 is below the floor price."),
    ("en", "zh-hans", "第 1 行：单价 ¥2,799.99 低于底价。"),
])
def test_p2_3_stored_findings_answer_in_the_requests_language(client, floor_order, sales_rep, writer, reader,
                                                             words):
    """Issue 14: the rep reads the stored findings (not live) in the language of the request, whatever the
    language of whoever submitted."""
    from django.utils import translation

    from ordertaking.review.services import review_findings_refresh

    with translation.override(writer):
        review_findings_refresh(order=floor_order, actor=sales_rep)
    client.force_login(sales_rep)
    r = client.get(f"{BASE}/{floor_order.number}/findings", HTTP_ACCEPT_LANGUAGE=reader)
    assert r.status_code == 200 and r.json()["live"] is False
    assert [f["message"] for f in r.json()["findings"]] == [words]


def test_p4_1_c_findings_of_an_order_the_user_may_not_see_are_404(client, floor_order, sales_rep2):
    r = get(client, sales_rep2, f"/{floor_order.number}/findings")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_unknown_order_number_is_404(client, reviewer):
    r = post(client, reviewer, "/SO20991231-9999/approve")
    assert r.status_code == 404


def test_p2_3_c_reviewer_approves_by_api_with_a_bearer_token(client, clean_order, reviewer):
    _token_obj, token = api_token_issue(user=reviewer, actor=reviewer, name="t")
    r = client.post(f"{BASE}/{clean_order.number}/approve", {}, content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "approved"
    assert order_events(clean_order, "order.approved") == 1


def test_p2_3_c_approve_without_a_body_works_with_the_session(client, clean_order, reviewer):
    client.force_login(reviewer)
    r = client.post(f"{BASE}/{clean_order.number}/approve", content_type="application/json")
    assert r.status_code == 200, r.content


@pytest.mark.parametrize("who", ["sales_rep", "leader", "finance_user", "auditor"])
def test_p2_3_a_roles_other_than_the_order_center_get_403_on_approve(client, clean_order, who, request):
    r = post(client, request.getfixturevalue(who), f"/{clean_order.number}/approve")
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    clean_order.refresh_from_db()
    assert clean_order.state == OrderState.SUBMITTED and order_events(clean_order, "order.approved") == 0


def test_p2_3_c_reviewer_cannot_approve_an_order_they_entered_by_api(client, make_order, reviewer):
    order = make_order(entered_by=reviewer)
    r = post(client, reviewer, f"/{order.number}/approve")
    assert r.status_code == 403 and r.json()["code"] == "segregation_of_duties"


def test_p2_3_c_approve_with_open_findings_is_409_with_the_findings(client, floor_order, reviewer):
    r = post(client, reviewer, f"/{floor_order.number}/approve")
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "open_findings" and [d["code"] for d in body["details"]] == ["price_below_floor"]


def test_p2_3_c_approve_twice_is_409(client, clean_order, reviewer):
    assert post(client, reviewer, f"/{clean_order.number}/approve").status_code == 200
    r = post(client, reviewer, f"/{clean_order.number}/approve")
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    assert order_events(clean_order, "order.approved") == 1


def test_p2_3_c_reviewer_returns_by_api_with_an_opinion(client, floor_order, reviewer):
    r = post(client, reviewer, f"/{floor_order.number}/return", {"opinion": "单价低于底价"})
    assert r.status_code == 200 and r.json()["state"] == "returned"
    assert ReviewDecision.objects.get(order=floor_order).opinion == "单价低于底价"


@pytest.mark.parametrize("body", [{"opinion": "  "}, {}])
def test_p2_3_c_return_without_an_opinion_is_422_on_field_opinion(client, floor_order, reviewer, body):
    r = post(client, reviewer, f"/{floor_order.number}/return", body)
    assert r.status_code == 422 and r.json()["field"] == "opinion"
    floor_order.refresh_from_db()
    assert floor_order.state == OrderState.SUBMITTED


@pytest.mark.parametrize("who", ["sales_rep", "leader", "cs_agent"])
def test_p2_3_c_roles_other_than_the_order_center_get_403_on_return(client, floor_order, who, request):
    r = post(client, request.getfixturevalue(who), f"/{floor_order.number}/return", {"opinion": "x"})
    assert r.status_code == 403


def test_p2_3_c_sales_rep_asks_for_special_approval_by_api(client, floor_order, sales_rep):
    r = post(client, sales_rep, f"/{floor_order.number}/special-approvals", {"reason": "老客户"})
    assert r.status_code == 201, r.content
    assert r.json()["state"] == "requested" and r.json()["finding_codes"] == ["price_below_floor"]


def test_p2_3_c_special_approval_without_a_reason_is_422(client, floor_order, sales_rep):
    r = post(client, sales_rep, f"/{floor_order.number}/special-approvals", {"reason": ""})
    assert r.status_code == 422 and r.json()["field"] == "reason"


def test_p2_3_c_leader_cannot_ask_for_special_approval_by_api(client, floor_order, leader):
    assert post(client, leader, f"/{floor_order.number}/special-approvals", {"reason": "x"}).status_code == 403


def test_p2_3_c_leader_grants_and_reviewer_then_approves_by_api(client, floor_order, sales_rep, leader, reviewer):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="x")
    r = post(client, leader, f"/special-approvals/{sa.pk}/grant", {"comment": "同意"})
    assert r.status_code == 200 and r.json()["state"] == "granted"
    r = post(client, reviewer, f"/{floor_order.number}/approve")
    assert r.status_code == 200 and r.json()["state"] == "approved"


def test_p2_3_c_leader_refuses_by_api_and_approval_stays_blocked(client, floor_order, sales_rep, leader,
                                                                 reviewer):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="x")
    r = post(client, leader, f"/special-approvals/{sa.pk}/refuse", {"comment": "不同意"})
    assert r.status_code == 200 and r.json()["state"] == "refused"
    assert post(client, reviewer, f"/{floor_order.number}/approve").status_code == 409


def test_p2_3_c_refuse_without_comment_is_422(client, floor_order, sales_rep, leader):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="x")
    r = post(client, leader, f"/special-approvals/{sa.pk}/refuse", {"comment": ""})
    assert r.status_code == 422 and r.json()["field"] == "comment"


@pytest.mark.parametrize("who", ["reviewer2", "sales_rep"])
def test_p2_3_c_roles_other_than_leadership_get_403_on_grant(client, floor_order, reviewer, who, request):
    sa = special_approval_request(order=floor_order, actor=reviewer, reason="x")
    r = post(client, request.getfixturevalue(who), f"/special-approvals/{sa.pk}/grant", {})
    assert r.status_code == 403
    sa.refresh_from_db()
    assert sa.state == SpecialApproval.State.REQUESTED


def test_p2_3_c_leader_cannot_grant_special_approval_they_requested_by_api(client, floor_order, make_user):
    boss = make_user("boss1", "leadership", "order_center")
    sa = special_approval_request(order=floor_order, actor=boss, reason="x")
    r = post(client, boss, f"/special-approvals/{sa.pk}/grant", {})
    assert r.status_code == 403 and r.json()["code"] == "segregation_of_duties"


def test_p2_3_c_granting_twice_is_409(client, floor_order, sales_rep, leader):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="x")
    special_approval_grant(approval=sa, actor=leader)
    assert post(client, leader, f"/special-approvals/{sa.pk}/grant", {}).status_code == 409


def test_unknown_special_approval_is_404(client, leader):
    assert post(client, leader, "/special-approvals/999999/grant", {}).status_code == 404


def test_anonymous_gets_401(client, clean_order):
    assert client.post(f"{BASE}/{clean_order.number}/approve").status_code == 401


@pytest.mark.parametrize("body", ['{"opinion": 5}', '{"opinion": null}', "[]"])
def test_bad_return_body_is_a_4xx_json_error_not_a_500(client, floor_order, reviewer, body):
    client.force_login(reviewer)
    r = client.post(f"{BASE}/{floor_order.number}/return", body, content_type="application/json")
    assert r.status_code in (400, 422) and "code" in r.json()
    floor_order.refresh_from_db()
    assert floor_order.state == OrderState.SUBMITTED


def test_malformed_json_is_400(client, floor_order, reviewer):
    client.force_login(reviewer)
    r = client.post(f"{BASE}/{floor_order.number}/return", "{not json", content_type="application/json")
    assert r.status_code == 400 and r.json()["code"]


def test_very_long_opinion_is_kept_whole(client, floor_order, reviewer):
    opinion = "请核对交货时间。" * 500
    assert post(client, reviewer, f"/{floor_order.number}/return", {"opinion": opinion}).status_code == 200
    assert ReviewDecision.objects.get(order=floor_order).opinion == opinion


def test_openapi_schema_lists_the_review_paths(client, reviewer):
    client.force_login(reviewer)
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for p in ["/api/v1/orders/special-approvals", "/api/v1/orders/{number}/approve",
              "/api/v1/orders/{number}/return", "/api/v1/orders/{number}/findings",
              "/api/v1/orders/{number}/special-approvals",
              "/api/v1/orders/special-approvals/{approval_id}/grant",
              "/api/v1/orders/special-approvals/{approval_id}/refuse"]:
        assert p in paths, p
