"""Every consumer's scheduler enqueues each periodic task, so with two servers each scheduled run is in the
queue twice: the pre-execute hook (ops/tasks.py, jobs.periodic_claim) lets one copy run and cancels the
other, whichever consumer picks it up and however late (docs/scaling.md). Run against huey's in-memory
storage and, where one answers, the real Redis of production (database 5)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
from huey import MemoryHuey, RedisHuey, crontab, signals

from ordertaking.ops.jobs import job_run, periodic_claim, periodic_slot
from ordertaking.ops.models import JobRun

REDIS = "redis://127.0.0.1:6379/5"
DAY = date(2026, 11, 30)


def _memory():  # type: ignore[no-untyped-def]
    return MemoryHuey(name=f"t-{uuid.uuid4().hex}", utc=True)


def _redis():  # type: ignore[no-untyped-def]
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379: start one with `redis-server --daemonize yes`")
    return RedisHuey(name=f"t-{uuid.uuid4().hex}", url=REDIS, utc=True)


@pytest.fixture(params=["memory", "redis"])
def huey(request):  # type: ignore[no-untyped-def]
    h = _memory() if request.param == "memory" else _redis()
    h.pre_execute("ordertaking_periodic_once")(lambda task: periodic_claim(h, task))
    yield h
    h.flush()


def _consume(h):  # type: ignore[no-untyped-def]
    """Execute everything in the queue, as the consumers would; the tasks cancelled."""
    cancelled = []
    h.signal(signals.SIGNAL_CANCELED)(lambda signal, task, *a: cancelled.append(task.id))
    while (task := h.dequeue()) is not None:
        h.execute(task)
    return cancelled


@pytest.mark.django_db
def test_p4_2_b_a_scheduled_run_enqueued_by_two_consumers_runs_once_and_records_one_run(huey):
    @huey.periodic_task(crontab(hour="22", minute="30"))
    def nightly() -> None:
        with job_run("periodic_once_test", day=DAY):
            pass

    nightly()  # consumer A's scheduler
    nightly()  # consumer B's scheduler, the same minute
    cancelled = _consume(huey)
    assert len(cancelled) == 1
    assert JobRun.objects.filter(job="periodic_once_test", day=DAY).count() == 1


@pytest.mark.django_db
def test_p4_2_b_a_retry_of_the_run_that_took_the_slot_still_runs(huey):
    calls = []

    @huey.periodic_task(crontab(minute="35"))
    def hourly() -> None:
        calls.append(1)

    hourly()
    task = huey.dequeue()
    huey.execute(task)
    huey.execute(task)  # huey's retry: the same task id
    assert len(calls) == 2


def test_other_tasks_and_inline_huey_are_never_held_back():
    h = _memory()
    h.pre_execute("ordertaking_periodic_once")(lambda task: periodic_claim(h, task))
    calls = []

    @h.task()
    def plain() -> None:
        calls.append("plain")

    plain()
    plain()
    assert _consume(h) == [] and calls == ["plain", "plain"]

    h.immediate = True  # tests and HUEY_IMMEDIATE: one process, no second consumer

    @h.periodic_task(crontab(minute="0"))
    def job() -> None:
        calls.append("job")

    job()
    job()
    assert calls.count("job") == 2


def test_the_slot_is_the_latest_due_minute_so_late_copies_agree_and_the_next_run_is_new():
    h = _memory()

    @h.periodic_task(crontab(hour="22", minute="30"))
    def nightly() -> None: ...

    task = nightly.s()
    due = datetime(2026, 11, 30, 22, 30)
    assert periodic_slot(task, datetime(2026, 11, 30, 22, 30, 5)) == due
    assert periodic_slot(task, datetime(2026, 12, 1, 9, 0)) == due  # picked up late: the same run
    assert periodic_slot(task, datetime(2026, 12, 1, 22, 30, 1)) == datetime(2026, 12, 1, 22, 30)


def test_the_project_huey_carries_the_hook():
    from huey.contrib.djhuey import HUEY

    import ordertaking.ops.tasks  # noqa: F401 - registers the hook, as the consumer's autodiscovery does

    assert "ordertaking_periodic_once" in HUEY._pre_execute
