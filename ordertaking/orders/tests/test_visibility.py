"""Who may see what comes from one table (accounts/roles.py CAPABILITIES): the customer archive, the
floor price and acting on any order follow their capabilities, and orders have one visibility
(orders.selectors.visible_orders) that the review and the customer pages use too (P4.1.c, P4.2.a)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from ordertaking.accounts.roles import CAPABILITIES, Role
from ordertaking.catalog.selectors import sees_floor_price
from ordertaking.customers.selectors import customers_visible, sees_all_customers
from ordertaking.orders import selectors as order_selectors
from ordertaking.orders.permissions import is_responsible

pytestmark = pytest.mark.django_db

CHECKS = {
    "customer_view_all": sees_all_customers,
    "floor_price_view": sees_floor_price,
}


@pytest.mark.parametrize("capability", sorted(CHECKS))
def test_p4_1_c_each_role_sees_what_the_capability_table_gives_it(capability, make_user):
    holders = CAPABILITIES[capability][1]
    for role in Role:
        user = make_user(f"u_{role.value}", role)
        assert CHECKS[capability](user) == (role in holders), (capability, role)


def test_p4_1_c_granting_the_capability_is_what_opens_the_whole_archive(sales_rep, sales_rep2, customer):
    """Not the role's name: a sales rep given customer_view_all directly sees another rep's customer."""
    assert customer not in customers_visible(user=sales_rep2)
    sales_rep2.user_permissions.add(Permission.objects.get(codename="customer_view_all"))
    sales_rep2 = type(sales_rep2).objects.get(pk=sales_rep2.pk)  # fresh permission cache
    assert customer in customers_visible(user=sales_rep2)


def test_p3_3_acting_on_any_order_follows_order_manage_all(draft, sales_rep2, reviewer):
    assert is_responsible(draft, reviewer) and not is_responsible(draft, sales_rep2)
    sales_rep2.user_permissions.add(Permission.objects.get(codename="order_manage_all"))
    sales_rep2 = type(sales_rep2).objects.get(pk=sales_rep2.pk)
    assert is_responsible(draft, sales_rep2)


def test_p4_2_a_the_review_and_the_customer_page_see_orders_as_the_orders_list_does(draft, customer, sales_rep,
                                                                                   sales_rep2, reviewer,
                                                                                   make_user):
    from ordertaking.review import selectors as review_selectors

    assert review_selectors.visible_orders is order_selectors.visible_orders
    admin = make_user("admin9", Role.ADMIN)
    for user in (sales_rep, sales_rep2, reviewer, admin):
        mine = set(order_selectors.visible_orders(user).filter(customer=customer))
        assert set(order_selectors.customer_orders(user=user, customer_id=customer.pk)) == mine, user
    assert draft in set(order_selectors.visible_orders(sales_rep)) - set(order_selectors.visible_orders(sales_rep2))
