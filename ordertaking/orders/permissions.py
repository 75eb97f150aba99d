"""Who may do what to an order; the pages use `order_can_<verb>` to decide which buttons to show,
and the services use the same functions before they write (one rule, two interfaces)."""

from __future__ import annotations

from typing import Any

from ordertaking.audit.selectors import actors_of, actors_of_each

from .models import Order
from .states import EDITABLE_STATES, can_move


def may_enter_orders(user: Any) -> bool:
    """P2.2.b order entry: sales (P3.1) and the order processing center (P3.3)."""
    return bool(user and user.is_authenticated and user.has_perm("accounts.order_enter"))


def is_responsible(order: Order, user: Any) -> bool:
    """The order's sales rep, the person who entered it, or a holder of `order_manage_all` (the order
    center, P3.3)."""
    if not may_enter_orders(user):
        return False
    return user.pk in (order.sales_rep_id, order.entered_by_id) or user.has_perm("accounts.order_manage_all")


# The events that put words into an order: whoever did one of them is a party to it (P2.3.c).
AUTHORING_ACTIONS = ("order.created", "order.updated", "order.submitted")


def order_authors(order: Order) -> set[int]:
    """Everyone who entered, changed or submitted any revision of the order (docs/conventions.md,
    "Segregation of duties"): a later revision carries the earlier ones' content forward, so an
    edit of revision 1 still counts when revision 2 is under review."""
    return actors_of(order, AUTHORING_ACTIONS) | {order.entered_by_id}


def order_authors_each(orders: list[Order]) -> dict[int, set[int]]:
    """`order_authors` of several orders in one query, by order id."""
    by_id = actors_of_each(list(orders), AUTHORING_ACTIONS)
    return {o.pk: by_id.get(str(o.pk), set()) | {o.entered_by_id} for o in orders}


def order_can_edit(order: Order, user: Any) -> bool:
    # An order that was approved changes through its change request (amendments), in place.
    return order.state in EDITABLE_STATES and order.approved_total == 0 and is_responsible(order, user)


def order_can_submit(order: Order, user: Any) -> bool:
    return can_move(order.state, "submit") and is_responsible(order, user)


def order_can_cancel(order: Order, user: Any) -> bool:
    # An order that was approved is cancelled after approval (amendments), releasing its exposure.
    return can_move(order.state, "cancel") and order.approved_total == 0 and is_responsible(order, user)


def may_view_all(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("accounts.order_view_all"))


def may_see(user: Any, order: Order) -> bool:
    """Whoever sees the order (the same rule as `selectors.visible_orders`, for one order)."""
    if not (user and user.is_authenticated):
        return False
    return may_view_all(user) or (may_enter_orders(user) and user.pk in (order.sales_rep_id, order.entered_by_id))


# The departments that work on an order after approval and keep its papers (P2.5.b): production (manuals,
# inspection photos), logistics (delivery papers), customer service (service records).
ATTACHING_CAPABILITIES = ("accounts.production_manage", "accounts.logistics_manage", "accounts.complaint_handle")


def may_attach(user: Any, order: Order) -> bool:
    """Who attaches files to an order (P2.5.b): whoever is responsible for it (its sales rep, who entered
    it, the order center) and the departments working on it; read-only roles (finance, leadership,
    auditors) only read them."""
    if not may_see(user, order):
        return False
    return is_responsible(order, user) or any(user.has_perm(p) for p in ATTACHING_CAPABILITIES)
