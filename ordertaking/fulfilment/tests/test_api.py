"""/api/v1/tasks, /api/v1/assignment-rules, /api/v1/holidays (P2.4.a, P3.3): the same services as the
pages; bad input → 4xx naming the field."""

from __future__ import annotations

import pytest

from ordertaking.accounts.services import api_token_issue
from ordertaking.fulfilment.models import Task

pytestmark = pytest.mark.django_db


def bearer(user):  # type: ignore[no-untyped-def]
    _t, raw = api_token_issue(user=user, name="test", actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_p2_4_a_task_list_start_complete(client, approved_order, production_user):
    h = bearer(production_user)
    r = client.get("/api/v1/tasks", {"state": "live"}, **h)
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 2 and {t["kind"] for t in body["items"]} == {"production", "inspection"}
    task_id = next(t["id"] for t in body["items"] if t["kind"] == "production")
    r = client.post(f"/api/v1/tasks/{task_id}/start", **h)
    assert r.status_code == 200 and r.json()["state"] == "in_progress"
    r = client.post(f"/api/v1/tasks/{task_id}/start", **h)
    assert r.status_code == 409 and r.json()["field"] == "state"
    r = client.post(f"/api/v1/tasks/{task_id}/complete", {"note": "好了"}, content_type="application/json", **h)
    assert r.status_code == 200 and r.json()["state"] == "done" and r.json()["note"] == "好了"


def test_p2_4_a_task_api_errors_name_the_field(client, approved_order, production_user, reviewer, logistics_user):
    h = bearer(reviewer)
    assert client.get("/api/v1/tasks", {"due": "soon"}, **h).json()["field"] == "due"
    assert client.get("/api/v1/tasks", {"kind": "x"}, **h).status_code == 422
    task = Task.objects.get(order=approved_order, kind="production")
    r = client.post(f"/api/v1/tasks/{task.pk}/reassign", {"assignee": production_user.username, "reason": " "},
                    content_type="application/json", **h)
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = client.post(f"/api/v1/tasks/{task.pk}/reassign", {"assignee": "nobody", "reason": "x"},
                    content_type="application/json", **h)
    assert r.status_code == 422 and r.json()["field"] == "assignee"
    r = client.post(f"/api/v1/tasks/{task.pk}/reassign", {"assignee": production_user.username, "reason": "休假"},
                    content_type="application/json", **h)
    assert r.status_code == 200 and r.json()["assignee"] == production_user.username
    # Another department neither sees nor starts it.
    assert client.post(f"/api/v1/tasks/{task.pk}/start", **bearer(logistics_user)).status_code == 404
    assert client.post(f"/api/v1/tasks/{task.pk}/start", **h).status_code == 403  # the center assigns, not works


def test_p2_4_a_assignment_rules_crud(client, reviewer, production_user, sales_rep, catalog):
    h = bearer(reviewer)
    r = client.post("/api/v1/assignment-rules", {"name": "电机", "task_kind": "production",
                                                 "category_id": catalog["categories"]["motor"].pk,
                                                 "department": "production", "strategy": "fixed"},
                    content_type="application/json", **h)
    assert r.status_code == 422 and r.json()["field"] == "assignee"
    r = client.post("/api/v1/assignment-rules", {"name": "电机", "task_kind": "production",
                                                 "category_id": catalog["categories"]["motor"].pk,
                                                 "department": "production", "strategy": "fixed",
                                                 "assignee": production_user.username},
                    content_type="application/json", **h)
    assert r.status_code == 201
    rule_id = r.json()["id"]
    r = client.patch(f"/api/v1/assignment-rules/{rule_id}", {"strategy": "round_robin"},
                     content_type="application/json", **h)
    assert r.status_code == 200 and r.json()["strategy"] == "round_robin" and r.json()["assignee"] is None
    r = client.patch(f"/api/v1/assignment-rules/{rule_id}", {"name": None}, content_type="application/json", **h)
    assert r.status_code == 422 and r.json()["field"] == "name"
    r = client.patch(f"/api/v1/assignment-rules/{rule_id}", {"department": "sales"},
                     content_type="application/json", **h)
    assert r.status_code == 422 and r.json()["field"] == "department"
    assert client.get("/api/v1/assignment-rules", **h).json()["count"] == 1
    assert client.get("/api/v1/assignment-rules", **bearer(sales_rep)).status_code == 403
    assert client.delete(f"/api/v1/assignment-rules/{rule_id}", **bearer(sales_rep)).status_code == 403
    assert client.delete(f"/api/v1/assignment-rules/{rule_id}", **h).status_code == 204
    assert client.get(f"/api/v1/assignment-rules/{rule_id}", **h).status_code == 404


def test_p2_4_a_holidays_crud_for_the_administrator(client, admin_user_role, reviewer):
    h = bearer(admin_user_role)
    r = client.get("/api/v1/holidays", {"year": 2026, "page_size": 100}, **bearer(reviewer))
    assert r.status_code == 200 and any(d["date"] == "2026-10-10" and d["kind"] == "workday" for d in r.json()["items"])
    r = client.post("/api/v1/holidays", {"date": "2028-01-01", "kind": "holiday", "name": "元旦"},
                    content_type="application/json", **h)
    assert r.status_code == 201
    day_id = r.json()["id"]
    r = client.post("/api/v1/holidays", {"date": "2028-01-01", "kind": "holiday", "name": "元旦"},
                    content_type="application/json", **h)
    assert r.status_code == 422 and r.json()["field"] == "date"
    r = client.post("/api/v1/holidays", {"date": "2028-01-02", "kind": "holiday", "name": "x"},
                    content_type="application/json", **bearer(reviewer))
    assert r.status_code == 403
    r = client.put(f"/api/v1/holidays/{day_id}", {"date": "2028-01-01", "kind": "holiday", "name": "元旦节"},
                   content_type="application/json", **h)
    assert r.status_code == 200 and r.json()["name"] == "元旦节"
    assert client.delete(f"/api/v1/holidays/{day_id}", **h).status_code == 204
    assert client.get("/api/v1/holidays", {"year": 99999}, **h).json()["field"] == "year"
