"""The inquiry state table (P2.1): every allowed move in one place.

    open ──handover──▶ handed_over ──handover──▶ handed_over (to another rep)
      │                    │
      ├──convert──▶ converted ◀──convert──┤
      └──close────▶ closed    ◀──close────┘
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ordertaking.common.errors import InvalidTransition

from .models import Inquiry

S = Inquiry.State
ACTIVE = frozenset({S.OPEN, S.HANDED_OVER})

# verb -> (from states, to state, clause)
MOVES: dict[str, tuple[frozenset[str], str, str]] = {
    "handover": (ACTIVE, S.HANDED_OVER, "P2.1.b"),
    "convert": (ACTIVE, S.CONVERTED, "P2.2"),
    "close": (ACTIVE, S.CLOSED, "P2.1"),
    "update": (ACTIVE, "", "P2.1.c"),
}


def can_move(state: str, verb: str) -> bool:
    return state in MOVES[verb][0]


def check_move(state: str, verb: str) -> str:
    sources, target, _clause = MOVES[verb]
    if state not in sources:
        label = S(state).label if state in S.values else state
        raise InvalidTransition(_("An inquiry that is %(state)s cannot be changed this way.") % {"state": label},
                                field="state")
    return target or state
