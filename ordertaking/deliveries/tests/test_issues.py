"""Acceptance issues (P2.5.d): deadlines in working days on known dates, reminders and escalation by the daily
job, the major issue's analysis → solution → progress → result the customer accepts, and compensation with
four eyes issuing finance's credit note."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from ordertaking.accounts.roles import Role
from ordertaking.common.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.deliveries.acceptance import rules, selectors
from ordertaking.deliveries.acceptance.jobs import acceptance_issue_run
from ordertaking.deliveries.acceptance.services import (
    acceptance_record,
    compensation_approve,
    compensation_refuse,
    compensation_request,
    issue_analyse,
    issue_classify,
    issue_progress_add,
    issue_resolve,
    issue_result_accept,
    issue_result_reject,
    issue_solve,
)
from ordertaking.deliveries.models import Compensation
from ordertaking.finance.models import CreditNote
from ordertaking.fulfilment.models import Holiday
from ordertaking.notifications.models import Notification
from ordertaking.ops.models import JobRun
from tests.factories import events_since_built

from .conftest import Link, verdicts

pytestmark = pytest.mark.django_db


def at(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(y, m, d, hour, 0))


@pytest.fixture
def national_day(db):  # type: ignore[no-untyped-def]
    """2026: 国庆节 and 中秋节 1–7 October off, Saturday 10 October a make-up working day (调休)."""
    Holiday.objects.filter(date__range=(date(2026, 9, 20), date(2026, 10, 20))).delete()
    for d in range(1, 8):
        Holiday.objects.create(date=date(2026, 10, d), kind=Holiday.Kind.HOLIDAY, name="国庆节")
    Holiday.objects.create(date=date(2026, 10, 10), kind=Holiday.Kind.WORKDAY, name="国庆节调休")


def reject_line_1(order, *, when=None, **who):  # type: ignore[no-untyped-def]
    line = order.lines.get(position=1)
    who.setdefault("customer_name", "刘经理")
    return acceptance_record(order=order, entries=[(line, verdicts(quality="电机运行噪音大"))], now=when, **who)[0]


# --- the deadline ------------------------------------------------------------------------------------------

def test_p2_5_d_rule_a_general_issue_is_due_three_working_days_after_it_was_raised():
    from ordertaking.fulfilment.rules import add_working_days

    def after(d: date, n: int) -> date:
        return add_working_days(d, n)

    assert rules.issue_deadline(date(2026, 11, 30), 3, after) == date(2026, 12, 3)  # Monday → Thursday
    assert rules.issue_deadline(date(2026, 11, 27), 3, after) == date(2026, 12, 2)  # Friday → Wednesday


def test_p2_5_d_the_deadline_skips_the_national_day_holidays_and_counts_the_make_up_saturday(
        delivered_order, sales_rep, national_day):
    issue = reject_line_1(delivered_order, actor=sales_rep, when=at(2026, 9, 30))
    # Wednesday 30 September: 1–7 October are off; Thu 8, Fri 9 and the make-up Saturday 10 count.
    assert issue.deadline == date(2026, 10, 10)


def test_p2_5_d_the_number_of_working_days_is_a_setting(delivered_order, sales_rep, settings):
    settings.ORDERTAKING_ACCEPTANCE_ISSUE_DAYS = 5
    issue = reject_line_1(delivered_order, actor=sales_rep, when=at(2026, 11, 30))
    assert issue.deadline == date(2026, 12, 7)


def test_p2_5_d_a_major_issue_has_no_fixed_deadline_and_general_again_takes_it_back(delivered_order, sales_rep,
                                                                                     national_day):
    issue = reject_line_1(delivered_order, actor=sales_rep, when=at(2026, 9, 30))
    issue = issue_classify(issue=issue, actor=sales_rep, issue_class="major")
    assert issue.deadline is None
    issue = issue_classify(issue=issue, actor=sales_rep, issue_class="general")
    assert issue.deadline == date(2026, 10, 10)
    actions = [e.action for e in events_since_built(delivered_order)]
    assert actions.count("acceptance_issue.classified") == 2


def test_p2_5_d_production_may_not_class_an_issue(delivered_order, sales_rep, production_user):
    issue = reject_line_1(delivered_order, actor=sales_rep)
    with pytest.raises(PermissionDenied):
        issue_classify(issue=issue, actor=production_user, issue_class="major")


# --- reminders and escalation (the daily job) ----------------------------------------------------------------

def test_p2_5_d_the_job_reminds_the_rep_the_working_day_before_and_escalates_to_the_leader_after(
        delivered_order, sales_rep, leader, national_day):
    sales_rep.leader = leader
    sales_rep.save(update_fields=["leader"])
    issue = reject_line_1(delivered_order, portal_link=Link(delivered_order), when=at(2026, 9, 30))
    assert issue.deadline == date(2026, 10, 10)

    assert acceptance_issue_run(today=date(2026, 10, 8), now=at(2026, 10, 8)) == \
        {"issues": 1, "reminded": 0, "escalated": 0}
    assert acceptance_issue_run(today=date(2026, 10, 9), now=at(2026, 10, 9))["reminded"] == 1
    assert Notification.objects.filter(recipient=sales_rep, kind="acceptance_issue_due").count() == 1
    assert acceptance_issue_run(today=date(2026, 10, 10), now=at(2026, 10, 10))["reminded"] == 0  # once
    # Due Saturday 10 (a working day): still not escalated that day; Monday 12 it is, to the rep's leader.
    assert acceptance_issue_run(today=date(2026, 10, 10), now=at(2026, 10, 10))["escalated"] == 0
    assert acceptance_issue_run(today=date(2026, 10, 12), now=at(2026, 10, 12))["escalated"] == 1
    issue.refresh_from_db()
    assert issue.escalated_at == at(2026, 10, 12) and list(issue.escalated_to.all()) == [leader]
    note = Notification.objects.get(kind="acceptance_issue_escalated")
    assert note.recipient == leader and note.params["issue"] == issue.number
    assert acceptance_issue_run(today=date(2026, 10, 13), now=at(2026, 10, 13)) == \
        {"issues": 0, "reminded": 0, "escalated": 0}  # once
    assert events_since_built(delivered_order, "acceptance_issue.escalated")[0].actor_id is None
    assert JobRun.objects.filter(job="acceptance_issues", succeeded=True).count() == 6


def test_p2_5_d_without_a_leader_every_leader_is_told(delivered_order, sales_rep, leader, leader2):
    issue = reject_line_1(delivered_order, actor=sales_rep, when=at(2026, 11, 2))  # Monday → due Thursday 5
    acceptance_issue_run(today=date(2026, 11, 6), now=at(2026, 11, 6))
    assert set(Notification.objects.filter(kind="acceptance_issue_escalated").values_list("recipient", flat=True)) \
        == {leader.pk, leader2.pk}
    issue.refresh_from_db()
    assert issue.escalated_at is not None


def test_p2_5_d_a_closed_issue_is_neither_reminded_nor_escalated(delivered_order, sales_rep, leader):
    issue = reject_line_1(delivered_order, actor=sales_rep, when=at(2026, 11, 2))
    issue_resolve(issue=issue, actor=sales_rep, result="更换电机轴承，现场复测合格。")
    issue_result_accept(issue=issue, actor=sales_rep, customer_name="刘经理")
    assert acceptance_issue_run(today=date(2026, 11, 9), now=at(2026, 11, 9)) == \
        {"issues": 0, "reminded": 0, "escalated": 0}


# --- the general and the major path ------------------------------------------------------------------------

def test_p2_5_d_a_general_issue_is_resolved_directly_and_never_analysed(delivered_order, sales_rep):
    issue = reject_line_1(delivered_order, actor=sales_rep)
    with pytest.raises(InvalidTransition) as e:
        issue_analyse(issue=issue, actor=sales_rep, cause="轴承装配不当", responsible_department="production")
    assert e.value.code == "general_no_analysis"


def test_p2_5_d_a_major_issue_goes_through_analysis_solution_progress_and_the_customers_acceptance(
        delivered_order, sales_rep, production_user):
    issue = reject_line_1(delivered_order, portal_link=Link(delivered_order))
    issue_classify(issue=issue, actor=sales_rep, issue_class="major")
    with pytest.raises(InvalidTransition):  # a major issue is resolved only from its solution
        issue_resolve(issue=issue, actor=production_user, result="已处理")
    issue_analyse(issue=issue, actor=production_user, cause="轴承批次不合格", responsible_department="production")
    issue_solve(issue=issue, actor=production_user, solution="更换同批次全部轴承并逐台复测。")
    issue_progress_add(issue=issue, actor=sales_rep, text="备件已到货，周三上门更换。")
    issue = issue_resolve(issue=issue, actor=production_user, result="已更换轴承，噪音复测合格。")
    assert issue.state == "resolved"
    # The customer does not accept: back to its solution; resolved again; then accepted on their page.
    issue = issue_result_reject(issue=issue, portal_link=Link(delivered_order), customer_name="刘经理",
                                reason="仍有轻微异响。")
    assert issue.state == "solution"
    issue = issue_resolve(issue=issue, actor=production_user, result="再次调整，异响消除。")
    issue = issue_result_accept(issue=issue, portal_link=Link(delivered_order), customer_name="刘经理")
    assert issue.state == "closed" and issue.closed_via == "customer" and issue.closed_by is None
    # The line is inspected afresh; accepting every line accepts the order.
    assert selectors.line_rows(delivered_order)[0].can_be_inspected
    acceptance_record(order=delivered_order, entries=[(ln, verdicts()) for ln in delivered_order.lines.all()],
                      portal_link=Link(delivered_order), customer_name="刘经理")
    delivered_order.refresh_from_db()
    assert delivered_order.state == "accepted"
    actions = [e.action for e in events_since_built(delivered_order) if e.action.startswith("acceptance_issue")]
    assert actions == ["acceptance_issue.opened", "acceptance_issue.classified", "acceptance_issue.analysed",
                       "acceptance_issue.solution", "acceptance_issue.progress", "acceptance_issue.resolved",
                       "acceptance_issue.result_rejected", "acceptance_issue.resolved", "acceptance_issue.closed"]


def test_p2_5_d_another_reps_customer_link_cannot_accept_the_result(delivered_order, sales_rep, make_order):
    issue = reject_line_1(delivered_order, actor=sales_rep)
    issue_resolve(issue=issue, actor=sales_rep, result="已处理")
    with pytest.raises(PermissionDenied):
        issue_result_accept(issue=issue, portal_link=Link(make_order(state="approved")), customer_name="刘经理")
    issue.refresh_from_db()
    assert issue.state == "resolved"


def test_p2_5_d_progress_needs_words_and_an_open_issue(delivered_order, sales_rep):
    issue = reject_line_1(delivered_order, actor=sales_rep)
    with pytest.raises(ValidationFailed):
        issue_progress_add(issue=issue, actor=sales_rep, text="  ")
    issue_resolve(issue=issue, actor=sales_rep, result="已处理")
    issue_result_accept(issue=issue, actor=sales_rep, customer_name="刘经理")
    with pytest.raises(InvalidTransition):
        issue_progress_add(issue=issue, actor=sales_rep, text="补充说明")


def test_p2_5_d_another_rep_does_not_handle_the_issue(delivered_order, sales_rep, sales_rep2):
    issue = reject_line_1(delivered_order, actor=sales_rep)
    with pytest.raises(PermissionDenied):
        issue_resolve(issue=issue, actor=sales_rep2, result="已处理")


# --- compensation: four eyes and the credit note ----------------------------------------------------------

@pytest.fixture
def leading_center(make_user):  # type: ignore[no-untyped-def]
    """One person in the order center and in leadership: may ask and may approve, never both at once."""
    return make_user("center-leader", Role.ORDER_CENTER, Role.LEADERSHIP, display_name="孙主任")


def test_p2_5_d_compensation_needs_a_second_person_and_issues_a_linked_credit_note(
        delivered_order, sales_rep, leading_center, leader):
    issue = reject_line_1(delivered_order, actor=sales_rep)
    comp = compensation_request(issue=issue, actor=leading_center, amount="1200.00",
                                basis="合同第8条：质量问题造成停工损失按实际赔偿。")
    with pytest.raises(PermissionDenied) as e:
        compensation_approve(compensation=comp, actor=leading_center)
    assert e.value.code == "segregation_of_duties"
    with pytest.raises(PermissionDenied) as e:
        compensation_approve(compensation=comp, actor=sales_rep)
    assert e.value.code == "permission_denied"
    assert not CreditNote.objects.exists()
    comp = compensation_approve(compensation=comp, actor=leader, comment="同意按合同赔偿。")
    assert comp.state == "approved" and comp.decided_by == leader
    note = comp.credit_note
    assert note is not None and note.amount == Decimal("1200.00") and note.order == delivered_order
    assert note.customer == delivered_order.customer and issue.number in note.reason
    assert CreditNote.objects.get(pk=note.pk).compensation == comp  # linked both ways
    assert Notification.objects.filter(recipient=leading_center, kind="compensation_decided").exists()
    ev = events_since_built(delivered_order, "compensation.approved")[0]
    assert ev.after["credit_note"] == note.number


def test_p2_5_d_leadership_is_told_of_a_compensation_request(delivered_order, sales_rep, leader):
    issue = reject_line_1(delivered_order, actor=sales_rep)
    compensation_request(issue=issue, actor=sales_rep, amount="300", basis="合同第8条")
    assert Notification.objects.filter(recipient=leader, kind="compensation_requested").count() == 1
    assert list(selectors.compensations_waiting(leader)) == list(Compensation.objects.all())


def test_p2_5_d_a_refused_compensation_issues_nothing(delivered_order, sales_rep, leader):
    issue = reject_line_1(delivered_order, actor=sales_rep)
    comp = compensation_request(issue=issue, actor=sales_rep, amount="300", basis="合同第8条")
    with pytest.raises(ValidationFailed):
        compensation_refuse(compensation=comp, actor=leader, comment="")
    comp = compensation_refuse(compensation=comp, actor=leader, comment="损失与质量问题无关。")
    assert comp.state == "refused" and comp.credit_note is None and not CreditNote.objects.exists()
    with pytest.raises(InvalidTransition):
        compensation_approve(compensation=comp, actor=leader)


def test_p2_5_d_compensation_amounts_are_checked(delivered_order, sales_rep, cs_agent):
    issue = reject_line_1(delivered_order, actor=sales_rep)
    for bad in ("0", "-5", "abc", "1e30"):
        with pytest.raises(ValidationFailed):
            compensation_request(issue=issue, actor=sales_rep, amount=bad, basis="合同第8条")
    with pytest.raises(ValidationFailed) as e:
        compensation_request(issue=issue, actor=sales_rep, amount=str(delivered_order.total_amount + 1),
                             basis="合同第8条")
    assert e.value.code == "above_order_amount"
    with pytest.raises(PermissionDenied):
        compensation_request(issue=issue, actor=cs_agent, amount="100", basis="合同第8条")
    assert not Compensation.objects.exists()
