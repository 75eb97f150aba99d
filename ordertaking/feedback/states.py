"""The state tables of surveys and complaints (P6.1.c, P3.2). Every move goes through them.

    survey:     invited ──answer──▶ answered   (once per order)

    complaint:  new ──assign──▶ assigned ──investigate──▶ investigating ──resolve──▶ resolved
                 ▲ reassign from assigned, investigating, reopened          │
                                                            confirm ◀───────┤───────▶ reopen
                                                         confirmed          reopened ──investigate──▶ …
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ordertaking.common.states import Move, StateTable

from .models import Complaint, Survey

V = Survey.State
C = Complaint.State

SURVEY = StateTable(V, {
    "answer": Move({V.INVITED}, V.ANSWERED, "P6.1.c"),
}, refusal=_("This survey is %(state)s: it cannot be %(verb)s again."), verbs={"answer": _("answered")})

COMPLAINT = StateTable(C, {
    "assign": Move({C.NEW, C.ASSIGNED, C.INVESTIGATING, C.REOPENED}, C.ASSIGNED, "P3.2"),
    "investigate": Move({C.ASSIGNED, C.REOPENED}, C.INVESTIGATING, "P3.2"),
    "resolve": Move({C.INVESTIGATING}, C.RESOLVED, "P3.2"),
    "confirm": Move({C.RESOLVED}, C.CONFIRMED, "P6.1.c"),
    "reopen": Move({C.RESOLVED}, C.REOPENED, "P6.1.c"),
}, refusal=_("This complaint is %(state)s: it cannot be %(verb)s."), verbs={
    "assign": _("assigned"), "investigate": _("taken into investigation"), "resolve": _("resolved"),
    "confirm": pgettext_lazy("complaint move", "confirmed"), "reopen": _("reopened"),
})

# The states in which a complaint still waits for the company: its deadline runs.
OPEN = frozenset({C.NEW, C.ASSIGNED, C.INVESTIGATING, C.REOPENED})
