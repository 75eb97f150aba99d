"""One hand-off for "the work on an approved order changed" (P2.4.d: the sales staff follow the whole
execution; risks spotted early, not the next morning).

The apps that do the work (fulfilment's tasks, production's reports and inspections, logistics'
shipments and exceptions) call `order_progress_changed(order=…, actor=…)` inside their transaction,
after their write; the app that follows the execution (tracking, at the top of the layers) hands its
function down once, in its AppConfig.ready, with `order_progress_handler_add`. No app below knows who
listens, and nothing is looked up by name (docs/conventions.md).

A service whose write calls other services that each report progress (finishing a production order
completes its task, which reports; then the production order reports) runs them inside
`progress_batch()`: the handlers then run once per order, when the batch ends — still inside the
service's transaction, after its last write, so they see what every call would have seen last.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    has just created its tasks and, from them, its production orders: nothing else downstream of the order
    exists yet (no shipment, exception, inspection or risk), so a handler need not look for it, nor read
    back what it is handed here."""

    tasks: tuple[Any, ...]
    production_orders: tuple[Any, ...] = ()


_batch = threading.local()  # .pending: order pk -> (order, actor, first) while a batch is open in this thread


def order_progress_changed(*, order: Any, actor: Any = None, first: FirstApproval | None = None) -> None:
    """Run every handler inside the caller's transaction: what they write commits or rolls back with it.
    `first`: see FirstApproval (handlers that do not use it ignore it). Inside `progress_batch()`,
    remembered instead and run once per order when the batch ends."""
    pending = getattr(_batch, "pending", None)
    if pending is not None:
        earlier = pending.pop(order.pk, None)  # re-inserted: the orders run in the order of their last report
        if earlier is not None and earlier[2] is None:
            first = None  # FirstApproval holds only when every report of the batch said so
        pending[order.pk] = (order, actor, first)
        return
    for handler in _handlers:
        handler(order=order, actor=actor, first=first)


@contextmanager
def progress_batch() -> Iterator[None]:
    """Collect the progress reports of the block and run the handlers once per order at its end (the last
    report's actor). Open it inside the service's `transaction.atomic()`, so the handlers' writes share the
    transaction; nested batches join the outermost. Nothing runs when the block raises: the transaction
    rolls back anyway."""
    if getattr(_batch, "pending", None) is not None:
        yield
        return
    _batch.pending = {}
    try:
        yield
        pending, _batch.pending = _batch.pending, None
        for order, actor, first in pending.values():
            order_progress_changed(order=order, actor=actor, first=first)
    finally:
        _batch.pending = None
