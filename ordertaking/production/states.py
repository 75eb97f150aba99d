"""The state table of production orders (P2.4.b). Every move goes through it.

    planned ──start──▶ in_progress ──finish──▶ finished
       └────────────────┴──cancel──▶ cancelled
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ordertaking.common.states import Move, StateTable

from .models import ProductionOrder

P = ProductionOrder.State

PRODUCTION_ORDER = StateTable(P, {
    "start": Move({P.PLANNED}, P.IN_PROGRESS, "P2.4.b"),
    "finish": Move({P.IN_PROGRESS}, P.FINISHED, "P2.4.b"),
    "cancel": Move({P.PLANNED, P.IN_PROGRESS}, P.CANCELLED, "P2.4.b"),
}, refusal=_("Cannot %(verb)s a production order that is %(state)s."), verbs={
    "start": _("start"), "finish": _("finish"), "cancel": _("cancel"),
})
