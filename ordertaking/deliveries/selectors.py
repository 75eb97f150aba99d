"""Reads of the delivery chapter (P2.5): the readiness checklist of a shipment and of an order, who may
sign which part, and what production's records say for the production part."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ordertaking.confidentiality.models import Field
from ordertaking.confidentiality.rules import mask
from ordertaking.logistics.models import Shipment
from ordertaking.logistics.selectors import shipment_for
from ordertaking.orders.models import Order
from ordertaking.orders.selectors import order_contact_visible
from ordertaking.production.selectors import line_gates

from .models import DeliveryReadiness
from .rules import PARTS, LineInspection

# The quantities on signed delivery vouchers (P2.5.b), the voucher's own selector: acceptance reads them here.
from .voucher_selectors import delivered_quantities  # noqa: F401

PART_PERMS = {"production": "accounts.production_manage", "logistics": "accounts.logistics_manage"}


def may_sign(user: Any, part: str, order: Order) -> bool:
    """Who signs each part of the checklist (P2.5.a, P3): production (production_manage), logistics
    (logistics_manage), and for sales the order's sales rep or whoever entered it (order_enter)."""
    if not (user and user.is_authenticated):
        return False
    if part in PART_PERMS:
        return bool(user.has_perm(PART_PERMS[part]))
    if part == "sales":
        return bool(user.has_perm("accounts.order_enter") and user.pk in (order.sales_rep_id, order.entered_by_id))
    return False


def readiness_of(shipment: Shipment) -> DeliveryReadiness:
    """The shipment's checklist, or an unsaved empty one when nobody has signed anything yet."""
    found = (DeliveryReadiness.objects.select_related("production_signed_by", "logistics_signed_by",
                                                      "sales_signed_by").filter(shipment=shipment).first())
    return found or DeliveryReadiness(shipment=shipment, order_id=shipment.order_id)


def readiness_shipment(user: Any, number: str) -> Shipment:
    """A shipment whose checklist the user may read: whoever sees it in logistics, and production, who signs
    its part without seeing logistics' pages (NotFound otherwise, in logistics' words)."""
    if user and user.is_authenticated and user.has_perm(PART_PERMS["production"]):
        found = (Shipment.objects.select_related("order", "order__customer", "order__sales_rep", "carrier")
                 .filter(number=(number or "").strip().upper()).first())
        if found is not None:
            return found
    return shipment_for(user, number)


def production_lines(shipment: Shipment) -> list[LineInspection]:
    """What production's records say of each line of the shipment that production made."""
    out = []
    shipment_lines = list(shipment.lines.select_related("order_line").order_by("order_line__position"))
    gates = line_gates([sl.order_line for sl in shipment_lines], with_passed=True)  # all lines at once
    for sl in shipment_lines:
        gate = gates[sl.order_line.pk]
        if gate.passed is None:
            continue  # stock or a service: no production, no inspection
        out.append(LineInspection(position=sl.order_line.position, block=gate.block, passed=gate.passed))
    return out


@dataclass
class PartView:
    key: str
    label: str
    signed_by: Any
    signed_at: Any
    can_sign: bool
    can_withdraw: bool
    facts: list[tuple[str, str]] = field(default_factory=list)


def people_visible(user: Any, order: Order, lens: Any = None) -> bool:
    """P4.1.c: whether `user` sees in full the people at the customer the delivery chapter names — who agreed
    the delivery, who inspected the goods, raised an acceptance issue or accepted its result (P2.5.a/c/d), who
    signed the delivery voucher, from which IP address, and their drawn signature (P2.5.b): the order's one
    rule, as for its contact (`order_contact_visible`: the order's rep and whoever entered it, and whoever
    holds a duty for the customer). The customer's own pages show them in full."""
    return order_contact_visible(user, order, lens)


def scan_visible(user: Any, attachment: Any) -> bool:
    """P4.1.c: the scan of a signed paper voucher carries the signer's name and hand, so it follows the drawn
    signature (`people_visible`). Handed down to attachments for files of the voucher-scan kind: refused, it
    is left out of the attachment lists and its download answers 404. A scan no voucher holds is a plain file."""
    from .models import DeliveryVoucher

    voucher = DeliveryVoucher.objects.select_related("order").filter(scan_id=attachment.pk).first()
    return voucher is None or people_visible(user, voucher.order)


def person_shown(name: str, visible: bool) -> str:
    """A person at the customer as the reader may see them: in full, or masked (刘**)."""
    return name if visible else str(mask(Field.CONTACT_NAME, name) or "")


def agreed_shown(readiness: DeliveryReadiness, user: Any) -> dict[str, str]:
    """The place and person the sales rep agreed the delivery with, as `user` may see them (P4.1.c: the
    order's delivery street and contact, by the order's one rule)."""
    if order_contact_visible(user, readiness.shipment.order):
        return {"agreed_place": readiness.agreed_place, "agreed_with": readiness.agreed_with}
    return {"agreed_place": mask(Field.ADDRESS, readiness.agreed_place),
            "agreed_with": mask(Field.CONTACT_NAME, readiness.agreed_with)}


def readiness_parts(readiness: DeliveryReadiness, user: Any) -> list[PartView]:
    """The three parts as the checklist card shows them: who signed when, what was confirmed, and
    whether this user may sign or withdraw it now (only while the shipment is planned)."""
    from django.utils.formats import date_format
    from django.utils.timezone import localtime
    from django.utils.translation import gettext as _

    shipment = readiness.shipment
    planned = shipment.state == Shipment.State.PLANNED
    order = shipment.order
    labels = dict(DeliveryReadiness.Part.choices)
    agreed = agreed_shown(readiness, user)
    yes = _("Yes")
    out = []
    for part in PARTS:
        signed_at = readiness.signed_at(part)
        facts: list[tuple[str, str]] = []
        if signed_at:
            if part == "production":
                facts = [(_("Packaging intact"), yes),
                         (_("Finished product inspection passed"),
                          ", ".join(readiness.inspection_numbers) or _("No produced goods in this shipment"))]
            elif part == "logistics":
                facts = [(_("Vehicle ready"), yes), (_("Packing materials ready"), yes)]
            else:
                when = localtime(readiness.agreed_time) if readiness.agreed_time else None
                facts = [(_("Agreed delivery time"), date_format(when, "Y-m-d H:i") if when else ""),
                         (_("Agreed delivery place"), agreed["agreed_place"]),
                         (_("Agreed with"), agreed["agreed_with"]),
                         (_("Agreed on"), date_format(readiness.agreed_on, "Y-m-d") if readiness.agreed_on else "")]
            note = getattr(readiness, f"{part}_note")
            if note:
                facts.append((_("Note"), note))
        may = may_sign(user, part, order)
        out.append(PartView(key=part, label=str(labels[part]), signed_by=readiness.signed_by(part),
                            signed_at=signed_at, can_sign=planned and may and signed_at is None,
                            can_withdraw=planned and may and signed_at is not None, facts=facts))
    return out


def order_readiness(order: Order) -> list[tuple[Shipment, DeliveryReadiness]]:
    """Each live shipment of the order with its checklist (unsaved when untouched), oldest first."""
    shipments = list(Shipment.objects.filter(order=order).exclude(state=Shipment.State.CANCELLED)
                     .order_by("created_at", "id"))
    found = {r.shipment_id: r for r in DeliveryReadiness.objects.filter(order=order)
             .select_related("production_signed_by", "logistics_signed_by", "sales_signed_by")}
    return [(s, found.get(s.pk) or DeliveryReadiness(shipment=s, order_id=order.pk)) for s in shipments]

