"""The administrator's page of scheduled jobs: each job's last run and last success (P4.2.b)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .backup import backup_overdue
from .jobs import job_overview
from .models import BackupRecord, JobRun


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("accounts.user_manage"):  # the administrator (P3)
        raise PermissionDenied
    jobs = job_overview()
    labels = {j["name"]: j["label"] for j in jobs}
    runs = list(JobRun.objects.all()[:50])
    for r in runs:
        r.label = labels.get(r.job, r.job)  # type: ignore[attr-defined]
    return render(request, "ops/job_list.html", {"jobs": jobs, "runs": runs})


@login_required
@require_http_methods(["GET", "POST"])
def backup_list(request: HttpRequest) -> HttpResponse:
    """The administrator's backups (P4.2.b): history, the last verified restore, an overdue or failed
    backup in red, and "back up now" (queued: a backup never runs inside a web request)."""
    if not request.user.has_perm("accounts.user_manage"):
        raise PermissionDenied
    if request.method == "POST":
        from .tasks import backup_now

        backup_now()
        messages.success(request, _("A backup has been queued; it appears here when it is done."))
        return redirect("ops:backups")
    records = list(BackupRecord.objects.all()[:60])
    last_verified = (BackupRecord.objects.filter(restore_ok=True).order_by("-restore_checked_at", "-pk").first())
    last = records[0] if records else None
    return render(request, "ops/backup_list.html", {
        "records": records, "last_verified": last_verified, "overdue": backup_overdue(),
        "last_failed": last is not None and (last.succeeded is False or last.restore_ok is False)})
