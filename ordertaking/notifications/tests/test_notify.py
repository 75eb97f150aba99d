"""notify() (issue 10): in the caller's transaction, after commit only, in the recipient's language,
never to the actor or an inactive user; e-mail as each recipient chose."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from ordertaking.accounts.roles import Role
from ordertaking.notifications.models import Kind, Notification, NotificationPreference, UserSetting
from ordertaking.notifications.selectors import recipients_with_role
from ordertaking.notifications.services import notify
from ordertaking.notifications.texts import render

pytestmark = pytest.mark.django_db


def _mail(user, address):  # type: ignore[no-untyped-def]
    user.email = address
    user.save(update_fields=["email"])
    return user


def test_rows_are_written_in_the_callers_transaction_and_mail_goes_only_after_commit(
        sales_rep, reviewer, django_capture_on_commit_callbacks):
    _mail(sales_rep, "wang@example.cn")
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        rows = notify(recipients=[sales_rep], kind=Kind.ORDER_RETURNED, actor=reviewer,
                      params={"order": "SO-2026-0001", "opinion": "单价需与客户确认"}, url="/orders/SO-2026-0001/")
        assert Notification.objects.filter(recipient=sales_rep).count() == 1
        assert len(mail.outbox) == 0  # not before the commit
    assert len(callbacks) == 1
    assert [n.recipient for n in rows] == [sales_rep]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["wang@example.cn"]
    assert "SO-2026-0001" in mail.outbox[0].subject and "单价需与客户确认" in mail.outbox[0].body
    assert Notification.objects.get().emailed_at is not None


def test_a_rolled_back_change_leaves_no_notification_and_sends_nothing(
        sales_rep, reviewer, django_capture_on_commit_callbacks):
    _mail(sales_rep, "wang@example.cn")
    with (django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError),
          transaction.atomic()):
        notify(recipients=[sales_rep], kind=Kind.ORDER_APPROVED, actor=reviewer, params={"order": "SO-1"})
        raise RuntimeError("the caller's service failed")
    assert callbacks == [] and mail.outbox == [] and not Notification.objects.exists()


def test_the_mail_is_in_the_recipients_language_whoever_acted(
        sales_rep, sales_rep2, reviewer, django_capture_on_commit_callbacks, settings):
    settings.ORDERTAKING_BASE_URL = "https://orders.example.cn"
    _mail(sales_rep, "wang@example.cn")
    _mail(sales_rep2, "li@example.cn")
    UserSetting.objects.create(user=sales_rep2, language="en")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify(recipients=[sales_rep, sales_rep2], kind=Kind.ORDER_APPROVED, actor=reviewer,
               params={"order": "SO-9"}, url="/orders/SO-9/")
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["wang@example.cn"].subject == "订单 SO-9 已审核通过"
    assert by_address["li@example.cn"].subject == "Order SO-9 was approved"
    assert "https://orders.example.cn/orders/SO-9/" in by_address["li@example.cn"].body


def test_the_actor_and_inactive_users_are_not_notified_and_nobody_twice(
        sales_rep, sales_rep2, reviewer, django_capture_on_commit_callbacks):
    sales_rep2.is_active = False
    sales_rep2.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(recipients=[reviewer, sales_rep, sales_rep2, sales_rep], kind=Kind.ORDER_SUBMITTED,
                      actor=reviewer, params={"order": "SO-3", "customer": "华东机械"})
    assert [n.recipient_id for n in rows] == [sales_rep.pk]
    assert Notification.objects.count() == 1


def test_mail_follows_each_users_choice_and_the_default(
        sales_rep, sales_rep2, reviewer, django_capture_on_commit_callbacks):
    _mail(sales_rep, "wang@example.cn")
    _mail(sales_rep2, "li@example.cn")
    NotificationPreference.objects.create(user=sales_rep2, kind=Kind.ORDER_RETURNED, by_email=False)
    NotificationPreference.objects.create(user=sales_rep, kind=Kind.ORDER_SUBMITTED, by_email=True)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[sales_rep, sales_rep2], kind=Kind.ORDER_RETURNED, actor=reviewer,
               params={"order": "SO-4", "opinion": "x"})
        notify(recipients=[sales_rep, sales_rep2], kind=Kind.ORDER_SUBMITTED, actor=reviewer,
               params={"order": "SO-4"})
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("wang@example.cn", "订单 SO-4 已被退回"), ("wang@example.cn", "订单 SO-4 待审核")]
    assert Notification.objects.count() == 4  # in the app always


def test_a_failed_send_keeps_the_notification_and_is_tried_again(
        sales_rep, reviewer, django_capture_on_commit_callbacks, settings):
    """The mail task raises on an SMTP failure (huey retries it); the in-app row stays, and the next
    try sends it once."""
    from ordertaking.notifications.tasks import notification_mail_send

    assert notification_mail_send.s(1).retries > 0
    _mail(sales_rep, "wang@example.cn")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nobody listens
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        (n,) = notify(recipients=[sales_rep], kind=Kind.ORDER_APPROVED, actor=reviewer, params={"order": "SO-5"})
    with pytest.raises(OSError):
        notification_mail_send.call_local(n.pk)
    n.refresh_from_db()
    assert n.emailed_at is None and Notification.objects.filter(pk=n.pk).exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_mail_send.call_local(n.pk) is True
    assert notification_mail_send.call_local(n.pk) is False  # a repeated try sends nothing more
    assert len(mail.outbox) == 1 and len(callbacks) == 1


def test_recipients_with_role_are_the_active_members(reviewer, reviewer2, leader, sales_rep):
    reviewer2.is_active = False
    reviewer2.save(update_fields=["is_active"])
    assert list(recipients_with_role(Role.ORDER_CENTER)) == [reviewer]
    assert list(recipients_with_role(Role.ORDER_CENTER, capability="order_review")) == [reviewer]
    assert list(recipients_with_role(Role.LEADERSHIP, capability="order_review")) == []
    assert list(recipients_with_role("leadership")) == [leader]


def test_every_kind_reads_in_both_languages_and_missing_params_are_empty():
    from django.utils import translation

    for kind in Kind:
        # each kind names its record in the title: an order, a rectification task (supervision), or a
        # whistleblowing report by its receipt code, never an order (P6.1.b)
        key = ("report" if kind.value.startswith("whistleblowing_")
               else "task" if kind.value.startswith("rectification_") else "order")
        params = {key: "SO-7"}
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                text = render(kind, params, actor_name="王")
            assert "SO-7" in text.title and "%(" not in text.title + text.body
            if lang == "zh-hans":
                assert not any(c.isascii() and c.isalpha() for c in text.title.replace("SO", "")), text.title


def test_money_task_and_outcome_params_are_shown_in_words():
    from django.utils import translation

    with translation.override("zh-hans"):
        held = render(Kind.CREDIT_HOLD_PLACED, {"order": "SO-8", "customer": "华东", "excess": "12345.5"})
        task = render(Kind.TASK_ASSIGNED, {"order": "SO-8", "task": "inspection", "due": "2026-12-01"})
        refused = render(Kind.SPECIAL_APPROVAL_DECIDED, {"order": "SO-8", "outcome": "refused", "comment": "否"})
    assert "¥12,345.50" in held.body
    assert "检验" in task.body and "2026-12-01" in task.body
    assert "拒绝" in refused.title


def test_an_unknown_kind_is_a_programming_error(sales_rep):
    with pytest.raises(ValueError):
        notify(recipients=[sales_rep], kind="order_teleported")


def test_a_text_given_in_each_language_is_shown_in_the_readers(
        sales_rep, sales_rep2, reviewer, django_capture_on_commit_callbacks):
    from django.utils import translation

    _mail(sales_rep, "wang@example.cn")
    _mail(sales_rep2, "li@example.cn")
    UserSetting.objects.create(user=sales_rep2, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        (n, _n2) = notify(recipients=[sales_rep, sales_rep2], kind=Kind.ORDER_AT_RISK, actor=reviewer,
                          params={"order": "SO-6", "reason": {"zh-hans": "生产延误", "en": "production late"}})
    by_address = {m.to[0]: m.body for m in mail.outbox}
    assert "生产延误" in by_address["wang@example.cn"] and "production late" in by_address["li@example.cn"]
    with translation.override("en"):
        assert render(n.kind, n.params).body == "Order SO-6 may miss its delivery date: production late"
