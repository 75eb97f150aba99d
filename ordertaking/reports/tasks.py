"""Periodic job (huey): rebuild the dashboard's monthly revenue rollups at 01:10 Asia/Shanghai."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import revenue_rollup_refresh


@db_periodic_task(crontab(hour="17", minute="10"))  # huey runs in UTC: 01:10 Asia/Shanghai
def revenue_rollup_nightly() -> int:
    return len(revenue_rollup_refresh())
