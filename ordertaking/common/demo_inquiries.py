"""Demo inquiries by every channel of P2.1.a, recorded and handed over through inquiries.services.

Each is keyed by the text of the customer's need (specification), so loading twice adds nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .demo_orders import ServiceMissing, service

if TYPE_CHECKING:
    from .demo import DemoContext


def load(ctx: DemoContext) -> None:
    try:
        service("ordertaking.inquiries.services", "inquiry_record")
    except ServiceMissing as missing:
        ctx.skipped.append(f"inquiries: {missing} not available yet")
        return
