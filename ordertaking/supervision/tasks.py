"""Periodic jobs (huey), each run recorded as an ops.JobRun: the follow-up of overdue rectification tasks
(P6.1.a), every day at 08:40 Asia/Shanghai (00:40 UTC)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import rectifications_overdue_run


@db_periodic_task(crontab(hour="0", minute="40"), retries=3, retry_delay=600)
def rectification_overdue_daily() -> int:  # huey runs in UTC: 08:40 Asia/Shanghai
    return rectifications_overdue_run()
