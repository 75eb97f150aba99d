"""Dashboard statistics (P4.2.c 查询和统计分析): revenue by month and product category, by month and
delivery province, and the top customers, over the last 12 months.

Revenue counts approved orders (审核通过, P2.3.c) by the month they were approved, in the company's
time zone (Asia/Shanghai); cancelled orders never count. Each user sees the statistics of the
orders they may see (`orders.selectors.visible_orders`): a sales rep their own, the order center,
finance, leadership and auditors all. Each selector is one aggregate query over the covering
indexes of migration 0001, so it stays fast at a million order lines (docs/performance.md, W2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ordertaking.orders.models import OrderLine
from ordertaking.orders.selectors import visible_orders
from ordertaking.orders.states import OrderState

MONTHS = 12
TOP_CUSTOMERS = 20


@dataclass(frozen=True)
class Period:
    """[start, end) as aware datetimes: the first day of the month `months - 1` months before
    `today`'s month, up to the first day of the month after `today` (the current month counts)."""

    start: datetime
    end: datetime
    first_month: date
    months: int


def period(*, months: int = MONTHS, today: date | None = None) -> Period:
    today = today or timezone.localdate()
    first = date(today.year, today.month, 1)
    for _i in range(months - 1):
        first = date(first.year - 1, 12, 1) if first.month == 1 else date(first.year, first.month - 1, 1)
    after = date(today.year + 1, 1, 1) if today.month == 12 else date(today.year, today.month + 1, 1)
    tz = timezone.get_default_timezone()
    return Period(start=timezone.make_aware(datetime.combine(first, time.min), tz),
                  end=timezone.make_aware(datetime.combine(after, time.min), tz), first_month=first, months=months)


def month_list(p: Period) -> list[date]:
    out, d = [], p.first_month
    for _i in range(p.months):
        out.append(d)
        d = date(d.year + 1, 1, 1) if d.month == 12 else date(d.year, d.month + 1, 1)
    return out


def revenue_orders(*, user: Any, p: Period):  # type: ignore[no-untyped-def]
    """Orders that count as revenue in the period (P4.2.c): approved in it, not cancelled."""
    return (visible_orders(user)
            .filter(approved_at__gte=p.start, approved_at__lt=p.end)
            .exclude(state=OrderState.CANCELLED))


def _month(value: Any) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date().replace(day=1) if timezone.is_aware(value) else value.date()
    return value


def revenue_by_category(*, user: Any, months: int = MONTHS, today: date | None = None) -> list[dict[str, Any]]:
    """P4.2.c monthly revenue by product category: rows {month, category_id, category, amount}, by month
    then category name. Lines without a catalog product (free text) have category None."""
    p = period(months=months, today=today)
    orders = revenue_orders(user=user, p=p)
    rows = (OrderLine.objects.filter(order__in=orders.values("pk"))
            .annotate(month=TruncMonth("order__approved_at"))
            .values("month", "product__category_id", "product__category__name")
            .annotate(amount=Sum("amount"))
            .order_by())
    out = [{"month": _month(r["month"]), "category_id": r["product__category_id"],
            "category": r["product__category__name"], "amount": r["amount"] or Decimal("0.00")} for r in rows]
    return sorted(out, key=lambda r: (r["month"], r["category"] or ""))


def revenue_by_region(*, user: Any, months: int = MONTHS, today: date | None = None) -> list[dict[str, Any]]:
    """P4.2.c monthly revenue by delivery province: rows {month, region_id, region, amount, orders}."""
    p = period(months=months, today=today)
    rows = (revenue_orders(user=user, p=p)
            .annotate(month=TruncMonth("approved_at"))
            .values("month", "delivery_region_id", "delivery_region__name")
            .annotate(amount=Sum("total_amount"), orders=Count("id"))
            .order_by())
    out = [{"month": _month(r["month"]), "region_id": r["delivery_region_id"], "region": r["delivery_region__name"],
            "amount": r["amount"] or Decimal("0.00"), "orders": r["orders"]} for r in rows]
    return sorted(out, key=lambda r: (r["month"], r["region"] or ""))


def top_customers(*, user: Any, limit: int = TOP_CUSTOMERS, months: int = MONTHS,
                  today: date | None = None) -> list[dict[str, Any]]:
    """P4.2.c the customers with the most revenue in the period: rows {customer_id, customer, amount, orders},
    largest first (ties by name)."""
    p = period(months=months, today=today)
    rows = (revenue_orders(user=user, p=p)
            .values("customer_id", "customer__name")
            .annotate(amount=Sum("total_amount"), orders=Count("id"))
            .order_by("-amount", "customer__name")[:limit])
    return [{"customer_id": r["customer_id"], "customer": r["customer__name"], "amount": r["amount"],
             "orders": r["orders"]} for r in rows]


def dashboard(*, user: Any, today: date | None = None) -> dict[str, Any]:
    """Everything the dashboard shows, for one user (three queries)."""
    p = period(today=today)
    return {"months": month_list(p), "by_category": revenue_by_category(user=user, today=today),
            "by_region": revenue_by_region(user=user, today=today), "top_customers": top_customers(user=user,
                                                                                                 today=today)}


__all__ = ["Period", "dashboard", "month_list", "period", "revenue_by_category", "revenue_by_region",
           "revenue_orders", "top_customers"]
