"""Special approval's state moves (P2.3.c) go through review/states.py: each writes its event,
a move the table does not allow is refused, and nothing is written when it is."""

from __future__ import annotations

import pytest

from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import InvalidTransition
from ordertaking.review.models import SpecialApproval
from ordertaking.review.services import (
    order_return,
    special_approval_grant,
    special_approval_refuse,
    special_approval_request,
)

pytestmark = pytest.mark.django_db


def moves(order):  # type: ignore[no-untyped-def]
    return [(e.action, e.before, e.after.get("state") if e.after else None, e.clause)
            for e in AuditEvent.objects.filter(subject_id=str(order.pk), action__startswith="special_approval.")
            .exclude(action="special_approval.requested")]


def test_p2_3_c_granting_moves_requested_to_granted_and_records_it(floor_order, sales_rep, leader):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="战略客户")
    special_approval_grant(approval=sa, actor=leader)
    assert moves(floor_order) == [("special_approval.granted", {"state": "requested"}, "granted", "P2.3.c")]


def test_p2_3_c_refusing_moves_requested_to_refused_and_records_it(floor_order, sales_rep, leader):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="战略客户")
    special_approval_refuse(approval=sa, actor=leader, comment="价格过低")
    assert moves(floor_order) == [("special_approval.refused", {"state": "requested"}, "refused", "P2.3.c")]


def test_p2_3_c_a_return_withdraws_the_waiting_request_and_records_it(floor_order, sales_rep, reviewer):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="战略客户")
    order_return(order=floor_order, actor=reviewer, opinion="请核实价格")
    sa.refresh_from_db()
    assert sa.state == SpecialApproval.State.WITHDRAWN
    assert moves(floor_order) == [("special_approval.withdrawn", {"state": "requested"}, "withdrawn", "P2.3.c")]


@pytest.mark.parametrize("first,second", [("grant", "grant"), ("grant", "refuse"), ("refuse", "grant")])
def test_p2_3_c_a_decided_request_cannot_move_again_and_nothing_is_written(floor_order, sales_rep, leader,
                                                                           first, second):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="战略客户")
    decide = {"grant": special_approval_grant, "refuse": special_approval_refuse}
    decide[first](approval=sa, actor=leader, comment="一")
    sa.refresh_from_db()
    state, count = sa.state, AuditEvent.objects.count()
    with pytest.raises(InvalidTransition):
        decide[second](approval=sa, actor=leader, comment="二")
    sa.refresh_from_db()
    assert sa.state == state and sa.comment == "一" and AuditEvent.objects.count() == count
