"""The deliveries endpoints of the JSON API, mounted in ordertaking/api.py (P2.5): the readiness checklist
of a shipment, signed and withdrawn part by part by the same services as the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from . import selectors, services
from .acceptance.api import router as acceptance_router
from .models import DeliveryReadiness

router = Router()

Part = Literal["production", "logistics", "sales"]


class ReadinessPartOut(Schema):
    part: Part
    signed: bool
    signed_by: str | None = Field(None, description="who signed it (display name)")
    signed_at: datetime | None = None
    note: str


class ReadinessOut(Schema):
    shipment: str = Field(..., description="shipment number")
    order: str = Field(..., description="order number")
    shipment_state: str
    complete: bool = Field(..., description="all three parts signed: logistics may dispatch (P2.5.a)")
    missing: list[Part]
    packaging_intact: bool
    inspection_passed: bool
    inspection_reports: list[str] = Field(..., description="the passing finished-product inspections signed on")
    vehicle_ready: bool
    packing_materials_ready: bool
    agreed_time: datetime | None = None
    agreed_place: str
    agreed_with: str
    agreed_on: date | None = None
    parts: list[ReadinessPartOut]


class ReadinessSignIn(Schema):
    packaging_intact: bool = Field(False, description="production: the packaging is intact")
    inspection_passed: bool = Field(False, description="production: checked against production's records")
    vehicle_ready: bool = Field(False, description="logistics")
    packing_materials_ready: bool = Field(False, description="logistics")
    agreed_time: datetime | None = Field(None, description="sales: the delivery time agreed with the customer")
    agreed_place: str = Field("", max_length=300, description="sales")
    agreed_with: str = Field("", max_length=100, description="sales: who at the customer agreed")
    agreed_on: date | None = Field(None, description="sales: the day it was agreed")
    note: str = Field("", max_length=500)


class ReadinessWithdrawIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


def _out(r: DeliveryReadiness, user: Any) -> dict[str, Any]:
    s = r.shipment
    agreed = selectors.agreed_shown(r, user)  # P4.1.c
    return {"shipment": s.number, "order": s.order.number, "shipment_state": s.state, "complete": r.complete,
            "missing": r.missing_parts(), "packaging_intact": r.packaging_intact,
            "inspection_passed": r.inspection_passed, "inspection_reports": list(r.inspection_numbers or []),
            "vehicle_ready": r.vehicle_ready, "packing_materials_ready": r.packing_materials_ready,
            "agreed_time": r.agreed_time, "agreed_place": agreed["agreed_place"], "agreed_with": agreed["agreed_with"],
            "agreed_on": r.agreed_on,
            "parts": [{"part": p, "signed": r.signed_at(p) is not None,
                       "signed_by": str(r.signed_by(p)) if r.signed_by(p) else None, "signed_at": r.signed_at(p),
                       "note": getattr(r, f"{p}_note")} for p in DeliveryReadiness.Part.values]}


@router.get("/readiness/{number}", response=ReadinessOut, summary="A shipment's delivery readiness (P2.5.a)")
def readiness_get(request: HttpRequest, number: str) -> dict[str, Any]:
    return _out(selectors.readiness_of(selectors.readiness_shipment(request.user, number)), request.user)


@router.post("/readiness/{number}/{part}/sign", response=ReadinessOut,
             summary="Sign one part of a shipment's delivery readiness (P2.5.a)")
def readiness_sign(request: HttpRequest, number: str, part: Part, payload: ReadinessSignIn) -> dict[str, Any]:
    """production (production_manage): packaging_intact + inspection_passed, checked against production's
    passing finished-product inspections; logistics (logistics_manage): vehicle_ready +
    packing_materials_ready; sales (the order's sales rep): agreed_time, agreed_place, agreed_with, agreed_on."""
    shipment = selectors.readiness_shipment(request.user, number)
    services.readiness_sign(actor=request.user, shipment=shipment, part=part, **payload.dict())
    return _out(selectors.readiness_of(selectors.readiness_shipment(request.user, number)), request.user)


@router.post("/readiness/{number}/{part}/withdraw", response=ReadinessOut,
             summary="Withdraw one part's sign-off while the shipment is planned (P2.5.a)")
def readiness_withdraw(request: HttpRequest, number: str, part: Part, payload: ReadinessWithdrawIn) -> dict[str, Any]:
    shipment = selectors.readiness_shipment(request.user, number)
    services.readiness_withdraw(actor=request.user, shipment=shipment, part=part, reason=payload.reason)
    return _out(selectors.readiness_of(selectors.readiness_shipment(request.user, number)), request.user)
# Acceptance, acceptance issues and compensation (P2.5.c/d): /orders/{number}/acceptance, /issues, /compensations.
router.add_router("", acceptance_router)
