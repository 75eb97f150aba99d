"""Fixtures for the orders tests: complete and incomplete orders built through the service."""

from __future__ import annotations

from decimal import Decimal

import pytest


@pytest.fixture
def line_motor(catalog):  # type: ignore[no-untyped-def]
    return {"product": catalog["products"]["motor"], "quantity": Decimal("2")}


@pytest.fixture
def complete_kwargs(catalog, customer, far_date, line_motor):  # type: ignore[no-untyped-def]
    """Everything P2.2.a asks for: customer, lines, delivery date and place, payment method."""
    return {
        "customer": customer, "delivery_date": far_date, "delivery_region": catalog["regions"]["sh"],
        "delivery_city": "上海市", "delivery_address": "浦东新区张江路100号",
        "payment_method": catalog["payments"]["prepay"], "customer_reference": "PO-2026-001",
        "lines": [line_motor, {"product": catalog["products"]["install"], "quantity": Decimal("1"),
                               "unit_price": Decimal("750.00")}],
    }


@pytest.fixture
def draft(sales_rep, complete_kwargs):  # type: ignore[no-untyped-def]
    from ordertaking.orders.services import order_create

    return order_create(actor=sales_rep, **complete_kwargs)


@pytest.fixture
def incomplete_draft(sales_rep, customer):  # type: ignore[no-untyped-def]
    from ordertaking.orders.services import order_create

    return order_create(actor=sales_rep, customer=customer,
                        lines=[{"name": "", "description": "", "quantity": None, "unit_price": None, "unit": ""}])


@pytest.fixture
def no_review(monkeypatch):  # type: ignore[no-untyped-def]
    """Records the calls to the review app's checks (its own tests cover what they find)."""
    calls: list = []

    def fake(*, order, actor, credit_facts=None, legal_review=None, stored=None):  # type: ignore[no-untyped-def]
        from django.db import connection

        calls.append((order.number, actor.username, connection.in_atomic_block))
        return []

    # The submit hand-off (review.services.order_submit) calls the checks by this name.
    monkeypatch.setattr("ordertaking.review.services.review_findings_refresh", fake)
    return calls


def return_order(order, reviewer):  # type: ignore[no-untyped-def]
    """What the review app does on a return (contract): check the move, set the state, write the event."""
    from django.db import transaction

    from ordertaking.audit.services import event_record
    from ordertaking.orders.models import Order
    from ordertaking.orders.states import check_move

    with transaction.atomic():
        o = Order.objects.select_for_update().get(pk=order.pk)
        o.state = check_move(o.state, "return")
        o.save()
        event_record(actor=reviewer, action="order.returned", subject=o, clause="P2.3.c",
                     message="交货期太紧，请与客户确认")
    return o

