"""The state tables of deliveries (P2.5). Every move goes through them.

Delivery voucher 交付凭证 (P2.5.b):

    open ──sign──▶ signed              (the customer, on their page: drawn signature and typed name)
      └──sign_on_paper──▶ signed_on_paper   (the sales rep uploads the scan of the paper voucher)

Both ends are final: a signed voucher never changes (models.DeliveryVoucher, migration trigger).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ordertaking.common.states import Move, StateTable

from .models import DeliveryVoucher

V = DeliveryVoucher.State

VOUCHER = StateTable(V, {
    "sign": Move({V.OPEN}, V.SIGNED, "P2.5.b"),
    "sign_on_paper": Move({V.OPEN}, V.SIGNED_ON_PAPER, "P2.5.b"),
}, refusal=_("This delivery voucher is %(state)s: it cannot be %(verb)s."), verbs={
    "sign": _("signed again"), "sign_on_paper": _("recorded as signed on paper"),
})

SIGNED = frozenset({V.SIGNED, V.SIGNED_ON_PAPER})
