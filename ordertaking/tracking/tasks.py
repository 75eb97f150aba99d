"""Periodic job (huey): the daily at-risk check, at 06:00 Asia/Shanghai (22:00 UTC), recorded as a
run in ops.JobRun (shown to the administrator); a run with failed orders is retried by huey."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .jobs import risk_run

RETRIES = 3
RETRY_DELAY = 600  # seconds


@db_periodic_task(crontab(hour="22", minute="0"), retries=RETRIES, retry_delay=RETRY_DELAY)
def risk_refresh_daily() -> dict[str, int]:  # huey runs in UTC: 06:00 Asia/Shanghai
    return risk_run(today=timezone.localdate())
