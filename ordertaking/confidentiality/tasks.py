"""Periodic job (huey): access grants about to end are told to their holders every morning at 08:00
Asia/Shanghai (00:00 UTC), recorded as a run in ops.JobRun (P4.1.c)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .jobs import grant_expiry_run

RETRIES = 3
RETRY_DELAY = 600  # seconds


@db_periodic_task(crontab(hour="0", minute="0"), retries=RETRIES, retry_delay=RETRY_DELAY)
def access_grants_daily() -> dict[str, int]:  # huey runs in UTC
    return grant_expiry_run()
