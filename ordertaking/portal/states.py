"""The state table of a customer's link (P2.5.b). Expiry is by time (`expires_at`), not a move.

    active ──revoke──▶ revoked
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ordertaking.common.states import Move, StateTable

from .models import PortalLink

S = PortalLink.State

LINK = StateTable(S, {
    "revoke": Move({S.ACTIVE}, S.REVOKED, "P2.5.b"),
}, refusal=_("This link is %(state)s: it cannot be %(verb)s."), verbs={"revoke": _("revoked")})
