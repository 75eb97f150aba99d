"""Orders in the states the review needs, built directly with the models so these tests do not
depend on the orders app's services (the contract is exercised in test_contract.py)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from ordertaking.orders.models import Order, OrderLine
from ordertaking.orders.states import OrderState

_seq = {"n": 0}


@pytest.fixture
def make_order(catalog, customer, sales_rep):  # type: ignore[no-untyped-def]
    def make(*, entered_by: Any = None, rep: Any = None, state: str = OrderState.SUBMITTED,
             lines: list[dict[str, Any]] | None = None, delivery_date: Any = None, region: str = "sh",
             payment: str = "prepay", cust: Any = None, submitted_days_ago: int = 0) -> Order:
        _seq["n"] += 1
        rep = rep or sales_rep
        order = Order.objects.create(
            number=f"SO20261126-{_seq['n']:04d}", customer=cust or customer, sales_rep=rep,
            entered_by=entered_by or rep, state=state,
            delivery_date=delivery_date or timezone.localdate() + timedelta(days=30),
            delivery_region=catalog["regions"][region], delivery_city="上海市", delivery_address="张江路100号",
            payment_method=catalog["payments"][payment], contact_name="刘经理", contact_phone="13812345678",
            submitted_at=timezone.now() - timedelta(days=submitted_days_ago))
        total = Decimal("0")
        for i, spec in enumerate(lines or [{"product": "motor", "quantity": "2"}], start=1):
            product = catalog["products"].get(spec.get("product")) if spec.get("product") else None
            price = Decimal(spec["unit_price"]) if "unit_price" in spec else (product.list_price if product
                                                                              else Decimal("100.00"))
            qty = Decimal(spec.get("quantity", "1"))
            OrderLine.objects.create(order=order, position=i, product=product,
                                     product_code=product.code if product else "",
                                     name=product.name if product else spec.get("name", "自定义件"),
                                     unit=product.unit if product else "件", quantity=qty, unit_price=price,
                                     list_price=product.list_price if product else None, amount=qty * price)
            total += qty * price
        order.total_amount = total
        order.save(update_fields=["total_amount"])
        return order

    return make


@pytest.fixture
def clean_order(make_order):  # type: ignore[no-untyped-def]
    """A submitted order with no finding, entered by its sales rep."""
    return make_order()


@pytest.fixture
def floor_order(make_order):  # type: ignore[no-untyped-def]
    """A submitted order whose motor is priced one fen below the floor (P2.3.b)."""
    return make_order(lines=[{"product": "motor", "quantity": "2", "unit_price": "2799.99"}])


@pytest.fixture(autouse=True)
def _customer_credit_evaluated(request):  # type: ignore[no-untyped-def]
    """P5.1.b: the shared customer has an approved credit evaluation (credit app), so the review's
    own tests are not blocked by the credit gate; the credit app tests the gate itself."""
    if "customer" in request.fixturenames:
        from ordertaking.credit.testing import customer_credit_grant

        customer = request.getfixturevalue("customer")
        customer_credit_grant(customer, by=customer.created_by)
