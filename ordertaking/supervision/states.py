"""The state tables of inspections and rectification tasks (P6.1.a). Every move goes through them.

    inspection:   draft ──sample──▶ sampled ──check──▶ checked ──rectify──▶ rectifying
                                           └─────────rectify (a finding by hand)─────────▶
                                                          └───────close───────┴──▶ closed
                  (the checks may run again on a checked or rectifying inspection: no move)

    rectification task:  assigned ──respond──▶ responded ──accept──▶ closed
                         returned ◀──send_back──┘
                             └──────respond──────▶ responded
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ordertaking.common.states import Move, StateTable

from .models import Inspection, RectificationTask

S = Inspection.State
T = RectificationTask.State

INSPECTION = StateTable(S, {
    "sample": Move({S.DRAFT}, S.SAMPLED, "P6.1.a"),
    "check": Move({S.SAMPLED}, S.CHECKED, "P6.1.a"),
    "rectify": Move({S.SAMPLED, S.CHECKED}, S.RECTIFYING, "P6.1.a"),
    "close": Move({S.CHECKED, S.RECTIFYING}, S.CLOSED, "P6.1.a"),
}, refusal=_("This inspection is %(state)s: it cannot be %(verb)s."), verbs={
    "sample": _("sampled"), "check": _("checked"), "rectify": _("put into rectification"), "close": _("closed"),
})

# The states in which the automatic checks may run (again) and findings may be recorded.
CHECKABLE = frozenset({S.SAMPLED, S.CHECKED, S.RECTIFYING})
FINDINGS_OPEN = frozenset({S.SAMPLED, S.CHECKED, S.RECTIFYING})

TASK = StateTable(T, {
    "respond": Move({T.ASSIGNED, T.RETURNED}, T.RESPONDED, "P6.1.a"),
    "accept": Move({T.RESPONDED}, T.CLOSED, "P6.1.a"),
    "send_back": Move({T.RESPONDED}, T.RETURNED, "P6.1.a"),
}, refusal=_("This rectification task is %(state)s: it cannot be %(verb)s."), verbs={
    "respond": _("answered"), "accept": _("closed"), "send_back": _("sent back"),
})

# Waiting for the department: the deadline runs.
WITH_DEPARTMENT = frozenset({T.ASSIGNED, T.RETURNED})
OPEN = frozenset({T.ASSIGNED, T.RETURNED, T.RESPONDED})
