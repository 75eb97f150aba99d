"""Delivery rules as pure functions over plain values (P2.5). Each raises a DomainError naming the field at
fault, or returns a value; the services call them with what they read from the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from ordertaking.common.errors import ValidationFailed

# --- the delivery readiness checklist (P2.5.a) ---------------------------------------------------------

PARTS = ("production", "logistics", "sales")


@dataclass(frozen=True)
class LineInspection:
    """What production's records say of one shipment line made by production (P5.2.b → P2.5.a)."""

    position: int
    block: str | None  # production's own reason the line cannot ship (failed inspection, not finished)
    passed: list[str]  # the numbers of the passing finished-product inspections of the line


def production_part_check(*, packaging_intact: bool, inspection_passed: bool,
                          lines: list[LineInspection]) -> list[str]:
    """P2.5.a production's part: the packaging is intact, and the finished product passed its quality
    inspection — read from production's records, never only ticked: every line of the shipment that
    production made needs a passing finished-product inspection and nothing that blocks it (a failure not
    re-inspected). Lines from stock or services need none. Returns the inspection reports it rests on."""
    if not packaging_intact:
        raise ValidationFailed(_("Confirm that the packaging is intact."), field="packaging_intact",
                               code="packaging_not_confirmed")
    if not inspection_passed:
        raise ValidationFailed(_("Confirm that the finished product passed its inspection."),
                               field="inspection_passed", code="inspection_not_confirmed")
    for ln in lines:
        if ln.block:
            raise ValidationFailed(ln.block, field="inspection_passed", code="inspection_failed")
        if not ln.passed:
            raise ValidationFailed(
                _("Line %(line)s has no passing finished product inspection: production records it first.")
                % {"line": ln.position}, field="inspection_passed", code="inspection_missing")
    return [n for ln in lines for n in ln.passed]


def logistics_part_check(*, vehicle_ready: bool, packing_materials_ready: bool) -> None:
    """P2.5.a logistics' part: the vehicle and the packing materials are ready."""
    if not vehicle_ready:
        raise ValidationFailed(_("Confirm that the vehicle is ready."), field="vehicle_ready",
                               code="vehicle_not_ready")
    if not packing_materials_ready:
        raise ValidationFailed(_("Confirm that the packing materials are ready."), field="packing_materials_ready",
                               code="packing_not_ready")


def sales_part_check(*, agreed_time: datetime | None, agreed_place: str, agreed_with: str,
                     agreed_on: date | None, today: date) -> None:
    """P2.5.a sales' part: the delivery time and place are agreed with the customer — when to deliver,
    where, with whom it was agreed and on which day (not in the future; the delivery not before it)."""
    if agreed_time is None:
        raise ValidationFailed(_("Enter the delivery time agreed with the customer."), field="agreed_time")
    if not agreed_place.strip():
        raise ValidationFailed(_("Enter the delivery place agreed with the customer."), field="agreed_place")
    if not agreed_with.strip():
        raise ValidationFailed(_("Enter who at the customer agreed to it."), field="agreed_with")
    if agreed_on is None:
        raise ValidationFailed(_("Enter the day it was agreed."), field="agreed_on")
    if agreed_on > today:
        raise ValidationFailed(_("The day it was agreed cannot be in the future."), field="agreed_on",
                               code="agreed_in_future")
    # The day in the company's time zone: a delivery agreed at 00:30 in Shanghai is that day's, not UTC's day before.
    delivery_day = timezone.localtime(agreed_time).date() if timezone.is_aware(agreed_time) else agreed_time.date()
    if delivery_day < agreed_on:
        raise ValidationFailed(_("The delivery cannot be before the day it was agreed."), field="agreed_time",
                               code="delivery_before_agreement")


def withdraw_check(*, reason: str) -> str:
    """Withdrawing a sign-off (the shipment still planned) says why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason."), field="reason")
    return reason
