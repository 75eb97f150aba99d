"""P5.1 at approval: the order's locking query also locks the customer's credit row (credit.checks.credit_joined),
so the approval reads and moves the row in one statement fewer, and approvals for one customer still take turns
on it. The submission's lock reads the row (without locking it) for the findings and the hold."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ordertaking.common.errors import Conflict
from ordertaking.credit.models import CreditHold, CustomerCredit
from ordertaking.orders.models import Order
from ordertaking.review.services import order_approve, order_submit
from tests.concurrency import errors_of, limit_check_slowed, race

D = Decimal


@pytest.fixture
def evaluated(customer, sales_rep):  # type: ignore[no-untyped-def]
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=sales_rep)
    CustomerCredit.objects.filter(customer=customer).update(credit_limit=D("100000"))
    return customer


def _credit_statements(q: CaptureQueriesContext) -> list[str]:
    return [x["sql"] for x in q.captured_queries if "credit_customercredit" in x["sql"]]


@pytest.mark.django_db
def test_p5_1_the_approval_reads_the_credit_row_in_the_orders_lock_and_moves_it(evaluated, make_order, reviewer):
    order = make_order(evaluated)
    with CaptureQueriesContext(connection) as q:
        order_approve(order=order, actor=reviewer)
    touching = _credit_statements(q)
    first = touching[0]
    assert 'FROM "orders_order"' in first, first  # the order's own lock read the row ...
    if connection.vendor == "postgresql":  # ... and locked both rows, the order's first
        assert 'FOR UPDATE OF "orders_order", "credit_customercredit"' in first, first
    assert not any(s.startswith("SELECT") and 'FROM "credit_customercredit"' in s for s in touching), touching
    order.refresh_from_db()
    assert CustomerCredit.objects.get(customer=evaluated).approved_uninvoiced == order.total_amount > 0


@pytest.mark.django_db
def test_p5_1_an_approval_for_a_customer_with_no_credit_row_yet_makes_it_and_refuses_on_the_finding(
        customer, make_order, reviewer):
    """The locking query finds no order while the customer has no credit row (an inner join): the approval
    makes the row and asks again, then stops on the finding that the customer has no evaluation (P5.1.b)."""
    order = make_order(customer, total="1000.00")
    CustomerCredit.objects.filter(customer=customer).delete()
    with pytest.raises(Conflict) as e:
        order_approve(order=order, actor=reviewer)
    assert "no_credit_evaluation" in {d.get("code") for d in e.value.details}, e.value.details
    assert Order.objects.get(pk=order.pk).state == "submitted"


@pytest.mark.django_db
def test_p2_3_approving_an_order_that_is_gone_says_it_does_not_exist(make_order, reviewer):
    ghost = Order.objects.get(pk=make_order().pk)
    ghost.pk = 10**9  # no such row
    with pytest.raises(Order.DoesNotExist):
        order_approve(order=ghost, actor=reviewer)


@pytest.mark.django_db
def test_p5_1_the_submission_reads_the_credit_row_with_the_order_and_holds_over_the_limit(
        evaluated, make_order, sales_rep):
    order = make_order(evaluated, total="150000.00", state="draft")
    with CaptureQueriesContext(connection) as q:
        order = order_submit(order=order, actor=sales_rep)
    assert order.state == "credit_hold"
    assert CreditHold.objects.filter(order=order, state=CreditHold.State.OPEN).count() == 1
    assert not any(s.startswith("SELECT") and 'FROM "credit_customercredit"' in s for s in _credit_statements(q))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_p5_1_two_approvals_at_once_for_one_customer_take_turns_on_its_credit_row(
        evaluated, make_order, reviewer, reviewer2, monkeypatch):
    """Through order_approve itself: the second approval's locking query waits for the first one's credit row
    and then reads the exposure the first one left, so the two never pass the limit together."""
    orders = [make_order(evaluated, total="60000.00") for _ in range(2)]
    limit_check_slowed(monkeypatch)  # hold the lock (or, without one, let the other read the same exposure)
    started = time.monotonic()
    results = race(lambda: order_approve(order=orders[0], actor=reviewer),
                   lambda: order_approve(order=orders[1], actor=reviewer2))
    elapsed = time.monotonic() - started
    assert not errors_of(results), results
    assert sorted(Order.objects.get(pk=o.pk).state for o in orders) == ["approved", "credit_hold"]
    credit = CustomerCredit.objects.get(customer=evaluated)
    assert credit.approved_uninvoiced == D("60000.00") <= credit.credit_limit
    assert elapsed >= 0.8  # one after the other


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_p5_1_two_first_approvals_for_a_customer_with_no_credit_row_make_one_row(customer, make_order, reviewer,
                                                                                 reviewer2):
    orders = [make_order(customer, total="1000.00") for _ in range(2)]
    CustomerCredit.objects.filter(customer=customer).delete()

    def approve(order, actor):  # type: ignore[no-untyped-def]
        try:
            order_approve(order=order, actor=actor)
        except Conflict as e:
            return {d.get("code") for d in e.details}
        return set()

    results = race(lambda: approve(orders[0], reviewer), lambda: approve(orders[1], reviewer2))
    assert not errors_of(results), results
    assert all("no_credit_evaluation" in r for r in results), results  # each stopped on the finding, no error
