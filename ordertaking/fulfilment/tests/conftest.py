"""Fixtures for execution tests: an approved order with a produced line, a plain line and a service."""

from __future__ import annotations

import pytest

from ordertaking.accounts.roles import Role


@pytest.fixture
def approved_order(make_order):  # type: ignore[no-untyped-def]
    return make_order(state="approved", lines=[{"product": "motor", "quantity": "2"},
                                               {"product": "reducer", "quantity": "1"},
                                               {"product": "install", "quantity": "2"}])


@pytest.fixture
def prod2(make_user):  # type: ignore[no-untyped-def]
    return make_user("prod2", Role.PRODUCTION, display_name="卫生产")


@pytest.fixture
def cs_agent2(make_user):  # type: ignore[no-untyped-def]
    return make_user("cs2", Role.CUSTOMER_SERVICE, display_name="蒋客服")


@pytest.fixture(autouse=True)
def _credit(request):  # type: ignore[no-untyped-def]
    """The customer passes the credit gate (P5.1.b), so orders can be approved."""
    if "customer" not in request.fixturenames and "approved_order" not in request.fixturenames \
            and "make_order" not in request.fixturenames:
        return
    from tests.credit_grant import customer_credit_grant

    customer = request.getfixturevalue("customer")
    customer_credit_grant(customer, by=request.getfixturevalue("finance_user"))
