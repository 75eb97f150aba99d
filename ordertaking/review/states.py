"""The state table of special approval (特批, P2.3.c). Every move goes through it.

    requested ──grant────▶ granted
        ├─────refuse───▶ refused
        └─────withdraw─▶ withdrawn   (the order was returned: a new revision needs a new request)
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ordertaking.common.states import Move, StateTable

from .models import SpecialApproval

S = SpecialApproval.State

SPECIAL_APPROVAL = StateTable(S, {
    "grant": Move({S.REQUESTED}, S.GRANTED, "P2.3.c"),
    "refuse": Move({S.REQUESTED}, S.REFUSED, "P2.3.c"),
    "withdraw": Move({S.REQUESTED}, S.WITHDRAWN, "P2.3.c"),
}, refusal=_("This special approval has already been decided."))
