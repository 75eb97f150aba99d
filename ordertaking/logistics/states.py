"""The state tables of shipments and shipping exceptions (P2.4.c, P5.2.c). Every move goes through them.

    planned ──dispatch──▶ dispatched ──transit──▶ in_transit ──deliver──▶ delivered
       │                      └──────────────deliver──────────────────────▲
       └──cancel──▶ cancelled

    open ──handle──▶ handled ──close──▶ closed   (open ──close──▶ closed too)

"delivered" is the carrier's delivery; the customer's acceptance is P2.5 (issue 11).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ordertaking.common.states import Move, StateTable

from .models import Shipment, ShippingException

S = Shipment.State
E = ShippingException.State

SHIPMENT = StateTable(S, {
    "dispatch": Move({S.PLANNED}, S.DISPATCHED, "P2.4.c"),
    "transit": Move({S.DISPATCHED, S.IN_TRANSIT}, S.IN_TRANSIT, "P2.4.c"),
    "deliver": Move({S.DISPATCHED, S.IN_TRANSIT}, S.DELIVERED, "P2.4.c"),
    "cancel": Move({S.PLANNED}, S.CANCELLED, "P2.4.c"),
}, refusal=_("A shipment that is %(state)s cannot be %(verb)s."), verbs={
    "dispatch": _("dispatched"), "transit": _("put in transit"), "deliver": _("marked delivered"),
    "cancel": _("cancelled"),
})

EXCEPTION = StateTable(E, {
    "handle": Move({E.OPEN}, E.HANDLED, "P5.2.c"),
    "close": Move({E.OPEN, E.HANDLED}, E.CLOSED, "P5.2.c"),
}, refusal=_("This exception is %(state)s: it cannot be %(verb)s."), verbs={
    "handle": _("marked handled"), "close": pgettext_lazy("exception move", "closed"),
})

# The shipments that hold quantity of their order's lines (everything but a cancelled one).
LIVE = frozenset({S.PLANNED, S.DISPATCHED, S.IN_TRANSIT, S.DELIVERED})
# The shipments that have left: their quantities are shipped.
GONE = frozenset({S.DISPATCHED, S.IN_TRANSIT, S.DELIVERED})
