"""Writes of the reports app: rebuilding the monthly revenue rollups (P4.2.c).

The rollups are derived data, recomputed from the orders; they record no audit event (nothing a
person decided changes), and a refresh is idempotent.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ordertaking.orders.models import Order

from . import selectors
from .models import RevenueByCategory, RevenueByCustomer, RevenueByRegion, RevenueMonth


def revenue_rollup_refresh(*, today: date | None = None, months: int = selectors.MONTHS) -> list[date]:
    """Rebuild the rollups of the closed months among the last `months` (the current month stays live).
    Returns the months rebuilt."""
    today = today or timezone.localdate()
    p = selectors.period(months=months, today=today)
    closed = [m for m in selectors.month_list(p) if m < date(today.year, today.month, 1)]
    if not closed:
        return []
    end = selectors.period(months=1, today=closed[-1])
    live = selectors.LiveScope(Order.objects.all())
    cats = selectors.live_by_category(live, p.start, end.end)
    regions = selectors.live_by_region(live, p.start, end.end)
    customers = selectors.live_by_customer(live, p.start, end.end)
    totals: dict[date, list] = defaultdict(lambda: [Decimal("0.00"), 0])
    for r in regions:
        totals[r["month"]][0] += r["amount"]
        totals[r["month"]][1] += r["orders"]
    now = timezone.now()
    with transaction.atomic():
        for model in (RevenueByCategory, RevenueByRegion, RevenueByCustomer, RevenueMonth):
            model.objects.filter(month__in=closed).delete()
        RevenueByCategory.objects.bulk_create([
            RevenueByCategory(month=r["month"], category_id=r["category_id"], category_name=r["category"] or "",
                              amount=r["amount"]) for r in cats if r["month"] in closed])
        RevenueByRegion.objects.bulk_create([
            RevenueByRegion(month=r["month"], region_id=r["region_id"], region_name=r["region"] or "",
                            amount=r["amount"], orders=r["orders"]) for r in regions if r["month"] in closed])
        RevenueByCustomer.objects.bulk_create([
            RevenueByCustomer(month=r["month"], customer_id=r["customer_id"], amount=r["amount"], orders=r["orders"])
            for r in customers if r["month"] in closed], batch_size=2000)
        RevenueMonth.objects.bulk_create([RevenueMonth(month=m, amount=totals[m][0], orders=totals[m][1],
                                                       refreshed_at=now) for m in closed])
    return closed
