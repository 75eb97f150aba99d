"""What the customer sees of their order (P2.5.b): its status in words, the steps of its execution
with their dates, its shipments with their tracking, its documents. Read from orders, production
and logistics (all below the portal); the same data feeds the page and `GET /api/v1/portal/{token}`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from ordertaking.audit.models import AuditEvent
from ordertaking.logistics.models import Shipment, ShippingException, TrackingEvent
from ordertaking.orders.documents import ORDER_DOCUMENTS
from ordertaking.orders.models import Order
from ordertaking.orders.selectors import order_lines
from ordertaking.orders.states import OrderState
from ordertaking.production.models import ProductionOrder

S = OrderState
# How far along an order is: each state's place on the way to the customer.
RANK: dict[str, int] = {S.APPROVED: 1, S.IN_EXECUTION: 2, S.PARTLY_SHIPPED: 3, S.SHIPPED: 4, S.DELIVERED: 5,
                        S.ACCEPTED: 6, S.CLOSED: 7}


def status_text(state: str) -> str:
    """The order's state as one sentence to the customer."""
    texts: dict[str, Any] = {
        S.APPROVED: _("Your order is confirmed and is being prepared."),
        S.IN_EXECUTION: _("Your order is in production and being prepared for shipping."),
        S.PARTLY_SHIPPED: _("Part of your order is on its way to you."),
        S.SHIPPED: _("Your order has been shipped in full."),
        S.DELIVERED: _("Your order has been delivered. Please check it and record your acceptance."),
        S.ACCEPTED: _("You have accepted your order. Thank you."),
        S.CLOSED: _("Your order is complete."),
        S.CANCELLED: _("This order was cancelled."),
    }
    return str(texts.get(state, _("A change to your order is being reviewed; we will let you know.")))


@dataclass
class Step:
    key: str
    label: str
    done: bool
    current: bool
    at: datetime | None = None
    note: str = ""


@dataclass
class Overview:
    order: Order
    status: str
    steps: list[Step]
    lines: list[dict[str, Any]]
    shipments: list[Shipment]
    documents: list[dict[str, str]]
    sales_rep: str
    sales_rep_phone: str
    extra: dict[str, Any] = field(default_factory=dict)


def _moved_at(order: Order) -> dict[str, datetime]:
    """When the order first reached each state, from its audit trail (every move is an event with
    the new state in `after`)."""
    at: dict[str, datetime] = {}
    rows = (AuditEvent.objects.filter(subject_type="orders.order", subject_id=str(order.pk))
            .order_by("seq").values_list("after", "at"))
    for after, when in rows:
        state = after.get("state") if isinstance(after, dict) else None
        if isinstance(state, str) and state not in at:
            at[state] = when
    return at


def steps(order: Order, shipments: list[Shipment]) -> list[Step]:
    """Approved → in production → shipped → delivered → accepted, with the dates known."""
    rank = RANK.get(order.state, 0)
    moved = _moved_at(order)
    pos = list(ProductionOrder.objects.filter(order=order).exclude(state=ProductionOrder.State.CANCELLED)
               .values_list("state", "percent", "started_at", "finished_at"))
    gone = [s for s in shipments if s.shipped_at]
    prod_note = ""
    prod_done = rank >= RANK[S.PARTLY_SHIPPED]
    prod_at: datetime | None = None
    if pos:
        started = [p[2] for p in pos if p[2]]
        prod_at = min(started) if started else None
        finished = all(p[0] == ProductionOrder.State.FINISHED for p in pos)
        prod_done = prod_done or finished
        if finished:
            prod_at = max(p[3] for p in pos if p[3]) if any(p[3] for p in pos) else prod_at
        else:
            prod_note = _("%(percent)s%% produced") % {"percent": round(sum(p[1] for p in pos) / len(pos))}
    ship_note = _("partly shipped") if order.state == S.PARTLY_SHIPPED else ""
    times = [s.shipped_at for s in gone if s.shipped_at]
    # fully shipped: when the last part left; partly: when the first did
    ship_at = (max(times) if rank >= RANK[S.SHIPPED] else min(times)) if times else None
    rows = [
        Step("approved", _("Order confirmed"), rank >= 1, False, order.approved_at),
        Step("production", _("In production"), prod_done, False, prod_at, prod_note),
        Step("shipped", _("Shipped"), rank >= RANK[S.SHIPPED], False, ship_at, ship_note),
        Step("delivered", _("Delivered"), rank >= RANK[S.DELIVERED], False, moved.get(S.DELIVERED)),
        Step("accepted", _("Accepted"), rank >= RANK[S.ACCEPTED], False, moved.get(S.ACCEPTED)),
    ]
    if order.state != S.CANCELLED:
        for step in rows:
            if not step.done:
                step.current = True
                break
    return rows


def customer_documents(order: Order, token: str) -> list[dict[str, str]]:
    """The order's documents the customer may download through their link."""
    reader = AnonymousUser()
    return [{"key": d.key, "label": str(d.label), "url": reverse("portal:document", args=[token, d.key])}
            for d in ORDER_DOCUMENTS.values() if d.customer and d.build is not None and d.available(order, reader)]


def order_overview(order: Order, token: str) -> Overview:
    shipments: list[Shipment] = list(
        Shipment.objects.filter(order=order).exclude(state=Shipment.State.CANCELLED).select_related("carrier")
        .prefetch_related("lines__order_line",
                          Prefetch("events", queryset=TrackingEvent.objects.order_by("-occurred_at", "-id")),
                          Prefetch("exceptions", to_attr="open_exceptions",
                                   queryset=ShippingException.objects.exclude(state=ShippingException.State.CLOSED)
                                   .order_by("-created_at", "-id")))
        .order_by("planned_ship_date", "id"))
    shipped: dict[int, Any] = {}
    for s in shipments:
        if s.shipped_at:
            for sl in s.lines.all():
                shipped[sl.order_line_id] = shipped.get(sl.order_line_id, 0) + sl.quantity
    lines = [{"position": ln.position, "name": ln.name, "specification": ln.specification, "unit": ln.unit,
              "quantity": ln.quantity, "shipped": shipped.get(ln.pk, 0), "amount": ln.amount}
             for ln in order_lines(order)]
    rep = order.sales_rep
    return Overview(order=order, status=status_text(order.state), steps=steps(order, shipments), lines=lines,
                    shipments=shipments, documents=customer_documents(order, token),
                    sales_rep=str(rep), sales_rep_phone=getattr(rep, "phone", "") or "")


