"""The daily acceptance-issue run (P2.5.d 规定时间): each open general issue with a deadline is looked at —
the rep reminded the working day before, the rep's leader told once it has passed. Each issue is one item
of the run (ops.jobs): one that fails is logged and counted, the others go on."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from django.utils import timezone
from django.utils.translation import gettext_lazy

from ordertaking.deliveries.models import AcceptanceIssue
from ordertaking.ops.jobs import job_register, job_run, run_item

from .selectors import issues_to_watch
from .services import issue_watch

ISSUE_JOB = job_register("acceptance_issues", gettext_lazy("Daily reminders and escalation of acceptance issues "
                                                           "(P2.5.d)"))


def _watch(issue_id: int, today: date, now: datetime) -> str:
    return issue_watch(issue=AcceptanceIssue.objects.get(pk=issue_id), today=today, now=now)


def acceptance_issue_run(*, today: date, now: datetime | None = None,
                         raise_on_failures: bool = True) -> dict[str, int]:
    now = now or timezone.now()
    ids = issues_to_watch(today)
    counts = {"issues": len(ids), "reminded": 0, "escalated": 0}
    with job_run(ISSUE_JOB, day=today, raise_on_failures=raise_on_failures) as run:
        for issue_id in ids:
            outcome = run_item(run, f"issue {issue_id}", partial(_watch, issue_id, today, now))
            if outcome:
                counts[outcome] += 1
    return counts
