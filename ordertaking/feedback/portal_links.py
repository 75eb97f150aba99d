"""The customer's private link for feedback's mails (the survey invitation, a resolved complaint), from
the portal below us: the order's active link, or "" when it has none (the mail then asks the customer
to turn to their sales contact). Feedback never issues a link itself: links are the rep's to give
(P2.5.b), and a link made as a side effect of a mail would be one nobody chose to hand out."""

from __future__ import annotations

from typing import Any

from ordertaking.orders.models import Order
from ordertaking.portal.selectors import active_link, link_url


def customer_link(order: Order, actor: Any) -> str:
    link = active_link(order)
    return link_url(link) if link is not None else ""
