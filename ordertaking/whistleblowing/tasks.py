"""Periodic job (huey): overdue whistleblowing reports escalated every day at 08:40 Asia/Shanghai
(00:40 UTC), recorded as an ops.JobRun (P6.1.b: every report is handled)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import reports_escalate

RETRIES = 3
RETRY_DELAY = 600


@db_periodic_task(crontab(hour="0", minute="40"), retries=RETRIES, retry_delay=RETRY_DELAY)
def whistleblowing_escalation_daily() -> int:  # huey runs in UTC
    return reports_escalate()
