"""P5.1.c monitoring: the daily job re-scores payment records and applies the policy's measures
(lower limit, shorter terms, dunning tasks, alerts, stop), each recorded; runs via huey."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import ValidationFailed
from ordertaking.credit.models import CreditAlert, CustomerCredit
from ordertaking.finance.models import DunningTask
from ordertaking.finance.monitoring import credit_monitor_run
from ordertaking.finance.services import invoice_issue

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def overdue_invoice(customer, make_order, approve, evaluate, finance_user):  # type: ignore[no-untyped-def]
    """An AA customer (score 74) with one net-30 invoice issued today, due in 30 days."""
    evaluate(customer)
    order, _hold = approve(make_order(customer, total="20000.00", payment="net30"))
    return invoice_issue(order=order, actor=finance_user)


def test_p5_1_c_nothing_happens_while_invoices_are_not_overdue(overdue_invoice):
    assert credit_monitor_run(today=overdue_invoice.due_date) == {}
    assert CustomerCredit.objects.get(customer=overdue_invoice.customer).rating == "AA"


def test_p5_1_c_a_falling_rating_tightens_limit_and_terms_and_alerts(overdue_invoice, finance_user, sales_rep):
    result = credit_monitor_run(today=overdue_invoice.due_date + timedelta(days=10))
    credit = CustomerCredit.objects.get(customer=overdue_invoice.customer)
    assert result == {credit.customer_id: ["rating"]}
    assert (credit.rating, credit.credit_limit, credit.max_term_days) == ("A", D("500000.00"), 30)
    ev = AuditEvent.objects.get(action="credit.rating_lowered")
    assert ev.before is not None and ev.after is not None
    assert (ev.before["rating"], ev.after["rating"], ev.clause) == ("AA", "A", "P5.1.c")
    assert set(CreditAlert.objects.values_list("recipient", flat=True)) == {finance_user.pk, sales_rep.pk}


def test_p5_1_c_overdue_past_the_threshold_cuts_limit_and_terms_and_creates_dunning_tasks(
        overdue_invoice, finance_user, sales_rep, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    finance_user.email = "wu@example.cn"
    finance_user.save()
    today = overdue_invoice.due_date + timedelta(days=35)
    with django_capture_on_commit_callbacks(execute=True):
        credit_monitor_run(today=today)
    credit = CustomerCredit.objects.get(customer=overdue_invoice.customer)
    # Rating AA → A gives 500,000 / 30 days; the measures then cut 30 % and the term to 15 days.
    assert (credit.credit_limit, credit.max_term_days, credit.risk_level) == (D("350000.00"), 15, 1)
    tasks = DunningTask.objects.filter(customer=credit.customer)
    assert {t.assignee_id for t in tasks} == {finance_user.pk, sales_rep.pk}
    assert all(t.invoice_id == overdue_invoice.pk and t.due_date == today + timedelta(days=3) for t in tasks)
    measures = AuditEvent.objects.get(action="credit.measures_applied")
    assert measures.after is not None and measures.after["worst_days_overdue"] == 35
    assert any("wu@example.cn" in m.to for m in mail.outbox)
    # The next day's run does not repeat the measures.
    assert credit_monitor_run(today=today + timedelta(days=1)) == {}
    assert DunningTask.objects.count() == 2


def test_p5_1_c_overdue_past_the_stop_threshold_stops_new_approvals(
        overdue_invoice, make_order, approve):
    credit_monitor_run(today=overdue_invoice.due_date + timedelta(days=95))
    credit = CustomerCredit.objects.get(customer=overdue_invoice.customer)
    assert credit.on_stop and credit.risk_level == 2
    assert AuditEvent.objects.filter(action="credit.stopped").count() == 1
    with pytest.raises(ValidationFailed) as exc:
        approve(make_order(overdue_invoice.customer, total="10.00"))
    assert exc.value.code == "customer_on_credit_stop"


def test_p5_1_c_the_huey_periodic_task_runs_the_monitoring(overdue_invoice, monkeypatch):
    from ordertaking.finance import tasks

    later = overdue_invoice.due_date + timedelta(days=40)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: later)
    result = tasks.credit_monitor_daily.call_local()
    assert overdue_invoice.customer_id in result
    assert CustomerCredit.objects.get(customer=overdue_invoice.customer).risk_level == 1


@pytest.fixture
def second_overdue(customer, catalog, sales_rep, make_order, approve, evaluate, finance_user):  # type: ignore[no-untyped-def]
    """A second AA customer with its own net-30 invoice."""
    from ordertaking.customers.models import Customer
    from ordertaking.customers.rules import credit_code_check_char

    code = "91310115MA1K3YJ31"
    code = code[:17] + credit_code_check_char(code[:17])
    other = Customer.objects.create(name="苏州第二机械有限公司", credit_code=code, industry="机械制造",
                                    size=Customer.Size.MEDIUM, region=catalog["regions"]["sh"], city="上海市",
                                    status=Customer.Status.ACTIVE, sales_rep=sales_rep, created_by=sales_rep)
    evaluate(other)
    order, _hold = approve(make_order(other, total="20000.00", payment="net30"))
    return invoice_issue(order=order, actor=finance_user)


def test_p5_1_c_one_failing_customer_does_not_stop_the_monitoring_of_the_others(
        overdue_invoice, second_overdue, monkeypatch):
    from ordertaking.finance import monitoring
    from ordertaking.ops.jobs import JobFailed
    from ordertaking.ops.models import JobRun

    real = monitoring._rating_check
    broken = overdue_invoice.customer_id

    def rating_check(credit, *args, **kwargs):  # type: ignore[no-untyped-def]
        if credit.customer_id == broken:
            raise RuntimeError("a broken customer record")
        return real(credit, *args, **kwargs)

    monkeypatch.setattr(monitoring, "_rating_check", rating_check)
    later = overdue_invoice.due_date + timedelta(days=40)
    with pytest.raises(JobFailed):  # raised after the run, so huey retries the job
        credit_monitor_run(today=later)
    assert CustomerCredit.objects.get(customer_id=second_overdue.customer_id).risk_level == 1
    assert CustomerCredit.objects.get(customer_id=broken).risk_level == 0  # its transaction rolled back alone
    run = JobRun.objects.get(job="credit_monitor")
    assert (run.done, run.failed, run.succeeded, run.day) == (1, 1, False, later)
    assert f"customer {broken}: RuntimeError" in run.error and run.finished_at is not None


def test_p5_1_c_the_daily_job_is_retried_by_huey_and_catches_up_missed_days(overdue_invoice, monkeypatch):
    from ordertaking.finance import tasks
    from ordertaking.ops.models import JobRun

    assert tasks.credit_monitor_daily.s().retries == 3
    assert tasks.credit_monitor_missed.s().retries == 3
    today = overdue_invoice.due_date + timedelta(days=40)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today)
    JobRun.objects.create(job="credit_monitor", day=today - timedelta(days=4), succeeded=True,
                          finished_at=timezone.now())
    tasks.credit_monitor_daily.call_local()
    days = list(JobRun.objects.filter(job="credit_monitor").order_by("day").values_list("day", flat=True))
    assert days == [today - timedelta(days=n) for n in (4, 3, 2, 1, 0)]
    assert CustomerCredit.objects.get(customer=overdue_invoice.customer).risk_level == 1
    tasks.credit_monitor_daily.call_local()  # a second run the same day has nothing left to do
    assert JobRun.objects.filter(job="credit_monitor").count() == 5


def test_issue_9_alerts_and_dunning_tasks_show_in_the_readers_language(overdue_invoice, client, finance_user):
    """P5.1.c alerts and dunning tasks are stored as kind + params, not as the job's Chinese text: the same
    alert reads in Chinese for a zh-hans reader and in English for an en reader, with no Chinese left over
    (the customer's own name aside)."""
    from django.utils import translation

    with translation.override("zh-hans"):  # the job runs in the site's language
        credit_monitor_run(today=overdue_invoice.due_date + timedelta(days=35))
    alert = CreditAlert.objects.filter(recipient=finance_user, kind=CreditAlert.Kind.MEASURES).get()
    assert alert.message == "" and alert.params["days"] == 35
    client.force_login(finance_user)
    zh = client.get("/finance/dunning/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    en = client.get("/finance/dunning/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "已逾期 35 天" in zh and "信用额度降至" in zh
    assert "is 35 days overdue; credit limit lowered to" in en and "35 days overdue." in en
    for chinese in ("已逾期", "信用额度降至", "催收", "信用等级由"):
        assert chinese not in en
    api = client.get("/api/v1/finance/dunning", HTTP_ACCEPT_LANGUAGE="en").json()["items"]
    assert api and all(item["note"] == f"Collect {overdue_invoice.number}, 35 days overdue." for item in api)


def test_issue_9_alerts_written_before_params_keep_their_text(overdue_invoice, finance_user):
    old = CreditAlert.objects.create(customer=overdue_invoice.customer, kind=CreditAlert.Kind.STOP,
                                     recipient=finance_user, message="旧的预警文字")
    task = DunningTask.objects.create(customer=overdue_invoice.customer, assignee=finance_user,
                                      due_date=overdue_invoice.due_date, note="催收旧任务")
    assert (old.text, task.text) == ("旧的预警文字", "催收旧任务")
