"""A year of sales history for the statistics page and the monthly sales analysis (P4.2.c).

Each past month gets a handful of orders entered by the customer's rep, submitted and approved by the
order center through the real services (orders and review), with every check of P2.3 and the credit gate
of P5.1; an order a check stops is left where the services put it. The orders are then dated back to the
month they belong to (entry, submission, approval), as a company that started using the system a year
ago would have them; their timelines keep the moment the demo was loaded. Then the rollups are rebuilt
and the monthly job generates the analyses of the closed months, as the nightly jobs would have.
Keyed by the customer's PO number (HIST-YYYYMM-n), so loading twice adds nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from ordertaking.common.errors import DomainError
from ordertaking.orders.models import Order
from ordertaking.orders.services import order_create
from ordertaking.review.services import order_approve, order_submit

if TYPE_CHECKING:
    from .loader import DemoContext

MONTHS = 11  # the months before the current one
# (customer key, product code, quantity): who buys what, in turn
BUYERS = [
    ("pujiang", "MOT-Y2-132M4", 6), ("gusu", "RED-PL90", 8), ("hefei_auto", "CTL-VFD-15", 4),
    ("shenzhen_auto", "MOT-SM80-750", 20), ("wuhan_cable", "MOT-YE3-200L4", 3), ("changsha_mining", "RED-ZQ350", 2),
    ("xiamen_port", "RED-K77", 4), ("foshan_ceramic", "MOT-Y2-160L4", 5), ("chengdu_pharma", "CTL-SD-750", 10),
    ("guangzhou_pack", "RED-WPA100", 12), ("jinan_steel", "SVC-MAINT", 6), ("qiantang", "MOT-YB3-132M4", 3),
]


def _month(today: date, back: int) -> date:
    y, m = divmod(today.year * 12 + today.month - 1 - back, 12)
    return date(y, m + 1, 1)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)), timezone.get_default_timezone())


def load(ctx: DemoContext) -> None:
    from ordertaking.reports.jobs import monthly_reports_run
    from ordertaking.reports.services import revenue_rollup_refresh

    today = timezone.localdate()
    reviewer = ctx.users["center1"]
    made = 0
    for back in range(MONTHS, 0, -1):
        month = _month(today, back)
        # more orders as the year goes on, and a busier autumn
        count = 3 + (MONTHS - back) // 3 + (1 if month.month in (9, 10, 11) else 0)
        for n in range(count):
            key, code, qty = BUYERS[(back * 5 + n * 7) % len(BUYERS)]
            customer = ctx.customers.get(key)
            ref = f"HIST-{month:%Y%m}-{n + 1}"
            if customer is None or Order.objects.filter(customer=customer, customer_reference=ref).exists():
                continue
            address = customer.addresses.filter(is_default=True).first()
            contact = customer.contacts.filter(is_primary=True).first()
            rep = customer.sales_rep or ctx.users["sales1"]
            try:
                with transaction.atomic():
                    order = order_create(
                        actor=rep, customer=customer, sales_rep=rep, delivery_date=today + timedelta(days=45),
                        delivery_region=address.region if address else customer.region,
                        delivery_city=address.city if address else customer.city,
                        delivery_address=address.detail if address else "", payment_method=ctx.payments["PREPAY"],
                        customer_reference=ref, contact_name=contact.name if contact else "",
                        contact_phone=contact.phone if contact else "",
                        lines=[{"product": ctx.products[code], "quantity": Decimal(qty + n % 3), "unit_price": None},
                               *([{"product": ctx.products["SVC-INST"], "quantity": Decimal(2), "unit_price": None}]
                                 if n % 2 == 0 else [])])
                    order = order_submit(order=order, actor=rep)
                    order_approve(order=order, actor=reviewer)
            except DomainError:
                continue  # a check of the regulation stopped it: the demo keeps only what passes
            day = month + timedelta(days=(n * 6 + back) % 26)
            entered = _at(day, 9)
            Order.objects.filter(pk=order.pk).update(
                created_at=entered, submitted_at=entered + timedelta(hours=1),
                approved_at=entered + timedelta(hours=2 + (n * 5 + back) % 20))
            made += 1
    ctx.count("history orders", made)
    revenue_rollup_refresh(today=today)
    ctx.count("monthly sales analyses", len(monthly_reports_run(today=today, raise_on_failures=False)))
