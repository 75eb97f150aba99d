"""Scheduled jobs' run records (P4.2.b): isolation per item, catch-up, and the administrator's page."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ordertaking.ops import jobs
from ordertaking.ops.models import JobRun

pytestmark = pytest.mark.django_db


def test_p4_2_b_a_run_records_done_and_failed_items_and_rolls_back_only_the_failed_one(sales_rep):
    from ordertaking.accounts.models import User

    def rename(name: str) -> None:
        User.objects.filter(pk=sales_rep.pk).update(display_name=name)
        if name == "bad":
            raise ValueError("refused")

    with jobs.job_run("test_job", day=date(2026, 11, 30), raise_on_failures=False) as run:
        jobs.run_item(run, "first", lambda: rename("好"))
        jobs.run_item(run, "second", lambda: rename("bad"))
    sales_rep.refresh_from_db()
    assert sales_rep.display_name == "好"
    row = JobRun.objects.get(job="test_job")
    assert (row.done, row.failed, row.succeeded) == (1, 1, False)
    assert "second: ValueError: refused" in row.error


def test_p4_2_b_a_job_that_crashes_is_recorded_as_failed():
    with pytest.raises(ZeroDivisionError), jobs.job_run("test_job"):
        _ = 1 / 0
    row = JobRun.objects.get(job="test_job")
    assert row.succeeded is False and "ZeroDivisionError" in row.error and row.finished_at


def test_p4_2_b_missed_days_are_caught_up_at_most_a_week_back():
    today = date(2026, 11, 30)
    assert jobs.days_to_run("test_job", until=today) == [today]
    JobRun.objects.create(job="test_job", day=today - timedelta(days=3), succeeded=True)
    JobRun.objects.create(job="test_job", day=today - timedelta(days=2), succeeded=False)
    assert jobs.days_to_run("test_job", until=today) == [today - timedelta(days=n) for n in (2, 1, 0)]
    JobRun.objects.filter(job="test_job").update(day=today - timedelta(days=30))
    assert len(jobs.days_to_run("test_job", until=today)) == jobs.CATCH_UP_DAYS


def test_p4_2_b_the_administrator_sees_each_jobs_last_run_and_last_success_in_both_languages(
        client, admin_user_role, sales_rep):
    import ordertaking.finance.tasks  # noqa: F401  (registers the credit monitoring job)

    JobRun.objects.create(job="credit_monitor", day=date(2026, 11, 29), succeeded=True, done=16,
                          finished_at=timezone.now() - timedelta(days=1))
    JobRun.objects.create(job="credit_monitor", day=date(2026, 11, 30), succeeded=False, done=15, failed=1,
                          error="customer 7: RuntimeError", finished_at=timezone.now())
    client.force_login(admin_user_role)
    zh = client.get(reverse("ops:jobs")).content.decode()
    assert "每日信用监控" in zh and "失败" in zh and "最近成功" in zh
    en = client.get(reverse("ops:jobs"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Daily credit monitoring (P5.1.c)" in en and "Last success" in en
    assert "credit_monitor" not in en.replace('data-job="credit_monitor"', "")  # words, not the job's key
    client.force_login(sales_rep)
    assert client.get(reverse("ops:jobs")).status_code == 403


def test_p4_2_b_every_chapters_job_is_named_by_its_label_in_both_languages_on_the_page(client, admin_user_role):
    """Each chapter registers its jobs in its own `jobs` or `tasks` module; ops discovers them all at start-up,
    so the page names every job that ran in words (not its key), whatever module the web process imported."""
    from django.utils import translation
    from django.utils.html import escape

    assert {"acceptance_issues", "access_grants", "monthly_sales_analysis", "credit_monitor", "carrier_tallies",
            "risk_refresh", "backup"} <= set(jobs.JOBS)
    for name in jobs.JOBS:
        JobRun.objects.create(job=name, day=date(2026, 11, 30), succeeded=True, done=1, finished_at=timezone.now())
    client.force_login(admin_user_role)
    for lang in ("zh-hans", "en"):
        page = client.get(reverse("ops:jobs"), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        for name, label in jobs.JOBS.items():
            with translation.override(lang):
                words = str(label)
            assert escape(words) in page, (lang, name)
            assert f">{name}<" not in page, (lang, name)
            if lang == "zh-hans":
                with translation.override("en"):
                    assert words != str(label), f"{name} has no Chinese label"


def _runs(names: list[str], per_job: int, start: datetime) -> None:
    """``per_job`` runs of each job an hour apart, newest first: succeeded, failed, still running (or crashed), ..."""
    outcomes = [True, False, None]
    for i, name in enumerate(names):
        for k in range(per_job):
            started = start - timedelta(hours=k, minutes=i)
            ok = outcomes[(i + k) % 3]
            JobRun.objects.create(job=name, day=started.date(), started_at=started, succeeded=ok, done=k,
                                  failed=int(ok is False), finished_at=None if ok is None and k % 2 else started)


def test_p4_2_b_each_jobs_last_run_and_last_success_are_the_ones_a_query_per_job_finds():
    """One statement for every job gives each job the same last run and last success as asking job by job would:
    the newest by start (the later row on a tie), a success only if one succeeded, nothing for a job never run."""
    names = sorted(jobs.JOBS)
    start = timezone.now().replace(microsecond=0)
    _runs(names[:-1], 4, start)  # the last job never ran
    JobRun.objects.create(job=names[0], started_at=start, succeeded=True, finished_at=start)  # a tie: the later row
    JobRun.objects.create(job=names[1], started_at=start + timedelta(hours=1), succeeded=False)
    JobRun.objects.filter(job=names[2], succeeded=True).update(succeeded=False)  # never succeeded
    JobRun.objects.create(job="not_a_registered_job", started_at=start + timedelta(days=1), succeeded=True)

    def newest(**where):  # type: ignore[no-untyped-def]
        return JobRun.objects.filter(**where).order_by("-started_at", "-pk").first()

    overview = jobs.job_overview()
    assert [row["name"] for row in overview] == names
    for row in overview:
        name = row["name"]
        assert (row["last_run"], row["last_success"]) == (newest(job=name), newest(job=name, succeeded=True)), name
        assert row["label"] == jobs.JOBS[name]
    by_name = {row["name"]: row for row in overview}
    assert by_name[names[0]]["last_run"].succeeded is True and by_name[names[0]]["last_run"].started_at == start
    assert by_name[names[2]]["last_success"] is None and by_name[names[-1]]["last_run"] is None


def test_p4_2_b_the_jobs_page_query_count_does_not_grow_with_the_jobs_or_their_runs(client, admin_user_role,
                                                                                      monkeypatch):
    """The page asks for every job's last run and last success at once: three times the runs, or three times the
    jobs, and it still takes the same statements (no query per job)."""
    start = timezone.now()

    def statements() -> int:
        client.get(reverse("ops:jobs"))  # warm the session and permission caches like any later request
        with CaptureQueriesContext(connection) as q:
            page = client.get(reverse("ops:jobs"))
        assert page.status_code == 200 and page.content.decode().count("<tr data-job=") == len(jobs.JOBS)
        return len(q.captured_queries)

    client.force_login(admin_user_role)
    _runs(sorted(jobs.JOBS), 2, start)
    few = statements()
    _runs(sorted(jobs.JOBS), 4, start - timedelta(days=1))
    assert statements() == few
    for n in range(2 * len(jobs.JOBS)):
        monkeypatch.setitem(jobs.JOBS, f"extra_job_{n:02}", f"Extra job {n}")
    _runs(sorted(jobs.JOBS), 6, start - timedelta(days=2))
    assert statements() == few <= 6
