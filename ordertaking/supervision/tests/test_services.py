"""Supervision inspections (P6.1.a): reproducible sampling, the workflow from sample to closed inspection,
rectification with segregation of duties, the overdue follow-up, who may do what."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from ordertaking.accounts.roles import Role
from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.notifications.models import Notification
from ordertaking.supervision import sampling, services
from ordertaking.supervision.models import Finding, Inspection, RectificationTask

from .fakes import period

pytestmark = pytest.mark.django_db


def events(kind: str, pk: int, **more: object):  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(subject_type=kind, subject_id=str(pk), **more)

POOL = [sampling.Candidate(pk=i, region="华东" if i % 3 else "华南", amount=Decimal(i * 10_000),
                           special=i % 5 == 0) for i in range(1, 61)]


# --- sampling, no database ------------------------------------------------------------------------------

def test_p6_1_a_same_seed_draws_the_same_orders_whatever_order_the_candidates_come_in():
    a = sampling.draw(POOL, method="random", size=10, seed=20261130)
    b = sampling.draw(list(reversed(POOL)), method="random", size=10, seed=20261130)
    assert a == b and len(a) == 10


def test_p6_1_a_a_different_seed_draws_a_different_sample():
    assert sampling.draw(POOL, method="random", size=10, seed=1) != sampling.draw(POOL, method="random", size=10,
                                                                                   seed=2)


def test_p6_1_a_a_stratified_sample_draws_from_every_stratum():
    drawn = sampling.draw(POOL, method="stratified", size=3, seed=7, stratify_by="amount",
                          bands=[Decimal("100000"), Decimal("400000")])
    keys = [k for _pk, k in drawn]
    assert sorted(set(keys)) == ["amount:0", "amount:1", "amount:2"]
    assert all(keys.count(k) == 3 for k in set(keys))
    by_region = sampling.draw(POOL, method="stratified", size=50, seed=7, stratify_by="region")
    assert {k for _pk, k in by_region} == {"region:华东", "region:华南"}
    assert len(by_region) == 60  # a stratum smaller than the size is taken whole


def test_p6_1_a_strata_read_as_words():
    bands = [Decimal("100000"), Decimal("500000")]
    with translation.override("en"):
        assert sampling.stratum_label("amount:1", bands) == "¥100,000.00 to below ¥500,000.00"
        assert sampling.stratum_label("special:yes") == "With a special approval"
        assert sampling.stratum_label("region:") == "No region"
    with translation.override("zh-hans"):
        assert sampling.stratum_label("amount:2", bands) == "¥500,000.00 及以上"


# --- opening and sampling -------------------------------------------------------------------------------

def test_p6_1_a_the_seed_is_chosen_and_recorded_and_the_same_seed_draws_the_same_orders(auditor, orders):
    first = services.inspection_open(actor=auditor, title="十一月检查", sample_size=3, **period())
    assert first.seed is not None
    services.inspection_sample(actor=auditor, inspection=first)
    again = services.inspection_open(actor=auditor, title="复核", sample_size=3, seed=first.seed, **period())
    services.inspection_sample(actor=auditor, inspection=again)
    picked = list(first.samples.order_by("position").values_list("order_id", flat=True))
    assert picked == list(again.samples.order_by("position").values_list("order_id", flat=True))
    assert len(picked) == 3
    ev = events("orders.order", picked[0], action="supervision.order_sampled").first()
    assert ev is not None and ev.after == {"supervision_inspection": first.number}


def test_p6_1_a_stratified_by_region_covers_each_region(auditor, make_user, make_order, customer, orders):
    north = make_user("sales9", Role.SALES, display_name="北方销售", region="华北")
    extra = make_order(state="submitted", rep=north)
    insp = services.inspection_open(actor=auditor, title="分层", method="stratified", stratify_by="region",
                                    sample_size=1, seed=5, **period())
    services.inspection_sample(actor=auditor, inspection=insp)
    strata = set(insp.samples.values_list("stratum", flat=True))
    assert len(strata) == 2 and "region:华北" in strata
    assert insp.samples.filter(order=extra).exists()


@pytest.mark.parametrize("bad,field", [
    ({"title": ""}, "title"),
    ({"period_from": timezone.localdate(), "period_to": timezone.localdate() - timedelta(days=1)}, "period_to"),
    ({"sample_size": 0}, "sample_size"),
    ({"sample_size": 501}, "sample_size"),
    ({"method": "stratified"}, "stratify_by"),
    ({"method": "stratified", "stratify_by": "amount", "amount_bands": ["500", "100"]}, "amount_bands"),
    ({"seed": -1}, "seed"),
    ({"amount_min": "100", "amount_max": "1"}, "amount_max"),
])
def test_p6_1_a_bad_inspection_input_names_its_field(auditor, bad, field):
    values = {"title": "检查", "sample_size": 5, **period(), **bad}
    with pytest.raises(ValidationFailed) as e:
        services.inspection_open(actor=auditor, **values)
    assert e.value.field == field
    assert not Inspection.objects.exists()


def test_p6_1_a_an_empty_scope_samples_nothing_and_stays_draft(auditor, orders):
    insp = services.inspection_open(actor=auditor, title="空", sample_size=3, only_credit_hold=True, **period())
    with pytest.raises(ValidationFailed):
        services.inspection_sample(actor=auditor, inspection=insp)
    insp.refresh_from_db()
    assert insp.state == "draft" and not insp.samples.exists()


@pytest.mark.parametrize("who", ["leader", "sales_rep", "reviewer"])
def test_p6_1_a_only_an_auditor_opens_an_inspection(request, who):
    with pytest.raises(PermissionDenied):
        services.inspection_open(actor=request.getfixturevalue(who), title="x", sample_size=1, **period())


# --- the workflow -----------------------------------------------------------------------------------------

@pytest.fixture
def checked(auditor, orders, engine):  # type: ignore[no-untyped-def]
    insp = services.inspection_open(actor=auditor, title="十一月检查", sample_size=4, seed=11, **period())
    services.inspection_sample(actor=auditor, inspection=insp)
    sample = insp.samples.order_by("position")[0]
    engine.failing = {sample.order_id}
    services.inspection_check(actor=auditor, inspection=insp)
    insp.refresh_from_db()
    return insp


def test_p6_1_a_the_checks_are_stored_per_order_and_may_run_again(checked, auditor, engine):
    assert checked.state == "checked" and checked.checked_at
    first = checked.samples.order_by("position")[0]
    assert first.failed == 1 and first.results[1]["outcome"] == "fail"
    assert checked.samples.filter(failed=0).count() == 3
    engine.failing = set()
    services.inspection_check(actor=auditor, inspection=checked)
    first.refresh_from_db()
    assert first.failed == 0 and len(engine.calls) == 2
    assert AuditEvent.objects.filter(action="supervision.checks_run").count() == 2


def test_p6_1_a_a_failed_check_becomes_a_finding_once(checked, auditor):
    sample = checked.samples.order_by("position")[0]
    f = services.finding_from_check(actor=auditor, sample=sample, check_code="sod")
    assert f.clause == "P2.3.c" and f.order_id == sample.order_id and f.evidence["outcome"] == "fail"
    with pytest.raises(ValidationFailed):
        services.finding_from_check(actor=auditor, sample=sample, check_code="sod")
    with pytest.raises(ValidationFailed):  # a passed check is no finding
        services.finding_from_check(actor=auditor, sample=sample, check_code="steps")
    assert events("orders.order", sample.order_id, action="supervision.finding_recorded").exists()


def test_p6_1_a_a_manual_finding_checks_its_clause_and_order(checked, auditor, make_order):
    with pytest.raises(ValidationFailed) as e:
        services.finding_record(actor=auditor, inspection=checked, severity="major", clause="第三条",
                                description="x")
    assert e.value.field == "clause"
    with pytest.raises(ValidationFailed) as e:
        services.finding_record(actor=auditor, inspection=checked, severity="major", clause="P2.2.a",
                                description="x", order=make_order(state="draft"))
    assert e.value.field == "order"
    f = services.finding_record(actor=auditor, inspection=checked, severity="minor", clause="P4.1.a",
                                description="客户档案未及时更新。")
    assert f.order is None


@pytest.fixture
def finding(checked, auditor):  # type: ignore[no-untyped-def]
    return services.finding_from_check(actor=auditor, sample=checked.samples.order_by("position")[0],
                                       check_code="sod", description="审批人与录入人为同一人。")


def test_p6_1_a_rectification_assigned_answered_verified_closed(finding, auditor, auditor2, sales_rep):
    task = services.rectification_assign(actor=auditor, finding=finding, department="sales",
                                         deadline=timezone.localdate() + timedelta(days=7), responsible=sales_rep,
                                         instructions="补充审批记录。")
    assert task.inspection.state == "rectifying"
    assert Notification.objects.filter(recipient=sales_rep, kind="rectification_assigned").exists()
    task = services.rectification_respond(actor=sales_rep, task=task, measures="已补录审批记录并培训。")
    assert task.state == "responded"
    assert Notification.objects.filter(recipient=auditor, kind="rectification_responded").exists()
    with pytest.raises(ValidationFailed):  # sending back says what is missing
        services.rectification_verify(actor=auditor2, task=task, accept=False)
    task = services.rectification_verify(actor=auditor2, task=task, accept=False, note="缺培训签到表。")
    assert task.state == "returned"
    task = services.rectification_respond(actor=sales_rep, task=task, measures="已附培训签到表。")
    with pytest.raises(InvalidTransition):
        services.inspection_close(actor=auditor, inspection=finding.inspection)
    task = services.rectification_verify(actor=auditor, task=task, accept=True)
    assert task.state == "closed" and task.closed_at
    insp = services.inspection_close(actor=auditor, inspection=finding.inspection, conclusion="整改完成。")
    assert insp.state == "closed"
    actions = list(events("supervision.rectificationtask", task.pk, action__startswith="supervision.")
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["supervision.rectification_assigned", "supervision.rectification_responded",
                       "supervision.rectification_sent_back", "supervision.rectification_responded",
                       "supervision.rectification_closed"]


def test_p6_1_a_only_the_assigned_department_answers(finding, auditor, production_user, leader):
    task = services.rectification_assign(actor=auditor, finding=finding, department="sales",
                                         deadline=timezone.localdate() + timedelta(days=7))
    for outsider in (production_user, leader, auditor):
        with pytest.raises(PermissionDenied):
            services.rectification_respond(actor=outsider, task=task, measures="x")


def test_p6_1_a_who_answered_a_task_does_not_verify_it(finding, auditor, make_user):
    both = make_user("dual", Role.AUDITOR, Role.SALES, display_name="兼职")
    task = services.rectification_assign(actor=auditor, finding=finding, department="sales",
                                         deadline=timezone.localdate() + timedelta(days=7))
    services.rectification_respond(actor=both, task=task, measures="已整改。")
    with pytest.raises(PermissionDenied) as e:
        services.rectification_verify(actor=both, task=task, accept=True)
    assert e.value.code == "segregation_of_duties"
    assert RectificationTask.objects.get(pk=task.pk).state == "responded"


def test_p6_1_a_the_responsible_person_works_in_the_department(finding, auditor, production_user):
    with pytest.raises(ValidationFailed) as e:
        services.rectification_assign(actor=auditor, finding=finding, department="sales",
                                      deadline=timezone.localdate() + timedelta(days=3), responsible=production_user)
    assert e.value.field == "responsible"
    with pytest.raises(ValidationFailed) as e:
        services.rectification_assign(actor=auditor, finding=finding, department="sales",
                                      deadline=timezone.localdate() - timedelta(days=1))
    assert e.value.field == "deadline"


def test_p6_1_a_an_overdue_task_is_followed_up_daily(finding, auditor, sales_rep, sales_rep2):
    task = services.rectification_assign(actor=auditor, finding=finding, department="sales",
                                         deadline=timezone.localdate())
    Notification.objects.all().delete()
    later = timezone.localdate() + timedelta(days=2)
    assert services.rectifications_overdue_run(today=timezone.localdate()) == 0  # due today: not yet late
    assert services.rectifications_overdue_run(today=later) == 1
    told = set(Notification.objects.filter(kind="rectification_overdue").values_list("recipient__username",
                                                                                      flat=True))
    assert told == {"sales1", "sales2", "auditor1"}
    assert services.rectifications_overdue_run(today=later) == 0  # once a day
    assert services.rectifications_overdue_run(today=later + timedelta(days=1)) == 1
    assert events("supervision.rectificationtask", task.pk, action="supervision.rectification_overdue").count() == 1
    services.rectification_respond(actor=sales_rep, task=task, measures="已整改。")
    assert services.rectifications_overdue_run(today=later + timedelta(days=2)) == 0


def test_p6_1_a_findings_wait_for_the_sample(auditor):
    insp = services.inspection_open(actor=auditor, title="草稿", sample_size=3, **period())
    with pytest.raises(InvalidTransition):
        services.finding_record(actor=auditor, inspection=insp, severity="minor", clause="P6.1.a", description="x")
    assert not Finding.objects.exists()


def test_p6_1_a_the_real_checks_run_over_a_sampled_order_and_read_as_words(auditor, approved_order):
    """With the checks engine itself (supervision/checks.py): each check's result stored, shown in words."""
    from ordertaking.supervision import checking
    from ordertaking.supervision.rules import CHECKS

    insp = services.inspection_open(actor=auditor, title="真实检查", sample_size=5, **period())
    services.inspection_sample(actor=auditor, inspection=insp)
    services.inspection_check(actor=auditor, inspection=insp)
    sample = insp.samples.get(order=approved_order)
    assert [r["code"] for r in sample.results] == [c.code for c in CHECKS]
    shown = checking.show_all(sample.results)
    assert all(s.label and s.outcome_label and s.clause for s in shown)
    assert sample.failed == sum(1 for s in shown if s.failed)


def test_p6_2_rectification_closed_by_its_deadline_per_department(finding, auditor, sales_rep, reviewer):
    from ordertaking.supervision.selectors import rectification_on_time

    today = timezone.localdate()
    on_time = services.rectification_assign(actor=auditor, finding=finding, department="sales",
                                            deadline=today + timedelta(days=3))
    late = services.rectification_assign(actor=auditor, finding=finding, department="sales", deadline=today)
    services.rectification_assign(actor=auditor, finding=finding, department="order_center", deadline=today)
    for t in (on_time, late):
        services.rectification_verify(actor=auditor, task=services.rectification_respond(
            actor=sales_rep, task=t, measures="已整改。"), accept=True)
    RectificationTask.objects.filter(pk=late.pk).update(deadline=today - timedelta(days=1))
    assert rectification_on_time(date_from=today - timedelta(days=7), date_to=today + timedelta(days=7)) == {
        "sales": (2, 1), "order_center": (1, 0)}
    assert rectification_on_time(date_from=today + timedelta(days=1), date_to=today + timedelta(days=7)) == {
        "sales": (1, 1)}
