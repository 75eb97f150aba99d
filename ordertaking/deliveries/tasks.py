"""Periodic jobs of deliveries (huey), each recorded as a run in ops.JobRun."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .acceptance.jobs import acceptance_issue_run

RETRIES = 3
RETRY_DELAY = 600  # seconds


@db_periodic_task(crontab(hour="0", minute="30"), retries=RETRIES, retry_delay=RETRY_DELAY)
def acceptance_issues_daily() -> dict[str, int]:  # huey runs in UTC: 08:30 Asia/Shanghai
    return acceptance_issue_run(today=timezone.localdate())
