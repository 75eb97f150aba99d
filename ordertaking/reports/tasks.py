"""Periodic jobs (huey runs in UTC): rebuild the monthly revenue rollups at 01:10 Asia/Shanghai, and make
sure the sales analysis of the month just closed is generated and kept, at 02:40 (after the rollups)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .jobs import monthly_reports_run
from .services import revenue_rollup_refresh

RETRIES = 3
RETRY_DELAY = 600  # seconds


@db_periodic_task(crontab(hour="17", minute="10"))  # huey runs in UTC: 01:10 Asia/Shanghai
def revenue_rollup_nightly() -> int:
    return len(revenue_rollup_refresh())


@db_periodic_task(crontab(hour="18", minute="40"), retries=RETRIES, retry_delay=RETRY_DELAY)  # 02:40 Asia/Shanghai
def monthly_report_daily() -> list[str]:
    """Daily, so a day the machine was down is caught up the next: it generates only what is missing."""
    return monthly_reports_run()
