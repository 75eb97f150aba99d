"""The portal in the JSON API (P2.5.b). Two routers, mounted in ordertaking/api.py:

- `order_router` at /api/v1/orders: the staff's links of an order (list, issue and mail, revoke);
- `router` at /api/v1/portal: the customer's overview by the link's token, without an account
  (`GET /api/v1/portal/{token}`; a bad, revoked or expired token is a 404 that reveals nothing)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from ordertaking.common.api import Mapped, Paged, choice
from ordertaking.common.errors import PermissionDenied
from ordertaking.confidentiality.selectors import lens_for
from ordertaking.orders.selectors import order_get
from ordertaking.orders.states import OrderState

from . import selectors, services
from .models import PortalLink
from .overview import order_overview

order_router = Router()
router = Router()


class PortalLinkOut(Schema):
    id: int
    state: str = choice(PortalLink.State)
    status: str = Field(..., json_schema_extra={"enum": ["active", "expired", "revoked"]},
                        description="active, or why it no longer opens: expired / revoked")
    url: str = Field(..., description="the link (empty once it no longer opens)")
    language: str
    sent_to: str
    created_at: datetime
    created_by: str
    expires_at: datetime
    revoked_at: datetime | None = None
    revoke_reason: str
    use_count: int
    last_used_at: datetime | None = None


class PortalLinkIn(Schema):
    email: str = Field("", max_length=254, description="the customer's address; required when send is true")
    days: int | None = Field(None, description="valid for this many days (1–365); default the setting")
    send: bool = Field(True, description="mail the link now")
    language: str = Field("zh-hans", json_schema_extra={"enum": ["zh-hans", "en"]})


class PortalLinkRevokeIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300)


def _link_out(link: PortalLink, visible: bool, reasons: dict[int, str] | None = None) -> dict[str, Any]:
    """`sent_to` masked for whoever may not see the customer's e-mail, and the customer's contacts named in the
    revocation reason as that reader may see them (`reasons`: selectors.reasons_shown) (P4.1.c)."""
    status = selectors.link_status(link)
    return {"id": link.pk, "state": link.state, "status": status,
            "url": selectors.link_url(link) if status == "active" else "", "language": link.language,
            "sent_to": selectors.sent_to_shown(link, visible), "created_at": link.created_at,
            "created_by": str(link.created_by),
            "expires_at": link.expires_at, "revoked_at": link.revoked_at,
            "revoke_reason": (reasons or {}).get(link.pk, ""),
            "use_count": link.use_count, "last_used_at": link.last_used_at}


def _order(request: HttpRequest, number: str) -> Any:
    order = order_get(user=request.user, number=number)
    if not selectors.may_manage_links(request.user, order):
        raise PermissionDenied("Only the order's sales rep, the order center or customer service manage the "
                               "customer's link (P2.5.b).")
    return order


@order_router.get("/{number}/portal-links", response=list[PortalLinkOut])
@paginate(Paged)
def portal_link_list(request: HttpRequest, number: str) -> Mapped:
    order = _order(request, number)
    lens = lens_for(request)
    visible = selectors.email_visible(request.user, order, lens)
    links = selectors.order_links(order)
    reasons = selectors.reasons_shown(list(links.exclude(revoke_reason="")), order, request.user, lens)
    return Mapped(links, lambda link: _link_out(link, visible, reasons))


@order_router.post("/{number}/portal-links", response={201: PortalLinkOut})
def portal_link_issue(request: HttpRequest, number: str, payload: PortalLinkIn) -> Status:
    order = _order(request, number)
    link = services.portal_link_issue(actor=request.user, order=order,  # type: ignore[arg-type]
                                      email=payload.email, days=payload.days, send=payload.send,
                                      language=payload.language)
    return Status(201, _link_out(link, selectors.email_visible(request.user, order, lens_for(request))))


@order_router.post("/{number}/portal-links/{link_id}/revoke", response=PortalLinkOut)
def portal_link_revoke(request: HttpRequest, number: str, link_id: int, payload: PortalLinkRevokeIn) -> Any:
    order = _order(request, number)
    link = selectors.order_link_get(user=request.user, order=order, pk=link_id)
    link = services.portal_link_revoke(actor=request.user, link=link, reason=payload.reason)  # type: ignore[arg-type]
    lens = lens_for(request)
    return _link_out(link, selectors.email_visible(request.user, order, lens),
                     selectors.reasons_shown([link], order, request.user, lens))


# --- the customer's overview by token ---------------------------------------------------------------

class PortalStepOut(Schema):
    key: str = Field(..., json_schema_extra={"enum": ["approved", "production", "shipped", "delivered",
                                                      "accepted"]})
    label: str
    done: bool
    current: bool
    at: datetime | None = None
    note: str


class PortalLineOut(Schema):
    position: int
    name: str
    specification: str
    unit: str
    quantity: Decimal | None = None
    shipped: Decimal


class PortalTrackingOut(Schema):
    kind: str
    label: str
    occurred_at: datetime
    place: str


class PortalShipmentOut(Schema):
    number: str
    state: str
    state_label: str
    carrier: str
    waybill_number: str
    planned_ship_date: Any
    planned_arrival: Any
    shipped_at: datetime | None = None
    lines: list[dict[str, Any]]
    tracking: list[PortalTrackingOut]


class PortalDocumentOut(Schema):
    key: str
    label: str
    url: str


class PortalSectionOut(Schema):
    key: str
    label: str
    url: str
    badge: str


class PortalOverviewOut(Schema):
    order_number: str
    customer: str
    state: str = choice(OrderState)
    state_label: str
    status: str = Field(..., description="the state as a sentence to the customer")
    total_amount: Decimal
    steps: list[PortalStepOut]
    lines: list[PortalLineOut]
    shipments: list[PortalShipmentOut]
    documents: list[PortalDocumentOut]
    sections: list[PortalSectionOut]
    sales_rep: str
    link_expires_at: datetime


@router.get("/{token}", auth=None, response=PortalOverviewOut, openapi_extra={
    "description": "The customer's overview of their order by the private link's token (the last part of "
                   "/p/<token>/). No account: the token is the credential. A bad, unknown, revoked or expired "
                   "token answers 404 (`link_invalid` / `link_expired`) and reveals nothing of the order."})
def portal_overview(request: HttpRequest, token: str) -> Any:
    from .sections import portal_sections

    link = selectors.link_from_token(token)
    services.portal_link_use(link=link)
    o = order_overview(link.order, token)
    order = o.order
    return {
        "order_number": order.number, "customer": order.customer.name, "state": order.state,
        "state_label": str(order.get_state_display()), "status": o.status, "total_amount": order.total_amount,
        "steps": [{"key": s.key, "label": s.label, "done": s.done, "current": s.current, "at": s.at,
                   "note": s.note} for s in o.steps],
        "lines": o.lines,
        "shipments": [{"number": s.number, "state": s.state, "state_label": str(s.get_state_display()),
                       "carrier": s.carrier.name if s.carrier else "", "waybill_number": s.waybill_number,
                       "planned_ship_date": s.planned_ship_date, "planned_arrival": s.planned_arrival,
                       "shipped_at": s.shipped_at,
                       "lines": [{"position": sl.order_line.position, "name": sl.order_line.name,
                                  "quantity": str(sl.quantity)} for sl in s.lines.all()],
                       "tracking": [{"kind": e.kind, "label": str(e.get_kind_display()), "occurred_at": e.occurred_at,
                                     "place": e.place} for e in s.events.all()]} for s in o.shipments],
        "documents": o.documents,
        "sections": [{"key": s["key"], "label": s["label"], "url": s["url"], "badge": s["badge"]}
                     for s in portal_sections(order, token)],
        "sales_rep": o.sales_rep, "link_expires_at": link.expires_at,
    }
