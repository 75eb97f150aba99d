"""The demo's notifications (issue 10): they come by themselves, since the demo drives the real
services (submit, return, approve, special approval, credit hold). This step only makes the inboxes
look lived in: each user has read all but their newest few, through the reader's own service."""

from __future__ import annotations

from typing import Any

from ordertaking.notifications.models import Notification
from ordertaking.notifications.services import notification_read

UNREAD_KEPT = 3


def load(ctx: Any) -> None:
    for user in ctx.users.values():
        older = Notification.objects.filter(recipient=user, read_at__isnull=True).order_by("-created_at", "-pk")
        for n in older[UNREAD_KEPT:]:
            notification_read(actor=user, notification=n)
            ctx.count("notifications read")
