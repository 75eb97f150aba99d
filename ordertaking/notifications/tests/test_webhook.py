"""Department webhooks (issue 10, a plus): a notification to a member of a department with a
webhook is posted to it, WeCom/DingTalk style, signed, after commit, through the job queue; tested
against a real HTTP server on this machine."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.error import HTTPError

import pytest
from django.db import transaction

from ordertaking.notifications.models import DepartmentWebhook, Kind, Notification
from ordertaking.notifications.services import notify
from ordertaking.notifications.tasks import SIGNATURE_HEADER, TIMESTAMP_HEADER, webhook_post

pytestmark = pytest.mark.django_db


class _Receiver(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    answer = 200

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append({"body": body, "headers": dict(self.headers), "path": self.path})
        self.send_response(self.answer)
        self.end_headers()
        self.wfile.write(b'{"errcode":0}')

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[_Receiver]]]:
    _Receiver.received, _Receiver.answer = [], 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/robot/send?key=abc", _Receiver
    server.shutdown()
    server.server_close()


def _valid(secret: str, headers: dict[str, str], body: bytes) -> bool:
    expected = hmac.new(secret.encode(), headers[TIMESTAMP_HEADER].encode() + b"\n" + body,
                        hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers[SIGNATURE_HEADER])


def test_a_notification_to_a_department_member_is_posted_signed_after_commit(
        receiver, sales_rep, reviewer, finance_user, django_capture_on_commit_callbacks):
    url, got = receiver
    DepartmentWebhook.objects.create(department="sales", url=url, secret="s3cret")
    DepartmentWebhook.objects.create(department="logistics", url=url, secret="other")  # nobody of theirs
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify(recipients=[sales_rep, finance_user], kind=Kind.ORDER_RETURNED, actor=reviewer,
               params={"order": "SO-11", "opinion": "请确认交期"})
        assert got.received == []  # nothing leaves before the commit
    assert len(got.received) == 1
    hit = got.received[0]
    payload = json.loads(hit["body"])
    content = f"订单 SO-11 已被退回\n{reviewer} 退回了订单 SO-11。审核意见：请确认交期"
    assert payload == {"msgtype": "text", "text": {"content": content}}
    assert hit["path"] == "/robot/send?key=abc"
    assert _valid("s3cret", hit["headers"], hit["body"])
    tampered = hit["body"].replace(b"SO-11", b"SO-12")
    assert not _valid("s3cret", hit["headers"], tampered) and not _valid("wrong", hit["headers"], hit["body"])


def test_a_rolled_back_change_posts_nothing(receiver, sales_rep, reviewer, django_capture_on_commit_callbacks):
    url, got = receiver
    DepartmentWebhook.objects.create(department="sales", url=url, secret="s")
    with (django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError),
          transaction.atomic()):
        notify(recipients=[sales_rep], kind=Kind.ORDER_APPROVED, actor=reviewer, params={"order": "SO-1"})
        raise RuntimeError("refused")
    assert got.received == [] and not Notification.objects.exists()


def test_an_inactive_webhook_gets_nothing(receiver, sales_rep, reviewer, django_capture_on_commit_callbacks):
    url, got = receiver
    DepartmentWebhook.objects.create(department="sales", url=url, secret="s", active=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[sales_rep], kind=Kind.ORDER_APPROVED, actor=reviewer, params={"order": "SO-1"})
    assert got.received == []


def test_a_failing_receiver_raises_so_the_queue_retries_and_the_notification_stays(
        receiver, sales_rep, reviewer):
    url, got = receiver
    hook = DepartmentWebhook.objects.create(department="sales", url=url, secret="s")
    assert webhook_post.s(hook.pk, "order_approved", {}, "").retries > 0
    got.answer = 500
    with pytest.raises(HTTPError):
        webhook_post.call_local(hook.pk, "order_approved", {"order": "SO-2"}, "钱审核")
    got.answer = 200
    assert webhook_post.call_local(hook.pk, "order_approved", {"order": "SO-2"}, "钱审核") == 200
    assert len(got.received) == 2
    # each try is signed at its own time
    assert all(_valid("s", r["headers"], r["body"]) for r in got.received)


@pytest.fixture
def root(make_user):  # type: ignore[no-untyped-def]
    from ordertaking.accounts.services import user_create

    return user_create(username="root1", password="Test-pass-2026!", roles=["admin"], display_name="管理员",
                       is_superuser=True)


def test_the_administrator_keeps_the_webhooks_in_the_admin_site_and_every_change_is_audited(client, root):
    from ordertaking.audit.models import AuditEvent

    client.force_login(root)
    r = client.post("/admin/notifications/departmentwebhook/add/",
                    {"department": "logistics", "url": "https://qyapi.example.cn/robot?key=1", "secret": "k1",
                     "active": "on"})
    assert r.status_code == 302, r.content.decode()[:2000]
    hook = DepartmentWebhook.objects.get()
    client.post(f"/admin/notifications/departmentwebhook/{hook.pk}/change/",
                {"department": "logistics", "url": "https://qyapi.example.cn/robot?key=1", "secret": "k2"})
    added, changed = AuditEvent.objects.filter(action__startswith="department_webhook.").order_by("pk")
    assert (added.action, added.after) == ("department_webhook.added", {
        "department": "logistics", "url": "https://qyapi.example.cn/robot?key=1", "active": True})
    assert (changed.action, changed.before, changed.after) == (
        "department_webhook.changed", {"active": True}, {"active": False, "secret_changed": True})
    assert "k1" not in str(added.after) and "k2" not in str(changed.after)  # the secret never on the record
    client.post(f"/admin/notifications/departmentwebhook/{hook.pk}/delete/", {"post": "yes"})
    assert AuditEvent.objects.filter(action="department_webhook.removed").count() == 1
    assert not DepartmentWebhook.objects.exists()


def test_the_recipients_mail_choices_and_their_departments_webhooks_are_read_together_and_both_kept(
        receiver, sales_rep, reviewer, finance_user, django_capture_on_commit_callbacks, mailoutbox):
    """One statement reads both the e-mail choices and the webhooks (issue 14): a recipient who turned the
    e-mail off gets none, one who turned it on gets it, and the department's webhook still gets its post."""
    from ordertaking.notifications.models import NotificationPreference

    url, got = receiver
    DepartmentWebhook.objects.create(department="finance", url=url, secret="s3cret")
    for user, address in ((sales_rep, "rep@example.com"), (finance_user, "fin@example.com")):
        user.email = address
        user.save(update_fields=["email"])
    NotificationPreference.objects.create(user=sales_rep, kind=Kind.ORDER_RETURNED, by_email=False)
    NotificationPreference.objects.create(user=finance_user, kind=Kind.ORDER_RETURNED, by_email=True)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        rows = notify(recipients=[sales_rep, finance_user], kind=Kind.ORDER_RETURNED, actor=reviewer,
                      params={"order": "SO-12", "opinion": "请确认交期"})
    assert len(rows) == 2
    assert [m.to for m in mailoutbox] == [["fin@example.com"]]
    assert len(got.received) == 1 and _valid("s3cret", got.received[0]["headers"], got.received[0]["body"])
