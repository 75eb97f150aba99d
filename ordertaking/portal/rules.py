"""Rules of the customer's link as plain functions (tested without a database)."""

from __future__ import annotations

from datetime import datetime, timedelta

MAX_DAYS = 365  # a link is never issued for longer than a year


def link_refusal(*, revoked: bool, expires_at: datetime, now: datetime) -> str | None:
    """P2.5.b: why a link whose signature and nonce hold may not be used (None: it may).
    "revoked" and "expired" are told apart only for the wording of the page; neither shows the order."""
    if revoked:
        return "revoked"
    if now >= expires_at:
        return "expired"
    return None


def validity_days(days: int | None, default: int) -> int | None:
    """The days a new link is valid: `days` when given (1 … MAX_DAYS), else the setting. None: out of range."""
    value = default if days is None else days
    if not isinstance(value, int) or value < 1 or value > MAX_DAYS:
        return None
    return value


def expiry(issued: datetime, days: int) -> datetime:
    return issued + timedelta(days=days)
