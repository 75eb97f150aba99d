"""The cross-app contract, end to end through the orders app's services: submit runs the review
checks in its transaction (P2.3.a/b), the reviewer approves or returns (P2.3.c), a resubmitted
revision needs a new special approval."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ordertaking.common.errors import Conflict
from ordertaking.orders.services import order_create, order_update
from ordertaking.orders.states import OrderState
from ordertaking.review.models import ReviewFinding
from ordertaking.review.services import (
    order_approve,
    order_return,
    order_submit,
    special_approval_grant,
    special_approval_request,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def entered(catalog, customer, sales_rep, far_date):  # type: ignore[no-untyped-def]
    def make(price: str = "3200.00"):  # type: ignore[no-untyped-def]
        return order_create(
            actor=sales_rep, customer=customer, delivery_date=far_date, delivery_region=catalog["regions"]["sh"],
            delivery_city="上海市", delivery_address="浦东新区张江路100号",
            payment_method=catalog["payments"]["prepay"], contact_name="刘经理", contact_phone="13812345678",
            lines=[{"product": catalog["products"]["motor"], "name": "", "specification": "", "description": "",
                    "unit": "", "quantity": Decimal("2"), "unit_price": Decimal(price)}])
    return make


def test_p2_3_a_submit_stores_the_review_findings_of_the_submitted_revision(entered, sales_rep):
    order = order_submit(order=entered("2799.99"), actor=sales_rep)
    assert order.state == OrderState.SUBMITTED
    stored = list(ReviewFinding.objects.filter(order=order).values_list("code", "clause", "revision"))
    assert stored == [("price_below_floor", "P2.3.b", order.revision)]


def test_p2_3_c_compliant_order_submitted_by_its_rep_is_approved_by_the_order_center(entered, sales_rep,
                                                                                      reviewer):
    order = order_submit(order=entered(), actor=sales_rep)
    assert order_approve(order=order, actor=reviewer).state == OrderState.APPROVED


def test_p2_3_c_special_approval_of_revision_1_does_not_carry_over_to_revision_2(entered, sales_rep, leader,
                                                                                 reviewer):
    order = order_submit(order=entered("2799.99"), actor=sales_rep)
    special_approval_grant(approval=special_approval_request(order=order, actor=sales_rep, reason="首单"),
                           actor=leader)
    order_return(order=order, actor=reviewer, opinion="客户要求改交货地址")
    order.refresh_from_db()
    order_update(order=order, actor=sales_rep, changes={"delivery_address": "浦东新区张江路200号"})
    order.refresh_from_db()
    order = order_submit(order=order, actor=sales_rep)
    assert order.revision == 2
    with pytest.raises(Conflict):
        order_approve(order=order, actor=reviewer)
    sa2 = special_approval_request(order=order, actor=sales_rep, reason="仍按首单价")
    special_approval_grant(approval=sa2, actor=leader)
    assert order_approve(order=order, actor=reviewer).state == OrderState.APPROVED
