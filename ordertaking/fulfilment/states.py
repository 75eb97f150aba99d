"""The state table of tasks (P2.4.a). Every move goes through it.

    open ──start──▶ in_progress ──complete──▶ done
      │                 │
      └──complete───────┘  (a task may be reported done without a separate start)
    open / in_progress ──cancel──▶ cancelled   (the order is cancelled or changed, P2.4)
    open / in_progress: reassign keeps the state (another responsible person, LIVE_STATES)
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ordertaking.common.states import Move, StateTable

from .models import Task

T = Task.State

TASK = StateTable(T, {
    "start": Move({T.OPEN}, T.IN_PROGRESS, "P2.4.a"),
    "complete": Move({T.OPEN, T.IN_PROGRESS}, T.DONE, "P2.4.a"),
    "cancel": Move({T.OPEN, T.IN_PROGRESS}, T.CANCELLED, "P2.4"),
}, refusal=_("Cannot %(verb)s a task that is %(state)s."), verbs={
    "start": _("start"), "complete": _("complete"), "cancel": _("cancel"),
})

LIVE_STATES = frozenset({T.OPEN, T.IN_PROGRESS})
