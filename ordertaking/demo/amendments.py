"""Demo changes and cancellations after approval (P2.3 again, P2.4), through amendments.services: an
approved order whose change waits for review, one whose cancellation waits for the order center, and
one cancelled after approval (its credit exposure released). Keyed by the customer's PO number like
the other demo orders; each scenario in one transaction, never twice."""

# ruff: noqa: E501
from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from ordertaking.amendments.models import CancelRequest
from ordertaking.amendments.services import cancel_request_agree, cancel_request_create, change_request_create
from ordertaking.orders.models import Order

from .orders import Scenario, _order_for, _play

if TYPE_CHECKING:
    from .loader import DemoContext

SCENARIOS: list[tuple[Scenario, str]] = [
    (Scenario("QT-DL-2026-1002", "qiantang", "sales1", (("MOT-YE3-200L4", "2", None), ("CTL-VFD-15", "2", None)),
              delivery_days=42, payment="NET60", steps=(("submit", "sales1"), ("approve", "center1", ""))),
     "change"),
    (Scenario("JC-WZ-2026-1245", "wuhan_cable", "sales2", (("MOT-Y2-160L4", "3", None),), delivery_days=47,
              payment="NET30", steps=(("submit", "sales2"), ("approve", "center1", ""))),
     "cancel"),
    (Scenario("QT-DL-2026-1010", "qiantang", "sales1", (("CTL-VFD-15", "2", None),), delivery_days=40,
              payment="NET60", steps=(("submit", "sales1"), ("approve", "center2", ""))),
     "cancelled"),
]


def load(ctx: DemoContext) -> None:
    for scenario, story in SCENARIOS:
        if Order.objects.filter(customer=ctx.customers[scenario.customer], customer_reference=scenario.ref).exists():
            continue
        with transaction.atomic():
            order = _order_for(scenario, ctx)
            for step in scenario.steps:
                order = _play(order, step, ctx)
            rep = ctx.users[scenario.rep]
            if story == "change":
                lines = [{"id": ln.pk, "product": ln.product, "quantity": (ln.quantity or 0) + (2 if ln.position == 1 else 0),
                          "unit_price": ln.unit_price} for ln in order.lines.all()]
                change_request_create(order=order, actor=rep, reason="客户扩建二号车间，追加两台电机，交货期不变。", lines=lines)
            else:
                cancel_request_create(order=order, actor=rep, reason="客户项目暂停，年内不再采购，已书面通知取消。")
                if story == "cancelled":
                    req = CancelRequest.objects.get(order=order, state=CancelRequest.State.REQUESTED)
                    cancel_request_agree(request=req, actor=ctx.users["center2"], comment="尚未投产，同意取消。")
        ctx.count("orders")
