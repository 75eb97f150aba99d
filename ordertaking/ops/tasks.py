"""Scheduled backups (P4.2.b): every night at 02:30 Asia/Shanghai a backup is made, restored into a
scratch database to prove it restores, and the retention rule applied; every morning at 09:00 the
administrators are told when no backup succeeded in the last ORDERTAKING_BACKUP_MAX_AGE_HOURS.
And the hook that runs each scheduled run of every periodic task once across consumers (jobs.periodic_claim)."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from .backup import BACKUP_JOB, backup_alarm, backup_overdue, backup_run
from .jobs import job_register, job_run, periodic_claim

BACKUP_WATCH_JOB = "backup_watch"


def _labels() -> None:
    from django.utils.translation import gettext_lazy as _

    job_register(BACKUP_JOB, _("Nightly backup and restore check"))
    job_register(BACKUP_WATCH_JOB, _("Backup watch (alarm when a backup is overdue)"))


_labels()


@HUEY.pre_execute("ordertaking_periodic_once")
def _periodic_once(task: Any) -> None:
    """Each scheduled run of every chapter's periodic task once, however many consumers enqueued it
    (docs/scaling.md)."""
    periodic_claim(HUEY, task)


def backup_scheduled() -> Any:
    with job_run(BACKUP_JOB) as run:
        record = backup_run()
        if record.succeeded:
            run.run.done += 1
        else:
            run.run.failed += 1
            run.errors.append(record.error)
    return record.pk


@db_periodic_task(crontab(hour="18", minute="30"))  # huey runs in UTC: 02:30 Asia/Shanghai
def backup_nightly() -> Any:
    return backup_scheduled()


@db_task()
def backup_now() -> Any:
    """The administrator's "back up now": the same run as the nightly one."""
    return backup_scheduled()


def backup_watch() -> bool:
    """True (and the administrators told) when the last successful backup is too old."""
    with job_run(BACKUP_WATCH_JOB):
        overdue = backup_overdue()
        if overdue:
            backup_alarm(None)
    return overdue


@db_periodic_task(crontab(hour="1", minute="0"))  # 09:00 Asia/Shanghai
def backup_watch_daily() -> bool:
    return backup_watch()
