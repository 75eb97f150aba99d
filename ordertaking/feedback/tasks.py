"""Periodic jobs (huey), each run recorded as an ops.JobRun (shown to the administrator):
- complaint deadlines (P3.2), every day at 08:30 Asia/Shanghai (00:30 UTC): the reminder the working day
  before, the escalation once passed;
- survey invitations (P6.1.c), every hour: accepted orders not yet invited get their survey mail. The
  acceptance (deliveries) sits below feedback and cannot call survey_invite itself, so this sweep is
  how the invitation follows the acceptance (within the hour); the customer's survey page also opens
  the survey at once for an accepted order."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import complaints_deadline_run, surveys_invite_missing

RETRIES = 3
RETRY_DELAY = 600


@db_periodic_task(crontab(hour="0", minute="30"), retries=RETRIES, retry_delay=RETRY_DELAY)
def complaint_deadlines_daily() -> dict[str, int]:  # huey runs in UTC: 08:30 Asia/Shanghai
    return complaints_deadline_run()


@db_periodic_task(crontab(minute="35"), retries=RETRIES, retry_delay=RETRY_DELAY)
def survey_invitations_daily() -> list[int]:
    return surveys_invite_missing()
