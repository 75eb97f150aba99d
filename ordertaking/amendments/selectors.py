"""Reads for changes and cancellations after approval (P2.3, P2.4): what is already done of each
line, the order page's card, the deciders' queue."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from ordertaking.common.errors import NotFound
from ordertaking.common.links import order_url
from ordertaking.common.queues import Queue
from ordertaking.finance.models import Invoice, InvoiceLine
from ordertaking.fulfilment.models import Task
from ordertaking.logistics import selectors as logistics_selectors
from ordertaking.orders.models import Order
from ordertaking.orders.permissions import is_responsible
from ordertaking.orders.selectors import visible_orders
from ordertaking.orders.states import OrderState, can_move
from ordertaking.production import selectors as production_selectors

from . import rules
from .models import CancelRequest, ChangeRequest
from .permissions import cancel_decide_refusal, may_decide_some_cancellations

ZERO = Decimal("0")


def cancel_threshold() -> Decimal:
    return Decimal(str(settings.ORDERTAKING_CANCEL_LEADERSHIP_ABOVE))


# --- what is already done of each line: the one place that reads it ---------------------------------

def shipped_quantities(order: Order) -> dict[int, Decimal]:
    """Line id → quantity dispatched to the customer (logistics: dispatched, in transit or delivered)."""
    return {line_id: q for line_id, q in logistics_selectors.shipped_quantities(order).items() if q}


def produced_quantities(order: Order) -> dict[int, Decimal]:
    """Line id → quantity produced: production's finished production orders (production.selectors), or the
    quantity of a line's production task completed on fulfilment's board, whichever is more."""
    rows = (Task.objects.filter(order=order, kind=Task.Kind.PRODUCTION, state=Task.State.DONE, line__isnull=False)
            .values_list("line_id", "quantity"))
    produced: dict[int, Decimal] = dict(production_selectors.produced_quantities(order))
    for line_id, quantity in rows:
        if quantity:
            produced[line_id] = max(produced.get(line_id, ZERO), quantity)
    return produced


def invoiced_quantities(order: Order) -> dict[int, Decimal]:
    """Line id → quantity invoiced (finance)."""
    rows = (InvoiceLine.objects.filter(order_line__order=order).values("order_line")
            .annotate(q=Sum("quantity")).values_list("order_line", "q"))
    return {line_id: q for line_id, q in rows if q}


def line_floors(order: Order) -> dict[int, Decimal]:
    """P2.3: the least each line may keep in a change: the most of what was shipped, produced or invoiced."""
    return rules.line_floors(shipped_quantities(order), produced_quantities(order), invoiced_quantities(order))


def tasks_started(order: Order) -> bool:
    """Whether the order's execution has begun: a task of it was started (fulfilment)."""
    return Task.objects.filter(order=order, started_at__isnull=False).exists()


def done_summary(order: Order) -> list[dict[str, Any]]:
    """Each line with what was already produced, shipped and invoiced of it (the cancel page, P2.4)."""
    shipped, produced, invoiced = shipped_quantities(order), produced_quantities(order), invoiced_quantities(order)
    return [{"line": ln, "produced": produced.get(ln.pk, ZERO), "shipped": shipped.get(ln.pk, ZERO),
             "invoiced": invoiced.get(ln.pk, ZERO)} for ln in order.lines.all()]


def open_invoices(order: Order) -> list[Invoice]:
    """Invoices of the order not yet settled (paid or credited): a cancellation waits for them."""
    return [inv for inv in Invoice.objects.filter(order=order).order_by("number") if inv.open_amount > 0]


# --- the order page's card ----------------------------------------------------------------------------

def open_change(order: Order) -> ChangeRequest | None:
    return order.change_requests.filter(state=ChangeRequest.State.OPEN).select_related("requested_by").first()


def open_cancel(order: Order) -> CancelRequest | None:
    return order.cancel_requests.filter(state=CancelRequest.State.REQUESTED).select_related("requested_by").first()


def panel_context(*, order: Order, user: Any) -> dict[str, Any]:
    """What the amendments card of the order page shows and offers (P2.3, P2.4)."""
    change = open_change(order)
    cancel = open_cancel(order)
    responsible = is_responsible(order, user)
    executing = can_move(order.state, "change")
    refusal = cancel_decide_refusal(cancel, user) if cancel else None
    return {
        "order": order,
        "change": change,
        "cancel": cancel,
        "changes": list(order.change_requests.select_related("requested_by", "closed_by")[:10]),
        "cancels": list(order.cancel_requests.select_related("requested_by", "decided_by")[:10]),
        "can_request_change": responsible and executing and cancel is None,
        "can_edit_change": responsible and change is not None and order.state == OrderState.RETURNED,
        "can_withdraw_change": responsible and change is not None and can_move(order.state, "change_withdraw"),
        "can_request_cancel": responsible and executing and cancel is None,
        "can_withdraw_cancel": cancel is not None and user.pk in (cancel.requested_by_id, order.sales_rep_id),
        "can_decide_cancel": cancel is not None and refusal is None,
        "decide_refusal": refusal if cancel is not None and may_decide_some_cancellations(user) else None,
        "show": bool(change or cancel or executing or order.change_requests.exists()
                     or order.cancel_requests.exists()),
    }


def order_for(*, user: Any, number: str) -> Order:
    order = (visible_orders(user).select_related("customer", "sales_rep", "entered_by", "delivery_region",
                                                 "payment_method")
             .filter(number=(number or "").strip().upper()).first())
    if order is None:
        raise NotFound(_("No order %(number)s.") % {"number": number}, code="not_found")
    return order


def cancel_request_for(*, user: Any, order: Order, pk: int) -> CancelRequest:
    req = order.cancel_requests.filter(pk=pk).select_related("requested_by", "decided_by").first()
    if req is None:
        raise NotFound(_("No such cancellation request."), code="not_found")
    return req


def change_request_for(*, user: Any, order: Order, pk: int) -> ChangeRequest:
    cr = order.change_requests.filter(pk=pk).select_related("requested_by").first()
    if cr is None:
        raise NotFound(_("No such change request."), code="not_found")
    return cr


# --- the deciders' queue ---------------------------------------------------------------------------

def cancel_queue(*, user: Any) -> QuerySet[CancelRequest]:
    """Cancellation requests waiting for this user's decision: the order center's up to the amount,
    leadership's above it; never one's own request or one's own order."""
    qs = CancelRequest.objects.filter(state=CancelRequest.State.REQUESTED)
    center = user.has_perm("accounts.order_cancel_agree")
    leader = user.has_perm("accounts.order_cancel_agree_above")
    if center and not leader:
        qs = qs.filter(needs_leadership=False)
    elif leader and not center:
        qs = qs.filter(needs_leadership=True)
    elif not (center or leader):
        return qs.none()
    return (qs.exclude(requested_by_id=user.pk).exclude(order__sales_rep_id=user.pk)
            .select_related("order", "order__customer", "requested_by").order_by("requested_at", "id"))


def home_queues(user: Any) -> list[Queue]:
    if not may_decide_some_cancellations(user):
        return []
    qs = cancel_queue(user=user)
    items = [{"label": r.order.number, "url": order_url(r.order.number, "amend-panel"),
              "meta": f"{r.order.customer.name} ¥{r.order_total:,.2f}", "is_order": True} for r in qs[:5]]
    return [Queue(key="cancel_requests", title=_("Cancellations to decide"), count=qs.count(), items=items,
                  url=reverse("amendments:queue"), empty_text=_("No cancellation waits for your decision."))]
