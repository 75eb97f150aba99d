"""Approved orders of a customer with credit, built through the real services."""

from __future__ import annotations

from typing import Any

import pytest

from ordertaking.accounts.roles import Role
from tests.credit_grant import customer_credit_grant


@pytest.fixture
def credit(customer, finance_user, leader):  # type: ignore[no-untyped-def]
    return customer_credit_grant(customer, by=finance_user, approver=leader, limit="1000000.00")


@pytest.fixture
def approved(make_order, credit):  # type: ignore[no-untyped-def]
    """An approved order: two motors at ¥3,200.00 and one reducer at ¥5,600.00 (¥12,000.00)."""
    def build(**kw: Any) -> Any:
        kw.setdefault("lines", [{"product": "motor", "quantity": "2"}, {"product": "reducer", "quantity": "1"}])
        return make_order(state="approved", **kw)
    return build


@pytest.fixture
def center_clerk(make_user):  # type: ignore[no-untyped-def]
    return make_user("center-clerk", Role.ORDER_CENTER, display_name="订单中心录入员")
