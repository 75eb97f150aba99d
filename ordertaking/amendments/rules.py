"""Pure rules of changes and cancellations after approval (P2.3, P2.4, P5.1)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

ZERO = Decimal("0")


def cancel_needs_leadership(total: Decimal, threshold: Decimal) -> bool:
    """P2.4: the order center agrees to a cancellation up to `threshold`, leadership above it."""
    return total > threshold


def line_floors(*done: Mapping[int, Decimal]) -> dict[int, Decimal]:
    """P2.3 change after approval: the least each line may keep, the most of what was already shipped,
    produced or invoiced of it (one mapping per source, line id → quantity)."""
    floors: dict[int, Decimal] = {}
    for source in done:
        for line_id, quantity in source.items():
            if quantity and quantity > floors.get(line_id, ZERO):
                floors[line_id] = quantity
    return floors


def resume_verb(from_state: str, *, shipped: Mapping[int, Decimal], quantities: Mapping[int, Decimal],
                started: bool) -> str | None:
    """P2.4: the move that takes an approved order back to where its execution stands after a change
    was approved or withdrawn: partly shipped (or shipped, when the change left nothing to ship) once
    something is shipped; in execution once it was executing or a task is started; else it stays approved."""
    shipped_any = any(q > 0 for q in shipped.values())
    if shipped_any:
        if quantities and all(shipped.get(line, ZERO) >= q for line, q in quantities.items()):
            return "ship_all"
        return "ship_part"
    if from_state in ("in_execution", "partly_shipped") or started:
        return "start"
    return None


def exposure_release(approved_total: Decimal, invoiced: Iterable[Decimal]) -> Decimal:
    """P5.1: what a cancellation after approval gives back to the customer's approved exposure: what the
    order holds less what was already invoiced of it (that part moved to the invoices' side)."""
    release = approved_total - sum(invoiced, ZERO)
    return release if release > 0 else ZERO
