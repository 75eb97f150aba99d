"""Who decides a cancellation after approval (P2.4); the page and the service use the same predicate."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .models import CancelRequest


def may_decide_some_cancellations(user: Any) -> bool:
    return bool(user and user.is_authenticated and (user.has_perm("accounts.order_cancel_agree")
                                                    or user.has_perm("accounts.order_cancel_agree_above")))


def cancel_permission_refusal(req: CancelRequest, user: Any) -> str | None:
    """The role: the order center up to the configured amount, leadership above it."""
    if req.needs_leadership:
        if not user.has_perm("accounts.order_cancel_agree_above"):
            return _("This order is above the order center's amount: leadership decides its cancellation.")
    elif not user.has_perm("accounts.order_cancel_agree"):
        return _("The order processing center decides the cancellation of an approved order.")
    return None


def cancel_sod_refusal(req: CancelRequest, user: Any) -> str | None:
    """Segregation of duties: whoever asked for the cancellation, or sells the order, never decides it."""
    if user.pk in (req.requested_by_id, req.order.sales_rep_id):
        return _("You asked for this cancellation or sell this order: another person must decide it.")
    return None


def cancel_decide_refusal(req: CancelRequest, user: Any) -> str | None:
    return cancel_permission_refusal(req, user) or cancel_sod_refusal(req, user)
