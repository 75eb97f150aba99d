"""Credit services (P5.1): evaluation with a second person, guarantees, the approval gate,
holds and releases by role, the maintained exposure and its reconciliation."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.credit.models import CreditEvaluation, CreditHold, CustomerCredit, Guarantee, ScorecardPolicy
from ordertaking.credit.services import (
    credit_evaluation_approve,
    credit_evaluation_propose,
    credit_evaluation_reject,
    credit_hold_release,
    guarantee_record,
    scorecard_policy_update,
)
from ordertaking.finance.services import exposure_reconcile

pytestmark = pytest.mark.django_db
D = Decimal
FACTORS: dict[str, Any] = {"registered_capital": "20000000", "years_in_business": 12, "licences_held": 3,
           "annual_revenue": "50000000", "debt_ratio": "45", "references": 3}


def events(action):  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(action=action)


# ---------------------------------------------------------------- evaluation (P5.1.a)

def test_p5_1_a_finance_proposes_an_evaluation_scored_from_the_four_factors(customer, finance_user):
    ev = credit_evaluation_propose(customer=customer, actor=finance_user, **FACTORS)
    assert ev.state == CreditEvaluation.State.PROPOSED
    assert ev.factor_scores["factors"] == {"qualification": 30 + 35 + 15, "financial": 35 + 35, "reputation": 90,
                                           "payment": 60}
    # 80×25% + 70×25% + 90×20% + 60×30% = 73.5 → 74
    assert ev.score == 74 and ev.rating == "AA" and ev.credit_limit == D("1000000.00")
    ev_event = events("credit.evaluation_proposed").get()
    assert ev_event.subject_id == str(customer.pk) and ev_event.after["rating"] == "AA"
    # Not in force until approved.
    assert not CustomerCredit.objects.filter(customer=customer, evaluation__isnull=False).exists()


def test_p5_1_a_a_second_person_approves_and_the_terms_come_into_force(customer, finance_user, leader):
    ev = credit_evaluation_propose(customer=customer, actor=finance_user, **FACTORS)
    credit_evaluation_approve(evaluation=ev, actor=leader, comment="ok")
    credit = CustomerCredit.objects.get(customer=customer)
    assert (credit.rating, credit.credit_limit, credit.max_term_days) == ("AA", D("1000000.00"), 60)
    assert credit.evaluation_id == ev.pk
    assert events("credit.evaluation_approved").get().after["credit_limit"] == "1000000.00"


def test_p5_1_a_the_proposer_cannot_approve_their_own_evaluation(customer, finance_user):
    ev = credit_evaluation_propose(customer=customer, actor=finance_user, **FACTORS)
    with pytest.raises(PermissionDenied):
        credit_evaluation_approve(evaluation=ev, actor=finance_user)
    ev.refresh_from_db()
    assert ev.state == CreditEvaluation.State.PROPOSED
    assert not events("credit.evaluation_approved").exists()


def test_p5_1_a_a_sales_rep_can_neither_propose_nor_approve(customer, finance_user, sales_rep):
    with pytest.raises(PermissionDenied):
        credit_evaluation_propose(customer=customer, actor=sales_rep, **FACTORS)
    ev = credit_evaluation_propose(customer=customer, actor=finance_user, **FACTORS)
    with pytest.raises(PermissionDenied):
        credit_evaluation_approve(evaluation=ev, actor=sales_rep)
    assert CreditEvaluation.objects.count() == 1


def test_p5_1_a_a_decided_evaluation_cannot_be_decided_again(customer, finance_user, leader):
    ev = credit_evaluation_propose(customer=customer, actor=finance_user, **FACTORS)
    credit_evaluation_reject(evaluation=ev, actor=leader, comment="figures unverified")
    with pytest.raises(InvalidTransition):
        credit_evaluation_approve(evaluation=ev, actor=leader)
    assert not CustomerCredit.objects.filter(customer=customer, evaluation__isnull=False).exists()


def test_p5_1_a_a_new_approval_supersedes_the_previous_evaluation(customer, finance_user, leader):
    first = credit_evaluation_propose(customer=customer, actor=finance_user, **FACTORS)
    credit_evaluation_approve(evaluation=first, actor=leader)
    second = credit_evaluation_propose(customer=customer, actor=finance_user, **{**FACTORS, "debt_ratio": "90"})
    credit_evaluation_approve(evaluation=second, actor=leader)
    first.refresh_from_db()
    assert first.state == CreditEvaluation.State.SUPERSEDED
    assert CustomerCredit.objects.get(customer=customer).rating == second.rating


@pytest.mark.parametrize(("field", "value"), [("registered_capital", "-1"), ("annual_revenue", "abc"),
                                              ("debt_ratio", "-5"), ("years_in_business", "x"),
                                              ("licences_held", -1)])
def test_p5_1_a_bad_factor_input_is_refused_with_its_field(customer, finance_user, field, value):
    with pytest.raises(ValidationFailed) as exc:
        credit_evaluation_propose(customer=customer, actor=finance_user, **{**FACTORS, field: value})
    assert exc.value.field == field
    assert CreditEvaluation.objects.count() == 0


def test_p5_1_a_finance_changes_the_scorecard_as_a_new_version(finance_user, sales_rep):
    from ordertaking.credit.rules import DEFAULT_BANDS

    args: dict[str, Any] = {"weights": {"qualification": 20, "financial": 20, "reputation": 20, "payment": 40},
            "bands": DEFAULT_BANDS, "finance_release_authority": "80000", "watch_overdue_days": 20,
            "stop_overdue_days": 60, "limit_cut_percent": 50, "term_cut_days": 10}
    with pytest.raises(PermissionDenied):
        scorecard_policy_update(actor=sales_rep, **args)
    p = scorecard_policy_update(actor=finance_user, **args)
    assert p.version == 2 and ScorecardPolicy.objects.count() == 2  # v1 kept: the history
    with pytest.raises(ValidationFailed) as exc:
        scorecard_policy_update(actor=finance_user, **{**args, "weights": {"qualification": 50, "financial": 50,
                                                                           "reputation": 50, "payment": 50}})
    assert exc.value.field == "weights"


# ---------------------------------------------------------------- new customers, guarantees (P5.1.b)

def test_p5_1_b_an_unevaluated_customer_cannot_be_approved(customer, make_order, approve):
    order = make_order(customer)
    with pytest.raises(ValidationFailed) as exc:
        approve(order)
    assert exc.value.code == "no_credit_evaluation"
    order.refresh_from_db()
    assert order.state == "submitted"


def test_p5_1_b_a_rating_that_needs_a_guarantee_blocks_approval_until_one_is_recorded(
        customer, make_order, approve, evaluate, finance_user):
    evaluate(customer, guarantee_required=True, limit="100000")
    order = make_order(customer, total="10000.00")
    with pytest.raises(ValidationFailed) as exc:
        approve(order)
    assert exc.value.code == "guarantee_missing"
    today = timezone.localdate()
    guarantee_record(customer=customer, actor=finance_user, kind="deposit", amount="3000", percent="30",
                     valid_from=today, valid_until=today + timedelta(days=60), order=order)
    approved, hold = approve(order)
    assert hold is None and approved.state == "approved"
    assert AuditEvent.objects.filter(action="credit.guarantee_recorded", subject_id=str(order.pk)).exists()


def test_p5_1_b_an_expired_guarantee_does_not_count(customer, make_order, approve, evaluate, finance_user):
    evaluate(customer, guarantee_required=True, limit="100000")
    order = make_order(customer)
    today = timezone.localdate()
    guarantee_record(customer=customer, actor=finance_user, kind="guarantor", guarantor="浦江集团", amount="5000",
                     valid_from=today - timedelta(days=30), valid_until=today - timedelta(days=1))
    with pytest.raises(ValidationFailed):
        approve(order)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"amount": "-1"}, "amount"), ({"amount": "0"}, "amount"), ({"kind": "gold"}, "kind"),
    ({"kind": "guarantor", "guarantor": ""}, "guarantor"), ({"percent": "120"}, "percent"),
])
def test_p5_1_b_bad_guarantee_input_is_refused(customer, finance_user, kwargs, field):
    today = timezone.localdate()
    args = {"kind": "deposit", "amount": "1000", "percent": "30", "valid_from": today,
            "valid_until": today + timedelta(days=5), **kwargs}
    with pytest.raises(ValidationFailed) as exc:
        guarantee_record(customer=customer, actor=finance_user, **args)
    assert exc.value.field == field
    assert Guarantee.objects.count() == 0


def test_p5_1_b_only_finance_records_guarantees(customer, sales_rep):
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        guarantee_record(customer=customer, actor=sales_rep, kind="lc", amount="1000", valid_from=today,
                         valid_until=today)


# ---------------------------------------------------------------- exposure, limit, hold (P5.1)

def test_p5_1_approval_within_the_limit_adds_the_order_to_the_maintained_exposure(
        customer, make_order, approve, evaluate):
    evaluate(customer, limit="50000")
    order, hold = approve(make_order(customer, total="30000.00"))
    assert hold is None and order.state == "approved"
    credit = CustomerCredit.objects.get(customer=customer)
    assert credit.approved_uninvoiced == D("30000.00") and credit.exposure == D("30000.00")
    ev = AuditEvent.objects.get(action="credit.checked")
    assert ev.after is not None
    assert ev.after["exposure"] == "30000.00" and ev.after["credit_limit"] == "50000.00"


def test_p5_1_approval_over_the_limit_puts_the_order_on_credit_hold_with_its_figures(
        customer, make_order, approve, evaluate):
    evaluate(customer, limit="50000")
    first = make_order(customer, total="30000.00")
    second = make_order(customer, total="25000.00")  # within the limit when submitted (P5.1)
    approve(first)
    order, hold = approve(second)
    assert order.state == "credit_hold"
    assert (hold.exposure, hold.credit_limit, hold.excess, hold.stage) == (
        D("30000.00"), D("50000.00"), D("5000.00"), "approval")
    assert CustomerCredit.objects.get(customer=customer).exposure == D("30000.00")  # not reserved
    held = AuditEvent.objects.get(action="order.credit_held")
    assert held.after is not None
    assert held.subject_id == str(order.pk) and held.after["excess"] == "5000.00"


def test_p5_1_submission_over_the_limit_holds_the_order(customer, make_order, evaluate, sales_rep):
    evaluate(customer, limit="5000")
    order = make_order(customer, total="8000.00", state="credit_hold")  # held by order_submit itself
    hold = CreditHold.objects.get(order=order)
    assert (hold.stage, hold.excess) == ("submission", D("3000.00"))
    assert AuditEvent.objects.filter(action="order.credit_held", subject_id=str(order.pk)).count() == 1


def test_p5_1_c_a_customer_on_stop_cannot_be_approved(customer, make_order, approve, evaluate):
    evaluate(customer, limit="50000")
    CustomerCredit.objects.filter(customer=customer).update(on_stop=True)
    with pytest.raises(ValidationFailed) as exc:
        approve(make_order(customer))
    assert exc.value.code == "customer_on_credit_stop"


def _held(customer, make_order, approve, evaluate, excess):  # type: ignore[no-untyped-def]
    """An order held at approval by exactly `excess`: both orders were within the limit when
    submitted, and the first one's approval used the whole limit."""
    evaluate(customer, limit="100000")
    first = make_order(customer, total="100000.00")
    order = make_order(customer, total=excess)
    approve(first)
    order, hold = approve(order)
    assert hold is not None and hold.excess == D(excess)
    return order, hold


def test_p5_1_finance_releases_within_its_authority_with_a_reason_and_approval_then_passes(
        customer, make_order, approve, evaluate, finance_user):
    order, hold = _held(customer, make_order, approve, evaluate, "20000.00")
    credit_hold_release(hold=hold, actor=finance_user, reason="客户已承诺月底回款")
    order.refresh_from_db()
    hold.refresh_from_db()
    assert order.state == "submitted" and hold.state == "released" and hold.allowed_excess == D("20000.00")
    assert not hold.special
    ev = AuditEvent.objects.get(action="order.credit_released")
    assert ev.after is not None
    assert ev.message == "客户已承诺月底回款" and ev.after["accepted_excess"] == "20000.00"
    approved, again = approve(order)
    assert again is None and approved.state == "approved"
    assert CustomerCredit.objects.get(customer=customer).exposure == D("120000.00")


def test_p5_1_finance_cannot_release_above_its_authority_but_leadership_can(
        customer, make_order, approve, evaluate, finance_user, leader):
    order, hold = _held(customer, make_order, approve, evaluate, "60000.00")  # authority is 50,000
    with pytest.raises(PermissionDenied) as exc:
        credit_hold_release(hold=hold, actor=finance_user, reason="x")
    assert exc.value.code == "above_authority"
    order.refresh_from_db()
    assert order.state == "credit_hold"
    assert not AuditEvent.objects.filter(action="order.credit_released").exists()
    credit_hold_release(hold=hold, actor=leader, reason="战略客户, 领导特批")
    hold.refresh_from_db()
    assert hold.special and hold.state == "released"


def test_p5_1_release_needs_a_reason(customer, make_order, approve, evaluate, finance_user):
    _order, hold = _held(customer, make_order, approve, evaluate, "1000.00")
    with pytest.raises(ValidationFailed) as exc:
        credit_hold_release(hold=hold, actor=finance_user, reason="  ")
    assert exc.value.field == "reason"


def test_p5_1_whoever_entered_the_order_cannot_release_its_hold(
        customer, make_order, approve, evaluate, make_user):
    from ordertaking.accounts.roles import Role

    boss = make_user("boss", Role.LEADERSHIP, Role.SALES)
    evaluate(customer, limit="1000")
    order = make_order(customer, total="5000.00", entered_by=boss, state="credit_hold")
    hold = CreditHold.objects.get(order=order)
    with pytest.raises(PermissionDenied) as exc:
        credit_hold_release(hold=hold, actor=boss, reason="mine")
    assert exc.value.code == "same_person"


@pytest.mark.parametrize("who", ["sales_rep", "reviewer", "auditor", "cs_agent"])
def test_p5_1_roles_without_release_authority_are_refused(customer, make_order, approve, evaluate, request, who):
    _order, hold = _held(customer, make_order, approve, evaluate, "1000.00")
    with pytest.raises(PermissionDenied):
        credit_hold_release(hold=hold, actor=request.getfixturevalue(who), reason="x")


def test_p5_1_a_released_hold_cannot_be_released_again(customer, make_order, approve, evaluate, finance_user):
    _order, hold = _held(customer, make_order, approve, evaluate, "1000.00")
    credit_hold_release(hold=hold, actor=finance_user, reason="ok")
    with pytest.raises(InvalidTransition):
        credit_hold_release(hold=hold, actor=finance_user, reason="again")
    assert AuditEvent.objects.filter(action="order.credit_released").count() == 1


def test_p5_1_exposure_that_grew_after_release_holds_the_order_again(
        customer, make_order, approve, evaluate, finance_user):
    order, hold = _held(customer, make_order, approve, evaluate, "1000.00")
    credit_hold_release(hold=hold, actor=finance_user, reason="ok")
    # Another order was approved meanwhile (under its own release), raising exposure.
    other = make_order(customer, total="500.00", state="credit_hold")  # over the limit when submitted
    other_hold = CreditHold.objects.get(order=other)
    credit_hold_release(hold=other_hold, actor=finance_user, reason="ok")
    approve(other)
    again, new_hold = approve(order)
    assert again.state == "credit_hold" and new_hold is not None and new_hold.excess == D("500.00")
    assert CreditHold.objects.filter(order=order).count() == 2


def test_p5_1_maintained_exposure_agrees_with_the_recomputation(
        customer, make_order, approve, evaluate, finance_user):
    from ordertaking.finance.services import invoice_issue, payment_record

    evaluate(customer, limit="1000000")
    a, _h = approve(make_order(customer, total="30000.00", qty="10"))
    b, _h = approve(make_order(customer, total="12000.00", qty="4"))
    inv = invoice_issue(order=a, actor=finance_user, lines=[{"order_line": a.lines.get(), "quantity": "4"}])
    invoice_issue(order=b, actor=finance_user)
    payment_record(customer=customer, actor=finance_user, amount="5000",
                   allocations=[{"invoice": inv, "amount": "5000"}])
    credit = CustomerCredit.objects.get(customer=customer)
    assert credit.approved_uninvoiced == D("18000.00")
    assert credit.invoiced_unpaid == D("12000.00") + D("12000.00") - D("5000.00")
    assert exposure_reconcile(actor=None) == []
    # Damage the maintained figure: reconciliation finds it and repairs it.
    CustomerCredit.objects.filter(pk=credit.pk).update(approved_uninvoiced=D("1.00"))
    [diff] = exposure_reconcile(actor=finance_user, fix=True)
    assert diff["recomputed"] == ["18000.00", "19000.00"]
    assert CustomerCredit.objects.get(pk=credit.pk).approved_uninvoiced == D("18000.00")


def test_p5_1_a_hold_no_longer_waits_once_the_reviewer_returns_the_held_order(
        customer, make_order, approve, evaluate, reviewer2):
    from ordertaking.review.services import order_return

    order, hold = _held(customer, make_order, approve, evaluate, "1000.00")
    order_return(order=order, actor=reviewer2, opinion="超出信用额度, 请与客户商议预付款")
    hold.refresh_from_db()
    order.refresh_from_db()
    assert order.state == "returned" and not hold.is_open and hold.current_state == CreditHold.State.CLOSED


def test_p5_1_a_hold_no_longer_waits_once_the_held_order_is_cancelled(
        customer, make_order, approve, evaluate, sales_rep):
    from ordertaking.orders.services import order_cancel

    order, hold = _held(customer, make_order, approve, evaluate, "1000.00")
    order_cancel(order=order, actor=sales_rep, reason="客户取消采购")
    hold.refresh_from_db()
    order.refresh_from_db()
    assert order.state == "cancelled" and not hold.is_open and hold.current_state == CreditHold.State.CLOSED


@pytest.mark.parametrize("case", ["no_credit_evaluation", "customer_on_credit_stop", "guarantee_missing"])
def test_p5_1_b_c_the_approval_gate_refuses_in_the_words_of_the_review_finding(case, customer, make_order, approve,
                                                                              evaluate):
    """P5.1.b (no evaluation, guarantee) and P5.1.c (credit stop) are written once, in credit/rules.py:
    the gate's refusal and the review's finding carry the same code, clause field and message."""
    from ordertaking.credit.checks import order_credit_findings

    if case != "no_credit_evaluation":
        evaluate(customer, limit="100000", guarantee_required=case == "guarantee_missing")
    if case == "customer_on_credit_stop":
        CustomerCredit.objects.filter(customer=customer).update(on_stop=True)
    order = make_order(customer)
    finding = next(f for f in order_credit_findings(order) if f.code == case)
    with pytest.raises(ValidationFailed) as exc:
        approve(order)
    assert (exc.value.code, exc.value.field, str(exc.value.message)) == (case, finding.field, finding.message)
