"""GET /api/v1/audit/events: the audit log over the API, read only (P6.1.a)."""

from __future__ import annotations

import pytest

from ordertaking.accounts.services import api_token_issue

from .factories import event, shanghai

URL = "/api/v1/audit/events"


def bearer(user):  # type: ignore[no-untyped-def]
    from django.db import transaction

    with transaction.atomic():
        _token, raw = api_token_issue(user=user, name="test", actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.django_db
def test_p6_1_a_an_auditor_lists_events_with_labels_and_changes(client, auditor, sales_rep):
    event(actor=sales_rep, action="order.returned", label="SO-API-1", clause="P2.3.c",
          before={"state": "submitted"}, after={"state": "returned"}, message="价格低于底价")
    response = client.get(URL, {"q": "SO-API"}, HTTP_ACCEPT_LANGUAGE="en", **bearer(auditor))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["action"] == "order.returned"
    assert item["action_label"] == "Order returned to sales"
    assert item["clause"] == "P2.3.c"
    assert item["subject_label"] == "SO-API-1"
    assert item["message"] == "价格低于底价"
    assert item["changes"] == [{"field": "state", "label": "State", "before": "Pending review", "after": "Returned"}]
    assert (item["before"], item["after"]) == ({"state": "submitted"}, {"state": "returned"})  # raw codes too


@pytest.mark.django_db
def test_p6_1_a_a_sales_rep_gets_403_from_the_audit_api(client, sales_rep):
    response = client.get(URL, **bearer(sales_rep))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.django_db
def test_p6_1_a_the_audit_api_needs_authentication(client):
    response = client.get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_p6_1_a_the_audit_api_accepts_the_browser_session(client, leader, sales_rep):
    event(actor=sales_rep, label="SO-SESSION")
    client.force_login(leader)
    assert client.get(URL).json()["count"] >= 1


@pytest.mark.django_db
def test_p6_1_a_the_audit_api_filters_by_action_actor_dates_and_clause(client, auditor, sales_rep, reviewer):
    event(actor=sales_rep, action="order.submitted", label="SO-1", at=shanghai(2026, 11, 1), clause="P2.2.a")
    event(actor=reviewer, action="order.approved", label="SO-2", at=shanghai(2026, 11, 5), clause="P2.3.c")
    event(actor=reviewer, action="order.approved", label="SO-3", at=shanghai(2026, 11, 20), clause="P2.3.c")
    headers = bearer(auditor)

    def labels(**params):  # type: ignore[no-untyped-def]
        return sorted(i["subject_label"] for i in client.get(URL, params, **headers).json()["items"]
                      if i["subject_label"].startswith("SO-"))

    assert labels(action="order.approved") == ["SO-2", "SO-3"]
    assert labels(actor_id=sales_rep.pk) == ["SO-1"]
    assert labels(date_from="2026-11-02", date_to="2026-11-19") == ["SO-2"]
    assert labels(clause="p2.2.a") == ["SO-1"]


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"date_from": "2026-02-30"}, {"actor_id": "abc"}, {"sort": "password"},
                                    {"date_from": "2026-11-10", "date_to": "2026-11-01"}, {"page": "0"},
                                    # found by hand-fuzzing the running API: these were 500s
                                    {"actor_id": "99999999999999999999999"}, {"date_from": "0001-01-01"},
                                    {"date_from": "9999-12-31", "date_to": "9999-12-31"},
                                    {"q": "x" * 101}])
def test_p6_1_a_bad_filters_give_a_422_with_the_field_not_a_500(client, auditor, params):
    response = client.get(URL, params, **bearer(auditor))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error" and body["message"]


@pytest.mark.django_db
def test_p6_1_a_the_audit_api_is_paginated(client, auditor, sales_rep):
    for i in range(60):
        event(actor=sales_rep, label=f"SO-PG-{i}")
    headers = bearer(auditor)
    first = client.get(URL, {"q": "SO-PG"}, **headers).json()
    second = client.get(URL, {"q": "SO-PG", "page": 2}, **headers).json()
    assert first["count"] == 60 and len(first["items"]) == 50 and len(second["items"]) == 10
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_p6_1_a_no_write_method_exists_on_the_audit_api(client, auditor, sales_rep, method):
    from ordertaking.audit.models import AuditEvent

    ev = event(actor=sales_rep, label="SO-KEEP")
    headers = bearer(auditor)
    collection = getattr(client, method)(URL, data="{}", content_type="application/json", **headers)
    member = getattr(client, method)(f"{URL}/{ev.pk}", data="{}", content_type="application/json", **headers)
    assert collection.status_code == 405
    assert member.status_code in (404, 405)
    assert AuditEvent.objects.filter(pk=ev.pk, subject_label="SO-KEEP").exists()


def test_p6_1_a_the_openapi_schema_lists_only_get_under_audit():
    from ordertaking.api import api

    schema = api.get_openapi_schema()
    audit_paths = {p: ops for p, ops in schema["paths"].items() if p.startswith("/api/v1/audit")}
    assert audit_paths, "the audit router is registered"
    assert {m for ops in audit_paths.values() for m in ops} == {"get"}
