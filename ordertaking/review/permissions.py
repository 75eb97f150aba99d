"""Who may decide on an order's review (P2.3.c, P3): one predicate for the services and the panel.

Segregation of duties: nobody approves or returns an order they are a party to, and no leader
decides a special approval (特批) they asked for or of an order they are a party to. A party is whoever
entered the order, is its sales rep, entered, changed or submitted any of its revisions, or asked for
its special approval (docs/conventions.md, "Segregation of duties").
"""

from __future__ import annotations

import functools
from typing import Any

from django.db.models import CharField, OuterRef
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from ordertaking.audit.models import AuditEvent
from ordertaking.common.sql import Present
from ordertaking.orders.models import Order
from ordertaking.orders.permissions import AUTHORING_ACTIONS, order_authors
from ordertaking.orders.states import can_move

from .models import SpecialApproval


def _can(user: Any, capability: str) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(f"accounts.{capability}"))


def review_sod_annotations(user_id: int) -> dict[str, Any]:
    """Whether the user changed or submitted the order, or asked for its special approval, as two columns
    of the order's own query (the approval's lock): `review_sod_refusal` then reads nothing more. Built once
    per reviewer and process (`annotate` resolves copies of the expressions)."""
    return dict(_sod_annotations(user_id))


@functools.lru_cache(maxsize=256)
def _sod_annotations(user_id: int) -> dict[str, Any]:
    return {
        "reviewer_authored": Present(AuditEvent.objects.filter(
            subject_type=Order._meta.label_lower, subject_id=Cast(OuterRef("pk"), CharField()),
            action__in=AUTHORING_ACTIONS, actor_id=user_id)),
        "reviewer_asked_special": Present(SpecialApproval.objects.filter(order_id=OuterRef("pk"),
                                                                        requested_by_id=user_id)),
    }


def _party_refusal(order: Order, user: Any) -> str | None:
    if order.entered_by_id == user.pk:
        return _("You entered this order, so another reviewer must review it.")
    if order.sales_rep_id == user.pk:
        return _("You are this order's sales rep, so another reviewer must review it.")
    authored = getattr(order, "reviewer_authored", None)
    if authored if authored is not None else user.pk in order_authors(order):
        return _("You changed or submitted this order, so another reviewer must review it.")
    return None


def review_sod_refusal(order: Order, user: Any) -> str | None:
    """Why `user` may not approve or return `order` (P2.3.c), or None when segregation allows it. An order
    read with `review_sod_annotations(user.pk)` (for this very user) answers without another query."""
    refusal = _party_refusal(order, user)
    if refusal:
        return refusal
    asked = getattr(order, "reviewer_asked_special", None)
    if asked if asked is not None else SpecialApproval.objects.filter(order_id=order.pk,
                                                                      requested_by_id=user.pk).exists():
        return _("You asked for this order's special approval, so another reviewer must review it.")
    return None


def order_can_approve(order: Order, user: Any) -> bool:
    """审核通过 offered and allowed (the open findings are checked by the service itself)."""
    return (_can(user, "order_review") and can_move(order.state, "approve")
            and review_sod_refusal(order, user) is None)


def order_can_return(order: Order, user: Any) -> bool:
    return (_can(user, "order_review") and can_move(order.state, "return")
            and review_sod_refusal(order, user) is None)


def special_approval_sod_refusal(approval: SpecialApproval, user: Any,
                                 authors: set[int] | None = None) -> str | None:
    """Why `user` may not grant or refuse this special approval (P2.3.c), or None.
    `authors`: the order's authors when the caller read them already (a list page reads them at once)."""
    if approval.requested_by_id == user.pk:
        return _("You asked for this special approval, so another leader must decide it.")
    order = approval.order
    if authors is None:
        authors = order_authors(order)
    if order.entered_by_id == user.pk or order.sales_rep_id == user.pk or user.pk in authors:
        return _("You entered, sell or changed this order, so another leader must decide its special approval.")
    return None


def special_approval_can_decide(approval: SpecialApproval, user: Any, authors: set[int] | None = None) -> bool:
    return (_can(user, "special_approval_decide") and approval.state == SpecialApproval.State.REQUESTED
            and special_approval_sod_refusal(approval, user, authors) is None)
