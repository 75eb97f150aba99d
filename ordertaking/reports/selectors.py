"""Dashboard statistics (P4.2.c 查询和统计分析): revenue by month and product category, by month and
delivery province, and the top customers, over the last 12 months.

Revenue counts approved orders (审核通过, P2.3.c) by the month they were approved, in the company's
time zone (Asia/Shanghai); cancelled orders never count. Each user sees the statistics of the
orders they may see (`orders.selectors.visible_orders`): a sales rep their own, the order center,
finance, leadership and auditors all.

Speed (docs/performance.md, W2): for users who see every order, closed months come from the
monthly rollups (models.py, rebuilt nightly) and only months without a rollup — normally just the
current one — are aggregated live, over the covering indexes of migration 0001. A sales rep's own
orders are few enough to aggregate live.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ordertaking.orders.models import Order, OrderLine
from ordertaking.orders.permissions import may_view_all
from ordertaking.orders.selectors import visible_orders
from ordertaking.orders.states import OrderState
from ordertaking.review.models import ReviewDecision

from .models import RevenueByCategory, RevenueByCustomer, RevenueByRegion, RevenueMonth

MONTHS = 12
TOP_CUSTOMERS = 20
ZERO = Decimal("0.00")
# A write that started before a refresh may commit after it read the orders: orders saved this long before
# a refresh still make their months stale, so nothing committed late is missed.
SETTLE = timedelta(minutes=1)


@dataclass(frozen=True)
class Period:
    """[start, end) as aware datetimes: the first day of the month `months - 1` months before
    `today`'s month, up to the first day of the month after `today` (the current month counts)."""

    start: datetime
    end: datetime
    first_month: date
    months: int


def _next_month(d: date) -> date:
    return date(d.year + 1, 1, 1) if d.month == 12 else date(d.year, d.month + 1, 1)


def _aware(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min), timezone.get_default_timezone())


def period(*, months: int = MONTHS, today: date | None = None) -> Period:
    today = today or timezone.localdate()
    first = date(today.year, today.month, 1)
    for _i in range(months - 1):
        first = date(first.year - 1, 12, 1) if first.month == 1 else date(first.year, first.month - 1, 1)
    return Period(start=_aware(first), end=_aware(_next_month(date(today.year, today.month, 1))),
                  first_month=first, months=months)


def month_list(p: Period) -> list[date]:
    out, d = [], p.first_month
    for _i in range(p.months):
        out.append(d)
        d = _next_month(d)
    return out


@dataclass(frozen=True)
class LiveScope:
    """The orders a live aggregate may read (already narrowed to what the user may see)."""

    orders: QuerySet[Order]


def _revenue(scope: LiveScope, start: datetime, end: datetime) -> QuerySet[Order]:
    """Orders that count as revenue (P4.2.c): approved in [start, end), not cancelled."""
    return scope.orders.filter(approved_at__gte=start, approved_at__lt=end).exclude(state=OrderState.CANCELLED)


def _month(value: Any) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date().replace(day=1) if timezone.is_aware(value) else value.date()
    return value


def live_by_category(scope: LiveScope, start: datetime, end: datetime) -> list[dict[str, Any]]:
    rows = (OrderLine.objects.filter(order__in=_revenue(scope, start, end).values("pk"))
            .annotate(month=TruncMonth("order__approved_at"))
            .values("month", "product__category_id", "product__category__name")
            .annotate(amount=Sum("amount")).order_by())
    return [{"month": _month(r["month"]), "category_id": r["product__category_id"],
             "category": r["product__category__name"], "amount": r["amount"] or ZERO} for r in rows]


def live_by_region(scope: LiveScope, start: datetime, end: datetime) -> list[dict[str, Any]]:
    rows = (_revenue(scope, start, end).annotate(month=TruncMonth("approved_at"))
            .values("month", "delivery_region_id", "delivery_region__name")
            .annotate(amount=Sum("total_amount"), orders=Count("id")).order_by())
    return [{"month": _month(r["month"]), "region_id": r["delivery_region_id"], "region": r["delivery_region__name"],
             "amount": r["amount"] or ZERO, "orders": r["orders"]} for r in rows]


def live_by_customer(scope: LiveScope, start: datetime, end: datetime) -> list[dict[str, Any]]:
    rows = (_revenue(scope, start, end).annotate(month=TruncMonth("approved_at"))
            .values("month", "customer_id").annotate(amount=Sum("total_amount"), orders=Count("id")).order_by())
    return [{"month": _month(r["month"]), "customer_id": r["customer_id"], "amount": r["amount"] or ZERO,
             "orders": r["orders"]} for r in rows]


def stale_months(refreshed: dict[date, datetime]) -> set[date]:
    """The rolled-up months (month -> when its rollup was made) whose orders changed since: an order saved
    after the refresh (`updated_at`, indexed by migration 0004) counts in the month it is approved in now,
    and, when it was approved again after a change (P2.3), in the month of its earlier approvals (a
    change moves its approval into the month of the new one; the decision is stamped just after the
    order, so the second before it counts too). Cancellation after approval (P2.4) and a change's
    content keep approved_at and are found by the first rule. Two indexed queries; a stale month is read
    live until the nightly refresh rebuilds it, so a late refresh costs speed, never correctness."""
    if not refreshed:
        return set()
    touched = Order.objects.filter(updated_at__gt=min(refreshed.values()) - SETTLE)
    saved: dict[date, datetime] = {}  # month -> the last save of an order counted in it

    def note(month: date, at: datetime) -> None:
        if month in refreshed and (month not in saved or at > saved[month]):
            saved[month] = at

    approved = list(touched.filter(approved_at__isnull=False).annotate(m=TruncMonth("approved_at"))
                    .order_by().values("m").annotate(last=Max("updated_at")).values_list("m", "last"))
    for m, last in approved:
        note(_month(m), last)
    if approved:  # no approved order saved since: none approved again either
        for t, last in (ReviewDecision.objects.filter(order__in=touched.filter(revision__gt=1).values("pk"),
                                                      outcome=ReviewDecision.Outcome.APPROVED)
                        .values_list("decided_at", "order__updated_at")):
            note(_month(t), last)
            note(_month(t - timedelta(seconds=1)), last)
    return {m for m, at in saved.items() if at > refreshed[m] - SETTLE}


def fresh_months(first: date, last: date) -> set[date]:
    """The months from `first` to `last` whose rollups hold what the orders say now."""
    refreshed = dict(RevenueMonth.objects.filter(month__gte=first, month__lte=last)
                     .values_list("month", "refreshed_at"))
    return set(refreshed) - stale_months(refreshed)


@dataclass(frozen=True)
class Plan:
    """Which months come from the rollups and from when on the rest is aggregated live."""

    rolled: list[date]
    live_from: datetime | None
    end: datetime


def _plan(user: Any, p: Period) -> tuple[LiveScope, Plan]:
    scope = LiveScope(visible_orders(user))
    months = month_list(p)
    rolled: list[date] = []
    if may_view_all(user):
        have = fresh_months(months[0], months[-1])
        for m in months:  # the leading run of rolled-up months; everything after it is read live
            if m not in have:
                break
            rolled.append(m)
    live_from = None if len(rolled) == len(months) else _aware(months[len(rolled)])
    return scope, Plan(rolled=rolled, live_from=live_from, end=p.end)


def revenue_by_category(*, user: Any, months: int = MONTHS, today: date | None = None) -> list[dict[str, Any]]:
    """P4.2.c monthly revenue by product category: rows {month, category_id, category, amount}, by month
    then category name. Lines without a catalog product (free text) have category None."""
    scope, plan = _plan(user, period(months=months, today=today))
    out = [{"month": r.month, "category_id": r.category_id, "category": r.category_name or None, "amount": r.amount}
           for r in RevenueByCategory.objects.filter(month__in=plan.rolled)] if plan.rolled else []
    if plan.live_from:
        out += live_by_category(scope, plan.live_from, plan.end)
    return sorted(out, key=lambda r: (r["month"], r["category"] or ""))


def revenue_by_region(*, user: Any, months: int = MONTHS, today: date | None = None) -> list[dict[str, Any]]:
    """P4.2.c monthly revenue by delivery province: rows {month, region_id, region, amount, orders}."""
    scope, plan = _plan(user, period(months=months, today=today))
    out = [{"month": r.month, "region_id": r.region_id, "region": r.region_name or None, "amount": r.amount,
            "orders": r.orders} for r in RevenueByRegion.objects.filter(month__in=plan.rolled)] if plan.rolled else []
    if plan.live_from:
        out += live_by_region(scope, plan.live_from, plan.end)
    return sorted(out, key=lambda r: (r["month"], r["region"] or ""))


def top_customers(*, user: Any, limit: int = TOP_CUSTOMERS, months: int = MONTHS,
                  today: date | None = None) -> list[dict[str, Any]]:
    """P4.2.c the customers with the most revenue in the period: rows {customer_id, customer, amount, orders},
    largest first (ties by name)."""
    from ordertaking.customers.models import Customer

    scope, plan = _plan(user, period(months=months, today=today))
    sums: dict[int, list[Any]] = defaultdict(lambda: [ZERO, 0])
    if plan.rolled:
        for r in (RevenueByCustomer.objects.filter(month__in=plan.rolled).values("customer_id")
                  .annotate(amount=Sum("amount"), orders=Sum("orders")).order_by()):
            sums[r["customer_id"]][0] += r["amount"]
            sums[r["customer_id"]][1] += r["orders"]
    if plan.live_from:
        live = (_revenue(scope, plan.live_from, plan.end).values("customer_id")
                .annotate(amount=Sum("total_amount"), orders=Count("id")).order_by())
        for r in live:
            sums[r["customer_id"]][0] += r["amount"]
            sums[r["customer_id"]][1] += r["orders"]
    # The names decide ties, so look them up for every customer whose amount reaches the cut-off.
    ranked = sorted(sums.items(), key=lambda kv: -kv[1][0])
    cut = ranked[limit - 1][1][0] if len(ranked) >= limit else None
    keep = [cid for cid, (amount, _n) in ranked if cut is None or amount >= cut]
    names = dict(Customer.objects.filter(pk__in=keep).values_list("pk", "name"))
    rows = [{"customer_id": cid, "customer": names.get(cid, ""), "amount": sums[cid][0], "orders": sums[cid][1]}
            for cid in keep]
    rows.sort(key=lambda r: (-r["amount"], r["customer"]))
    return rows[:limit]


def dashboard(*, user: Any, today: date | None = None) -> dict[str, Any]:
    """Everything the dashboard shows, for one user."""
    p = period(today=today)
    return {"months": month_list(p), "by_category": revenue_by_category(user=user, today=today),
            "by_region": revenue_by_region(user=user, today=today),
            "top_customers": top_customers(user=user, today=today)}


__all__ = ["Period", "dashboard", "live_by_category", "live_by_customer", "live_by_region", "month_list", "period",
           "revenue_by_category", "revenue_by_region", "top_customers"]
