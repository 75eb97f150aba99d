"""The state tables of credit (P5.1): evaluations and holds. Every move goes through them.

    evaluation:  proposed ──approve──▶ approved ──supersede──▶ superseded
                    └──────reject───▶ rejected
    hold:        open ──release──▶ released
                   └───close────▶ closed   (the held order was returned or cancelled)
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ordertaking.common.states import Move, StateTable

from .models import CreditEvaluation, CreditHold

E = CreditEvaluation.State
H = CreditHold.State

EVALUATION = StateTable(E, {
    "approve": Move({E.PROPOSED}, E.APPROVED, "P5.1.a"),
    "reject": Move({E.PROPOSED}, E.REJECTED, "P5.1.a"),
    "supersede": Move({E.APPROVED}, E.SUPERSEDED, "P5.1.a"),
}, refusal=_("Only an evaluation awaiting approval can be decided."))

HOLD = StateTable(H, {
    "release": Move({H.OPEN}, H.RELEASED, "P5.1"),
    "close": Move({H.OPEN}, H.CLOSED, "P5.1"),
}, refusal=_("This credit hold is no longer waiting for release."))
