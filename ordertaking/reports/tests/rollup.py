"""Helpers for the rollup tests: the orders as the nightly refresh finds them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import F

from ordertaking.orders.models import Order
from ordertaking.reports.models import RevenueMonth
from ordertaking.review.models import ReviewDecision

HOUR = timedelta(hours=1)


def settle() -> None:
    """The clock of the saves and refreshes so far moved an hour back, as at 01:10 at night: orders saved
    in the minute before a refresh keep their months stale (selectors.SETTLE), so a refresh right after
    building the data would read every month live and test nothing. What was saved after an earlier
    refresh stays after it. The factory stamps approved_at back; its approval decisions are stamped back
    with it, as a real approval stamps both together."""
    Order.objects.update(updated_at=F("updated_at") - HOUR)
    RevenueMonth.objects.update(refreshed_at=F("refreshed_at") - HOUR)
    for order_id, approved_at in Order.objects.filter(approved_at__isnull=False).values_list("pk", "approved_at"):
        ReviewDecision.objects.filter(order_id=order_id, outcome=ReviewDecision.Outcome.APPROVED,
                                      decided_at__gt=approved_at).update(decided_at=approved_at)


def refresh(**kw: Any) -> list[date]:
    from ordertaking.reports.services import revenue_rollup_refresh

    settle()
    return revenue_rollup_refresh(**kw)
