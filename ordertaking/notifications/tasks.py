"""What leaves the building, through the job queue after commit: a notification's e-mail and a
department's webhook post. Each retries on failure (the in-app row is already safe in the database)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import time
import urllib.request
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from huey.contrib.djhuey import task
from huey.exceptions import CancelExecution

from ordertaking.common.mail import MAIL_RETRIES, MAIL_RETRY_DELAY
from ordertaking.common.sealed import SecretUnreadable

from .texts import render

logger = logging.getLogger("ordertaking.notifications")

WEBHOOK_RETRIES = 5
WEBHOOK_RETRY_DELAY = 120  # seconds
WEBHOOK_TIMEOUT = 10  # seconds per POST
TIMESTAMP_HEADER = "X-Ordertaking-Timestamp"
SIGNATURE_HEADER = "X-Ordertaking-Signature"


@task(retries=MAIL_RETRIES, retry_delay=MAIL_RETRY_DELAY)
def notification_mail_send(notification_id: int) -> bool:
    """E-mail one notification in its recipient's language. Sent once: a retry after a success, or
    a second queueing, finds `emailed_at` set and does nothing. An SMTP error raises, huey retries."""
    from .models import Notification
    from .selectors import user_language

    n = Notification.objects.select_related("recipient", "actor").filter(pk=notification_id).first()
    if n is None or n.emailed_at is not None or not n.recipient.email or not n.recipient.is_active:
        return False
    with translation.override(user_language(n.recipient)):
        text = render(n.kind, n.params, actor_name=str(n.actor) if n.actor else "")
        body = text.body
        base = (getattr(settings, "ORDERTAKING_BASE_URL", "") or os.environ.get("ORDERTAKING_BASE_URL", "")).rstrip("/")
        if n.url and base:  # a link only when the site knows its own address
            body = f"{body}\n\n{base}{n.url}"
    send_mail(text.title, body, settings.DEFAULT_FROM_EMAIL, [n.recipient.email], fail_silently=False)
    Notification.objects.filter(pk=n.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    return True


class WebhookSecretUnreadable(CancelExecution):
    """The webhook's stored secret does not decrypt with the configured keys (common/sealed.py): the post is
    not made, unsigned or otherwise, and not retried (the keys do not change while the worker runs); the log
    says why. The in-app notification is safe in the database."""

    def __init__(self, webhook_id: int) -> None:
        super().__init__(f"department webhook {webhook_id}: secret cannot be decrypted", retry=False)


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256, keyed with the webhook's secret, of the timestamp, a newline and the body."""
    return hmac.new(secret.encode(), timestamp.encode() + b"\n" + body, hashlib.sha256).hexdigest()


def webhook_payload(kind: str, params: dict[str, Any], actor_name: str) -> bytes:
    """WeCom/DingTalk robot style: {"msgtype": "text", "text": {"content": ...}} in the company's language."""
    with translation.override(settings.LANGUAGE_CODE):
        text = render(kind, params, actor_name=actor_name)
    content = f"{text.title}\n{text.body}"
    return json.dumps({"msgtype": "text", "text": {"content": content}}, ensure_ascii=False).encode()


@task(retries=WEBHOOK_RETRIES, retry_delay=WEBHOOK_RETRY_DELAY)
def webhook_post(webhook_id: int, kind: str, params: dict[str, Any], actor_name: str) -> int:
    """POST one notification to a department's webhook, signed at send time (a retry signs anew) with the
    secret decrypted here, in the worker, and nowhere else. A network error or a non-2xx answer raises, so huey
    tries again; a secret that does not decrypt fails the job at once (WebhookSecretUnreadable, logged)."""
    from .models import DepartmentWebhook

    hook = DepartmentWebhook.objects.filter(pk=webhook_id, active=True).first()
    if hook is None:
        return 0
    try:
        secret = hook.secret_plain()
    except SecretUnreadable as e:
        logger.error("department webhook %s (%s) not posted: its secret cannot be decrypted: %s. Configure "
                     "the key it was encrypted with, or enter the secret anew in the admin site.",
                     hook.pk, hook.department, e)
        raise WebhookSecretUnreadable(hook.pk) from None
    body = webhook_payload(kind, params, actor_name)
    timestamp = str(int(time.time()))
    request = urllib.request.Request(hook.url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: webhook_signature(secret, timestamp, body),
    })
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:  # noqa: S310 (admin's URL)
        status = int(response.status)
    if not 200 <= status < 300:
        raise RuntimeError(f"webhook {hook.pk} answered {status}")
    return status
