"""Several job consumers (one per server) each enqueue the periodic tasks: a job runs once for its day at
a time; the second worker stands down without a retry and without a second run record (docs/scaling.md)."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from huey.exceptions import CancelExecution

from ordertaking.ops.jobs import JobAlreadyRunning, job_run
from ordertaking.ops.models import JobRun
from tests.concurrency import race

DAY = date(2026, 11, 30)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_starting_one_job_for_one_day_at_once_make_one_run() -> None:
    inside = threading.Event()

    def worker() -> str:
        with job_run("scale_test_job", day=DAY):
            inside.set()
            time.sleep(1.5)  # the other worker starts while this one runs
        return "ran"

    results = race(worker, worker)
    assert sorted(type(r).__name__ for r in results) == ["JobAlreadyRunning", "str"], results
    stood_down = next(r for r in results if isinstance(r, JobAlreadyRunning))
    assert isinstance(stood_down, CancelExecution) and stood_down.retry is False
    assert JobRun.objects.filter(job="scale_test_job", day=DAY).count() == 1
    # the lock is released with the run: the next day's run (and a later retry) may start
    with job_run("scale_test_job", day=DAY):
        pass
    assert JobRun.objects.filter(job="scale_test_job", day=DAY, succeeded=True).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_different_days_and_jobs_do_not_wait_for_each_other() -> None:
    def worker(name: str, day: date):  # type: ignore[no-untyped-def]
        def run() -> str:
            with job_run(name, day=day):
                time.sleep(1.0)
            return "ran"
        return run

    assert race(worker("scale_a", DAY), worker("scale_a", date(2026, 11, 29)), worker("scale_b", DAY)) == \
        ["ran", "ran", "ran"]
