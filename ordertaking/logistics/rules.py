"""Logistics rules as plain functions over plain values (tested without a database)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

ZERO = Decimal("0")

# What a tracking event does to its shipment's state (P2.4.c): a verb of states.SHIPMENT, or None.
TRACKING_MOVES: dict[str, str | None] = {
    "picked_up": None,  # the carrier has it: the shipment was dispatched already
    "in_transit": "transit",
    "arrived": "transit",
    "delivered": "deliver",
}

WEBHOOK_WINDOW_SECONDS = 300  # a signed call older or newer than 5 minutes is refused


def rate(part: int, whole: int) -> Decimal | None:
    """A share 0–1 with three places, or None when there is nothing to measure yet."""
    if whole <= 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.001"))


def carrier_refusals(*, valid_from: date, valid_to: date, today: date, on_time_rate: Decimal | None,
                     floor: Decimal, serves_region: bool) -> list[str]:
    """P2.4.c 选择合适的物流合作商: why a carrier should not carry this shipment — its contract is not in
    force today, its on-time rate (from its record) is below the configured floor, or it does not
    serve the delivery region. Each can be overridden only with a reason (services)."""
    reasons = []
    if today < valid_from:
        reasons.append("contract_not_started")
    if today > valid_to:
        reasons.append("contract_expired")
    if on_time_rate is not None and on_time_rate < floor:
        reasons.append("rating_below_floor")
    if not serves_region:
        reasons.append("region_not_served")
    return reasons


def remaining(ordered: Decimal | None, held: Decimal | None) -> Decimal:
    """P2.4.c: what of a line is still to ship — its quantity less what live shipments already hold."""
    return max((ordered or ZERO) - (held or ZERO), ZERO)


def order_move(ordered: Mapping[int, Decimal], shipped: Mapping[int, Decimal]) -> str:
    """The order's move after a dispatch (orders.states): every line that ships fully shipped →
    "ship_all", else "ship_part". `ordered` holds only the lines that ship (not services)."""
    done = all((shipped.get(line) or ZERO) >= qty for line, qty in ordered.items())
    return "ship_all" if done else "ship_part"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 (hex) over `timestamp + "." + raw body`, keyed with the carrier's secret."""
    message = timestamp.encode("ascii", "replace") + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_valid(secret: str, timestamp: str, body: bytes, given: str) -> bool:
    """The given signature is the expected one, compared in constant time. As bytes: `compare_digest` refuses
    a str with a non-ASCII character (a header may carry any byte), which would be a 500, not a refusal."""
    if not secret or not given:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body).encode(),
                               given.strip().lower().encode("utf-8", "replace"))


def timestamp_fresh(timestamp: str, now: float, window: int = WEBHOOK_WINDOW_SECONDS) -> bool:
    """The signed timestamp (Unix seconds) lies within `window` seconds of now, either side."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    return abs(now - ts) <= window
