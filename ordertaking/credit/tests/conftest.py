"""Fixtures for credit and finance tests: evaluated customers, orders from the shared factory, and
the credit gate as review.order_approve calls it (the gate's own contract, tested at its layer)."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction


@pytest.fixture
def make_order(make_order):  # type: ignore[no-untyped-def]
    """The shared factory (tests/factories.py), on cash-on-delivery terms: credit thinks in amounts owed."""
    return functools.partial(make_order, payment="cod")


@pytest.fixture
def held_order(make_order):  # type: ignore[no-untyped-def]
    """An order over its customer's limit, held by order_submit itself (P5.1), and its hold."""
    from ordertaking.credit.models import CreditHold

    def make(customer, total):  # type: ignore[no-untyped-def]
        order = make_order(customer, total=total, state="credit_hold")
        return order, CreditHold.objects.get(order=order)

    return make


@pytest.fixture
def evaluate(finance_user, leader):  # type: ignore[no-untyped-def]
    """Give a customer an approved evaluation, then set the rating's terms directly when asked."""
    from ordertaking.credit.models import CustomerCredit
    from ordertaking.credit.services import credit_evaluation_approve, credit_evaluation_propose

    def run(customer, *, limit=None, guarantee_required=None, kinds=None, max_term=None, **factors):  # type: ignore[no-untyped-def]
        inputs: dict[str, Any] = {"registered_capital": "20000000", "years_in_business": 12, "licences_held": 3,
                  "annual_revenue": "50000000", "debt_ratio": "45", "references": 3}
        inputs.update(factors)
        ev = credit_evaluation_propose(customer=customer, actor=finance_user, **inputs)
        credit_evaluation_approve(evaluation=ev, actor=leader)
        updates = {}
        if limit is not None:
            updates["credit_limit"] = Decimal(limit)
        if guarantee_required is not None:
            updates["guarantee_required"] = guarantee_required
        if kinds is not None:
            updates["payment_kinds"] = kinds
        if max_term is not None:
            updates["max_term_days"] = max_term
        if updates:
            CustomerCredit.objects.filter(customer=customer).update(**updates)
        return CustomerCredit.objects.get(customer=customer)

    return run


@pytest.fixture
def approve(reviewer):  # type: ignore[no-untyped-def]
    """What review.order_approve does around the credit gate (the agreed contract)."""
    from django.utils import timezone

    from ordertaking.credit.services import credit_order_gate
    from ordertaking.orders.models import Order
    from ordertaking.orders.states import check_move

    def run(order, actor=None):  # type: ignore[no-untyped-def]
        actor = actor or reviewer
        with transaction.atomic():
            locked = Order.objects.select_for_update().get(pk=order.pk)
            target = check_move(locked.state, "approve")
            hold = credit_order_gate(order=locked, actor=actor)
            if hold is None:
                locked.state = target
                locked.approved_at = timezone.now()
                locked.approved_by = actor
                locked.save()
        locked.refresh_from_db()
        return locked, hold

    return run
