"""P3, issue 14: the recipients' e-mail choices and the departments' webhooks that an order's submission and
approval notify by are read once per process behind the reference data version (common/refdata.py), not at every
step. Whatever changes them, however it is written (the service, a queryset update, raw SQL), the next
submission or approval mails and posts as the new data says. The cache's self-check is off here, so a hit is a
real hit."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ordertaking.common import refdata
from ordertaking.common.sealed import seal
from ordertaking.notifications import services
from ordertaking.notifications.models import DepartmentWebhook, Kind, Notification, NotificationPreference
from ordertaking.notifications.services import notification_preferences_set, notify
from ordertaking.review.services import order_approve, order_submit

pytestmark = pytest.mark.django_db

TABLES = ("notifications_notificationpreference", "notifications_departmentwebhook")


@pytest.fixture(autouse=True)
def _hits_are_real(settings):  # type: ignore[no-untyped-def]
    settings.ORDERTAKING_REFDATA_CHECK = False


@pytest.fixture
def posted(monkeypatch) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    """The webhook posts notify queued, as (webhook id, order number). Recorded where they are queued: the post
    itself reads the webhook again and skips an inactive one, which would hide a stale cache."""
    queued: list[tuple[int, str]] = []

    def record(hook_id: int, kind: str, params: dict[str, Any], actor_name: str) -> None:
        queued.append((hook_id, params["order"]))

    monkeypatch.setattr(services, "webhook_post", record)
    return queued


@pytest.fixture
def rep(sales_rep):  # type: ignore[no-untyped-def]
    type(sales_rep).objects.filter(pk=sales_rep.pk).update(email="wang@example.cn")
    sales_rep.email = "wang@example.cn"
    return sales_rep


def raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, params)


def choices_read(q: CaptureQueriesContext) -> int:
    return sum(any(t in x["sql"] for t in TABLES) for x in q.captured_queries)


@pytest.fixture
def orders(make_order, customer, finance_user):  # type: ignore[no-untyped-def]
    """Two submitted orders of the rep that pass the credit gate (P5.1.b), after one approved (the factory's
    reviewer exists)."""
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=finance_user)
    make_order(state="approved")
    return make_order(state="submitted"), make_order(state="submitted")


def approve(order, capture) -> int:  # type: ignore[no-untyped-def]
    """Approve the order (its notifications sent after commit); how many of the approval's statements read the
    choices or the webhooks."""
    with capture(execute=True), CaptureQueriesContext(connection) as q:
        order_approve(order=order, actor=get_user_model().objects.get(username="factory-reviewer"))
    assert order.state == "approved"
    return choices_read(q)


def mailed(order, user) -> bool:  # type: ignore[no-untyped-def]
    return any(m.to == [user.email] and order.number in m.subject for m in mail.outbox)


def test_p3_the_choices_and_webhooks_are_reference_data():
    tables = {s.table for s in refdata.refdata_sources()}
    assert set(TABLES) <= tables
    assert refdata.refdata_triggers_missing() == []


def test_p3_unchanged_choices_and_webhooks_are_not_read_again(rep, orders, posted,
                                                              django_capture_on_commit_callbacks):
    first, second = orders
    hook = DepartmentWebhook.objects.create(department="sales", url="https://chat.example.cn/robot", secret=seal("s"))
    assert approve(first, django_capture_on_commit_callbacks) > 0  # read at this version, kept
    assert approve(second, django_capture_on_commit_callbacks) == 0
    assert mailed(second, rep) and (hook.pk, second.number) in posted
    # Outside a submission or an approval nothing is kept: a page, a job reads afresh.
    with transaction.atomic(), CaptureQueriesContext(connection) as q:
        notify(recipients=[rep], kind=Kind.ORDER_APPROVED, params={"order": "SO-1"})
        notify(recipients=[rep], kind=Kind.ORDER_APPROVED, params={"order": "SO-2"})
    assert choices_read(q) == 2


def test_p2_3_the_order_centers_choices_are_read_once_per_version(make_order, sales_rep, reviewer, reviewer2,
                                                                  django_capture_on_commit_callbacks):
    first, second = make_order(state="draft"), make_order(state="draft")
    order_submit(order=first, actor=sales_rep)
    with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as q:
        order_submit(order=second, actor=sales_rep)
    assert choices_read(q) == 0
    assert {reviewer.pk, reviewer2.pk} <= set(Notification.objects.filter(
        kind=Kind.ORDER_SUBMITTED, params__order=second.number).values_list("recipient_id", flat=True))


@pytest.mark.parametrize("how", ["service", "orm", "raw_sql"])
def test_p3_a_choice_changed_is_followed_by_the_next_approval(rep, orders, how, django_capture_on_commit_callbacks):
    first, second = orders
    NotificationPreference.objects.create(user=rep, kind=Kind.ORDER_APPROVED, by_email=True)
    approve(first, django_capture_on_commit_callbacks)
    assert mailed(first, rep)
    if how == "service":
        notification_preferences_set(actor=rep, user=rep, by_email={Kind.ORDER_APPROVED.value: False})
    elif how == "orm":
        NotificationPreference.objects.filter(user=rep).update(by_email=False)
    else:
        raw("UPDATE notifications_notificationpreference SET by_email = %s WHERE user_id = %s", [False, rep.pk])
    approve(second, django_capture_on_commit_callbacks)
    assert not mailed(second, rep)


@pytest.mark.parametrize("how", ["orm", "raw_sql"])
def test_p3_a_choice_removed_is_followed_by_the_next_approval(rep, orders, how, django_capture_on_commit_callbacks):
    first, second = orders
    NotificationPreference.objects.create(user=rep, kind=Kind.ORDER_APPROVED, by_email=False)
    approve(first, django_capture_on_commit_callbacks)
    assert not mailed(first, rep)
    if how == "orm":
        NotificationPreference.objects.filter(user=rep).delete()
    else:
        raw("DELETE FROM notifications_notificationpreference WHERE user_id = %s", [rep.pk])
    approve(second, django_capture_on_commit_callbacks)
    assert mailed(second, rep)  # back to the kind's default: by e-mail


def test_p2_3_a_reviewer_who_asks_for_submissions_by_email_gets_the_next_one(
        make_order, sales_rep, reviewer, reviewer2, django_capture_on_commit_callbacks):
    type(reviewer).objects.filter(pk=reviewer.pk).update(email="qian@example.cn")
    reviewer.email = "qian@example.cn"
    first, second = make_order(state="draft"), make_order(state="draft")
    with django_capture_on_commit_callbacks(execute=True):
        order_submit(order=first, actor=sales_rep)
    assert not mailed(first, reviewer)  # submissions stay in the app by default
    notification_preferences_set(actor=reviewer, user=reviewer, by_email={Kind.ORDER_SUBMITTED.value: True})
    with django_capture_on_commit_callbacks(execute=True):
        order_submit(order=second, actor=sales_rep)
    assert mailed(second, reviewer)


@pytest.mark.parametrize("how", ["orm", "raw_sql"])
def test_p3_a_webhook_added_is_posted_to_at_the_next_approval(rep, orders, posted, how,
                                                              django_capture_on_commit_callbacks):
    first, second = orders
    approve(first, django_capture_on_commit_callbacks)
    assert posted == []
    if how == "orm":
        DepartmentWebhook.objects.create(department="sales", url="https://chat.example.cn/robot", secret=seal("s"))
    else:
        raw("INSERT INTO notifications_departmentwebhook (department, url, secret, active, created_at) "
            "VALUES (%s, %s, %s, %s, %s)", ["sales", "https://chat.example.cn/robot", seal("s"), True, timezone.now()])
    approve(second, django_capture_on_commit_callbacks)
    assert posted == [(DepartmentWebhook.objects.get().pk, second.number)]


@pytest.mark.parametrize("how", ["save", "update", "raw_sql", "deleted", "rep_left_the_department"])
def test_p3_a_webhook_deactivated_is_not_posted_to_at_the_next_approval(rep, orders, posted, how,
                                                                        django_capture_on_commit_callbacks):
    first, second = orders
    hook = DepartmentWebhook.objects.create(department="sales", url="https://chat.example.cn/robot", secret=seal("s"))
    approve(first, django_capture_on_commit_callbacks)
    before = [(hook.pk, first.number)]
    assert posted == before
    if how == "save":
        hook.active = False
        hook.save()
    elif how == "update":
        DepartmentWebhook.objects.filter(department="sales").update(active=False)
    elif how == "raw_sql":
        raw("UPDATE notifications_departmentwebhook SET active = %s WHERE id = %s", [False, hook.pk])
    elif how == "deleted":
        hook.delete()
    else:
        rep.groups.remove(Group.objects.get(name="sales"))
    approve(second, django_capture_on_commit_callbacks)
    assert mailed(second, rep)  # the rep is still told
    assert posted == before
