"""Receivables rules as pure functions (P3.6): due dates, aging buckets."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

BUCKETS = ["current", "d1_30", "d31_60", "d61_90", "d90_plus"]


def due_date_for(issue_date: date, term_days: int) -> date:
    """P3.6: an invoice falls due after the order's payment term."""
    return issue_date + timedelta(days=max(0, term_days))


# Days overdue (as of the report day minus the due date) per bucket, both ends included; None: open.
BUCKET_DAYS: dict[str, tuple[int | None, int | None]] = {
    "current": (None, 0), "d1_30": (1, 30), "d31_60": (31, 60), "d61_90": (61, 90), "d90_plus": (91, None),
}


def aging_bucket(due_date: date, as_of: date) -> str:
    """P3.6 receivables aging: current (not yet due), 1–30, 31–60, 61–90, 90+ days overdue."""
    days = (as_of - due_date).days
    for bucket, (low, high) in BUCKET_DAYS.items():
        if (low is None or days >= low) and (high is None or days <= high):
            return bucket
    raise AssertionError("BUCKET_DAYS leaves a gap")  # pragma: no cover - the table covers every day


def due_date_range(bucket: str, as_of: date) -> tuple[date | None, date | None]:
    """The due dates (earliest, latest; None: open) that fall in `bucket` on `as_of`, for a query."""
    low, high = BUCKET_DAYS[bucket]
    return (None if high is None else as_of - timedelta(days=high),
            None if low is None else as_of - timedelta(days=low))


def aging_totals(items: Iterable[tuple[date, Decimal]], as_of: date) -> dict[str, Decimal]:
    """Sum of open amounts per bucket, plus `total`."""
    totals = {b: Decimal("0.00") for b in BUCKETS}
    for due, open_amount in items:
        totals[aging_bucket(due, as_of)] += open_amount
    totals["total"] = sum((totals[b] for b in BUCKETS), Decimal("0.00"))
    return totals


# A fapiao number as the tax-control system prints it: 8 digits on the paper fapiao (with its
# 10- or 12-digit code), 20 digits on a fully digital one (数电发票).
FAPIAO_NUMBER_RE = re.compile(r"^(\d{8}|\d{20})$")


def fapiao_number_valid(number: str) -> bool:
    """P3.6 invoicing by the contract: the number recorded is one the tax-control system issues."""
    return bool(FAPIAO_NUMBER_RE.match(number or ""))


def normalize_fapiao_number(number: str) -> str:
    return re.sub(r"[\s-]", "", number or "")
