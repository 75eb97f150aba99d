"""The state tables of acceptance issues and compensation (P2.5.d). Every move goes through them.

    issue (general):  open ──resolve──▶ resolved ──result_accept──▶ closed
                                        resolved ──result_reject──▶ open
    issue (major):    open ──analyse──▶ analysed ──solve──▶ solution ──resolve──▶ resolved
                                        resolved ──result_accept──▶ closed
                                        resolved ──result_reject_major──▶ solution
    compensation:     requested ──approve──▶ approved (credit note issued)
                      requested ──refuse──▶ refused | ──withdraw──▶ withdrawn

Which verbs a class may use is a rule (rules.issue_move_refusal): a general issue is never analysed,
a major one is resolved only from its solution.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ordertaking.common.states import Move, StateTable
from ordertaking.deliveries.models import AcceptanceIssue, Compensation

I = AcceptanceIssue.State  # noqa: E741
C = Compensation.State

ISSUE = StateTable(I, {
    "classify": Move({I.OPEN}, I.OPEN, "P2.5.d"),
    "analyse": Move({I.OPEN, I.ANALYSED}, I.ANALYSED, "P2.5.d"),
    "solve": Move({I.ANALYSED, I.SOLUTION}, I.SOLUTION, "P2.5.d"),
    "resolve": Move({I.OPEN, I.SOLUTION}, I.RESOLVED, "P2.5.d"),
    "result_accept": Move({I.RESOLVED}, I.CLOSED, "P2.5.d"),
    "result_reject": Move({I.RESOLVED}, I.OPEN, "P2.5.d"),
    "result_reject_major": Move({I.RESOLVED}, I.SOLUTION, "P2.5.d"),
}, refusal=_("This acceptance issue is %(state)s: that step is not possible now."))

COMPENSATION = StateTable(C, {
    "approve": Move({C.REQUESTED}, C.APPROVED, "P2.5.d"),
    "refuse": Move({C.REQUESTED}, C.REFUSED, "P2.5.d"),
    "withdraw": Move({C.REQUESTED}, C.WITHDRAWN, "P2.5.d"),
}, refusal=_("This compensation is already %(state)s."))
