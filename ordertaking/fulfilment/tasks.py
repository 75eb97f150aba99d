"""Periodic job (huey): overdue task notices (P2.4.a), every day at 08:00 Asia/Shanghai (00:00 UTC),
recorded as an ops.JobRun (shown to the administrator). A task is told at most once a day
(Task.overdue_notified_on), so a retried or repeated run sends nothing twice."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import tasks_overdue_notify

RETRIES = 3
RETRY_DELAY = 600


@db_periodic_task(crontab(hour="0", minute="0"), retries=RETRIES, retry_delay=RETRY_DELAY)
def task_overdue_daily() -> list[int]:  # huey runs in UTC: 08:00 Asia/Shanghai
    return tasks_overdue_notify()
