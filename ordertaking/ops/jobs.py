"""Bookkeeping for scheduled jobs, usable by every chapter's job (P4.2.b: jobs that run unseen
must be seen). A job records each run with ``job_run``, isolates each item with ``run_item``
(its own transaction or savepoint: one failing customer never stops the others), and catches up
on missed days with ``days_to_run``.

    with job_run("credit_monitor", day=day) as run:
        for customer_id in ids:
            run_item(run, f"customer {customer_id}", lambda: customer_monitor(...))
    # failures were logged and counted; job_run raises JobFailed at the end so huey retries
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.functional import Promise
from huey.exceptions import CancelExecution

from .models import JobRun

logger = logging.getLogger("ordertaking.jobs")
T = TypeVar("T")

# name -> label shown to the administrator (users read words, not job names)
JOBS: dict[str, Promise | str] = {}
# How far back a missed daily job is caught up; older days are left (and visible as missing).
CATCH_UP_DAYS = 7


class JobFailed(Exception):
    """Raised after a run recorded failed items, so the queue (huey) retries the job."""


class JobAlreadyRunning(CancelExecution):
    """Another worker runs this job for this period right now (several consumers on several servers
    each enqueue the periodic task): this one stands down, and huey does not retry it."""

    def __init__(self, name: str, day: date | None) -> None:
        super().__init__(f"{name} ({day}) is running elsewhere", retry=False)


@contextmanager
def _period_lock(name: str, day: date | None) -> Iterator[None]:
    """One run of a job per period at a time, across every server (docs/scaling.md): a PostgreSQL
    advisory lock on the job and its day, held by this connection for the run. SQLite is one server."""
    if connection.vendor != "postgresql":
        yield
        return
    key = f"ordertaking.job:{name}:{day or ''}"
    with connection.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", [key])
        if not cur.fetchone()[0]:
            raise JobAlreadyRunning(name, day)
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", [key])


# How far back the slot of a periodic task is looked for, and how long a claimed slot is remembered.
SLOT_LOOKBACK = timedelta(days=32)
SLOT_CLAIM_SECONDS = 8 * 24 * 3600


def periodic_slot(task: Any, now: datetime) -> datetime:
    """The minute a periodic task was due for: its schedule's latest match at or before ``now``
    (huey's own clock, naive UTC). Two copies of one scheduled run map to the same slot however
    late each consumer picks its copy up; the next scheduled run maps to the next slot."""
    minute = now.replace(second=0, microsecond=0)
    t = minute
    while minute - t <= SLOT_LOOKBACK:
        if task.validate_datetime(t):
            return t
        t -= timedelta(minutes=1)
    return minute


class SlotAlreadyClaimed(CancelExecution):
    """Another consumer took this scheduled run: every consumer's scheduler enqueues each periodic task,
    so with two servers every run is in the queue twice. Not retried, no run recorded."""

    def __init__(self, task_name: str, slot: datetime) -> None:
        super().__init__(f"{task_name} due {slot:%Y-%m-%d %H:%M} UTC ran on another consumer", retry=False)


def periodic_claim(huey: Any, task: Any) -> None:
    """Before a periodic task runs (huey pre-execute hook, ops/tasks.py): claim its slot in huey's own
    storage (Redis with several servers), first come first served. The claim holds the task's id, so
    huey's retry of the same run passes; a second copy of the run raises SlotAlreadyClaimed. Inline
    (immediate) huey has no second consumer and claims nothing. Calling a job's function directly
    (a test, the console) never passes here: that is how a run is repeated on purpose. The advisory
    lock of job_run still keeps any two runs of one job and day from overlapping."""
    from huey.api import PeriodicTask

    if huey.immediate or not isinstance(task, PeriodicTask):
        return
    slot = periodic_slot(task, huey._get_timestamp())
    key = f"ordertaking.periodic:{type(task).__module__}.{task.name}:{slot:%Y%m%d%H%M}"
    try:
        claimed = huey.put_if_empty(key, task.id, ttl=SLOT_CLAIM_SECONDS)
    except NotImplementedError:  # Redis before 7.4 expires no hash field: a few dozen bytes a run stay
        claimed = huey.put_if_empty(key, task.id)
    if claimed:
        return
    if huey.get(key, peek=True) != task.id:
        logger.info("periodic task %s due %s: taken by another consumer", task.name, slot)
        raise SlotAlreadyClaimed(task.name, slot)


def job_register(name: str, label: Promise | str) -> str:
    JOBS[name] = label
    return name


@dataclass
class RunRecorder:
    run: JobRun
    errors: list[str] = field(default_factory=list)


@contextmanager
def job_run(name: str, *, day: date | None = None, raise_on_failures: bool = True) -> Iterator[RunRecorder]:
    """Record one run; a crash is recorded (then re-raised), failed items make it unsuccessful.
    A second worker starting the same job for the same day meanwhile gets JobAlreadyRunning."""
    with _period_lock(name, day), _recorded(name, day, raise_on_failures) as rec:
        yield rec


@contextmanager
def _recorded(name: str, day: date | None, raise_on_failures: bool) -> Iterator[RunRecorder]:
    run = JobRun.objects.create(job=name, day=day)
    rec = RunRecorder(run)
    try:
        yield rec
    except Exception as e:
        logger.exception("job %s (%s) failed", name, day)
        _finish(rec, succeeded=False, error=f"{type(e).__name__}: {e}")
        raise
    _finish(rec, succeeded=run.failed == 0, error="\n".join(rec.errors))
    if run.failed and raise_on_failures:
        raise JobFailed(f"{name}: {run.failed} item(s) failed")


def _finish(rec: RunRecorder, *, succeeded: bool, error: str) -> None:
    run = rec.run
    run.finished_at = timezone.now()
    run.succeeded = succeeded
    run.error = error[:10000]
    run.save(update_fields=["finished_at", "succeeded", "error", "done", "failed"])


def run_item(rec: RunRecorder, key: str, work: Callable[[], T]) -> T | None:
    """One item in its own transaction (a savepoint inside an outer one): a failure is logged,
    counted and rolled back alone, and the job goes on with the next item."""
    try:
        with transaction.atomic():
            result = work()
    except Exception as e:
        logger.exception("job %s: %s failed", rec.run.job, key)
        rec.run.failed += 1
        rec.errors.append(f"{key}: {type(e).__name__}: {e}")
        return None
    rec.run.done += 1
    return result


def days_to_run(name: str, *, until: date) -> list[date]:
    """The days after the last successful day up to ``until`` (at most CATCH_UP_DAYS of them);
    ``[until]`` when the job never succeeded."""
    last = (JobRun.objects.filter(job=name, succeeded=True, day__isnull=False)
            .order_by("-day").values_list("day", flat=True).first())
    if last is None:
        return [until]
    start = max(last + timedelta(days=1), until - timedelta(days=CATCH_UP_DAYS - 1))
    return [start + timedelta(days=n) for n in range((until - start).days + 1)]


def job_overview() -> list[dict[str, Any]]:
    """Each registered job with its last run and last success, for the administrator's page, in one
    statement however many jobs and runs there are (no query per job): the runs whose id is one of
    each job's newest run or newest success. Each of those is a subquery the (job, -started_at)
    index answers in a few rows, however long the history."""
    wanted: list[Any] = []  # subqueries of one id each (the type stubs expect plain ids in pk__in)
    for name in JOBS:
        newest = JobRun.objects.filter(job=name).order_by("-started_at", "-pk").values("pk")
        wanted += [Subquery(newest[:1]), Subquery(newest.filter(succeeded=True)[:1])]
    last_run: dict[str, JobRun] = {}
    last_succeeded: dict[str, JobRun] = {}
    for run in JobRun.objects.filter(pk__in=wanted).order_by("started_at", "pk"):
        last_run[run.job] = run  # oldest first: the newest of a job's (at most two) runs stays
        if run.succeeded:
            last_succeeded[run.job] = run
    return [{"name": name, "label": label, "last_run": last_run.get(name), "last_success": last_succeeded.get(name)}
            for name, label in sorted(JOBS.items())]
