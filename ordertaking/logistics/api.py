"""Logistics in the JSON API (P2.4.c, P3.5, P5.2.c), mounted at /api/v1/logistics. Same services as the
pages; the carriers' webhook is authenticated by its HMAC signature, not by a user."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from ordertaking.catalog.models import Region
from ordertaking.common.api import Mapped, NonNull, Paged, choice
from ordertaking.common.errors import NotFound, ValidationFailed
from ordertaking.confidentiality.models import Field as Confidential
from ordertaking.confidentiality.rules import mask
from ordertaking.confidentiality.selectors import Lens, lens_for
from ordertaking.orders.selectors import order_contact_visible, order_get

from . import selectors, services
from .models import Carrier, Method, Shipment, ShippingException, TrackingEvent

router = Router()


# --- carriers -----------------------------------------------------------------------------------

class CarrierRatingOut(Schema):
    delivered: int = Field(..., description="shipments delivered")
    on_time: int = Field(..., description="of those, delivered by the planned arrival")
    shipped: int = Field(..., description="shipments dispatched")
    damaged: int = Field(..., description="shipments with a damage or loss exception")
    on_time_rate: Decimal | None = Field(None, description="on_time / delivered (0–1); null before any delivery")
    damage_rate: Decimal | None = Field(None, description="damaged / shipped (0–1)")
    floor: Decimal = Field(..., description="the configured floor of the on-time rate")
    below_floor: bool


class CarrierOut(Schema):
    code: str
    name: str
    contract_number: str
    contract_valid_from: date
    contract_valid_to: date
    methods: list[str]
    regions: list[str] = Field(..., description="region codes served")
    contact: str
    active: bool
    webhook_key_set: bool
    rating: CarrierRatingOut


class CarrierIn(Schema):
    code: str = Field(..., min_length=1, max_length=30, pattern=r"^[-a-z0-9_]+$")
    name: str = Field(..., min_length=1, max_length=100)
    contract_number: str = Field(..., min_length=1, max_length=60)
    contract_valid_from: date
    contract_valid_to: date
    methods: list[str] = Field(..., json_schema_extra={"items": {"enum": list(Method.values)}})
    regions: list[str] = Field([], description="region codes")
    contact: str = Field("", max_length=100)


class CarrierPatchIn(Schema):
    name: NonNull[str] = None
    contract_number: NonNull[str] = None
    contract_valid_from: NonNull[date] = None
    contract_valid_to: NonNull[date] = None
    methods: NonNull[list[str]] = None
    regions: NonNull[list[str]] = None
    contact: NonNull[str] = None
    active: NonNull[bool] = None


class CarrierKeyOut(Schema):
    secret: str = Field(..., description="the webhook key: shown this once, hand it to the carrier")


def _regions(codes: list[str]) -> list[Region]:
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationFailed(f"unknown region: {', '.join(missing)}", field="regions")
    return [found[c] for c in codes]


def _carrier_out(c: Carrier) -> dict[str, Any]:
    r = selectors.rating_of(c)
    return {"code": c.code, "name": c.name, "contract_number": c.contract_number,
            "contract_valid_from": c.contract_valid_from, "contract_valid_to": c.contract_valid_to,
            "methods": list(c.methods), "regions": [x.code for x in c.regions.all()], "contact": c.contact,
            "active": c.active, "webhook_key_set": bool(c.webhook_secret),
            "rating": {**r.__dict__, "below_floor": r.below_floor}}


def _require_view(user: Any) -> None:
    if not selectors.may_view(user):
        from ordertaking.common.errors import PermissionDenied

        raise PermissionDenied("logistics_view required")


@router.get("/carriers", response=list[CarrierOut])
@paginate(Paged)
def carrier_list(request: HttpRequest) -> Mapped:
    _require_view(request.user)
    return Mapped(selectors.carriers_rated().order_by("name", "id"), _carrier_out)


@router.post("/carriers", response={201: CarrierOut})
def carrier_create(request: HttpRequest, payload: CarrierIn) -> Status:
    c = services.carrier_create(actor=request.user, code=payload.code, name=payload.name,  # type: ignore[arg-type]
                                contract_number=payload.contract_number,
                                contract_valid_from=payload.contract_valid_from,
                                contract_valid_to=payload.contract_valid_to, methods=payload.methods,
                                regions=_regions(payload.regions), contact=payload.contact)
    return Status(201, _carrier_out(selectors.carrier_for(request.user, c.code)))


@router.get("/carriers/{code}", response=CarrierOut)
def carrier_get(request: HttpRequest, code: str) -> dict[str, Any]:
    return _carrier_out(selectors.carrier_for(request.user, code))


@router.patch("/carriers/{code}", response=CarrierOut)
def carrier_update(request: HttpRequest, code: str, payload: CarrierPatchIn) -> dict[str, Any]:
    c = selectors.carrier_for(request.user, code)
    changes = payload.dict(exclude_unset=True)
    if "regions" in changes:
        changes["regions"] = _regions(changes["regions"])
    services.carrier_update(carrier=c, actor=request.user, **changes)  # type: ignore[arg-type]
    return _carrier_out(selectors.carrier_for(request.user, code))


@router.post("/carriers/{code}/webhook-key", response={201: CarrierKeyOut})
def carrier_secret_generate(request: HttpRequest, code: str) -> Status:
    c = selectors.carrier_for(request.user, code)
    return Status(201, {"secret": services.carrier_secret_generate(carrier=c, actor=request.user)})  # type: ignore[arg-type]


# --- shipments ----------------------------------------------------------------------------------

class ShipmentLineIn(Schema):
    order_line_id: int
    quantity: Decimal


class ShipmentIn(Schema):
    lines: list[ShipmentLineIn] = Field(..., min_length=1)
    method: str = choice(Method)
    carrier: str | None = Field(None, description="carrier code; none for the own fleet")
    waybill_number: str = Field("", max_length=60)
    packages: int = Field(1, ge=1)
    planned_ship_date: date
    planned_arrival: date | None = Field(None, description="default: ship date + the province's transit days")
    override_reason: str = Field("", description="why an ineligible carrier is chosen anyway")
    dispatch: bool = Field(False, description="dispatch at once: refused while the delivery readiness checklist "
                           "(P2.5.a, /api/v1/deliveries/readiness) is not signed, so a new shipment is planned first")


class ShipmentLineOut(Schema):
    order_line_id: int
    position: int
    name: str
    quantity: Decimal


class ShipmentOut(Schema):
    number: str
    order_number: str
    state: str = choice(Shipment.State)
    method: str = choice(Method)
    carrier: str | None = None
    waybill_number: str
    packages: int
    planned_ship_date: date
    planned_arrival: date
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    carrier_override: str
    lines: list[ShipmentLineOut]


def _shipment_out(s: Shipment) -> dict[str, Any]:
    return {"number": s.number, "order_number": s.order.number, "state": s.state, "method": s.method,
            "carrier": s.carrier.code if s.carrier else None, "waybill_number": s.waybill_number,
            "packages": s.packages, "planned_ship_date": s.planned_ship_date, "planned_arrival": s.planned_arrival,
            "shipped_at": s.shipped_at, "delivered_at": s.delivered_at, "carrier_override": s.carrier_override,
            "lines": [{"order_line_id": sl.order_line_id, "position": sl.order_line.position,
                       "name": sl.order_line.name, "quantity": sl.quantity} for sl in s.lines.all()]}


def _carrier_by_code(code: str | None) -> Carrier | None:
    if not code:
        return None
    c = Carrier.objects.filter(code=code).first()
    if c is None:
        raise ValidationFailed(f"unknown carrier {code}", field="carrier")
    return c


@router.get("/shipments", response=list[ShipmentOut])
@paginate(Paged)
def shipment_list(request: HttpRequest, state: str = "", order: str = "", carrier: str = "") -> Mapped:
    qs = selectors.shipment_list(request.user, state=state, order=order, carrier=carrier)
    return Mapped(qs.prefetch_related("lines__order_line"), _shipment_out)


@router.post("/orders/{number}/shipments", response={201: ShipmentOut})
def shipment_create(request: HttpRequest, number: str, payload: ShipmentIn) -> Status:
    order = order_get(user=request.user, number=number)
    s = services.shipment_create(order=order, actor=request.user,  # type: ignore[arg-type]
                                 lines=[{"order_line": ln.order_line_id, "quantity": ln.quantity}
                                        for ln in payload.lines],
                                 method=payload.method, carrier=_carrier_by_code(payload.carrier),
                                 waybill_number=payload.waybill_number, packages=payload.packages,
                                 planned_ship_date=payload.planned_ship_date, planned_arrival=payload.planned_arrival,
                                 override_reason=payload.override_reason, dispatch=payload.dispatch)
    return Status(201, _shipment_out(selectors.shipment_for(request.user, s.number)))


@router.get("/shipments/{number}", response=ShipmentOut)
def shipment_get(request: HttpRequest, number: str) -> dict[str, Any]:
    return _shipment_out(selectors.shipment_for(request.user, number))


class ShipmentDispatchIn(Schema):
    waybill_number: str | None = Field(None, max_length=60)


@router.post("/shipments/{number}/dispatch", response=ShipmentOut)
def shipment_dispatch(request: HttpRequest, number: str, payload: ShipmentDispatchIn) -> dict[str, Any]:
    s = selectors.shipment_for(request.user, number)
    services.shipment_dispatch(shipment=s, actor=request.user, waybill_number=payload.waybill_number)  # type: ignore[arg-type]
    return _shipment_out(selectors.shipment_for(request.user, number))


class ShipmentCancelIn(Schema):
    reason: str = Field(..., min_length=1)


@router.post("/shipments/{number}/cancel", response=ShipmentOut)
def shipment_cancel(request: HttpRequest, number: str, payload: ShipmentCancelIn) -> dict[str, Any]:
    s = selectors.shipment_for(request.user, number)
    services.shipment_cancel(shipment=s, actor=request.user, reason=payload.reason)  # type: ignore[arg-type]
    return _shipment_out(selectors.shipment_for(request.user, number))


class TrackingEventIn(Schema):
    kind: str = choice(TrackingEvent.Kind)
    occurred_at: datetime | None = Field(None, description="default: now")
    place: str = Field("", max_length=100)
    note: str = Field("", max_length=500)


class TrackingEventOut(Schema):
    id: int
    shipment: str
    kind: str = choice(TrackingEvent.Kind)
    occurred_at: datetime
    place: str
    note: str
    source: str = choice(TrackingEvent.Source)


def _tracking_out(e: TrackingEvent, number: str) -> dict[str, Any]:
    return {"id": e.pk, "shipment": number, "kind": e.kind, "occurred_at": e.occurred_at, "place": e.place,
            "note": e.note, "source": e.source}


@router.get("/shipments/{number}/events", response=list[TrackingEventOut])
@paginate(Paged)
def tracking_event_list(request: HttpRequest, number: str) -> Mapped:
    s = selectors.shipment_for(request.user, number)
    visible = order_contact_visible(request.user, s.order, lens_for(request))  # P4.1.c
    return Mapped(TrackingEvent.objects.filter(shipment=s).order_by("-occurred_at", "-id"),
                  lambda e: _tracking_out(e if visible else selectors.tracking_mask(e), s.number))


@router.post("/shipments/{number}/events", response={201: TrackingEventOut})
def tracking_event_record(request: HttpRequest, number: str, payload: TrackingEventIn) -> Status:
    s = selectors.shipment_for(request.user, number)
    e = services.tracking_event_record(shipment=s, actor=request.user, kind=payload.kind,  # type: ignore[arg-type]
                                       occurred_at=payload.occurred_at, place=payload.place, note=payload.note,
                                       source=TrackingEvent.Source.API)
    return Status(201, _tracking_out(e, s.number))


class ShippingExceptionIn(Schema):
    kind: str = choice(ShippingException.Kind)
    cause: str = Field(..., min_length=1)
    handling: str = ""
    told_departments: list[str] = []
    told_contact: str = Field("", max_length=200)
    new_arrival: date | None = None


class ShippingExceptionOut(Schema):
    id: int
    shipment: str
    order_number: str
    kind: str = choice(ShippingException.Kind)
    state: str = choice(ShippingException.State)
    cause: str
    handling: str
    told_departments: list[str]
    told_contact: str
    new_arrival: date | None = None
    created_at: datetime


def _exception_out(e: ShippingException, lens: Lens) -> dict[str, Any]:
    """`told_contact` (the customer's person told) masked unless the reader sees the order's contact (P4.1.c)."""
    told = e.told_contact if order_contact_visible(lens.user, e.order, lens) else mask(Confidential.CONTACT_NAME,
                                                                                       e.told_contact)
    return {"id": e.pk, "shipment": e.shipment.number, "order_number": e.order.number, "kind": e.kind,
            "state": e.state, "cause": e.cause, "handling": e.handling, "told_departments": e.told_departments,
            "told_contact": told, "new_arrival": e.new_arrival, "created_at": e.created_at}


@router.post("/shipments/{number}/exceptions", response={201: ShippingExceptionOut})
def exception_record(request: HttpRequest, number: str, payload: ShippingExceptionIn) -> Status:
    s = selectors.shipment_for(request.user, number)
    e = services.exception_record(shipment=s, actor=request.user, **payload.dict())  # type: ignore[arg-type]
    return Status(201, _exception_out(selectors.exception_for(request.user, e.pk), lens_for(request)))


@router.get("/exceptions", response=list[ShippingExceptionOut])
@paginate(Paged)
def exception_list(request: HttpRequest, state: str = "", order: str = "") -> Mapped:
    qs = selectors.exceptions_visible(request.user)
    if state:
        qs = qs.filter(state=state)
    if order:
        qs = qs.filter(order__number=order.strip().upper())
    lens = lens_for(request)
    return Mapped(qs.order_by("-created_at", "-id"), lambda e: _exception_out(e, lens))


class ExceptionHandleIn(Schema):
    handling: str = Field(..., min_length=1)
    told_departments: list[str] | None = None
    told_contact: str | None = Field(None, max_length=200)


class ExceptionCloseIn(Schema):
    note: str = ""


@router.post("/exceptions/{exception_id}/handle", response=ShippingExceptionOut)
def exception_handle(request: HttpRequest, exception_id: int, payload: ExceptionHandleIn) -> dict[str, Any]:
    e = selectors.exception_for(request.user, exception_id)
    services.exception_handle(exception=e, actor=request.user, **payload.dict())  # type: ignore[arg-type]
    return _exception_out(selectors.exception_for(request.user, exception_id), lens_for(request))


@router.post("/exceptions/{exception_id}/close", response=ShippingExceptionOut)
def exception_close(request: HttpRequest, exception_id: int, payload: ExceptionCloseIn) -> dict[str, Any]:
    e = selectors.exception_for(request.user, exception_id)
    services.exception_close(exception=e, actor=request.user, note=payload.note)  # type: ignore[arg-type]
    return _exception_out(selectors.exception_for(request.user, exception_id), lens_for(request))


# --- the carriers' webhook ----------------------------------------------------------------------

class CarrierWebhookOut(Schema):
    accepted: bool
    shipment: str
    state: str = choice(Shipment.State)


@router.post("/webhook/{carrier_code}", auth=None, response={201: CarrierWebhookOut}, openapi_extra={
    "description": "A carrier pushes a tracking event. Headers: `X-Carrier-Timestamp` (Unix seconds) and "
                   "`X-Carrier-Signature` = hex HMAC-SHA256 of `timestamp + \".\" + raw body` with the carrier's "
                   "webhook key. Body: `{event_id, waybill_number, kind, occurred_at, place, note}`; kind one of "
                   "picked_up, in_transit, arrived, delivered. A bad signature (or a carrier code the server does "
                   "not know: the same answer) or a timestamp more than 5 minutes off is a 401, an event id seen "
                   "before a 409; every call is logged. A 503 (`webhook_key_unreadable`, with `Retry-After` in "
                   "seconds) means the server cannot decrypt its copy of the key right now: the event was neither "
                   "checked nor recorded (the call is logged), send it again later.",
    "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
    "responses": {503: {"description": "The server cannot check signatures now (its key cannot be decrypted): "
                                       "retry later", "content": {"application/json": {
                                           "schema": {"$ref": "#/components/schemas/ErrorOut"}}}}}})
def webhook_receive(request: HttpRequest, carrier_code: str) -> Status:
    body = request.body
    try:
        payload = json.loads(body.decode("utf-8")) if body else {}
    except (UnicodeDecodeError, ValueError):
        payload = None
    if not isinstance(payload, dict):
        payload = {"_invalid": True}
    event = services.webhook_receive(
        carrier_code=carrier_code, timestamp=request.headers.get("X-Carrier-Timestamp", ""),
        signature=request.headers.get("X-Carrier-Signature", ""), body=body, payload=payload,
        remote_addr=request.META.get("REMOTE_ADDR", ""))
    if event is None:  # pragma: no cover - the service raises instead
        raise NotFound("not found")
    return Status(201, {"accepted": True, "shipment": event.shipment.number, "state": event.shipment.state})
