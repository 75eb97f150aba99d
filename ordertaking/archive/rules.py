"""The classification rules (P4.1.b) and the verification age (P4.1.a): plain functions over plain
values, tested without a database.

- **Purchase frequency 购买频率** is the number of orders in the classification period (the last
  `period_months` months up to today; an order counts from its approval and not once cancelled),
  never a lifetime count: frequent ≥ `frequent_orders`, regular ≥ `regular_orders`, occasional ≥ 1,
  else no purchase in the period.
- **Value tier** from recency (days since the last order), frequency (orders in the period) and
  monetary value (amount of those orders, tax-inclusive), checked in this order:
  no order ever → no tier; last order older than `dormant_days` → dormant 休眠; ordered within
  `active_days` with ≥ `key_orders` orders *and* ≥ `key_amount` in the period → key 重点; ordered
  within `active_days` with ≥ `growing_orders` orders *or* ≥ `growing_amount` → growing 成长;
  otherwise occasional 一般.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import ClassVar

from django.utils.translation import gettext as _

# The stored codes are customers.Customer.Frequency / Customer.Tier values (customers sits below).
HIGH, MEDIUM, LOW, NONE = "high", "medium", "low", "none"
KEY, GROWING, OCCASIONAL, DORMANT = "key", "growing", "occasional", "dormant"


@dataclass(frozen=True)
class Thresholds:
    period_months: int = 12
    frequent_orders: int = 6
    regular_orders: int = 2
    active_days: int = 180
    dormant_days: int = 365
    key_orders: int = 4
    key_amount: Decimal = Decimal("500000.00")
    growing_orders: int = 2
    growing_amount: Decimal = Decimal("100000.00")

    FIELDS: ClassVar[tuple[str, ...]] = ()


Thresholds.FIELDS = tuple(f.name for f in fields(Thresholds))
DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class History:
    """One customer's order history as the rules need it."""

    orders_in_period: int
    amount_in_period: Decimal
    last_order_on: date | None


def period_start(today: date, months: int) -> date:
    """The first day of the classification period: the same day `months` months earlier (the last day
    of that month when it is shorter: 31 May − 3 months = 28/29 Feb)."""
    month_index = today.year * 12 + (today.month - 1) - months
    year, month0 = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(today.day, last_day))


def purchase_frequency(orders_in_period: int, t: Thresholds) -> str:
    """P4.1.b 购买频率: the class of the orders in the period."""
    if orders_in_period >= t.frequent_orders:
        return HIGH
    if orders_in_period >= t.regular_orders:
        return MEDIUM
    if orders_in_period >= 1:
        return LOW
    return NONE


def value_tier(history: History, *, today: date, t: Thresholds) -> str:
    """P4.1.b: the value tier by recency, frequency and monetary value ("" when never ordered)."""
    if history.last_order_on is None:
        return ""
    days = (today - history.last_order_on).days
    if days > t.dormant_days:
        return DORMANT
    recent = days <= t.active_days
    if recent and history.orders_in_period >= t.key_orders and history.amount_in_period >= t.key_amount:
        return KEY
    if recent and (history.orders_in_period >= t.growing_orders or history.amount_in_period >= t.growing_amount):
        return GROWING
    return OCCASIONAL


def thresholds_problems(t: Thresholds) -> list[tuple[str, str]]:
    """(field, message) for thresholds that contradict each other; empty when they may be saved."""
    problems: list[tuple[str, str]] = []
    if not 1 <= t.period_months <= 60:
        problems.append(("period_months", _("The period is 1 to 60 months.")))
    for name in ("frequent_orders", "regular_orders", "active_days", "dormant_days", "key_orders",
                 "growing_orders"):
        value = getattr(t, name)
        if value < 1 or value > 100000:
            problems.append((name, _("Enter a whole number from 1 to 100,000.")))
    for name in ("key_amount", "growing_amount"):
        value = getattr(t, name)
        if value < 0 or value >= Decimal("1000000000000"):
            problems.append((name, _("Enter an amount from ¥0.00 to below ¥1,000,000,000,000.00.")))
    if not problems:
        if t.regular_orders > t.frequent_orders:
            problems.append(("regular_orders", _("A regular buyer cannot need more orders than a frequent one.")))
        if t.active_days > t.dormant_days:
            problems.append(("active_days", _("A recent order cannot be older than the dormancy limit.")))
        if t.growing_orders > t.key_orders:
            problems.append(("growing_orders", _("A growing customer cannot need more orders than a key one.")))
        if t.growing_amount > t.key_amount:
            problems.append(("growing_amount", _("A growing customer cannot need a larger amount than a key one.")))
    return problems


def verification_due(*, last_verified_at: datetime | None, created_at: datetime, now: datetime,
                     max_age_days: int) -> bool:
    """P4.1.a updated regularly: an entry is due for verification when it was last confirmed (or,
    never confirmed, created) more than `max_age_days` ago."""
    since = last_verified_at or created_at
    return now - since > timedelta(days=max_age_days)
