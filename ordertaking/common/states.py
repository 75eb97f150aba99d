"""State tables and state colours shared by every app (CONVENTIONS.md: the allowed moves are one
table; the same state has the same colour on every page).

An app declares its table once, in its own `states.py`:

    HOLD = StateTable(CreditHold.State, {
        "release": Move({"open"}, "released", "P5.1"),
        "close": Move({"open"}, "closed", "P5.1"),
    }, refusal=REFUSAL)   # a lazy translated message; may use %(state)s and %(verb)s

and every service moves through it: `obj.state = HOLD.check(obj.state, "release")` raises
InvalidTransition for a move the table does not allow.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models

from .errors import InvalidTransition


@dataclass(frozen=True)
class Move:
    """One verb of a state table: the states it may start from, the state it leads to, its clause."""

    sources: frozenset[str]
    target: str
    clause: str = ""

    def __init__(self, sources: Iterable[str], target: str, clause: str = "") -> None:
        object.__setattr__(self, "sources", frozenset(str(s) for s in sources))
        object.__setattr__(self, "target", str(target))
        object.__setattr__(self, "clause", clause)


class StateTable:
    """The allowed moves of one kind of record. `refusal` is the (lazy, translatable) message of
    InvalidTransition; it may use %(state)s (the current state's label) and %(verb)s (the verb's)."""

    def __init__(self, states: type[models.TextChoices], moves: Mapping[str, Move], *, refusal: Any,
                 verbs: Mapping[str, Any] | None = None) -> None:
        self.states = states
        self.moves = dict(moves)
        self.refusal = refusal
        self.verbs = dict(verbs or {})
        known = set(states.values)
        for verb, move in self.moves.items():
            unknown = (move.sources | {move.target}) - known
            if unknown:  # a typo in a table fails at import, not on the day the move is tried
                raise ValueError(f"{states.__qualname__}.{verb}: unknown states {sorted(unknown)}")

    def can(self, state: str, verb: str) -> bool:
        return str(state) in self.moves[verb].sources

    def check(self, state: str, verb: str) -> str:
        """The state `verb` leads to from `state`, or InvalidTransition when the table forbids it."""
        move = self.moves[verb]
        if str(state) not in move.sources:
            label = self.states(state).label if state in self.states.values else state
            raise InvalidTransition(self.refusal % {"state": label, "verb": self.verbs.get(verb, verb)},
                                    code="invalid_transition", field="state")
        return move.target

    def clause(self, verb: str) -> str:
        return self.moves[verb].clause


BADGES: dict[str, str] = {
    "draft": "text-bg-secondary",
    "submitted": "text-bg-warning",
    "returned": "text-bg-danger",
    "credit_hold": "text-bg-dark",
    "approved": "text-bg-success",
    "cancelled": "text-bg-light border",
    "in_execution": "text-bg-primary",
    "partly_shipped": "text-bg-info",
    "shipped": "text-bg-info",
    "delivered": "text-bg-success",
    "accepted": "text-bg-success",
    # inquiries
    "open": "text-bg-info",
    "handed_over": "text-bg-primary",
    "converted": "text-bg-success",
    "closed": "text-bg-light border",
    # special approvals
    "requested": "text-bg-warning",
    "granted": "text-bg-success",
    "refused": "text-bg-danger",
    "withdrawn": "text-bg-light border",
    # credit evaluations, holds; dunning tasks
    "proposed": "text-bg-warning",
    "rejected": "text-bg-danger",
    "superseded": "text-bg-light border",
    "released": "text-bg-success",
    "done": "text-bg-success",
    # tasks (P2.4.a): open, done and cancelled as above
    "in_progress": "text-bg-primary",
    "agreed": "text-bg-success",
    # shipments and shipping exceptions (logistics)
    "planned": "text-bg-secondary",
    "dispatched": "text-bg-primary",
    "in_transit": "text-bg-info",
    "handled": "text-bg-warning",
    # production orders and quality inspections (P2.4.b, P5.2.b)
    "finished": "text-bg-success",
    "passed": "text-bg-success",
    "failed": "text-bg-danger",
    # acceptance issues and compensation (P2.5.d): open, closed, requested, refused, withdrawn as above
    "analysed": "text-bg-primary",
    "solution": "text-bg-primary",
    # an invoice's fapiao (P3.6)
    "not_issued": "text-bg-warning",
    "issued": "text-bg-success",
    "reversed": "text-bg-danger",
    # complaints and surveys (P3.2, P6.1.c)
    "new": "text-bg-warning",
    "assigned": "text-bg-info",
    "investigating": "text-bg-primary",
    "resolved": "text-bg-info",
    "confirmed": "text-bg-success",
    "reopened": "text-bg-danger",
    "invited": "text-bg-secondary",
    "answered": "text-bg-success",
    # delivery vouchers (P2.5.b): open as above
    "signed": "text-bg-success",
    "signed_on_paper": "text-bg-success",
    # supervision inspections and rectification (P6.1.a): draft, assigned, returned, closed as above
    "sampled": "text-bg-info",
    "checked": "text-bg-primary",
    "rectifying": "text-bg-warning",
    "responded": "text-bg-primary",
}


def badge_class(state: str) -> str:
    return BADGES.get(state, "text-bg-secondary")
