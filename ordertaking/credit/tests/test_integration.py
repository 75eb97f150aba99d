"""The credit app wired into the real order and review services (the agreed contracts):
submission holds an order over the limit, review shows the credit findings, approval goes
through the credit gate under the customer's row lock."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ordertaking.common.errors import Conflict, ValidationFailed
from ordertaking.credit.models import CreditHold, CustomerCredit
from ordertaking.credit.services import credit_hold_release
from ordertaking.orders.services import order_create
from ordertaking.review.models import ReviewFinding
from ordertaking.review.services import order_approve, order_submit

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def submit(customer, catalog, sales_rep, far_date):  # type: ignore[no-untyped-def]
    def run(quantity="2", payment="cod"):  # type: ignore[no-untyped-def]
        order = order_create(actor=sales_rep, customer=customer, delivery_date=far_date,
                             delivery_region=catalog["regions"]["sh"], delivery_city="上海市",
                             delivery_address="浦东新区张江路100号", payment_method=catalog["payments"][payment],
                             contact_name="刘经理", contact_phone="13812345678",
                             lines=[{"product": catalog["products"]["motor"], "quantity": D(quantity)}])
        return order_submit(order=order, actor=sales_rep)

    return run


def codes(order):  # type: ignore[no-untyped-def]
    return set(ReviewFinding.objects.filter(order=order, revision=order.revision).values_list("code", flat=True))


def test_p5_1_b_review_shows_a_blocking_finding_for_a_customer_without_evaluation(submit, reviewer):
    order = submit()
    assert order.state == "submitted"
    assert "no_credit_evaluation" in codes(order)
    with pytest.raises(Conflict) as exc:
        order_approve(order=order, actor=reviewer)
    assert "no_credit_evaluation" in {f["code"] for f in exc.value.details}


def test_p5_1_submission_over_the_limit_puts_the_order_on_credit_hold(submit, customer, evaluate):
    evaluate(customer, limit="5000")
    order = submit(quantity="2")  # 2 × 3,200
    order.refresh_from_db()
    assert order.state == "credit_hold"
    assert CreditHold.objects.get(order=order).excess == D("1400.00")
    assert "credit_limit_exceeded" in codes(order)


def test_p5_1_approval_through_review_reserves_exposure_and_release_lets_the_next_pass(
        submit, customer, evaluate, reviewer, finance_user):
    evaluate(customer, limit="10000")
    first = submit(quantity="2")
    order_approve(order=first, actor=reviewer)
    assert first.state == "approved"
    assert CustomerCredit.objects.get(customer=customer).exposure == D("6400.00")
    second = submit(quantity="2")
    second.refresh_from_db()
    assert second.state == "credit_hold"
    credit_hold_release(hold=CreditHold.objects.get(order=second), actor=finance_user, reason="已收到部分预付款")
    second.refresh_from_db()
    order_approve(order=second, actor=reviewer)
    assert second.state == "approved"
    assert CustomerCredit.objects.get(customer=customer).exposure == D("12800.00")


def test_p3_6_a_payment_term_longer_than_the_rating_allows_is_a_review_finding(submit, customer, evaluate):
    evaluate(customer, kinds=["prepayment", "cod"], max_term=0)
    order = submit(payment="net30")
    assert "payment_method_not_allowed_by_rating" in codes(order)


def test_p5_1_c_a_customer_on_stop_cannot_be_approved_through_review(submit, customer, evaluate, reviewer):
    evaluate(customer)
    CustomerCredit.objects.filter(customer=customer).update(on_stop=True)
    order = submit()
    with pytest.raises((Conflict, ValidationFailed)):
        order_approve(order=order, actor=reviewer)
    order.refresh_from_db()
    assert order.state == "submitted"
