"""The inbox, the badge, the choices, the language remembered (issue 10), in both languages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ordertaking.audit.models import AuditEvent
from ordertaking.notifications.models import Kind, Notification, NotificationPreference, UserSetting
from ordertaking.notifications.services import notify

pytestmark = pytest.mark.django_db


def _some(user, actor, n=3):  # type: ignore[no-untyped-def]
    for i in range(n):
        notify(recipients=[user], kind=Kind.ORDER_RETURNED, actor=actor, url=f"/orders/SO-{i}/",
               params={"order": f"SO-{i}", "opinion": f"意见{i}"})
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


def test_the_inbox_shows_unread_first_in_the_readers_language(client, sales_rep, reviewer):
    first, _second, third = _some(sales_rep, reviewer)
    client.force_login(sales_rep)
    client.post(reverse("notifications:read", args=[third.pk]))
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert page.index("SO-1") < page.index("SO-0") < page.index("SO-2")  # unread newest first, then read
    assert "订单 SO-1 已被退回" in page and "审核意见：意见1" in page and "2 条未读" in page
    client.post(reverse("notifications:read", args=[first.pk]))  # read later than the third: still after it
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert page.index("SO-1") < page.index("SO-2") < page.index("SO-0")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Order SO-1 was returned" in page and "Review opinion: 意见1" in page and "1 unread" in page


def test_the_inbox_pins_its_queries_whatever_the_number_of_notifications(
        client, sales_rep, reviewer, django_assert_max_num_queries, django_assert_num_queries):
    _some(sales_rep, reviewer, n=2)
    client.force_login(sales_rep)
    client.get(reverse("notifications:inbox"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("notifications:inbox"))
    _some(sales_rep, reviewer, n=12)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("notifications:inbox"))


def test_opening_a_notification_reads_it_and_goes_to_its_subject(client, sales_rep, reviewer):
    (n,) = _some(sales_rep, reviewer, n=1)
    client.force_login(sales_rep)
    response = client.post(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/orders/SO-0/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_nobody_reads_or_opens_someone_elses_notification(client, sales_rep, sales_rep2, reviewer):
    (n,) = _some(sales_rep, reviewer, n=1)
    client.force_login(sales_rep2)
    assert client.post(reverse("notifications:open", args=[n.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[n.pk])).status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read_and_the_badge_counts_the_unread(client, sales_rep, reviewer):
    _some(sales_rep, reviewer)
    client.force_login(sales_rep)
    badge = client.get(reverse("notifications:badge")).content.decode()
    assert 'data-testid="unread-count">3<' in badge
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=sales_rep, read_at__isnull=True).exists()
    assert "unread-count" not in client.get(reverse("notifications:badge")).content.decode()


def test_every_page_loads_the_badge_by_htmx_polling_once_a_minute(client, sales_rep):
    client.force_login(sales_rep)
    page = client.get("/profile/").content.decode()
    assert f'hx-get="{reverse("notifications:badge")}" hx-trigger="load, every 60s"' in page


def test_the_badge_poll_signed_out_stops_polling(client):
    assert client.get(reverse("notifications:badge")).status_code == 286


def test_the_badge_poll_does_not_keep_an_idle_session_alive(client, sales_rep, settings, monkeypatch):
    from ordertaking.common import middleware

    settings.ORDERTAKING_SESSION_IDLE_MINUTES = 30
    clock = {"now": 1_000_000.0}
    monkeypatch.setattr(middleware.time, "time", lambda: clock["now"])
    client.force_login(sales_rep)
    client.get("/profile/")
    for _minute in range(31):
        clock["now"] += 60
        client.get(reverse("notifications:badge"), headers={"X-Ot-Background": "1", "HX-Request": "true"})
    response = client.get("/profile/")
    assert response.status_code == 302  # thirty-one minutes of polling only: signed out


def test_preferences_page_saves_the_choice_and_audits_it(client, sales_rep):
    client.force_login(sales_rep)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="email_order_returned" id="email_order_returned" checked' in page  # on by default
    assert 'name="email_order_submitted" id="email_order_submitted" >' in page  # off by default
    data = {f"email_{k}": "on" for k in Kind.values if k not in ("order_returned",)}
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    assert dict(NotificationPreference.objects.filter(user=sales_rep).values_list("kind", "by_email")) == {
        "order_returned": False, "order_submitted": True, "task_assigned": True}
    event = AuditEvent.objects.get(action="notification.preferences_changed")
    assert event.before is not None and event.after is not None
    assert "order_returned" in event.before["email_kinds"] and "order_returned" not in event.after["email_kinds"]
    client.post(reverse("notifications:preferences"), data)  # nothing changed: no second event
    assert AuditEvent.objects.filter(action="notification.preferences_changed").count() == 1


def test_the_language_switch_is_remembered_for_the_users_mail(client, sales_rep):
    client.force_login(sales_rep)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert UserSetting.objects.get(user=sales_rep).language == "en"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})  # not a language of the site: kept
    assert UserSetting.objects.get(user=sales_rep).language == "en"


def test_the_pages_need_a_login(client):
    for name in ("notifications:inbox", "notifications:preferences"):
        assert client.get(reverse(name)).status_code == 302
