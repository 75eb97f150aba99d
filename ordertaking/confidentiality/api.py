"""The confidentiality endpoints of the JSON API (P4.1.c), mounted at /api/v1/access: reveal a masked
value (logged), access requests and their decision, the reveal log for auditors, the customer's
consents. Same services and selectors as the pages."""

# No `from __future__ import annotations` here: @paginate wraps reveal_list, and django-ninja would
# resolve its string annotations (`date`) in the wrapper's module, not this one.
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from ordertaking.common.api import Mapped, Paged, choice
from ordertaking.common.errors import NotFound, PermissionDenied

from . import duties, selectors, services
from .models import AccessRequest, Consent, RevealLog
from .models import Field as DataField

router = Router()


class RevealIn(Schema):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(..., description="where the value lives: contact, address, customer, order, inquiry")
    ref: str = Field(..., description="the record's id (a contact's or customer's id, an order number)")
    key: str = Field(..., description="the value: name, phone, email, detail, credit_code, invoice_phone …")


class RevealOut(Schema):
    value: str
    field: str = choice(DataField)
    basis: str = choice(RevealLog.Basis)
    grant_id: int | None


class AccessRequestIn(Schema):
    model_config = ConfigDict(extra="forbid")

    customer: int = Field(..., description="the customer's id")
    reason: str
    days: int | None = Field(None, description="how many days (1–90); 7 when absent")


class AccessDecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    days: int | None = Field(None, description="granted for days (1–90); the days asked for when absent")
    comment: str = ""


class RevokeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = ""


class AccessRequestOut(Schema):
    id: int
    customer: int
    customer_name: str
    requested_by: str
    requested_at: datetime
    reason: str
    days: int
    state: str = choice(AccessRequest.State)
    in_force: bool
    expires_at: datetime | None
    decided_by: str | None
    decided_at: datetime | None
    comment: str
    revoked_by: str | None
    revoked_at: datetime | None
    revoke_reason: str


class RevealLogOut(Schema):
    id: int
    at: datetime
    user: str
    customer: int
    customer_name: str
    field: str = choice(DataField)
    basis: str = choice(RevealLog.Basis)
    grant_id: int | None
    duty: str
    channel: str = choice(RevealLog.Channel)
    what: str


class ConsentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    what: str
    recipient: str
    purpose: str = ""
    valid_until: date | None = None
    evidence: str = ""


class ConsentOut(Schema):
    id: int
    customer: int
    what: str
    recipient: str
    purpose: str
    valid_until: date | None
    evidence: str
    recorded_by: str
    recorded_at: datetime


def _request_out(r: AccessRequest) -> dict[str, Any]:
    return {"id": r.pk, "customer": r.customer_id, "customer_name": r.customer.name,
            "requested_by": str(r.requested_by), "requested_at": r.requested_at, "reason": r.reason,
            "days": r.days, "state": r.state, "in_force": r.in_force(), "expires_at": r.expires_at,
            "decided_by": str(r.decided_by) if r.decided_by_id else None, "decided_at": r.decided_at,
            "comment": r.comment, "revoked_by": str(r.revoked_by) if r.revoked_by_id else None,
            "revoked_at": r.revoked_at, "revoke_reason": r.revoke_reason}


def _reveal_out(r: RevealLog) -> dict[str, Any]:
    return {"id": r.pk, "at": r.at, "user": str(r.user), "customer": r.customer_id, "customer_name": r.customer.name,
            "field": r.field, "basis": r.basis, "grant_id": r.grant_id, "duty": _(r.duty) if r.duty else "",
            "channel": r.channel, "what": r.what}


def _consent_out(c: Consent) -> dict[str, Any]:
    return {"id": c.pk, "customer": c.customer_id, "what": c.what, "recipient": c.recipient, "purpose": c.purpose,
            "valid_until": c.valid_until, "evidence": c.evidence, "recorded_by": str(c.recorded_by),
            "recorded_at": c.recorded_at}


def _customer(request: HttpRequest, pk: int) -> Any:
    model = AccessRequest._meta.get_field("customer").related_model
    customer = model._default_manager.select_related("sales_rep").filter(pk=pk).first()
    if customer is None or not request.user.has_perm("accounts.customer_view") or not duties.customer_visible(
            request.user, customer):
        raise NotFound(_("Customer not found."))
    return customer


@router.post("/reveal", response=RevealOut, operation_id="reveal_create",
             summary="Reveal one masked value (P4.1.c): logged with its grant or duty; 403 access_required without")
def reveal_create(request: HttpRequest, payload: RevealIn) -> dict[str, Any]:
    value, log = services.reveal_value(actor=request.user, source=payload.source, ref=payload.ref, key=payload.key,
                                       channel=RevealLog.Channel.API)
    return {"value": value or "", "field": log.field, "basis": log.basis, "grant_id": log.grant_id}


@router.get("/requests", response=list[AccessRequestOut], operation_id="access_request_list")
@paginate(Paged)
def access_request_list(request: HttpRequest, state: str = "", mine: bool = False) -> Mapped:
    return Mapped(selectors.access_request_list(user=request.user, state=state, mine=mine), _request_out)


@router.post("/requests", response={201: AccessRequestOut}, operation_id="access_request_create",
             summary="Ask to see one customer's confidential data (审批后方可查阅, P4.1.c)")
def access_request_create(request: HttpRequest, payload: AccessRequestIn) -> Any:
    customer = _customer(request, payload.customer)
    req = services.access_request_create(actor=request.user, customer=customer, reason=payload.reason,
                                         days=payload.days)
    return Status(201, _request_out(selectors.access_request_get(user=request.user, pk=req.pk)))


@router.get("/requests/{int:request_id}", response=AccessRequestOut, operation_id="access_request_get")
def access_request_get(request: HttpRequest, request_id: int) -> dict[str, Any]:
    return _request_out(selectors.access_request_get(user=request.user, pk=request_id))


def _decided(request: HttpRequest, request_id: int) -> dict[str, Any]:
    return _request_out(selectors.access_request_get(user=request.user, pk=request_id))


@router.post("/requests/{int:request_id}/grant", response=AccessRequestOut, operation_id="access_request_grant",
             summary="Grant (the customer's rep's leader or leadership, never the requester): time-limited")
def access_request_grant(request: HttpRequest, request_id: int, payload: AccessDecisionIn) -> dict[str, Any]:
    req = selectors.access_request_get(user=request.user, pk=request_id)
    services.access_request_decide(actor=request.user, request=req, grant=True, days=payload.days,
                                   comment=payload.comment)
    return _decided(request, request_id)


@router.post("/requests/{int:request_id}/refuse", response=AccessRequestOut, operation_id="access_request_refuse")
def access_request_refuse(request: HttpRequest, request_id: int, payload: AccessDecisionIn) -> dict[str, Any]:
    req = selectors.access_request_get(user=request.user, pk=request_id)
    services.access_request_decide(actor=request.user, request=req, grant=False, comment=payload.comment)
    return _decided(request, request_id)


@router.post("/requests/{int:request_id}/withdraw", response=AccessRequestOut,
             operation_id="access_request_withdraw")
def access_request_withdraw(request: HttpRequest, request_id: int) -> dict[str, Any]:
    req = selectors.access_request_get(user=request.user, pk=request_id)
    services.access_request_withdraw(actor=request.user, request=req)
    return _decided(request, request_id)


@router.post("/requests/{int:request_id}/revoke", response=AccessRequestOut, operation_id="access_grant_revoke")
def access_grant_revoke(request: HttpRequest, request_id: int, payload: RevokeIn) -> dict[str, Any]:
    req = selectors.access_request_get(user=request.user, pk=request_id)
    services.access_grant_revoke(actor=request.user, request=req, reason=payload.reason)
    return _decided(request, request_id)


@router.get("/reveals", response=list[RevealLogOut], operation_id="reveal_list",
            summary="The reveal log (auditors, leadership: reveal_log_view), filtered")
@paginate(Paged)
def reveal_list(request: HttpRequest, user: int | None = None, customer: int | None = None, field: str = "",
                basis: str = "", channel: str = "", date_from: date | None = None,
                date_to: date | None = None) -> Mapped:
    if not request.user.has_perm("accounts.reveal_log_view"):
        raise PermissionDenied(_("Auditors and leadership read the reveal log."))
    return Mapped(selectors.reveal_list(user=request.user, user_id=user, customer_id=customer, field=field,
                                        basis=basis, channel=channel, date_from=date_from, date_to=date_to),
                  _reveal_out)


@router.get("/customers/{int:customer_id}/consents", response=list[ConsentOut], operation_id="consent_list")
def consent_list(request: HttpRequest, customer_id: int) -> list[dict[str, Any]]:
    return [_consent_out(c) for c in selectors.consents_of(_customer(request, customer_id))]


@router.post("/customers/{int:customer_id}/consents", response={201: ConsentOut}, operation_id="consent_create",
             summary="Record the customer's consent to disclose data to a third party (P4.1.c)")
def consent_create(request: HttpRequest, customer_id: int, payload: ConsentIn) -> Any:
    consent = services.consent_record(actor=request.user, customer=_customer(request, customer_id),
                                      **payload.dict())
    return Status(201, _consent_out(consent))
