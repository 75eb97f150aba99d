"""A work-queue card on a user's home page: each app's selectors build their own
(`home_queues(user)`), the project-level `ordertaking.home` app lays them out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Queue:
    key: str
    title: Any
    count: int
    items: list[Any] = field(default_factory=list)  # at most a handful, for the card
    url: str = ""
    empty_text: Any = ""
