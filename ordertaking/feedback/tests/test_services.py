"""Surveys and complaints through their services (P6.1.c, P3.2): each step succeeds and writes its event,
the wrong role gets 403, a step from the wrong state is refused, nothing is written when it fails."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.feedback import services
from ordertaking.feedback.models import Complaint, ComplaintNote, Survey
from ordertaking.fulfilment.models import Holiday
from ordertaking.notifications.models import Notification

from .conftest import accept

pytestmark = pytest.mark.django_db


def actions(subject) -> list[str]:  # type: ignore[no-untyped-def]
    return list(AuditEvent.objects.filter(subject_type=subject._meta.label_lower, subject_id=str(subject.pk))
                .order_by("id").values_list("action", flat=True))


# --- surveys ---------------------------------------------------------------------------------------

def test_p6_1_c_accepted_order_invites_its_customer_once_by_mail(accepted_order, sales_rep,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        survey = services.survey_invite(order=accepted_order, actor=sales_rep)
    assert survey.state == "invited" and survey.sent_to == "liu@pujiang.example.cn"
    assert survey.sales_rep == sales_rep and survey.customer == accepted_order.customer
    assert "survey.invited" in actions(accepted_order)
    assert len(mail.outbox) == 1 and accepted_order.number in mail.outbox[0].subject
    assert "满意" in mail.outbox[0].body and "satisfied" in mail.outbox[0].body
    again = services.survey_invite(order=accepted_order, actor=sales_rep)
    assert again.pk == survey.pk and Survey.objects.count() == 1
    assert actions(accepted_order).count("survey.invited") == 1


def test_p6_1_c_no_survey_before_the_order_is_accepted(make_order, credit_ok):
    order = make_order(state="approved")
    with pytest.raises(InvalidTransition):
        services.survey_invite(order=order)
    assert not Survey.objects.exists()


def test_p6_1_c_customer_answers_once_and_the_rep_is_told(accepted_order, sales_rep):
    survey = services.survey_invite(order=accepted_order)
    services.survey_answer(survey=survey, via_portal=True, overall=5, product="4", delivery=5, service=3,
                           comment="交货及时。")
    survey.refresh_from_db()
    assert (survey.state, survey.overall, survey.product, survey.delivery, survey.service) == ("answered", 5, 4, 5, 3)
    assert survey.answered_by is None and survey.answered_at is not None
    ev = AuditEvent.objects.get(action="survey.answered")
    assert ev.actor_id is None and (ev.after or {})["overall_score"] == 5 and ev.message == "交货及时。"
    assert Notification.objects.filter(recipient=sales_rep, kind="survey_answered").exists()
    with pytest.raises(InvalidTransition):
        services.survey_answer(survey=survey, via_portal=True, overall=1, product=1, delivery=1, service=1)
    survey.refresh_from_db()
    assert survey.overall == 5


@pytest.mark.parametrize("bad", [{"overall": 0}, {"product": 6}, {"delivery": "x"}, {"service": None},
                                 {"overall": 10**40}])
def test_p6_1_c_scores_outside_1_to_5_are_refused_and_nothing_is_written(accepted_order, bad):
    survey = services.survey_invite(order=accepted_order)
    values = {"overall": 4, "product": 4, "delivery": 4, "service": 4, **bad}
    with pytest.raises(ValidationFailed) as e:
        services.survey_answer(survey=survey, via_portal=True, **values)
    assert e.value.field == next(iter(bad))
    survey.refresh_from_db()
    assert survey.state == "invited" and survey.overall is None


def test_p3_2_customer_service_records_answers_from_a_call_others_may_not(accepted_order, cs_agent, production_user):
    survey = services.survey_invite(order=accepted_order)
    with pytest.raises(PermissionDenied):
        services.survey_answer(survey=survey, actor=production_user, overall=4, product=4, delivery=4, service=4)
    services.survey_answer(survey=survey, actor=cs_agent, overall=4, product=4, delivery=3, service=5)
    survey.refresh_from_db()
    assert survey.answered_by == cs_agent


def test_p6_1_c_daily_sweep_invites_accepted_orders_the_acceptance_did_not(make_order, credit_ok):
    a = accept(make_order(state="approved"))
    make_order(state="approved")
    assert services.surveys_invite_missing() == [a.pk]
    assert services.surveys_invite_missing() == []


# --- complaints ------------------------------------------------------------------------------------

def test_p3_2_customer_service_records_a_complaint_with_a_working_day_deadline(cs_agent, accepted_order, settings):
    settings.ORDERTAKING_COMPLAINT_DAYS = 3
    c = services.complaint_record(actor=cs_agent, order=accepted_order, category="delivery", source="phone",
                                  description="到货延误两天。")
    assert c.number.startswith("TS-") and c.state == "new" and c.customer == accepted_order.customer
    from ordertaking.fulfilment.services import calendar_load

    assert c.due_date == calendar_load().after(timezone.localdate(), 3)
    assert actions(c) == ["complaint.recorded"]
    assert "complaint.recorded" in actions(accepted_order)
    assert Notification.objects.filter(kind="complaint_received").exists() is False  # cs_agent is the actor


def test_p3_2_the_deadline_skips_the_holidays_of_the_calendar(cs_agent, accepted_order, settings):
    """The deadline is read from fulfilment's calendar: a holiday in the next days pushes it out."""
    from ordertaking.fulfilment.services import calendar_load

    today = timezone.localdate()
    plain = calendar_load().after(today, 2)
    for n in range(1, 10):
        Holiday.objects.create(date=today + timedelta(days=n), name="测试假期")
    settings.ORDERTAKING_COMPLAINT_DAYS = 2
    c = services.complaint_record(actor=cs_agent, order=accepted_order, category="quality", source="email",
                                  description="质量问题。")
    assert c.due_date > plain
    assert c.due_date == calendar_load().after(today, 2)
    assert (c.due_date - today).days >= 11


def test_p3_2_a_sales_rep_records_for_own_customers_only(sales_rep, sales_rep2, accepted_order, production_user):
    services.complaint_record(actor=sales_rep, order=accepted_order, category="service", source="visit",
                              description="安装人员态度差。")
    with pytest.raises(PermissionDenied):
        services.complaint_record(actor=sales_rep2, order=accepted_order, category="service", source="visit",
                                  description="x")
    with pytest.raises(PermissionDenied):
        services.complaint_record(actor=production_user, order=accepted_order, category="service", source="visit",
                                  description="x")
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize("field,values", [
    ("category", {"category": "nonsense"}), ("kind", {"kind": "lawsuit"}), ("source", {"source": "pigeon"}),
    ("description", {"description": "   "}), ("description", {"description": "长" * 5001}),
    ("source", {"source": "portal"}),
])
def test_p3_2_bad_complaints_are_refused_and_nothing_is_written(cs_agent, accepted_order, field, values):
    args = {"category": "quality", "source": "phone", "description": "问题", **values}
    with pytest.raises(ValidationFailed) as e:
        services.complaint_record(actor=cs_agent, order=accepted_order, **args)
    assert e.value.field == field
    assert not Complaint.objects.exists()


def test_p3_2_the_order_must_be_the_customers(cs_agent, accepted_order, make_order, catalog, sales_rep):
    from ordertaking.customers.models import Customer

    other = Customer.objects.create(name="别家公司", credit_code="91310000MA1FL0000X", region=catalog["regions"]["sh"],
                                    city="上海市", sales_rep=sales_rep, created_by=sales_rep)
    with pytest.raises(ValidationFailed) as e:
        services.complaint_record(actor=cs_agent, customer=other, order=accepted_order, category="quality",
                                  source="phone", description="x")
    assert e.value.field == "order"


def test_p3_2_the_whole_workflow_from_new_to_confirmed_is_audited(complaint, cs_agent, handler, sales_rep,
                                                                   django_capture_on_commit_callbacks):
    services.complaint_assign(complaint=complaint, actor=cs_agent, handler=handler)
    assert Notification.objects.filter(recipient=handler, kind="complaint_assigned").exists()
    services.complaint_investigate(complaint=complaint, actor=handler, note="已安排技术人员上门检测。")
    services.complaint_note_add(complaint=complaint, actor=handler, text="内部：轴承批次待查。", public=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_resolve(complaint=complaint, actor=handler, resolution="更换轴承，噪音恢复正常。")
    assert any(complaint.number in m.subject for m in mail.outbox)
    services.complaint_confirm(complaint=complaint, actor=cs_agent, how="phone", note="客户电话确认满意。")
    complaint.refresh_from_db()
    assert complaint.state == "confirmed" and complaint.confirmed_how == "phone"
    assert actions(complaint) == ["complaint.recorded", "complaint.assigned", "complaint.investigating",
                                  "complaint.note_added", "complaint.resolved", "complaint.confirmed"]
    notes = list(ComplaintNote.objects.filter(complaint=complaint).values_list("public", flat=True))
    assert notes == [True, False, True]


def test_p3_2_only_the_handler_investigates_and_resolves(complaint, cs_agent, handler, reviewer):
    services.complaint_assign(complaint=complaint, actor=cs_agent, handler=handler)
    with pytest.raises(PermissionDenied):
        services.complaint_investigate(complaint=complaint, actor=reviewer)  # complaint_handle, not the handler
    services.complaint_investigate(complaint=complaint, actor=handler)
    with pytest.raises(PermissionDenied):
        services.complaint_resolve(complaint=complaint, actor=cs_agent, resolution="x")
    complaint.refresh_from_db()
    assert complaint.state == "investigating" and complaint.resolution == ""


def test_p3_2_assigning_needs_complaint_handle_and_a_handler_who_holds_it(complaint, sales_rep, cs_agent,
                                                                         production_user, reviewer):
    with pytest.raises(PermissionDenied):
        services.complaint_assign(complaint=complaint, actor=sales_rep, handler=cs_agent)
    with pytest.raises(ValidationFailed):
        services.complaint_assign(complaint=complaint, actor=cs_agent, handler=production_user)
    services.complaint_assign(complaint=complaint, actor=cs_agent, handler=reviewer)  # the order center handles too
    complaint.refresh_from_db()
    assert complaint.handler == reviewer


def test_p3_2_moves_from_the_wrong_state_are_refused(complaint, cs_agent, handler):
    with pytest.raises(InvalidTransition):
        services.complaint_confirm(complaint=complaint, actor=cs_agent, how="phone")
    services.complaint_assign(complaint=complaint, actor=cs_agent, handler=handler)
    with pytest.raises(InvalidTransition):
        services.complaint_resolve(complaint=complaint, actor=handler, resolution="x")
    with pytest.raises(InvalidTransition):
        services.complaint_reopen(complaint=complaint, actor=cs_agent, reason="x")
    complaint.refresh_from_db()
    assert complaint.state == "assigned"


def _resolved(complaint, cs_agent, handler):  # type: ignore[no-untyped-def]
    services.complaint_assign(complaint=complaint, actor=cs_agent, handler=handler)
    services.complaint_investigate(complaint=complaint, actor=handler)
    return services.complaint_resolve(complaint=complaint, actor=handler, resolution="已更换。")


def test_p6_1_c_the_customer_reopens_on_their_page_with_a_new_deadline(complaint, cs_agent, handler, settings):
    _resolved(complaint, cs_agent, handler)
    Complaint.objects.filter(pk=complaint.pk).update(due_date=date(2020, 1, 1), escalated_at=timezone.now(),
                                                     reminded_on=date(2019, 12, 31))
    services.complaint_reopen(complaint=complaint, via_portal=True, reason="噪音仍然存在。")
    complaint.refresh_from_db()
    assert complaint.state == "reopened" and complaint.reopen_count == 1
    assert complaint.due_date > timezone.localdate() - timedelta(days=1)
    assert complaint.escalated_at is None and complaint.reminded_on is None
    ev = AuditEvent.objects.filter(action="complaint.reopened").get()
    assert ev.actor_id is None and ev.message == "噪音仍然存在。"
    assert Notification.objects.filter(recipient=handler, kind="complaint_reopened").exists()
    services.complaint_investigate(complaint=complaint, actor=handler)  # back to work, same handler


def test_p6_1_c_the_customer_confirms_on_their_page(complaint, cs_agent, handler):
    _resolved(complaint, cs_agent, handler)
    services.complaint_confirm(complaint=complaint, via_portal=True)
    complaint.refresh_from_db()
    assert complaint.state == "confirmed" and complaint.confirmed_how == "portal"


def test_p3_2_whoever_resolved_does_not_record_the_customers_confirmation(complaint, cs_agent, handler):
    _resolved(complaint, cs_agent, handler)
    with pytest.raises(PermissionDenied) as e:
        services.complaint_confirm(complaint=complaint, actor=handler, how="phone")
    assert e.value.code == "segregation_of_duties"
    complaint.refresh_from_db()
    assert complaint.state == "resolved"


def test_p3_2_no_note_on_a_confirmed_complaint(complaint, cs_agent, handler):
    _resolved(complaint, cs_agent, handler)
    services.complaint_confirm(complaint=complaint, via_portal=True)
    with pytest.raises(InvalidTransition):
        services.complaint_note_add(complaint=complaint, via_portal=True, text="再补充一句")


# --- deadline job ----------------------------------------------------------------------------------

def test_p3_2_reminder_the_working_day_before_then_escalation_to_the_handlers_leader(complaint, cs_agent, handler,
                                                                                     cs_leader):
    services.complaint_assign(complaint=complaint, actor=cs_agent, handler=handler)
    Complaint.objects.filter(pk=complaint.pk).update(due_date=date(2026, 10, 12))  # a Monday
    Holiday.objects.update_or_create(date=date(2026, 10, 10), defaults={"kind": "workday", "name": "国庆调休"})
    assert services.complaint_deadline_check(complaint_id=complaint.pk, today=date(2026, 10, 9)) == ""
    assert services.complaint_deadline_check(complaint_id=complaint.pk, today=date(2026, 10, 10)) == "reminded"
    assert Notification.objects.filter(recipient=handler, kind="complaint_due").count() == 1
    assert services.complaint_deadline_check(complaint_id=complaint.pk, today=date(2026, 10, 12)) == ""
    assert services.complaint_deadline_check(complaint_id=complaint.pk, today=date(2026, 10, 13)) == "escalated"
    assert Notification.objects.filter(recipient=cs_leader, kind="complaint_escalated").count() == 1
    assert services.complaint_deadline_check(complaint_id=complaint.pk, today=date(2026, 10, 14)) == ""
    ev = AuditEvent.objects.get(action="complaint.escalated")
    assert (ev.after or {})["escalated_to"] == "客服主管" and ev.actor_id is None


def test_p3_2_a_resolved_complaint_is_not_escalated(complaint, cs_agent, handler):
    _resolved(complaint, cs_agent, handler)
    Complaint.objects.filter(pk=complaint.pk).update(due_date=date(2026, 10, 12))
    assert services.complaint_deadline_check(complaint_id=complaint.pk, today=date(2026, 10, 20)) == ""


def test_p3_2_unassigned_and_late_goes_to_leadership_when_nobody_leads_customer_service(complaint, leader):
    Complaint.objects.filter(pk=complaint.pk).update(due_date=date(2026, 10, 12))
    counts = services.complaints_deadline_run(today=date(2026, 10, 13))
    assert counts == {"reminded": 0, "escalated": 1}
    assert Notification.objects.filter(recipient=leader, kind="complaint_escalated").exists()
    from ordertaking.ops.models import JobRun

    assert JobRun.objects.filter(job="complaint_deadlines", succeeded=True).exists()
