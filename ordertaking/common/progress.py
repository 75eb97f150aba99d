"""One hand-off for "the work on an approved order changed" (P2.4.d: the sales staff follow the whole
execution; risks spotted early, not the next morning).

The apps that do the work (fulfilment's tasks, production's reports and inspections, logistics'
shipments and exceptions) call `order_progress_changed(order=…, actor=…)` inside their transaction,
after their write; the app that follows the execution (tracking, at the top of the layers) hands its
function down once, in its AppConfig.ready, with `order_progress_handler_add`. No app below knows who
listens, and nothing is looked up by name (docs/conventions.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ProgressHandler = Callable[..., Any]  # handler(order=..., actor=..., first=...)

_handlers: list[ProgressHandler] = []


def order_progress_handler_add(handler: ProgressHandler) -> None:
    if handler not in _handlers:
        _handlers.append(handler)


@dataclass(frozen=True)
class FirstApproval:
    """Told by the approval of an order that was never approved before, which holds the order locked and
    has just created its tasks: nothing else downstream of the order exists yet (no shipment, exception,
    inspection or risk), so a handler need not look for it."""

    tasks: tuple[Any, ...]


def order_progress_changed(*, order: Any, actor: Any = None, first: FirstApproval | None = None) -> None:
    """Run every handler inside the caller's transaction: what they write commits or rolls back with it.
    `first`: see FirstApproval (handlers that do not use it ignore it)."""
    for handler in _handlers:
        handler(order=order, actor=actor, first=first)
