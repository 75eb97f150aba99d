"""The work queues on each user's home page, from the apps that own them, in the order they appear.

This project-level app sits above every chapter (docs/conventions.md), so it imports each app's
`home_queues(user)` directly; the apps know nothing of the home page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ordertaking.amendments import selectors as amendments_selectors
from ordertaking.archive import selectors as archive_selectors
from ordertaking.common.queues import Queue
from ordertaking.confidentiality import selectors as confidentiality_selectors
from ordertaking.credit import selectors as credit_selectors
from ordertaking.deliveries.acceptance import selectors as acceptance_selectors
from ordertaking.feedback import selectors as feedback_selectors
from ordertaking.finance import selectors as finance_selectors
from ordertaking.fulfilment import selectors as fulfilment_selectors
from ordertaking.inquiries import selectors as inquiries_selectors
from ordertaking.legal import selectors as legal_selectors
from ordertaking.logistics import selectors as logistics_selectors
from ordertaking.orders import selectors as orders_selectors
from ordertaking.production import selectors as production_selectors
from ordertaking.review import selectors as review_selectors
from ordertaking.supervision import selectors as supervision_selectors
from ordertaking.tracking import selectors as tracking_selectors
from ordertaking.whistleblowing import selectors as whistleblowing_selectors


def _orders_home_queues(user: Any) -> list[Queue]:
    # The review's last opinion shows on "returned to me": review sits above orders, so it is passed in.
    return orders_selectors.home_queues(user, last_opinion=review_selectors.last_return_opinion())


PROVIDERS: list[Callable[[Any], list[Queue]]] = [
    inquiries_selectors.home_queues,
    _orders_home_queues,
    review_selectors.home_queues,
    credit_selectors.home_queues,
    finance_selectors.home_queues,
    tracking_selectors.home_queues,
    fulfilment_selectors.home_queues,
    amendments_selectors.home_queues,
    logistics_selectors.home_queues,
    production_selectors.home_queues,
    archive_selectors.home_queues,
    feedback_selectors.home_queues,
    acceptance_selectors.home_queues,
    confidentiality_selectors.home_queues,
    supervision_selectors.home_queues,
    whistleblowing_selectors.home_queues,
    legal_selectors.home_queues,
]


def queues_for(user: Any) -> list[Queue]:
    return [queue for provider in PROVIDERS for queue in provider(user)]
