"""Changes and cancellations after approval in the JSON API (P2.3, P2.4), mounted at /api/v1/orders:
`/{number}/change-requests`, `/{number}/cancel-requests`, `/{number}/cancel-requests/{id}/agree|refuse|withdraw`.
Same services as the pages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from ordertaking.common.api import choice
from ordertaking.orders.api import _resolve
from ordertaking.orders.states import OrderState

from . import selectors, services
from .models import CancelRequest, ChangeRequest

router = Router()


class ChangeLineIn(Schema):
    model_config = ConfigDict(extra="forbid")

    id: int | None = Field(None, description="The line's id to change it in place; absent for a new line")
    product: str | None = Field(None, description="Product code from the catalog; empty for a free-text line")
    name: str = ""
    specification: str = ""
    description: str = ""
    unit: str = ""
    quantity: Decimal | None = None
    unit_price: Decimal | None = Field(None, description="Defaults to the product's list price")


class ChangeRequestIn(Schema):
    """What changes (only the fields given) and, when given, the full list of lines: a line of the order
    left out is removed, never below what was shipped, produced or invoiced of it."""

    model_config = ConfigDict(extra="forbid")

    reason: str
    delivery_date: date | None = None
    delivery_region: str | None = Field(None, description="Region (province) code")
    delivery_city: str | None = None
    delivery_address: str | None = None
    customer_reference: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    notes: str | None = None
    lines: list[ChangeLineIn] | None = None


class ChangeRequestOut(Schema):
    id: int
    order_number: str
    order_state: str = choice(OrderState)
    state: str = choice(ChangeRequest.State)
    reason: str
    from_state: str = choice(OrderState)
    base_revision: int
    revision: int
    total_amount: Decimal
    approved_total: Decimal
    requested_by: str
    requested_at: datetime


class CancelRequestIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str


class CancelDecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    comment: str = ""


class CancelRequestOut(Schema):
    id: int
    order_number: str
    order_state: str = choice(OrderState)
    state: str = choice(CancelRequest.State)
    reason: str
    order_total: Decimal
    needs_leadership: bool = Field(..., description="above ORDERTAKING_CANCEL_LEADERSHIP_ABOVE: leadership decides")
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    comment: str


def _change_out(cr: ChangeRequest) -> dict[str, Any]:
    o = cr.order
    return {"id": cr.pk, "order_number": o.number, "order_state": o.state, "state": cr.state, "reason": cr.reason,
            "from_state": cr.from_state, "base_revision": cr.base_revision, "revision": cr.revision,
            "total_amount": o.total_amount, "approved_total": o.approved_total,
            "requested_by": cr.requested_by.username, "requested_at": cr.requested_at}


def _cancel_out(r: CancelRequest) -> dict[str, Any]:
    o = r.order
    return {"id": r.pk, "order_number": o.number, "order_state": o.state, "state": r.state, "reason": r.reason,
            "order_total": r.order_total, "needs_leadership": r.needs_leadership,
            "requested_by": r.requested_by.username, "requested_at": r.requested_at,
            "decided_by": r.decided_by.username if r.decided_by else None, "decided_at": r.decided_at,
            "comment": r.comment}


@router.get("/{number}/change-requests", response=list[ChangeRequestOut], operation_id="change_request_list")
def change_request_list(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    order = selectors.order_for(user=request.user, number=number)
    return [_change_out(cr) for cr in order.change_requests.select_related("requested_by", "order")[:50]]


@router.post("/{number}/change-requests", response={201: ChangeRequestOut}, operation_id="change_request_create",
             summary="Change an approved order (P2.3 again): back to review as a new revision")
def change_request_create(request: HttpRequest, number: str, payload: ChangeRequestIn) -> Any:
    order = selectors.order_for(user=request.user, number=number)
    data = payload.dict(exclude_unset=True)
    reason = data.pop("reason")
    lines = data.pop("lines", None)
    resolved = _resolve(request, {**data, **({"lines": lines} if lines is not None else {})})
    lines = resolved.pop("lines", None)
    if lines is not None:
        lines = [{k: v for k, v in ln.items() if not (k == "id" and v is None)} for ln in lines]
    cr = services.change_request_create(order=order, actor=request.user,  # type: ignore[arg-type]
                                        reason=reason, changes=resolved, lines=lines)
    return Status(201, _change_out(cr))


@router.post("/{number}/change-requests/{int:change_id}/withdraw", response=ChangeRequestOut,
             operation_id="change_request_withdraw")
def change_request_withdraw(request: HttpRequest, number: str, change_id: int) -> Any:
    order = selectors.order_for(user=request.user, number=number)
    cr = selectors.change_request_for(user=request.user, order=order, pk=change_id)
    return _change_out(services.change_request_withdraw(change=cr, actor=request.user))  # type: ignore[arg-type]


@router.get("/{number}/cancel-requests", response=list[CancelRequestOut], operation_id="cancel_request_list")
def cancel_request_list(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    order = selectors.order_for(user=request.user, number=number)
    return [_cancel_out(r) for r in order.cancel_requests.select_related("requested_by", "decided_by", "order")[:50]]


@router.post("/{number}/cancel-requests", response={201: CancelRequestOut}, operation_id="cancel_request_create",
             summary="Ask to cancel an approved order (P2.4); the order center or leadership decides")
def cancel_request_create(request: HttpRequest, number: str, payload: CancelRequestIn) -> Any:
    order = selectors.order_for(user=request.user, number=number)
    req = services.cancel_request_create(order=order, actor=request.user, reason=payload.reason)  # type: ignore[arg-type]
    return Status(201, _cancel_out(req))


def _cancel(request: HttpRequest, number: str, request_id: int) -> CancelRequest:
    order = selectors.order_for(user=request.user, number=number)
    return selectors.cancel_request_for(user=request.user, order=order, pk=request_id)


@router.post("/{number}/cancel-requests/{int:request_id}/agree", response=CancelRequestOut,
             operation_id="cancel_request_agree",
             summary="Agree (P2.4): the order is cancelled, its work stopped, its exposure released once; "
                     "409 invoices_open while an invoice of the order is open")
def cancel_request_agree(request: HttpRequest, number: str, request_id: int, payload: CancelDecisionIn) -> Any:
    req = _cancel(request, number, request_id)
    return _cancel_out(services.cancel_request_agree(request=req, actor=request.user,  # type: ignore[arg-type]
                                                     comment=payload.comment))


@router.post("/{number}/cancel-requests/{int:request_id}/refuse", response=CancelRequestOut,
             operation_id="cancel_request_refuse")
def cancel_request_refuse(request: HttpRequest, number: str, request_id: int, payload: CancelDecisionIn) -> Any:
    req = _cancel(request, number, request_id)
    return _cancel_out(services.cancel_request_refuse(request=req, actor=request.user,  # type: ignore[arg-type]
                                                      comment=payload.comment))


@router.post("/{number}/cancel-requests/{int:request_id}/withdraw", response=CancelRequestOut,
             operation_id="cancel_request_withdraw")
def cancel_request_withdraw(request: HttpRequest, number: str, request_id: int) -> Any:
    req = _cancel(request, number, request_id)
    return _cancel_out(services.cancel_request_withdraw(request=req, actor=request.user))  # type: ignore[arg-type]
