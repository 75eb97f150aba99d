"""Demo customer's links (P2.5.b), through portal.services: the Ningbo port order (shipped in two
parts) has a link its buyer has opened, with an earlier one revoked because it went to the wrong
person; the Wuhan cable order has a fresh link not opened yet. Idempotent: a second run finds them.

The Ningbo link is mailed (queued for the job worker, like every mail); the others are issued
without mail, as a rep does who hands the link over by WeChat or as the QR code.
"""

# ruff: noqa: E501

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from ordertaking.orders.models import Order
from ordertaking.portal.models import PortalLink
from ordertaking.portal.services import portal_link_issue, portal_link_revoke, portal_link_use

if TYPE_CHECKING:
    from .loader import DemoContext


def _order(ctx: DemoContext, customer: str, reference: str) -> Order | None:
    return (Order.objects.filter(customer=ctx.customers[customer], customer_reference=reference)
            .exclude(approved_at__isnull=True).select_related("sales_rep").first())


def load(ctx: DemoContext) -> None:
    if PortalLink.objects.exists():
        return
    with transaction.atomic():
        ningbo = _order(ctx, "ningbo_port", "BLGJ-2026-3307")
        if ningbo is not None:
            rep = ningbo.sales_rep
            wrong = portal_link_issue(actor=rep, order=ningbo, send=False)
            portal_link_revoke(actor=rep, link=wrong, reason="发给了仓库的联系人，应发采购部徐建平经理")
            link = portal_link_issue(actor=rep, order=ningbo, email="xujp@bl-portmach.cn", days=90)
            for _ in range(3):  # the buyer looked at the shipments three times
                portal_link_use(link=link)
            ctx.count("customer's links", 2)
        wuhan = _order(ctx, "wuhan_cable", "JC-WZ-2026-1188")
        if wuhan is not None:
            portal_link_issue(actor=wuhan.sales_rep, order=wuhan, send=False)
            ctx.count("customer's links", 1)
