"""Receivables rules as pure functions (P3.6): due dates, aging buckets."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

BUCKETS = ["current", "d1_30", "d31_60", "d61_90", "d90_plus"]


def due_date_for(issue_date: date, term_days: int) -> date:
    """P3.6: an invoice falls due after the order's payment term."""
    return issue_date + timedelta(days=max(0, term_days))


def aging_bucket(due_date: date, as_of: date) -> str:
    """P3.6 receivables aging: current (not yet due), 1–30, 31–60, 61–90, 90+ days overdue."""
    days = (as_of - due_date).days
    if days <= 0:
        return "current"
    if days <= 30:
        return "d1_30"
    if days <= 60:
        return "d31_60"
    if days <= 90:
        return "d61_90"
    return "d90_plus"


def aging_totals(items: Iterable[tuple[date, Decimal]], as_of: date) -> dict[str, Decimal]:
    """Sum of open amounts per bucket, plus `total`."""
    totals = {b: Decimal("0.00") for b in BUCKETS}
    for due, open_amount in items:
        totals[aging_bucket(due, as_of)] += open_amount
    totals["total"] = sum((totals[b] for b in BUCKETS), Decimal("0.00"))
    return totals
