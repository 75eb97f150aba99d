"""Periodic job (huey): the customers classified again every night at 02:30 Asia/Shanghai (18:30 UTC)
from their order history (P4.1.b), recorded as a run in ops.JobRun; a run with failed customers is
retried by huey."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import classification_refresh

RETRIES = 3
RETRY_DELAY = 600  # seconds


@db_periodic_task(crontab(hour="18", minute="30"), retries=RETRIES, retry_delay=RETRY_DELAY)
def customer_classification_nightly() -> dict[str, int]:  # huey runs in UTC
    return classification_refresh(raise_on_failures=True)
