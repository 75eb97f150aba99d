"""The state tables of change and cancellation requests (P2.3, P2.4). Every move goes through them.

    change:  open ──approve──▶ approved          cancel:  requested ──agree──▶ agreed
             open ──withdraw─▶ withdrawn                  requested ──refuse─▶ refused
                                                          requested ──withdraw─▶ withdrawn
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ordertaking.common.states import Move, StateTable

from .models import CancelRequest, ChangeRequest

C = ChangeRequest.State
X = CancelRequest.State

CHANGE = StateTable(C, {
    "approve": Move({C.OPEN}, C.APPROVED, "P2.3"),
    "withdraw": Move({C.OPEN}, C.WITHDRAWN, "P2.3"),
}, refusal=_("This change request is already %(state)s."))

CANCEL = StateTable(X, {
    "agree": Move({X.REQUESTED}, X.AGREED, "P2.4"),
    "refuse": Move({X.REQUESTED}, X.REFUSED, "P2.4"),
    "withdraw": Move({X.REQUESTED}, X.WITHDRAWN, "P2.4"),
}, refusal=_("This cancellation request is already %(state)s."))
