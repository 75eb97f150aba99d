"""Periodic job (huey): the quarter's compliance review (P5.3) exists and is assigned — checked every day
at 01:10 Asia/Shanghai (17:10 UTC), so a new quarter's review is opened on its first day; re-running is a
no-op (one review per period)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import compliance_schedule


@db_periodic_task(crontab(hour="17", minute="10"), retries=3, retry_delay=600)
def compliance_review_daily() -> None:  # huey runs in UTC
    compliance_schedule()
