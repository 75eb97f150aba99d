"""Feedback rules as plain functions over plain values (tested without a database)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

ASPECTS = ("overall", "product", "delivery", "service")


def score_error(value: object) -> str | None:
    """P6.1.c 满意度: a score is a whole number 1 (very dissatisfied) to 5 (very satisfied). The code
    of what is wrong, or None."""
    if value is None or value == "":
        return "required"
    if isinstance(value, bool):
        return "not_a_score"
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return "not_a_score"
    if str(n) != str(value).strip() or not 1 <= n <= 5:
        return "not_a_score"
    return None


def average(values: Iterable[int | None]) -> Decimal | None:
    """The mean of the given scores to one decimal (half up), None when there is none (P6.2 客户满意度)."""
    got = [v for v in values if v is not None]
    if not got:
        return None
    return (Decimal(sum(got)) / Decimal(len(got))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def complaint_due(received: date, days: int, after: Callable[[date, int], date]) -> date:
    """P3.2: a complaint is to be resolved within `days` working days of the day it was received (or
    reopened); `after(day, n)` is the working-day calendar (fulfilment's)."""
    return after(received, max(int(days), 1))


def reminder_due(*, due: date, today: date, before: Callable[[date, int], date], reminded_on: date | None,
                 still_open: bool) -> bool:
    """The handler is reminded once, from the working day before the deadline on, while it is still open."""
    return still_open and reminded_on is None and today >= before(due, 1) and today <= due


def escalation_due(*, due: date, today: date, escalated: bool, still_open: bool) -> bool:
    """P3.2: a complaint still open after its deadline goes to the handler's leader, once per deadline."""
    return still_open and not escalated and today > due
