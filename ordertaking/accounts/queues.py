"""The work queues on each user's home page, gathered from the apps that own them.

Each app's selectors module may offer `home_queues(user) -> list[Queue]`; the list
below names them in the order they appear.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

QUEUE_PROVIDERS = [
    "ordertaking.inquiries.selectors",
    "ordertaking.orders.selectors",
    "ordertaking.review.selectors",
    "ordertaking.credit.selectors",
]


@dataclass
class Queue:
    key: str
    title: Any
    count: int
    items: list[Any] = field(default_factory=list)  # at most a handful, for the card
    url: str = ""
    empty_text: Any = ""


def queues_for(user: Any) -> list[Queue]:
    result: list[Queue] = []
    for module_name in QUEUE_PROVIDERS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as e:
            if e.name != module_name:
                raise
            continue
        provider = getattr(module, "home_queues", None)
        if provider is not None:
            result.extend(provider(user))
    return result
