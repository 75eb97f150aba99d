"""Every write to inquiries (P2.1): record, update, hand over, convert to a draft order, close.

Each checks the actor's capability and the move against `states.py`, locks the inquiry row,
and writes its event with the inquiry as subject in the same transaction.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from ordertaking.accounts.models import User
from ordertaking.accounts.roles import Role
from ordertaking.audit.services import changes, event_record
from ordertaking.catalog.models import Product, Region
from ordertaking.common.errors import PermissionDenied, ValidationFailed
from ordertaking.common.mail import mail_after_commit
from ordertaking.customers.models import Customer
from ordertaking.customers.rules import normalize_phone
from ordertaking.customers.selectors import customer_visible
from ordertaking.customers.validators import phone_error

from . import states
from .models import Inquiry
from .selectors import inquiry_visible

# Fields a caller may set; state, order, received_by and assigned_to move only through services.
EDITABLE = ("channel", "customer", "company_name", "contact_name", "contact_phone", "contact_email", "address",
            "city", "region", "product", "specification", "quantity", "service_requirements",
            "wanted_delivery_date", "notes", "needs_analysis", "special_needs")
MAX_LENGTHS = {"company_name": 200, "contact_name": 50, "contact_phone": 30, "address": 255, "city": 50,
               "specification": 300, "contact_email": 254}
MAX_QUANTITY = Decimal("999999999.999")


def _snapshot(inq: Inquiry) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in (*EDITABLE, "assigned_to"):
        v = getattr(inq, f)
        out[f] = str(v) if hasattr(v, "pk") else (str(v) if isinstance(v, Decimal | date) else v)
    return out


def _filled(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A creation event lists what was given, not every empty field."""
    return {k: v for k, v in snapshot.items() if v not in (None, "", False)}


def _clean(values: dict[str, Any], *, actor: User) -> dict[str, Any]:
    """Shape and P2.1.c rules for each given field; errors name their field."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name not in EDITABLE:
            raise ValidationFailed(_("This field cannot be changed."), code="read_only", field=name)
        if name == "channel":
            if value not in Inquiry.Channel.values:
                raise ValidationFailed(_("Choose a channel: phone, email, online or visit (P2.1.a)."),
                                       code="invalid_choice", field=name)
        elif name == "customer":
            if value is not None and (not isinstance(value, Customer)
                                      or not customer_visible(user=actor, customer=value)):
                raise ValidationFailed(_("Choose a customer you may see."), code="invalid_choice", field=name)
        elif name == "region":
            if value is not None and not isinstance(value, Region):
                raise ValidationFailed(_("Choose a province."), code="invalid_choice", field=name)
        elif name == "product":
            if value is not None and (not isinstance(value, Product) or not value.active):
                raise ValidationFailed(_("Choose a product that is still sold."), code="invalid_choice", field=name)
        elif name == "quantity":
            value = _quantity(value)
        elif name == "wanted_delivery_date":
            if value is not None and not isinstance(value, date):
                raise ValidationFailed(_("Enter a valid date."), code="invalid_date", field=name)
        elif name == "special_needs":
            value = bool(value)
        else:
            value = "" if value is None else value
            if not isinstance(value, str) or "\x00" in value:
                raise ValidationFailed(_("Enter text."), field=name)
            value = value.strip()
            if name in MAX_LENGTHS and len(value) > MAX_LENGTHS[name]:
                raise ValidationFailed(_("At most %(n)s characters.") % {"n": MAX_LENGTHS[name]}, field=name)
            if name == "contact_phone" and value:
                message = phone_error(value)
                if message is not None:
                    raise ValidationFailed(message, code="invalid_phone", field=name)
                value = normalize_phone(value)
            if name == "contact_email" and value:
                try:
                    validate_email(value)
                except DjangoValidationError:
                    raise ValidationFailed(_("Enter a valid email address."), code="invalid_email",
                                           field=name) from None
        out[name] = value
    return out


def _quantity(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("Enter a number."), field="quantity") from None
    if not d.is_finite() or d <= 0:
        raise ValidationFailed(_("The quantity must be more than zero."), field="quantity")
    if d > MAX_QUANTITY or d != d.quantize(Decimal("0.001")):
        raise ValidationFailed(_("Enter a quantity with at most 3 decimal places."), field="quantity")
    return d


def _check_complete(inq: Inquiry) -> None:
    """P2.1.c information collection: who asks (an archived customer, or a prospect's company,
    contact name and a way to reach them) and what they need."""
    if inq.customer_id is None:
        if not inq.company_name:
            raise ValidationFailed(_("Pick a customer or enter the prospect's company name."), code="required",
                                   field="company_name")
        if not inq.contact_name:
            raise ValidationFailed(_("Enter the contact's name."), code="required", field="contact_name")
        if not (inq.contact_phone or inq.contact_email):
            raise ValidationFailed(_("Enter a phone number or email to reach the contact."), code="required",
                                   field="contact_phone")
    if not (inq.product_id or inq.specification or inq.service_requirements):
        raise ValidationFailed(_("Describe the need: a product, a specification or the service required."),
                               code="required", field="specification")


def _lock(inquiry: Inquiry, actor: User) -> Inquiry:
    locked = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if not inquiry_visible(user=actor, inquiry=locked):
        raise PermissionDenied(_("This inquiry is not yours."))
    return locked


def inquiry_record(*, actor: User, channel: str, **fields: Any) -> Inquiry:
    """P2.1.a/c, P3.2: record an inquiry received by phone, email, online or on a visit."""
    if not actor.has_perm("accounts.inquiry_record"):
        raise PermissionDenied(_("You may not record inquiries."))
    data = _clean({"channel": channel, **fields}, actor=actor)
    inquiry = Inquiry(received_by=actor, **data)
    _check_complete(inquiry)
    with transaction.atomic():
        inquiry.save()
        event_record(actor=actor, action="inquiry.recorded", subject=inquiry, clause="P2.1.a",
                     after=_filled(_snapshot(inquiry)))
    return inquiry


def inquiry_update(*, inquiry: Inquiry, actor: User, **fields: Any) -> Inquiry:
    """P2.1.c: complete or correct what was collected while the inquiry is still open."""
    if not actor.has_perm("accounts.inquiry_record"):
        raise PermissionDenied(_("You may not change inquiries."))
    data = _clean(fields, actor=actor)
    with transaction.atomic():
        locked = _lock(inquiry, actor)
        states.check_move(locked.state, "update")
        before = _snapshot(locked)
        for k, v in data.items():
            setattr(locked, k, v)
        _check_complete(locked)
        old, new = changes(before, _snapshot(locked))
        if new:
            locked.save()
            event_record(actor=actor, action="inquiry.updated", subject=locked, clause="P2.1.c", before=old,
                         after=new)
    return locked


def inquiry_handover(*, inquiry: Inquiry, actor: User, to: User, note: str = "",
                     special_needs: bool | None = None) -> Inquiry:
    """P2.1.b: special needs or complex questions, recorded in detail, go to the responsible sales rep."""
    if not actor.has_perm("accounts.inquiry_handover"):
        raise PermissionDenied(_("You may not hand inquiries over."))
    if not isinstance(to, User) or not to.is_active or not to.has_role(Role.SALES):
        raise ValidationFailed(_("Hand the inquiry to someone in sales."), code="not_sales", field="to")
    note = (note or "").strip()
    with transaction.atomic():
        locked = _lock(inquiry, actor)
        target = states.check_move(locked.state, "handover")
        if locked.assigned_to_id == to.pk and locked.state == target:
            raise ValidationFailed(_("The inquiry is already with %(rep)s.") % {"rep": to}, code="same_rep",
                                   field="to")
        before = {"assigned_to": str(locked.assigned_to) if locked.assigned_to else None, "state": locked.state,
                  "special_needs": locked.special_needs}
        if special_needs is not None:
            locked.special_needs = bool(special_needs)
        locked.assigned_to = to
        locked.state = target
        locked.save()
        event_record(actor=actor, action="inquiry.handed_over", subject=locked, clause="P2.1.b", before=before,
                     after={"assigned_to": str(to), "state": target, "special_needs": locked.special_needs},
                     message=note)
        if to.email:
            url = reverse("inquiries:detail", args=[locked.pk])
            subject = _("Inquiry %(inquiry)s handed to you") % {"inquiry": locked}
            body = f"{locked.display_name}\n{note}\n{url}"
            mail_after_commit(subject=subject, body=body, to=[to.email])
    return locked


def inquiry_close(*, inquiry: Inquiry, actor: User, reason: str) -> Inquiry:
    """P2.1: an inquiry that leads to no order is closed with the reason, never deleted."""
    if not actor.has_perm("accounts.inquiry_record"):
        raise PermissionDenied(_("You may not close inquiries."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why the inquiry is closed."), code="required", field="reason")
    with transaction.atomic():
        locked = _lock(inquiry, actor)
        target = states.check_move(locked.state, "close")
        before = locked.state
        locked.state = target
        locked.close_reason = reason
        locked.save()
        event_record(actor=actor, action="inquiry.closed", subject=locked, clause="P2.1",
                     before={"state": before}, after={"state": target}, message=reason)
    return locked


def inquiry_convert(*, inquiry: Inquiry, actor: User) -> Any:
    """P2.1 → P2.2: turn the inquiry into a draft order carrying its data across.

    A prospect becomes a customer first (customer_create, P2.1.c). The order is a draft: the
    completeness check (P2.2.a) runs when the rep submits it, after adding price and payment terms.
    """
    from ordertaking.customers.services import customer_create
    from ordertaking.orders.permissions import may_enter_orders
    from ordertaking.orders.services import order_create

    if not may_enter_orders(actor):
        raise PermissionDenied(_("You may not enter orders."))
    with transaction.atomic():
        locked = _lock(inquiry, actor)
        target = states.check_move(locked.state, "convert")
        customer = locked.customer
        if customer is None:
            if not locked.company_name:
                raise ValidationFailed(_("Enter the prospect's company name first."), code="required",
                                       field="company_name")
            contacts = []
            if locked.contact_name and locked.contact_phone:
                contacts.append({"name": locked.contact_name, "phone": locked.contact_phone,
                                 "email": locked.contact_email, "is_primary": True})
            addresses = []
            if locked.region and locked.city and locked.address:
                addresses.append({"region": locked.region, "city": locked.city, "detail": locked.address,
                                  "is_default": True})
            sales_rep = locked.assigned_to if locked.assigned_to and locked.assigned_to.has_role(Role.SALES) else None
            customer = customer_create(actor=actor, name=locked.company_name, region=locked.region,
                                       city=locked.city, sales_rep=sales_rep, contacts=contacts,
                                       addresses=addresses,
                                       preferences=locked.needs_analysis)
        lines = []
        if locked.product_id or locked.specification:
            line: dict[str, Any] = {"product": locked.product, "quantity": locked.quantity,
                                    "description": locked.service_requirements[:500]}
            if locked.product_id:
                line["specification"] = locked.specification[:200]
            else:
                line["name"] = locked.specification[:200]
                line["specification"] = locked.specification[:200]
            lines.append(line)
        address = locked.address
        region, city = locked.region, locked.city
        if not address and customer is not None:
            default = customer.addresses.select_related("region").first()
            if default is not None:
                region, city, address = default.region, default.city, default.detail
        contact_name, contact_phone = locked.contact_name, locked.contact_phone
        if not contact_name and customer is not None:
            primary = customer.contacts.first()
            if primary is not None:
                contact_name, contact_phone = primary.name, primary.phone
        notes = "\n".join(x for x in (_("From inquiry %(inquiry)s.") % {"inquiry": locked},
                                      locked.service_requirements, locked.notes) if x)
        order = order_create(
            actor=actor, customer=customer,
            sales_rep=locked.assigned_to if locked.assigned_to and locked.assigned_to.has_role(Role.SALES) else None,
            delivery_date=locked.wanted_delivery_date, delivery_region=region, delivery_city=city[:50],
            delivery_address=address[:255], contact_name=contact_name[:50],
            contact_phone=contact_phone[:30], notes=notes, lines=lines)
        before = {"state": locked.state}
        locked.customer = customer
        locked.order = order
        locked.state = target
        locked.save()
        event_record(actor=actor, action="inquiry.converted", subject=locked, clause="P2.2.b",
                     before=before, after={"state": target, "order": order.number, "customer": customer.name})
    return order
