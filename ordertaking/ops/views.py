"""The administrator's page of scheduled jobs: each job's last run and last success (P4.2.b)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .jobs import job_overview
from .models import JobRun


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
