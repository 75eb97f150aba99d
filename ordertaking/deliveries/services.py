"""Writes of the delivery chapter (P2.5). The delivery readiness checklist (P2.5.a): each department signs
its part of a planned shipment's checklist; logistics dispatches nothing until all three are signed
(`dispatch_check`, handed down to logistics in `DeliveriesConfig.ready`). Each write locks the order
first, then the shipment (the same order as logistics' dispatch), checks who acts, checks the rules and
records its event on the order in the same transaction."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ordertaking.audit.services import event_record
from ordertaking.common.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.logistics.models import Shipment, words
from ordertaking.orders.models import Order

from . import rules, selectors
from .models import DeliveryReadiness


def _refusal(part: str) -> str:
    messages = {
        "production": _("Only production signs the production part (P2.5.a)."),
        "logistics": _("Only logistics signs the logistics part (P2.5.a)."),
        "sales": _("Only the order's sales rep signs the sales part (P2.5.a)."),
    }
    return messages[part]


def _locked(shipment: Shipment) -> tuple[Order, Shipment, DeliveryReadiness]:
    """The order, the shipment and its checklist (created empty the first time), locked in that order."""
    order = Order.objects.select_for_update(of=("self",)).get(pk=shipment.order_id)
    shipment = Shipment.objects.select_for_update(of=("self",)).select_related("order").get(pk=shipment.pk)
    readiness = DeliveryReadiness.objects.select_for_update().filter(shipment=shipment).first()
    if readiness is None:  # the first signature makes the checklist (under the order's lock: no one races it)
        made, created = DeliveryReadiness.objects.get_or_create(shipment=shipment, defaults={"order": order})
        readiness = made if created else DeliveryReadiness.objects.select_for_update().get(pk=made.pk)
    return order, shipment, readiness


def _agreed_time_text(value: datetime | None) -> str:
    return date_format(timezone.localtime(value), "Y-m-d H:i") if value else ""


def readiness_sign(*, actor: Any, shipment: Shipment, part: str, packaging_intact: bool = False,
                   inspection_passed: bool = False, vehicle_ready: bool = False,
                   packing_materials_ready: bool = False, agreed_time: datetime | None = None,
                   agreed_place: str = "", agreed_with: str = "", agreed_on: date | None = None,
                   note: str = "") -> DeliveryReadiness:
    """P2.5.a 交付准备: one department signs its part of a planned shipment's checklist — production
    (packaging intact, the finished product's passing inspection read from production's records),
    logistics (vehicle and packing materials ready), sales (time and place agreed with the customer).
    Once per part; a signed part is withdrawn with a reason before it can be signed again."""
    if part not in rules.PARTS:
        raise ValidationFailed(_("Choose the part of the checklist."), field="part", code="unknown_part")
    note = (note or "").strip()[:500]
    with transaction.atomic():
        order, shipment, readiness = _locked(shipment)
        if not selectors.may_sign(actor, part, order):
            raise PermissionDenied(_refusal(part))
        if shipment.state != Shipment.State.PLANNED:
            raise InvalidTransition(_("Only a planned shipment's checklist can be signed."), field="state")
        if readiness.signed_at(part) is not None:
            raise Conflict(_("This part is signed already."), field="part", code="already_signed")
        after: dict[str, Any] = {"shipment": shipment.number, "readiness_part": part}
        if part == "production":
            numbers = rules.production_part_check(packaging_intact=bool(packaging_intact),
                                                  inspection_passed=bool(inspection_passed),
                                                  lines=selectors.production_lines(shipment))
            readiness.packaging_intact = readiness.inspection_passed = True
            readiness.inspection_numbers = numbers
            after.update(packaging_intact=True, inspection_passed=True, inspection_reports=numbers)
        elif part == "logistics":
            rules.logistics_part_check(vehicle_ready=bool(vehicle_ready),
                                       packing_materials_ready=bool(packing_materials_ready))
            readiness.vehicle_ready = readiness.packing_materials_ready = True
            after.update(vehicle_ready=True, packing_materials_ready=True)
        else:
            agreed_place = (agreed_place or "").strip()[:300]
            agreed_with = (agreed_with or "").strip()[:100]
            rules.sales_part_check(agreed_time=agreed_time, agreed_place=agreed_place, agreed_with=agreed_with,
                                   agreed_on=agreed_on, today=timezone.localdate())
            readiness.agreed_time, readiness.agreed_place = agreed_time, agreed_place
            readiness.agreed_with, readiness.agreed_on = agreed_with, agreed_on
            after.update(agreed_time=_agreed_time_text(agreed_time), agreed_place=agreed_place,
                         agreed_with=agreed_with, agreed_on=agreed_on.isoformat() if agreed_on else "")
        setattr(readiness, f"{part}_note", note)
        setattr(readiness, f"{part}_signed_by", actor)
        setattr(readiness, f"{part}_signed_at", timezone.now())
        readiness.save()
        if readiness.complete:
            after["readiness_complete"] = True
        event_record(actor=actor, action="readiness.signed", subject=order, clause="P2.5.a", after=after,
                     message=note)
    return readiness


def readiness_withdraw(*, actor: Any, shipment: Shipment, part: str, reason: str) -> DeliveryReadiness:
    """A signed part taken back while the shipment is still planned (the vehicle broke down, the customer
    moved the date): whoever may sign that part withdraws it, saying why; it is signed again afresh."""
    if part not in rules.PARTS:
        raise ValidationFailed(_("Choose the part of the checklist."), field="part", code="unknown_part")
    reason = rules.withdraw_check(reason=reason)[:500]
    with transaction.atomic():
        order, shipment, readiness = _locked(shipment)
        if not selectors.may_sign(actor, part, order):
            raise PermissionDenied(_refusal(part))
        if shipment.state != Shipment.State.PLANNED:
            raise InvalidTransition(_("The shipment has left: its checklist stays as it was signed."),
                                    field="state")
        if readiness.signed_at(part) is None:
            raise Conflict(_("This part is not signed."), field="part", code="not_signed")
        before: dict[str, Any] = {"readiness_part": part, "signed_by": str(readiness.signed_by(part))}
        if part == "production":
            readiness.packaging_intact = readiness.inspection_passed = False
            readiness.inspection_numbers = []
        elif part == "logistics":
            readiness.vehicle_ready = readiness.packing_materials_ready = False
        else:
            readiness.agreed_time, readiness.agreed_on = None, None
            readiness.agreed_place = readiness.agreed_with = ""
        setattr(readiness, f"{part}_note", "")
        setattr(readiness, f"{part}_signed_by", None)
        setattr(readiness, f"{part}_signed_at", None)
        readiness.save()
        event_record(actor=actor, action="readiness.withdrawn", subject=order, clause="P2.5.a", before=before,
                     after={"shipment": shipment.number, "readiness_part": part}, message=reason)
    return readiness


def dispatch_check(shipment: Shipment) -> str | None:
    """Logistics' dispatch passes this (handed down at start-up): a shipment leaves only once production,
    logistics and sales have signed its readiness checklist (P2.5.a)."""
    readiness = DeliveryReadiness.objects.filter(shipment_id=shipment.pk).first()
    missing = readiness.missing_parts() if readiness else list(rules.PARTS)
    if not missing:
        return None
    labels = dict(DeliveryReadiness.Part.choices)
    return (_("The delivery readiness checklist is not complete (P2.5.a): not signed yet by %(parts)s.")
            % {"parts": words([labels[p] for p in missing])})
