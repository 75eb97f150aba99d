"""One row per run of a scheduled job: when it ran, for which day, how it ended."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    job = models.CharField(_("job"), max_length=100, db_index=True)
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
        indexes = [models.Index(fields=["job", "-started_at"], name="ops_jobrun_job_started")]

    def __str__(self) -> str:
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M}"
