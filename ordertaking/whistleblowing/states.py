"""The state table of a whistleblowing report (P6.1.b). Every move goes through it.

    received ──assess──▶ assessed ──investigate──▶ investigating ──conclude──▶ concluded ──act──▶ action taken
        └──dismiss──▶ closed as unfounded ◀──dismiss──┘
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ordertaking.common.states import Move, StateTable

from .models import Report

R = Report.State

REPORT = StateTable(R, {
    "assess": Move({R.RECEIVED}, R.ASSESSED, "P6.1.b"),
    "dismiss": Move({R.RECEIVED, R.ASSESSED}, R.UNFOUNDED, "P6.1.b"),
    "investigate": Move({R.ASSESSED}, R.INVESTIGATING, "P6.1.b"),
    "conclude": Move({R.INVESTIGATING}, R.CONCLUDED, "P6.1.b"),
    "act": Move({R.CONCLUDED}, R.ACTION_TAKEN, "P6.1.b"),
}, refusal=_("This report is %(state)s: it cannot be %(verb)s."), verbs={
    "assess": _("assessed"), "dismiss": _("closed as unfounded"), "investigate": _("taken into investigation"),
    "conclude": _("concluded"), "act": _("closed with the action taken"),
})

# The steps in which a report waits for the investigators: its deadline runs.
OPEN = frozenset({R.RECEIVED, R.ASSESSED, R.INVESTIGATING, R.CONCLUDED})
