"""Reads of the customer archive (P4.1.a/b), scoped to the user through the chapters' own selectors:
a customer through `customers.selectors.customer_get` (404 for one the user may not see), its orders
through `orders.selectors.visible_orders`, its inquiries through `inquiries.selectors.inquiries_visible`,
its credit through credit's finance-only selector. Everything here is derived from those records by
queries, never typed twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ordertaking.common.errors import NotFound
from ordertaking.common.queues import Queue
from ordertaking.credit import selectors as credit_selectors
from ordertaking.customers.models import Customer
from ordertaking.customers.selectors import customers_visible
from ordertaking.inquiries.selectors import inquiries_visible
from ordertaking.orders.models import Order, OrderLine
from ordertaking.orders.selectors import visible_orders
from ordertaking.orders.states import OrderState

from .models import TierThresholds
from .rules import History, Thresholds, period_start

ZERO = Decimal("0.00")


def _cents(value: Decimal | None) -> Decimal:
    """A sum as money: SQLite hands back sums of decimals without their two places."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def thresholds_current() -> TierThresholds:
    """The one thresholds row (created with the documented defaults the first time it is read)."""
    row, _created = TierThresholds.objects.get_or_create(pk=1)
    return row


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def purchases(qs: QuerySet[Order] | None = None) -> QuerySet[Order]:
    """P4.1.b: the orders that count as purchases: approved at least once and not cancelled. An order
    counts on the day of its (first kept) approval."""
    qs = Order.objects.all() if qs is None else qs
    return qs.filter(approved_at__isnull=False).exclude(state=OrderState.CANCELLED)


def order_histories(*, today: date, t: Thresholds, customer_ids: list[int] | None = None) -> dict[int, History]:
    """Each customer's history for the rules, in one grouped query: orders and amount in the period
    (`period_start` up to the end of `today`) and the day of the last order up to `today`."""
    start, end = _day_start(period_start(today, t.period_months)), _day_start(today + timedelta(days=1))
    qs = purchases().filter(approved_at__lt=end)
    if customer_ids is not None:
        qs = qs.filter(customer_id__in=customer_ids)
    in_period = Q(approved_at__gte=start)
    rows = (qs.order_by().values("customer_id")
            .annotate(n=Count("id", filter=in_period), amount=Sum("approved_total", filter=in_period),
                      last=Max("approved_at")))
    return {r["customer_id"]: History(orders_in_period=r["n"], amount_in_period=_cents(r["amount"]),
                                      last_order_on=timezone.localdate(r["last"]) if r["last"] else None)
            for r in rows}


@dataclass
class PurchaseSummary:
    orders: int
    amount: Decimal
    first_on: date | None
    last_on: date | None
    orders_in_period: int
    amount_in_period: Decimal
    period_from: date


def purchase_summary(*, user: Any, customer: Customer, today: date | None = None) -> PurchaseSummary:
    """P4.1.a purchase history in figures, over the orders the user may see (one query)."""
    today = today or timezone.localdate()
    t = thresholds_current().as_rule()
    start = period_start(today, t.period_months)
    in_period = Q(approved_at__gte=_day_start(start))
    row = purchases(visible_orders(user)).filter(customer=customer).aggregate(
        n=Count("id"), amount=Coalesce(Sum("approved_total"), ZERO), first=Min("approved_at"),
        last=Max("approved_at"), n_period=Count("id", filter=in_period),
        amount_period=Coalesce(Sum("approved_total", filter=in_period), ZERO))
    return PurchaseSummary(
        orders=row["n"], amount=_cents(row["amount"]),
        first_on=timezone.localdate(row["first"]) if row["first"] else None,
        last_on=timezone.localdate(row["last"]) if row["last"] else None,
        orders_in_period=row["n_period"], amount_in_period=_cents(row["amount_period"]), period_from=start)


def top_products(*, user: Any, customer: Customer, limit: int = 5) -> list[dict[str, Any]]:
    """P4.1.a preferences: the products this customer bought most, by amount (lines of its purchases)."""
    orders = purchases(visible_orders(user)).filter(customer=customer)
    lines = OrderLine.objects.filter(order__in=orders.values("pk")).exclude(product_code="")
    return [{**r, "amount": _cents(r["amount"])} for r in lines
                .values("product_code", "name")
                .annotate(orders=Count("order", distinct=True), quantity=Sum("quantity"), amount=Sum("amount"),
                          unit=Max("unit"))
                .order_by("-amount", "product_code")[:limit]]


def usual_delivery_places(*, user: Any, customer: Customer, limit: int = 3) -> list[dict[str, Any]]:
    """P4.1.a preferences: where its orders are delivered most often (province and city)."""
    orders = purchases(visible_orders(user)).filter(customer=customer).exclude(delivery_city="")
    return [dict(r) for r in orders.order_by().values("delivery_region__name", "delivery_city")
            .annotate(n=Count("id"), last=Max("approved_at")).order_by("-n", "-last")[:limit]]


def usual_payment_methods(*, user: Any, customer: Customer, limit: int = 3) -> list[dict[str, Any]]:
    """P4.1.a preferences: the payment methods its orders use most."""
    orders = purchases(visible_orders(user)).filter(customer=customer, payment_method__isnull=False)
    return [dict(r) for r in orders.order_by().values("payment_method__name")
            .annotate(n=Count("id"), last=Max("approved_at")).order_by("-n", "-last")[:limit]]


def customer_inquiries(*, user: Any, customer: Customer, limit: int = 50) -> list[Any]:
    """The customer's inquiries the user may see, newest first."""
    return list(inquiries_visible(user=user).filter(customer=customer)
                .select_related("product", "assigned_to", "order").order_by("-received_at", "-id")[:limit])


def customer_credit(*, user: Any, customer: Customer) -> dict[str, Any] | None:
    """The credit history (evaluations, holds, guarantees) for those who see credit (finance_view);
    None for everyone else."""
    try:
        return credit_selectors.customer_credit_for(user, customer.pk)
    except NotFound:
        return None


# --- verification (P4.1.a updated regularly) --------------------------------------------------------

def verify_after_days() -> int:
    return int(settings.ORDERTAKING_VERIFY_AFTER_DAYS)


def verification_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=verify_after_days())


def verification_due(*, user: Any, now: datetime | None = None, mine: bool | None = None) -> QuerySet[Customer]:
    """Customers whose archive entry was last confirmed (or, never confirmed, created) longer ago than
    the configured age, among those the user sees; a sales rep's own by default, oldest first."""
    cutoff = verification_cutoff(now)
    qs = customers_visible(user=user).filter(
        Q(last_verified_at__lt=cutoff) | Q(last_verified_at__isnull=True, created_at__lt=cutoff))
    if mine is None:
        mine = bool(user.is_authenticated and user.has_role("sales"))
    if mine:
        qs = qs.filter(sales_rep=user)
    return (qs.exclude(status=Customer.Status.INACTIVE).select_related("sales_rep", "last_verified_by", "region")
            .annotate(since=Coalesce("last_verified_at", "created_at")).order_by("since", "id"))


def is_verification_due(customer: Customer, now: datetime | None = None) -> bool:
    since = customer.last_verified_at or customer.created_at
    return since < verification_cutoff(now)


def home_queues(user: Any) -> list[Queue]:
    """The sales rep's card: their customers due for verification (P4.1.a)."""
    if not (user.is_authenticated and user.has_role("sales") and user.has_perm("accounts.customer_manage")):
        return []
    due = verification_due(user=user, mine=True)

    def meta(c: Customer) -> str:
        if c.last_verified_at is None:
            return _("never verified")
        return _("last verified %(date)s") % {"date": timezone.localdate(c.last_verified_at).isoformat()}

    return [Queue(key="verification_due", title=_("Customer data to verify"), count=due.count(),
                  items=[{"label": c.name, "url": reverse("customers:detail", args=[c.pk]), "meta": meta(c)}
                         for c in due[:5]],
                  url=reverse("archive:verification"),
                  empty_text=_("All your customers' data has been verified recently."))]


def class_counts() -> dict[str, list[dict[str, Any]]]:
    """How many customers each value tier and frequency class holds (two grouped queries)."""
    tiers = dict(Customer.objects.order_by().values_list("value_tier").annotate(n=Count("id")))
    freqs = dict(Customer.objects.order_by().values_list("purchase_frequency").annotate(n=Count("id")))
    return {
        "tiers": [{"value": v, "label": label, "n": tiers.get(v, 0)} for v, label in Customer.Tier.choices]
        + [{"value": "", "label": _("No orders yet"), "n": tiers.get("", 0)}],
        "frequencies": [{"value": v, "label": label, "n": freqs.get(v, 0)} for v, label in Customer.Frequency.choices],
    }
