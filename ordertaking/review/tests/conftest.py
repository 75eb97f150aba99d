"""The review's named orders, built by the shared factory (root conftest `make_order`)."""

from __future__ import annotations

import pytest


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
        from tests.credit_grant import customer_credit_grant

        customer = request.getfixturevalue("customer")
        customer_credit_grant(customer, by=customer.created_by)
