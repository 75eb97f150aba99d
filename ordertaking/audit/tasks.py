"""Periodic jobs (huey): the daily seal of the audit log (P6.1.a), at 00:05 Asia/Shanghai (16:05 UTC)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import audit_seal


@db_periodic_task(crontab(hour="16", minute="5"))  # huey runs in UTC: 00:05 Asia/Shanghai
def audit_seal_daily() -> int:
    """Seal every stream's head; returns the seal event's number in the seal stream."""
    return audit_seal().seq
