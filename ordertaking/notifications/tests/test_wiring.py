"""The review and credit services notify whoever the work reaches (issue 10: order submitted,
returned, approved, special approval asked and decided, credit hold placed and released)."""

from __future__ import annotations

import pytest

from ordertaking.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


def _to(kind: str) -> list[tuple[str, dict]]:
    return sorted((n.recipient.username, n.params) for n in
                  Notification.objects.filter(kind=kind).select_related("recipient"))


@pytest.fixture(autouse=True)
def _credit(customer):  # type: ignore[no-untyped-def]
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=customer.created_by)


def test_a_submitted_order_reaches_the_reviewers_with_a_link_to_it(make_order, reviewer, reviewer2, leader):
    order = make_order()
    assert _to(Kind.ORDER_SUBMITTED) == [
        (u, {"order": order.number, "customer": "上海浦江机械有限公司"})
        for u in sorted([reviewer.username, reviewer2.username])]
    n = Notification.objects.filter(kind=Kind.ORDER_SUBMITTED).first()
    assert n is not None
    assert n.url == f"/orders/{order.number}/" and n.subject_ref == order.number and n.actor == order.sales_rep


def test_a_returned_order_reaches_its_rep_with_the_opinion(make_order, sales_rep):
    order = make_order(state="returned", opinion="交货期需与客户确认。")
    assert _to(Kind.ORDER_RETURNED) == [
        (sales_rep.username, {"order": order.number, "opinion": "交货期需与客户确认。"})]


def test_an_approved_order_reaches_its_rep(make_order, sales_rep):
    order = make_order(state="approved")
    assert _to(Kind.ORDER_APPROVED) == [(sales_rep.username, {"order": order.number, "opinion": ""})]


def test_special_approval_asked_reaches_leadership_and_the_decision_the_requester(make_order, sales_rep, leader):
    from ordertaking.review.services import special_approval_refuse, special_approval_request

    order = make_order(lines=[{"product": "motor", "quantity": "2", "unit_price": "2799.99"}])
    sa = special_approval_request(order=order, actor=sales_rep, reason="战略客户首单")
    assert _to(Kind.SPECIAL_APPROVAL_REQUESTED) == [
        (leader.username, {"order": order.number, "reason": "战略客户首单"})]
    special_approval_refuse(approval=sa, actor=leader, comment="价格过低")
    assert _to(Kind.SPECIAL_APPROVAL_DECIDED) == [
        (sales_rep.username, {"order": order.number, "outcome": "refused", "comment": "价格过低"})]


def test_a_credit_hold_reaches_the_rep_and_finance_and_its_release_the_rep_and_reviewers(
        make_order, customer, sales_rep, finance_user, reviewer):
    from ordertaking.credit.models import CreditHold
    from ordertaking.credit.services import credit_hold_release
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=customer.created_by, limit="100.00")
    order = make_order(total="5000.00", state="credit_hold")
    # Held at submission by the rep's own submit: the rep is the actor and sees it on the page; finance learns.
    assert _to(Kind.CREDIT_HOLD_PLACED) == [
        (finance_user.username, {"order": order.number, "customer": "上海浦江机械有限公司", "excess": "4900.00"})]
    assert not Notification.objects.filter(kind=Kind.ORDER_SUBMITTED).exists()  # not yet for review
    credit_hold_release(hold=CreditHold.objects.get(order=order), actor=finance_user, reason="客户已预付部分货款")
    assert _to(Kind.CREDIT_HOLD_RELEASED) == [
        (sales_rep.username, {"order": order.number, "reason": "客户已预付部分货款"})]
    assert reviewer.username in {u for u, _p in _to(Kind.ORDER_SUBMITTED)}
