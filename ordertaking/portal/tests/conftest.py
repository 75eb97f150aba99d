"""Portal fixtures: an approved order of the customer 上海浦江机械 and its link."""

from __future__ import annotations

from typing import Any

import pytest

from tests.credit_grant import customer_credit_grant


@pytest.fixture
def order(make_order, customer, finance_user):  # type: ignore[no-untyped-def]
    customer_credit_grant(customer, by=finance_user)
    return make_order(state="approved", lines=[{"product": "motor", "quantity": "4"},
                                               {"product": "reducer", "quantity": "2"}])


@pytest.fixture
def other_order(make_order):  # type: ignore[no-untyped-def]
    return make_order(state="approved", lines=[{"product": "reducer", "quantity": "1"}])


@pytest.fixture
def link(order, sales_rep):  # type: ignore[no-untyped-def]
    from ordertaking.portal.services import portal_link_issue

    return portal_link_issue(actor=sales_rep, order=order, email="liu@pujiang.example.cn", send=False)


@pytest.fixture
def token(link) -> str:  # type: ignore[no-untyped-def]
    from ordertaking.portal.selectors import link_token

    return link_token(link)


def overview_url(token: str) -> str:
    return f"/p/{token}/"


def page(client: Any, token: str, **extra: Any) -> Any:
    return client.get(overview_url(token), **extra)
