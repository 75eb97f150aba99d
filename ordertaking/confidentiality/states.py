"""The state table of an access request 审批后方可查阅 (P4.1.c). Every move goes through it.

    requested ──grant──▶ granted ──revoke──▶ revoked        (a grant also simply expires: `expires_at`)
    requested ──refuse─▶ refused
    requested ──withdraw─▶ withdrawn
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ordertaking.common.states import Move, StateTable

from .models import AccessRequest

S = AccessRequest.State

ACCESS = StateTable(S, {
    "grant": Move({S.REQUESTED}, S.GRANTED, "P4.1.c"),
    "refuse": Move({S.REQUESTED}, S.REFUSED, "P4.1.c"),
    "withdraw": Move({S.REQUESTED}, S.WITHDRAWN, "P4.1.c"),
    "revoke": Move({S.GRANTED}, S.REVOKED, "P4.1.c"),
}, refusal=_("This access request is no longer waiting: %(state)s."))
