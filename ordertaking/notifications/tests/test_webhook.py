"""Department webhooks (issue 10, a plus): a notification to a member of a department with a
webhook is posted to it, WeCom/DingTalk style, signed, after commit, through the job queue; tested
against a real HTTP server on this machine."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.error import HTTPError

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ordertaking.common.sealed import TOKEN_PREFIX
from ordertaking.notifications.models import DepartmentWebhook, Kind, Notification
from ordertaking.notifications.services import notify
from ordertaking.notifications.tasks import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookSecretUnreadable,
    webhook_post,
)

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


def _hook(department: str, url: str, secret: str, **kwargs: Any) -> DepartmentWebhook:
    """A webhook as the admin form saves one: its secret encrypted (the column takes nothing else)."""
    hook = DepartmentWebhook(department=department, url=url, **kwargs)
    hook.secret_set(secret)
    hook.save()
    return hook


def _valid(secret: str, headers: dict[str, str], body: bytes) -> bool:
    expected = hmac.new(secret.encode(), headers[TIMESTAMP_HEADER].encode() + b"\n" + body,
                        hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers[SIGNATURE_HEADER])


def test_a_notification_to_a_department_member_is_posted_signed_after_commit(
        receiver, sales_rep, reviewer, finance_user, django_capture_on_commit_callbacks):
    url, got = receiver
    _hook("sales", url, "s3cret")
    _hook("logistics", url, "other")  # nobody of theirs
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
    _hook("sales", url, "s")
    with (django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError),
          transaction.atomic()):
        notify(recipients=[sales_rep], kind=Kind.ORDER_APPROVED, actor=reviewer, params={"order": "SO-1"})
        raise RuntimeError("refused")
    assert got.received == [] and not Notification.objects.exists()


def test_an_inactive_webhook_gets_nothing(receiver, sales_rep, reviewer, django_capture_on_commit_callbacks):
    url, got = receiver
    _hook("sales", url, "s", active=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[sales_rep], kind=Kind.ORDER_APPROVED, actor=reviewer, params={"order": "SO-1"})
    assert got.received == []


def test_a_failing_receiver_raises_so_the_queue_retries_and_the_notification_stays(
        receiver, sales_rep, reviewer):
    url, got = receiver
    hook = _hook("sales", url, "s")
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
                    {"department": "logistics", "url": "https://qyapi.example.cn/robot?key=1", "new_secret": "k1",
                     "active": "on"})
    assert r.status_code == 302, r.content.decode()[:2000]
    hook = DepartmentWebhook.objects.get()
    client.post(f"/admin/notifications/departmentwebhook/{hook.pk}/change/",
                {"department": "logistics", "url": "https://qyapi.example.cn/robot?key=1", "new_secret": "k2"})
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
    _hook("finance", url, "s3cret")
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


# --- the secret at rest: encrypted in the database, write-only in the admin site, opened only to sign ----------

PLAIN = "wecom-机器人-Secret-7f3a9c"  # long and unusual enough that finding it anywhere is no accident


def _stored_secrets() -> list[str]:
    """The column as the database holds it, past the model: what a dump, a backup or a look at the table sees."""
    with connection.cursor() as cur:
        cur.execute("SELECT secret FROM notifications_departmentwebhook ORDER BY id")
        return [row[0] for row in cur.fetchall()]


def _add_in_admin(client: Any, url: str, secret: str = PLAIN) -> DepartmentWebhook:
    r = client.post("/admin/notifications/departmentwebhook/add/",
                    {"department": "sales", "url": url, "new_secret": secret, "active": "on"})
    assert r.status_code == 302, r.content.decode()[:2000]
    return DepartmentWebhook.objects.get()


def test_the_secret_is_stored_encrypted_and_the_receiver_checks_the_post_with_the_plain_secret(
        client, root, receiver, sales_rep, reviewer, django_capture_on_commit_callbacks):
    url, got = receiver
    client.force_login(root)
    hook = _add_in_admin(client, url)
    [stored] = _stored_secrets()
    assert stored.startswith(TOKEN_PREFIX) and PLAIN not in stored and "Secret-7f3a9c" not in stored
    assert hook.secret_plain() == PLAIN
    exported = io.StringIO()
    call_command("dumpdata", "notifications.departmentwebhook", stdout=exported)  # Django's own export
    assert PLAIN not in exported.getvalue() and stored in exported.getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[sales_rep], kind=Kind.ORDER_APPROVED, actor=reviewer, params={"order": "SO-7"})
    [hit] = got.received
    assert _valid(PLAIN, hit["headers"], hit["body"])  # the receiver knows only the plain secret
    assert not _valid(stored, hit["headers"], hit["body"])
    assert PLAIN.encode() not in hit["body"] and PLAIN not in str(hit["headers"])


def test_a_plain_secret_written_past_the_model_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        DepartmentWebhook.objects.create(department="sales", url="https://qyapi.example.cn/r", secret=PLAIN)
    assert _stored_secrets() == []


def test_the_admin_pages_and_the_audit_trail_never_show_the_secret_only_whether_one_is_set(client, root):
    from django.contrib.admin.models import LogEntry

    from ordertaking.audit.models import AuditEvent

    client.force_login(root)
    add = client.get("/admin/notifications/departmentwebhook/add/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "未设置" in add and 'name="new_secret"' in add
    hook = _add_in_admin(client, "https://qyapi.example.cn/robot?key=1")
    [token] = _stored_secrets()
    base = f"/admin/notifications/departmentwebhook/{hook.pk}"
    for language, set_word in (("zh-hans", "已设置"), ("en", ">set<")):
        for page in ("/admin/notifications/departmentwebhook/", f"{base}/change/", f"{base}/history/"):
            html = client.get(page, HTTP_ACCEPT_LANGUAGE=language).content.decode()
            assert PLAIN not in html and token not in html and token[:20] not in html, (language, page)
            if "history" not in page:
                assert set_word in html, (language, page)
    change = client.get(f"{base}/change/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    field = change.split('name="new_secret"', 1)[0].rsplit("<input", 1)[1] + change.split('name="new_secret"', 1)[1]
    assert 'type="password"' in field and "value=" not in field.split(">", 1)[0]
    # An edit with the secret left empty keeps it, untouched; a typed one replaces it, and the trail says only that
    r = client.post(f"{base}/change/", {"department": "sales", "url": "https://qyapi.example.cn/robot?key=2",
                                         "new_secret": "", "active": "on"})
    assert r.status_code == 302
    assert _stored_secrets() == [token]
    client.post(f"{base}/change/", {"department": "sales", "url": "https://qyapi.example.cn/robot?key=2",
                                     "new_secret": "a-new-secret-42", "active": "on"})
    [new_token] = _stored_secrets()
    assert new_token != token and DepartmentWebhook.objects.get().secret_plain() == "a-new-secret-42"
    events = list(AuditEvent.objects.filter(action__startswith="department_webhook.").order_by("pk"))
    assert [e.action for e in events] == ["department_webhook.added", "department_webhook.changed",
                                          "department_webhook.changed"]
    assert events[1].after == {"url": "https://qyapi.example.cn/robot?key=2"}  # no secret_changed: it was kept
    assert events[2].after == {"secret_changed": True}
    trail = str([(e.before, e.after) for e in events]) + str([x.change_message for x in LogEntry.objects.all()])
    for value in (PLAIN, token, "a-new-secret-42", new_token):
        assert value not in trail


def test_a_secret_the_keys_do_not_open_fails_the_post_with_its_reason_logged_and_no_page_fails(
        settings, caplog, client, root, receiver, sales_rep, reviewer, django_capture_on_commit_callbacks):
    from cryptography.fernet import Fernet

    url, got = receiver
    settings.ORDERTAKING_FIELD_KEYS = [Fernet.generate_key().decode()]
    hook = _hook("sales", url, PLAIN)
    settings.ORDERTAKING_FIELD_KEYS = [Fernet.generate_key().decode()]  # the key it was sealed with is gone
    caplog.set_level(logging.ERROR, logger="ordertaking.notifications")
    with pytest.raises(WebhookSecretUnreadable) as failed:
        webhook_post.call_local(hook.pk, "order_approved", {"order": "SO-3"}, "钱审核")
    assert failed.value.retry is False  # the keys do not change while the worker runs: no retry
    [record] = [r for r in caplog.records if r.name == "ordertaking.notifications"]
    assert record.levelno == logging.ERROR
    assert f"department webhook {hook.pk} (sales) not posted: its secret cannot be decrypted" in record.getMessage()
    assert "none of the configured keys" in record.getMessage() and PLAIN not in record.getMessage()
    # Queued after a commit, as a page's change does: the notification stays, nothing is posted, nothing raises
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[sales_rep], kind=Kind.ORDER_APPROVED, actor=reviewer, params={"order": "SO-3"})
    assert got.received == [] and Notification.objects.filter(recipient=sales_rep).count() == 1
    client.force_login(root)
    for page in ("", f"{hook.pk}/change/"):
        assert client.get(f"/admin/notifications/departmentwebhook/{page}").status_code == 200


def test_with_the_old_key_behind_a_new_one_posts_stay_signed_and_reseal_moves_every_secret_to_the_new_key(
        settings, receiver, capsys):
    from cryptography.fernet import Fernet

    from ordertaking import cli

    url, got = receiver
    old, new = Fernet.generate_key(), Fernet.generate_key()
    settings.ORDERTAKING_FIELD_KEYS = [old.decode()]
    hook = _hook("sales", url, PLAIN)
    settings.ORDERTAKING_FIELD_KEYS = [new.decode(), old.decode()]  # rotation: the new key first, the old opens
    assert webhook_post.call_local(hook.pk, "order_approved", {"order": "SO-4"}, "钱审核") == 200
    assert cli.main(["reseal-secrets"]) == 0
    assert "1 secret(s) re-encrypted" in capsys.readouterr().out
    [stored] = _stored_secrets()
    assert Fernet(new).decrypt(stored.encode()).decode() == PLAIN
    settings.ORDERTAKING_FIELD_KEYS = [new.decode()]  # the old key dropped
    assert webhook_post.call_local(hook.pk, "order_approved", {"order": "SO-4"}, "钱审核") == 200
    assert len(got.received) == 2 and all(_valid(PLAIN, r["headers"], r["body"]) for r in got.received)
    # A secret no configured key opens is named and left as it is; the console says it failed
    settings.ORDERTAKING_FIELD_KEYS = [Fernet.generate_key().decode()]
    assert cli.main(["reseal-secrets"]) == 1
    assert f"department webhook {hook.pk} (sales): none of the configured keys" in capsys.readouterr().err
    assert _stored_secrets() == [stored]


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_the_secrets_already_there_and_going_back_restores_them():
    from tests.migrations import migrated_back

    with migrated_back("notifications", "0008_legal_kinds") as to:  # as before: plain secrets
        with connection.cursor() as cur:
            cur.execute("INSERT INTO notifications_departmentwebhook (department, url, secret, active, created_at) "
                        "VALUES (%s, %s, %s, %s, %s)", ["sales", "https://qyapi.example.cn/r", PLAIN, True,
                                                        timezone.now()])
        to("0009_webhook_secret_sealed")
        [stored] = _stored_secrets()
        assert stored.startswith(TOKEN_PREFIX) and PLAIN not in stored
        assert DepartmentWebhook.objects.get().secret_plain() == PLAIN
        to("0008_legal_kinds")
        assert _stored_secrets() == [PLAIN]
    assert _stored_secrets()[0].startswith(TOKEN_PREFIX)


@pytest.mark.django_db(transaction=True)
def test_a_backup_holds_the_secret_encrypted_only(tmp_path):
    from tests.backups import backup_content

    _hook("sales", "https://qyapi.example.cn/r", PLAIN)
    [token] = _stored_secrets()
    content = backup_content(tmp_path)
    assert token.encode() in content
    assert PLAIN.encode() not in content and b"Secret-7f3a9c" not in content
