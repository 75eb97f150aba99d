"""The legal app's people and orders, built through the real services (root conftest, tests/factories)."""

from __future__ import annotations

import pytest

from ordertaking.accounts.roles import Role


@pytest.fixture
def legal_adviser(make_user):  # type: ignore[no-untyped-def]
    return make_user("legal-a", Role.LEGAL, display_name="法务甲")


@pytest.fixture
def legal_adviser2(make_user):  # type: ignore[no-untyped-def]
    return make_user("legal-b", Role.LEGAL, display_name="法务乙")


@pytest.fixture
def leader2(make_user):  # type: ignore[no-untyped-def]
    return make_user("leader-b", Role.LEADERSHIP, display_name="领导乙")


@pytest.fixture(autouse=True)
def _customer_credit_evaluated(request):  # type: ignore[no-untyped-def]
    """P5.1.b: the shared customer is credit-evaluated, so the credit gate does not stand in the way."""
    if "customer" in request.fixturenames:
        from tests.credit_grant import customer_credit_grant

        customer = request.getfixturevalue("customer")
        customer_credit_grant(customer, by=customer.created_by)


@pytest.fixture
def ip_product(catalog):  # type: ignore[no-untyped-def]
    from ordertaking.catalog.models import Product

    motor = catalog["products"]["motor"]
    Product.objects.filter(pk=motor.pk).update(involves_ip=True)
    motor.refresh_from_db()
    return motor


@pytest.fixture
def flagged_order(ip_product, make_order):  # type: ignore[no-untyped-def]
    """A submitted order whose motor involves intellectual property (P5.3): it waits for the legal opinion."""
    return make_order()
