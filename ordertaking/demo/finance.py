"""Demo receivables (P3.6), through finance.services: invoices, partial and full payments, an
overdue invoice and a credit note, so every finance page has something true to show.

The demo's orders are all approved on the day it is loaded; an invoice dated back stands for an
older delivery, so that the aging buckets and the overdue list have content. Idempotent: a
second run finds the first invoice and does nothing.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from ordertaking.finance.models import Invoice
from ordertaking.finance.monitoring import customer_monitor
from ordertaking.finance.services import credit_note_apply, credit_note_issue, invoice_issue, payment_record
from ordertaking.orders.models import Order

if TYPE_CHECKING:
    from .loader import DemoContext


def _order(ctx: DemoContext, customer: str, ref: str) -> Order | None:
    return (Order.objects.filter(customer=ctx.customers[customer], customer_reference=ref)
            .exclude(approved_at__isnull=True).first())


def load(ctx: DemoContext) -> None:
    if Invoice.objects.exists():
        return
    finance = ctx.users["finance1"]
    today = timezone.localdate()
    with transaction.atomic():
        # 宁波北仑港口: invoiced 68 days ago on 30 days' credit, so 38 days overdue
        # (past the 30-day watch threshold of P5.1.c); part paid, and a
        # credit note for two couplings damaged in transport (P2.5.d) set against it.
        ningbo = _order(ctx, "ningbo_port", "BLGJ-2026-3307")
        if ningbo:
            inv = invoice_issue(order=ningbo, actor=finance, issue_date=today - timedelta(days=68))
            payment_record(customer=ningbo.customer, actor=finance, amount=Decimal("30000.00"),
                           received_on=today - timedelta(days=40), reference="电汇 BOC-20261105-0231",
                           allocations=[{"invoice": inv, "amount": Decimal("30000.00")}])
            note = credit_note_issue(customer=ningbo.customer, actor=finance, amount=Decimal("520.00"),
                                     reason="运输途中2个梅花弹性联轴器外包装破损，经客户同意按单价折让。",
                                     order=ningbo, issue_date=today - timedelta(days=30))
            credit_note_apply(credit_note=note, invoice=inv, actor=finance, amount=Decimal("520.00"))
            ctx.count("invoices")
        # 武汉江城电缆: the motors invoiced first (a partial invoice), paid in full on time.
        wuhan = _order(ctx, "wuhan_cable", "JC-WZ-2026-1188")
        if wuhan:
            first = wuhan.lines.order_by("position").first()
            assert first is not None
            inv = invoice_issue(order=wuhan, actor=finance, issue_date=today - timedelta(days=12),
                                lines=[{"order_line": first, "quantity": first.quantity}])
            payment_record(customer=wuhan.customer, actor=finance, amount=inv.amount,
                           received_on=today - timedelta(days=3), reference="承兑汇票 ICBC-26-118803",
                           allocations=[{"invoice": inv, "amount": inv.amount}])
            ctx.count("invoices")
        # 杭州钱塘纺织: invoiced in full today on 60 days' credit, a first instalment received.
        qiantang = _order(ctx, "qiantang", "QT-DL-2026-0931")
        if qiantang:
            inv = invoice_issue(order=qiantang, actor=finance)
            payment_record(customer=qiantang.customer, actor=finance, amount=Decimal("50000.00"),
                           reference="电汇 CCB-20261130-0457",
                           allocations=[{"invoice": inv, "amount": Decimal("50000.00")}])
            ctx.count("invoices")
        # The other approved orders stay in finance's queue "approved, to invoice".
    if ningbo:  # the daily credit monitoring (P5.1.c) finds the overdue invoice: dunning task, alert, measures
        customer_monitor(customer_id=ningbo.customer_id, today=today)
