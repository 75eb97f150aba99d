"""Who may record a contingency plan (P5.2.a, P2.4.d): the order's sales rep — the one who follows the
order and tells the customer — or the order processing center (P3.3), for any order. Everyone else who
may see the order reads its risks and plans."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ordertaking.common.errors import PermissionDenied
from ordertaking.orders.models import Order


def may_record_plan(user: Any, order: Order) -> bool:
    if not (user and user.is_authenticated and user.has_perm("accounts.contingency_plan_record")):
        return False
    return order.sales_rep_id == user.pk or user.has_perm("accounts.order_manage_all")


def plan_refusal(user: Any, order: Order) -> PermissionDenied | None:
    if may_record_plan(user, order):
        return None
    return PermissionDenied(_("Only the order's sales rep or the order processing center records a "
                              "contingency plan."), code="permission_denied")
