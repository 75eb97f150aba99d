"""Periodic job (huey): the carriers' tallies checked against their record every night at 03:20
Asia/Shanghai (19:20 UTC), recorded as a run in ops.JobRun (shown to the administrator)."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .jobs import carrier_tallies_check


@db_periodic_task(crontab(hour="19", minute="20"))  # huey runs in UTC: 03:20 Asia/Shanghai, after the backup
def carrier_tallies_daily() -> list[dict[str, Any]]:
    return carrier_tallies_check()
