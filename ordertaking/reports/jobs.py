"""The monthly sales analysis job (P4.2.c 定期统计分析): the report of each closed month, generated once
and kept (models.MonthlyReport). Runs daily and does nothing when the last closed month is already kept;
after downtime it catches up the missing months (at most CATCH_UP_MONTHS back). Each month is one item of
the run (ops.jobs), so the administrator sees a failure and huey retries it."""

from __future__ import annotations

from datetime import date
from functools import partial

from django.utils import timezone
from django.utils.translation import gettext_lazy

from ordertaking.ops.jobs import job_register, job_run, run_item

from .models import MonthlyReport
from .services import monthly_report_generate
from .statistics import _add_months

MONTHLY_JOB = job_register("monthly_sales_analysis", gettext_lazy("Monthly sales analysis (P4.2.c)"))
CATCH_UP_MONTHS = 3


def months_missing(*, today: date) -> list[date]:
    last_closed = _add_months(date(today.year, today.month, 1), -1)
    months = [_add_months(last_closed, -n) for n in range(CATCH_UP_MONTHS - 1, -1, -1)]
    have = set(MonthlyReport.objects.filter(month__in=months).values_list("month", flat=True))
    return [m for m in months if m not in have]


def monthly_reports_run(*, today: date | None = None, raise_on_failures: bool = True) -> list[str]:
    today = today or timezone.localdate()
    missing = months_missing(today=today)
    done: list[str] = []
    if not missing:
        return done
    with job_run(MONTHLY_JOB, day=today, raise_on_failures=raise_on_failures) as run:
        for month in missing:
            if run_item(run, f"{month:%Y-%m}", partial(monthly_report_generate, month=month)) is not None:
                done.append(f"{month:%Y-%m}")
    return done
