"""The one way tests build orders: through the real services, in any state of the state table.

An order made here has a real number from the day's counter, its revision snapshot, its review
findings, its credit exposure and its audit events, exactly as a user's order would. Only two
things are set afterwards, and only when a test asks: the submission and approval times, which
the services take from the clock (reports and queues group by them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from ordertaking.accounts.roles import Role

STATES = ("draft", "submitted", "returned", "credit_hold", "approved", "cancelled")


@dataclass
class OrderFactory:
    """`make_order(customer, state=..., lines=[{"product": "motor", "quantity": "2", "unit_price": "1.00"}])`.

    `total`/`qty` give one motor line of that total (the credit tests think in amounts).
    The reviewer who approves or returns is a separate order-center user, never the one who entered
    the order (P2.3.c); pass `reviewer=` to choose one.
    """

    catalog: dict[str, Any]
    customer: Any
    sales_rep: Any
    make_user: Any
    _reviewer: Any = field(default=None, init=False)

    def reviewer(self) -> Any:
        if self._reviewer is None:
            from django.contrib.auth import get_user_model

            existing = get_user_model().objects.filter(username="factory-reviewer").first()
            self._reviewer = existing or self.make_user("factory-reviewer", Role.ORDER_CENTER,
                                                        display_name="工厂审核员")
        return self._reviewer

    def lines(self, lines: list[dict[str, Any]] | None, total: Any, qty: Any) -> list[dict[str, Any]]:
        products = self.catalog["products"]
        if total is not None:
            quantity = Decimal(str(qty or "1"))
            price = (Decimal(str(total)) / quantity).quantize(Decimal("0.01"))
            return [{"product": products["motor"], "quantity": quantity, "unit_price": price}]
        built = []
        for spec in lines or [{"product": "motor", "quantity": "2"}]:
            line: dict[str, Any] = {"quantity": Decimal(str(spec.get("quantity", "1")))}
            if spec.get("product"):
                line["product"] = products[spec["product"]]
            else:
                line.update(name=spec.get("name", "自定义件"), unit=spec.get("unit", "件"),
                            unit_price=Decimal(str(spec.get("unit_price", "100.00"))))
            if "unit_price" in spec:
                line["unit_price"] = Decimal(str(spec["unit_price"]))
            built.append(line)
        return built

    def __call__(self, customer: Any = None, *, state: str = "submitted", lines: list[dict[str, Any]] | None = None,
                 total: Any = None, qty: Any = None, payment: str = "prepay", region: str = "sh",
                 rep: Any = None, entered_by: Any = None, delivery_date: date | None = None,
                 reviewer: Any = None, opinion: str = "请与客户确认交货期。",
                 submitted_at: datetime | None = None, submitted_days_ago: int = 0,
                 approved_at: datetime | None = None) -> Any:
        from ordertaking.common.errors import Conflict
        from ordertaking.orders.models import Order
        from ordertaking.orders.services import order_cancel, order_create
        from ordertaking.review.services import order_approve, order_return, order_submit

        if state not in STATES:
            raise ValueError(f"unknown order state {state!r}; one of {STATES}")
        customer = customer or self.customer
        rep = rep or customer.sales_rep or self.sales_rep
        entered_by = entered_by or rep
        order = order_create(
            actor=entered_by, customer=customer, sales_rep=rep,
            delivery_date=delivery_date or timezone.localdate() + timedelta(days=30),
            delivery_region=self.catalog["regions"][region], delivery_city="上海市",
            delivery_address="浦东新区张江路100号", payment_method=self.catalog["payments"][payment],
            contact_name="刘经理", contact_phone="13812345678", lines=self.lines(lines, total, qty))
        if state == "cancelled":
            return self.built(order_cancel(order=order, actor=entered_by, reason="客户取消采购计划。"))
        if state == "draft":
            return self.built(order)
        order = order_submit(order=order, actor=entered_by)
        reviewer = reviewer or self.reviewer()
        if state == "returned":
            order = order_return(order=order, actor=reviewer, opinion=opinion)
        elif state == "approved" or (state == "credit_hold" and order.state == "submitted"):
            # Over the limit at submission the order is held already (P5.1); otherwise approval holds it.
            try:
                order = order_approve(order=order, actor=reviewer)
            except Conflict as e:  # say which findings stop it, so the test's data can be fixed
                raise AssertionError(f"cannot approve {order.number}: {[d.get('code') for d in e.details]}") from e
        order.refresh_from_db()
        if order.state != state:
            raise AssertionError(f"the services took this order to {order.state!r}, not {state!r}: "
                                 "its findings or credit stop it there")
        when = submitted_at or (timezone.now() - timedelta(days=submitted_days_ago) if submitted_days_ago else None)
        stamps: dict[str, Any] = {}
        if when is not None:
            stamps["submitted_at"] = when
        if approved_at is not None:
            stamps["approved_at"] = approved_at
        if stamps:
            Order.objects.filter(pk=order.pk).update(**stamps)
            order.refresh_from_db()
        return self.built(order)

    @staticmethod
    def built(order: Any) -> Any:
        """Mark the audit trail as it stood when the order was built, so a test can tell the
        events its own action wrote from those of the order's making (`events_since_built`)."""
        from django.db.models import Max

        from ordertaking.audit.models import AuditEvent

        order.built_through_event = AuditEvent.objects.aggregate(m=Max("pk"))["m"] or 0
        return order


def events_since_built(order: Any, action: str | None = None) -> list[Any]:
    """The order's audit events written after the factory built it."""
    from ordertaking.audit.models import AuditEvent

    qs = AuditEvent.objects.filter(subject_type="orders.order", subject_id=str(order.pk),
                                   pk__gt=getattr(order, "built_through_event", 0))
    return list(qs.filter(action=action) if action else qs)
