"""Row locks on PostgreSQL (P2.3.c): two reviewers acting at once on one order produce one decision."""

from __future__ import annotations

import pytest

from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import DomainError
from ordertaking.orders.states import OrderState
from ordertaking.review.models import ReviewDecision, SpecialApproval
from ordertaking.review.services import (
    order_approve,
    order_return,
    special_approval_grant,
    special_approval_request,
)
from tests.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_p2_3_c_approve_and_return_at_once_leave_exactly_one_decision(clean_order, reviewer, reviewer2):
    results = race(lambda: order_approve(order=clean_order, actor=reviewer),
                   lambda: order_return(order=clean_order, actor=reviewer2, opinion="同时退回"))
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1 and errors[0].status == 409
    clean_order.refresh_from_db()
    assert clean_order.state in (OrderState.APPROVED, OrderState.RETURNED)
    assert ReviewDecision.objects.filter(order=clean_order).count() == 1
    assert AuditEvent.objects.filter(subject_id=str(clean_order.pk),
                                     action__in=["order.approved", "order.returned"]).count() == 1


def test_p2_3_c_two_special_approval_requests_at_once_make_one(floor_order, sales_rep, reviewer):
    results = race(lambda: special_approval_request(order=floor_order, actor=sales_rep, reason="a"),
                   lambda: special_approval_request(order=floor_order, actor=reviewer, reason="b"))
    assert sum(isinstance(r, SpecialApproval) for r in results) == 1
    assert SpecialApproval.objects.filter(order=floor_order).count() == 1


def test_p2_3_c_a_grant_racing_a_return_never_leaves_a_grant_on_a_returned_order(floor_order, sales_rep,
                                                                                  leader, reviewer):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="x")
    race(lambda: special_approval_grant(approval=sa, actor=leader),
         lambda: order_return(order=floor_order, actor=reviewer, opinion="退回"))
    sa.refresh_from_db()
    floor_order.refresh_from_db()
    assert floor_order.state == OrderState.RETURNED
    # either the grant came first (then the return ends it), or the return withdrew the request first
    assert sa.state in (SpecialApproval.State.GRANTED, SpecialApproval.State.WITHDRAWN)
