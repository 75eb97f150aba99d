"""Periodic jobs (huey): the daily P5.1.c credit monitoring run, at 06:30 Asia/Shanghai (22:30 UTC)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .monitoring import credit_monitor_run


@db_periodic_task(crontab(hour="22", minute="30"))  # huey runs in UTC: 06:30 Asia/Shanghai
def credit_monitor_daily() -> dict[int, list[str]]:
    return credit_monitor_run(today=timezone.localdate())
