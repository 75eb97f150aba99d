"""Outgoing mail goes through the job queue, never from a web worker.

A service calls ``mail_after_commit`` inside its transaction. Once the transaction commits, the
mail is queued as a huey task; the worker sends it with ``EMAIL_TIMEOUT`` on the SMTP connection
and retries when the server fails or hangs. A slow or dead SMTP server therefore delays mail,
never a page or an API answer, and a rolled-back change sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from huey.contrib.djhuey import task

logger = logging.getLogger("ordertaking.mail")

MAIL_RETRIES = 5
MAIL_RETRY_DELAY = 300  # seconds between tries: 25 minutes of SMTP trouble before a mail is given up


@task(retries=MAIL_RETRIES, retry_delay=MAIL_RETRY_DELAY)
def mail_send(subject: str, body: str, recipients: list[str], from_email: str | None = None) -> int:
    """Send one mail; an SMTP error or timeout raises, so huey tries again later."""
    return send_mail(subject, body, from_email or settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)


def mail_after_commit(*, subject: str, body: str, to: Sequence[str]) -> None:
    """Queue a mail for when the current transaction commits (nothing when it rolls back)."""
    recipients = [a for a in to if a]
    if not recipients:
        return
    subject, body = str(subject), str(body)  # lazy translations are resolved now, in the user's language
    transaction.on_commit(lambda: mail_send(subject, body, recipients))
