"""Periodic jobs (huey): the daily P5.1.c credit monitoring run, at 06:30 Asia/Shanghai (22:30 UTC).

Each run is recorded (ops.JobRun, shown to the administrator); a run with failed customers is
retried by huey; days missed while no worker ran are caught up by the next run and when the
worker starts (ops.jobs.days_to_run)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from ordertaking.ops.jobs import days_to_run

from .monitoring import CREDIT_MONITOR_JOB, credit_monitor_run

RETRIES = 3
RETRY_DELAY = 600  # seconds: a database restart or a lock held for a while is over by then


def credit_monitor_catch_up(*, until: date | None = None) -> dict[int, list[str]]:
    """Run the monitoring for every day since the last successful one, oldest first, up to ``until``
    (today by default). One failed day stops the catch-up there: the next try starts from it."""
    last_day = until or timezone.localdate()
    result: dict[int, list[str]] = {}
    for day in days_to_run(CREDIT_MONITOR_JOB, until=last_day):
        result.update(credit_monitor_run(today=day))
    return result


@db_periodic_task(crontab(hour="22", minute="30"), retries=RETRIES, retry_delay=RETRY_DELAY)
def credit_monitor_daily() -> dict[int, list[str]]:  # huey runs in UTC: 06:30 Asia/Shanghai
    return credit_monitor_catch_up()


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def credit_monitor_missed() -> dict[int, list[str]]:
    """Queued when the worker starts: the days before today that no run covered."""
    return credit_monitor_catch_up(until=timezone.localdate() - timedelta(days=1))


@HUEY.on_startup()
def _catch_up_on_start() -> None:
    if days_to_run(CREDIT_MONITOR_JOB, until=timezone.localdate() - timedelta(days=1)):
        credit_monitor_missed()
