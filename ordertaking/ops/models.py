"""One row per run of a scheduled job: when it ran, for which day, how it ended."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    job = models.CharField(_("job"), max_length=100)  # indexed first in ops_jobrun_job_started
    # The business day the run covers (Asia/Shanghai); a catch-up run covers a missed day.
    day = models.DateField(_("day"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # None while running (or when the worker died mid-run).
    succeeded = models.BooleanField(_("succeeded"), null=True)
    done = models.PositiveIntegerField(_("items done"), default=0)
    failed = models.PositiveIntegerField(_("items failed"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [
            # a job's newest run and newest success (jobs.job_overview, one index probe each)
            models.Index(fields=["job", "-started_at"], name="ops_jobrun_job_started"),
            # the jobs page's recent runs, newest first, across every job
            models.Index(fields=["-started_at", "-id"], name="ops_jobrun_started"),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M}"


class BackupRecord(models.Model):
    """One backup the system made (P4.2.b), and what became of it: verified by a restore, removed by the
    retention rule. The files themselves are in the backup directory (and the offsite bucket)."""

    name = models.CharField(_("backup"), max_length=64, unique=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    succeeded = models.BooleanField(_("succeeded"), null=True)
    vendor = models.CharField(_("database"), max_length=20, blank=True)
    size_bytes = models.BigIntegerField(_("backup size"), default=0)
    tables = models.PositiveIntegerField(_("tables"), default=0)
    rows = models.BigIntegerField(_("rows"), default=0)
    error = models.TextField(_("error"), blank=True)
    # The last restore of this backup into a scratch database, and whether everything verified.
    restore_checked_at = models.DateTimeField(_("restore verified at"), null=True, blank=True)
    restore_ok = models.BooleanField(_("restore verified"), null=True)
    restore_report = models.TextField(_("restore report"), blank=True)
    removed_at = models.DateTimeField(_("removed by retention"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["-started_at"], name="ops_backup_started")]

    def __str__(self) -> str:
        return self.name
