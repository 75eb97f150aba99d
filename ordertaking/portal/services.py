"""Writes of the customer's links (P2.5.b): issue (and mail), revoke, and the record of their use.
Each locks its row, checks the capability and the state table, and records its event on the order
in the same transaction."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ordertaking.accounts.models import User
from ordertaking.audit.labels import CUSTOMER_ACTOR
from ordertaking.audit.services import event_record
from ordertaking.common import pdf
from ordertaking.common.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.common.mail import mail_after_commit
from ordertaking.orders.models import Order
from ordertaking.orders.states import OrderState

from . import rules
from .models import PortalLink
from .selectors import link_url, may_manage_links
from .states import LINK

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def _require_manage(actor: Any, order: Order) -> None:
    if not may_manage_links(actor, order):
        raise PermissionDenied(_("Only the order's sales rep, the order center or customer service may send "
                                 "or revoke the customer's link (P2.5.b)."))


def issue_refusal(order: Order) -> str | None:
    """A link is for an approved order on its way to the customer, or delivered; not for an order still
    in review or cancelled (the customer would see an order that is not agreed)."""
    if order.approved_at is None or order.state in (OrderState.CANCELLED, OrderState.DRAFT,
                                                    OrderState.SUBMITTED, OrderState.RETURNED,
                                                    OrderState.CREDIT_HOLD):
        return _("A customer's link is for an approved order; this order is %(state)s.") % {
            "state": order.get_state_display()}
    return None


def _mail(link: PortalLink, order: Order) -> None:
    """The link to the customer's contact, in the link's language (Chinese unless chosen otherwise)."""
    with translation.override(link.language):
        company = pdf.company().name
        expires = timezone.localtime(link.expires_at).date().isoformat()
        subject = _("Your order %(number)s: your private link") % {"number": order.number}
        body = "\n\n".join([
            _("Dear %(name)s,") % {"name": order.contact_name or order.customer.name},
            _("you can follow your order %(number)s with %(company)s on this page: its status, progress, "
              "shipments and documents; you can also sign the delivery voucher and record the acceptance "
              "there. No account is needed.") % {"number": order.number, "company": company},
            link_url(link),
            _("The link is valid until %(date)s. It is for you only: please do not forward it. If it stops "
              "working, ask your sales representative %(rep)s for a new one.") % {
                "date": expires, "rep": str(order.sales_rep)},
            company,
        ])
    mail_after_commit(subject=subject, body=body, to=[link.sent_to])


def portal_link_issue(*, actor: User, order: Order, email: str = "", days: int | None = None, send: bool = True,
                      language: str = "zh-hans") -> PortalLink:
    """P2.5.b: a new private link to the order, valid `days` (default ORDERTAKING_PORTAL_LINK_DAYS),
    mailed to `email` after commit when `send`. Earlier links stay valid until revoked or expired."""
    _require_manage(actor, order)
    email = (email or "").strip()
    if send or email:
        if not email:
            raise ValidationFailed(_("Enter the customer's e-mail address."), field="email")
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationFailed(_("Enter a valid e-mail address."), field="email") from None
    valid_days = rules.validity_days(days, settings.ORDERTAKING_PORTAL_LINK_DAYS)
    if valid_days is None:
        raise ValidationFailed(_("A link is valid for 1 to %(max)s days.") % {"max": rules.MAX_DAYS}, field="days")
    if language not in LANGUAGE_CODES:
        raise ValidationFailed(_("Choose Chinese or English."), field="language")
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("customer", "sales_rep").get(pk=order.pk)
        refusal = issue_refusal(order)
        if refusal:
            raise InvalidTransition(refusal, field="order")
        now = timezone.now()
        link = PortalLink.objects.create(order=order, created_by=actor, expires_at=rules.expiry(now, valid_days),
                                         sent_to=email if send else "", language=language)
        event_record(actor=actor, action="portal_link.issued", subject=order, clause="P2.5.b",
                     after={"link": link.pk, "sent_to": link.sent_to,
                            "expires_on": timezone.localtime(link.expires_at).date().isoformat()})
        if send:
            _mail(link, order)
    return link


def portal_link_revoke(*, actor: User, link: PortalLink, reason: str) -> PortalLink:
    """P2.5.b: the link stops working at once (its pages, documents and API answer "not valid")."""
    reason = (reason or "").strip()
    _require_manage(actor, link.order)
    if not reason:
        raise ValidationFailed(_("Say why the link is revoked."), field="reason")
    if len(reason) > 300:
        raise ValidationFailed(_("At most 300 characters."), field="reason")
    with transaction.atomic():
        link = PortalLink.objects.select_for_update().select_related("order").get(pk=link.pk)
        link.state = LINK.check(link.state, "revoke")
        link.revoked_at, link.revoked_by, link.revoke_reason = timezone.now(), actor, reason
        link.save(update_fields=["state", "revoked_at", "revoked_by", "revoke_reason"])
        event_record(actor=actor, action="portal_link.revoked", subject=link.order, clause=LINK.clause("revoke"),
                     after={"link": link.pk}, message=reason)
    return link


def portal_link_use(*, link: PortalLink) -> None:
    """Count an opening of the customer's pages; the first one is on the order's timeline (the sales
    rep sees the customer has looked)."""
    now = timezone.now()
    with transaction.atomic():
        first = PortalLink.objects.filter(pk=link.pk, last_used_at__isnull=True).update(
            last_used_at=now, use_count=F("use_count") + 1)
        if first:
            event_record(actor=None, actor_name=CUSTOMER_ACTOR, action="portal_link.opened", subject=link.order,
                         clause="P2.5.b", after={"link": link.pk})
        else:
            PortalLink.objects.filter(pk=link.pk).update(last_used_at=now, use_count=F("use_count") + 1)
