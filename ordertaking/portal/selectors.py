"""Reads of the customer's links (P2.5.b): the token, the link it names, the order's links for its
page, and what the customer's overview shows."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ordertaking.common.errors import DomainError, NotFound, PermissionDenied
from ordertaking.common.masking import mask_email
from ordertaking.confidentiality.duties import known_values
from ordertaking.confidentiality.events import note_masked
from ordertaking.confidentiality.models import Field
from ordertaking.confidentiality.selectors import Lens
from ordertaking.orders.models import Order
from ordertaking.orders.selectors import visible_orders

from . import rules
from .models import PortalLink

SALT = "portal"


class LinkInvalid(DomainError):
    """The token names no usable link: bad signature, unknown link, nonce mismatch, revoked or
    expired. Pages and the API answer it alike (404) and reveal nothing of the order; only
    `expired` changes the wording ("ask your sales rep for a new one")."""

    status = 404
    code = "link_invalid"

    def __init__(self, *, expired: bool = False) -> None:
        message = (_("This link has expired. Please ask your sales representative for a new one.") if expired
                   else _("This link is not valid."))
        super().__init__(message, code="link_expired" if expired else "link_invalid")
        self.expired = expired


def link_token(link: PortalLink) -> str:
    """The token in the link's address: the signed (id, nonce)."""
    return signing.dumps([link.pk, link.nonce], salt=SALT, compress=False)


def link_url(link: PortalLink) -> str:
    """The link's absolute address, as mailed and printed: ORDERTAKING_BASE_URL + /p/<token>/."""
    return settings.ORDERTAKING_BASE_URL + reverse("portal:overview", args=[link_token(link)])


def _parse(token: str) -> tuple[int, str]:
    if not isinstance(token, str) or len(token) > 300:
        raise LinkInvalid()
    try:
        value = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkInvalid() from None
    if (not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], int)
            or isinstance(value[0], bool) or not isinstance(value[1], str) or not 0 < value[0] < 2**62):
        raise LinkInvalid()
    return value[0], value[1]


def link_from_token(token: str, *, for_update: bool = False) -> PortalLink:
    """The link a token names, when it may be used now; else LinkInvalid. `for_update` locks the
    link's row (a section's service that writes through the link checks it again under the lock, so
    a link revoked a moment ago does not sign anything)."""
    pk, nonce = _parse(token)
    qs = PortalLink.objects.select_related("order", "order__customer", "order__sales_rep")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    link = qs.filter(pk=pk).first()
    if link is None or not _same(link.nonce, nonce):
        raise LinkInvalid()
    refusal = rules.link_refusal(revoked=link.state == PortalLink.State.REVOKED, expires_at=link.expires_at,
                                 now=timezone.now())
    if refusal:
        raise LinkInvalid(expired=refusal == "expired")
    return link


def _same(a: str, b: str) -> bool:
    import hmac

    return hmac.compare_digest(a.encode(), b.encode())


def link_is_usable(link: PortalLink) -> bool:
    return rules.link_refusal(revoked=link.state == PortalLink.State.REVOKED, expires_at=link.expires_at,
                              now=timezone.now()) is None


def active_link(order: Order) -> PortalLink | None:
    """The order's newest link that is neither revoked nor expired (the one printed on the voucher)."""
    return (PortalLink.objects.filter(order=order, state=PortalLink.State.ACTIVE, expires_at__gt=timezone.now())
            .order_by("-created_at", "-id").first())


def order_links(order: Order) -> QuerySet[PortalLink]:
    """The order's links, newest first, with who issued and revoked them (the order page's card)."""
    return (PortalLink.objects.filter(order=order).select_related("created_by", "revoked_by")
            .order_by("-created_at", "-id"))


def link_status(link: PortalLink, now: Any = None) -> str:
    """active / expired / revoked, for the staff card and the API."""
    return rules.link_refusal(revoked=link.state == PortalLink.State.REVOKED, expires_at=link.expires_at,
                              now=now or timezone.now()) or "active"


def email_prefill(order: Order) -> str:
    """The address a new link goes to by default: the order's contact among the customer's contacts
    (by name), else the customer's primary contact with an e-mail."""
    contacts = [c for c in order.customer.contacts.all() if c.email]
    for c in contacts:
        if order.contact_name and c.name == order.contact_name:
            return c.email
    return contacts[0].email if contacts else ""


def email_visible(user: Any, order: Order, lens: Lens | None = None) -> bool:
    """P4.1.c: whether `user` sees the customer's e-mail addresses in full on the link card: the order's rep
    and whoever entered it, or whoever holds a duty for the customer's e-mail (the customer's rep …)."""
    if not user or not user.is_authenticated:
        return False
    if user.pk in (order.sales_rep_id, order.entered_by_id):
        return True
    return (lens or Lens(user)).sees(order.customer, Field.EMAIL)


def reasons_shown(links: list[PortalLink], order: Order, user: Any, lens: Lens | None = None) -> dict[int, str]:
    """Each revoked link's reason as `user` may read it (P4.1.c): a note the rep typed may name the customer's
    contact, their phone or e-mail, masked where the reader may not see that field (one query for the card)."""
    reasons = {link.pk: link.revoke_reason for link in links if link.revoke_reason}
    if not reasons or user.pk in (order.sales_rep_id, order.entered_by_id):
        return reasons
    lens = lens or Lens(user)
    known = known_values([order.customer_id]).get(order.customer_id, [])
    return {pk: note_masked(reason, known, lambda f: not lens.sees(order.customer, f))
            for pk, reason in reasons.items()}


def sent_to_shown(link: PortalLink, visible: bool) -> str:
    """The address a link went to, masked for whoever may not see the customer's e-mail (P4.1.c)."""
    return link.sent_to if visible else mask_email(link.sent_to)


def may_manage_links(actor: Any, order: Order) -> bool:
    """P2.5.b: whoever holds portal_link_manage (sales, the order center, customer service) and sees
    the order (a rep: their own orders)."""
    return bool(actor and actor.is_authenticated and actor.has_perm("accounts.portal_link_manage")
                and visible_orders(actor).filter(pk=order.pk).exists())


def order_link_get(*, user: Any, order: Order, pk: int) -> PortalLink:
    """One of the order's links, for its QR code or revoking; NotFound when it is another order's."""
    if not may_manage_links(user, order):
        raise PermissionDenied(gettext("Only the order's sales rep, the order center or customer service may "
                                       "send or revoke the customer's link (P2.5.b)."))
    link = PortalLink.objects.filter(order=order, pk=pk).select_related("order").first()
    if link is None:
        raise NotFound(gettext("No such link."))
    return link
