"""The inbox and choices on /api/v1/notifications (issue 10)."""

from __future__ import annotations

import pytest

from ordertaking.notifications.models import Kind, Notification
from ordertaking.notifications.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, sales_rep):  # type: ignore[no-untyped-def]
    client.force_login(sales_rep)
    return client


def _some(user, actor, n=3):  # type: ignore[no-untyped-def]
    for i in range(n):
        notify(recipients=[user], kind=Kind.ORDER_APPROVED, actor=actor, params={"order": f"SO-{i}"},
               url=f"/orders/SO-{i}/")


def test_the_list_pages_and_marks_read(api, sales_rep, sales_rep2, reviewer):
    _some(sales_rep, reviewer)
    _some(sales_rep2, reviewer, n=1)
    body = api.get("/api/v1/notifications?page_size=2", headers={"Accept-Language": "en"}).json()
    assert body["count"] == 3 and len(body["items"]) == 2 and body["page_size"] == 2
    first = body["items"][0]
    assert first["title"] == "Order SO-2 was approved" and first["actor"] == str(reviewer)
    assert first["url"] == "/orders/SO-2/" and first["read_at"] is None
    assert api.get("/api/v1/notifications/unread-count").json() == {"unread": 3}
    marked = api.post(f"/api/v1/notifications/{first['id']}/read").json()
    assert marked["read_at"] is not None
    assert api.get("/api/v1/notifications?unread=true").json()["count"] == 2
    assert api.post("/api/v1/notifications/read-all").json() == {"marked": 2}


def test_someone_elses_notification_is_not_found(api, sales_rep2, reviewer):
    _some(sales_rep2, reviewer, n=1)
    n = Notification.objects.get()
    response = api.post(f"/api/v1/notifications/{n.pk}/read")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_preferences_get_and_put(api):
    prefs = {p["kind"]: p for p in api.get("/api/v1/notifications/preferences").json()}
    assert set(prefs) == set(Kind.values) and prefs["order_returned"]["by_email"] is True
    assert prefs["order_submitted"]["by_email"] is False and all(p["in_app"] for p in prefs.values())
    response = api.put("/api/v1/notifications/preferences", {"by_email": {"order_returned": False}},
                       content_type="application/json")
    assert response.status_code == 200
    assert {p["kind"]: p["by_email"] for p in response.json()}["order_returned"] is False


@pytest.mark.parametrize("payload, field", [({"order_teleported": True}, "order_teleported"),
                                            ({"order_returned": "yes"}, "order_returned")])
def test_bad_preferences_are_422_with_the_field(api, payload, field):
    response = api.put("/api/v1/notifications/preferences", {"by_email": payload}, content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] == field


def test_the_list_pins_its_queries_whatever_the_number_of_notifications(
        api, sales_rep, reviewer, django_assert_max_num_queries, django_assert_num_queries):
    _some(sales_rep, reviewer, n=2)
    api.get("/api/v1/notifications")
    with django_assert_max_num_queries(12) as few:
        api.get("/api/v1/notifications")
    _some(sales_rep, reviewer, n=15)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(api.get("/api/v1/notifications").json()["items"]) == 17
