"""Feedback fixtures: an order the customer has accepted (moved there directly: the acceptance chapter
is tested in deliveries), customer-service handlers with a leader."""

from __future__ import annotations

from typing import Any

import pytest

from ordertaking.accounts.roles import Role


def accept(order: Any) -> Any:
    """The order as the acceptance chapter leaves it (P2.5.c): accepted."""
    from ordertaking.orders.models import Order

    Order.objects.filter(pk=order.pk).update(state="accepted")
    order.refresh_from_db()
    return order


@pytest.fixture
def credit_ok(customer, finance_user):  # type: ignore[no-untyped-def]
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=finance_user)
    return customer


@pytest.fixture
def accepted_order(make_order, credit_ok):  # type: ignore[no-untyped-def]
    return accept(make_order(state="approved"))


@pytest.fixture
def cs_leader(make_user):  # type: ignore[no-untyped-def]
    return make_user("cslead", Role.LEADERSHIP, display_name="客服主管")


@pytest.fixture
def handler(make_user, cs_leader):  # type: ignore[no-untyped-def]
    user = make_user("cs2", Role.CUSTOMER_SERVICE, display_name="钱客服")
    user.leader = cs_leader
    user.save(update_fields=["leader"])
    return user


@pytest.fixture
def complaint(cs_agent, accepted_order):  # type: ignore[no-untyped-def]
    from ordertaking.feedback.services import complaint_record

    return complaint_record(actor=cs_agent, order=accepted_order, category="quality", source="phone",
                            description="电机运行噪音偏大，客户要求检测。", contact_name="刘经理")


@pytest.fixture
def token(accepted_order, sales_rep) -> str:  # type: ignore[no-untyped-def]
    """The customer's private link to the accepted order (portal's service)."""
    from ordertaking.portal.selectors import link_token
    from ordertaking.portal.services import portal_link_issue

    return link_token(portal_link_issue(actor=sales_rep, order=accepted_order, send=False))
