"""Review actions in the JSON API (P2.3), mounted at /api/v1/orders next to the orders router.

`/special-approvals…` paths are literal; order numbers always start with "SO", and the
review router is registered before the orders router (ordertaking/api.py) so that
`GET /special-approvals` is never taken for an order number.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, Field, Router, Schema, Status
from ninja.pagination import paginate

from ordertaking.common.api import Mapped, Paged
from ordertaking.common.errors import PermissionDenied
from ordertaking.orders import selectors as orders_selectors
from ordertaking.orders.api import OrderOut, order_out
from ordertaking.orders.states import OrderState

from . import selectors, services
from .models import SpecialApproval

router = Router()


@router.post("/{orderno:number}/submit", response=OrderOut,
             summary="Submit for review (P2.2.a → P2.3); 422 'incomplete' lists what is missing",
             tags=["orders"])  # an operation on the order, where clients look for it
def order_submit(request: HttpRequest, number: str) -> dict[str, Any]:
    """The hand-off to review (review.services.order_submit), at the path the orders API always had."""
    order = orders_selectors.order_get(user=request.user, number=number)
    # The service returns the order it locked and saved, its lines already read: shown as it is stored.
    return order_out(services.order_submit(order=order, actor=request.user), request.user)


class FindingOut(Schema):
    code: str
    clause: str
    message: str
    field: str | None = None
    line: int | None = None
    blocking: bool
    covered: bool


class FindingsOut(Schema):
    number: str
    state: str
    revision: int
    live: bool
    open_blocking: int
    findings: list[FindingOut]


class OrderStateOut(Schema):
    """The order after a review action. After `approve`, `state` is `approved` only when the credit
    check passed; `credit_hold` means the review passed but the order is NOT approved: it waits for
    finance or leadership to release the hold (P5.1.b). `approved` says which, for a client that
    reads one flag."""

    number: str
    state: str = Field(..., json_schema_extra={"enum": list(OrderState.values)})
    approved: bool = Field(..., description="true only when the order is approved; false on credit_hold")
    revision: int
    approved_at: datetime | None = None


class OpinionIn(Schema):
    opinion: str = ""


class ReturnIn(Schema):
    opinion: str = Field(..., min_length=1)


class SpecialApprovalRequestIn(Schema):
    reason: str = Field(..., min_length=1)


class SpecialApprovalDecisionIn(Schema):
    comment: str = ""


class SpecialApprovalOut(Schema):
    id: int
    number: str
    revision: int
    state: str
    finding_codes: list[str]
    reason: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    comment: str


def _sa_out(sa: SpecialApproval) -> dict[str, Any]:
    return {"id": sa.pk, "number": sa.order.number, "revision": sa.revision, "state": sa.state,
            "finding_codes": list(sa.finding_codes), "reason": sa.reason, "requested_by": str(sa.requested_by),
            "requested_at": sa.requested_at, "decided_by": str(sa.decided_by) if sa.decided_by_id else None,
            "decided_at": sa.decided_at, "comment": sa.comment}


def _order_out(order: Any) -> dict[str, Any]:
    return {"number": order.number, "state": order.state, "approved": order.state == OrderState.APPROVED,
            "revision": order.revision, "approved_at": order.approved_at}


# Literal paths first: `special-approvals` must never be read as an order number.
@router.get("/special-approvals", response=list[SpecialApprovalOut])
@paginate(Paged)
def special_approvals_waiting(request: HttpRequest, state: str = SpecialApproval.State.REQUESTED) -> Any:
    """The leader's queue (P2.3.c): special approvals waiting for a decision, oldest first."""
    if not request.user.has_perm("accounts.special_approval_decide"):
        raise PermissionDenied(_("Only leadership grants or refuses special approval."), code="permission_denied")
    return Mapped(selectors.special_queue(user=request.user, state=state), _sa_out)


@router.post("/special-approvals/{int:approval_id}/grant", response=SpecialApprovalOut)
def special_approval_grant(request: HttpRequest, approval_id: int, payload: SpecialApprovalDecisionIn) -> Any:
    sa = selectors.special_approval_for(user=request.user, pk=approval_id)
    return _sa_out(services.special_approval_grant(approval=sa, actor=request.user, comment=payload.comment))


@router.post("/special-approvals/{int:approval_id}/refuse", response=SpecialApprovalOut)
def special_approval_refuse(request: HttpRequest, approval_id: int, payload: SpecialApprovalDecisionIn) -> Any:
    sa = selectors.special_approval_for(user=request.user, pk=approval_id)
    return _sa_out(services.special_approval_refuse(approval=sa, actor=request.user, comment=payload.comment))


@router.get("/{number}/findings", response=FindingsOut, operation_id="order_findings")
def findings(request: HttpRequest, number: str) -> Any:
    """The order's review findings (P2.3.a/b), each with its clause; live for a reviewer."""
    order = selectors.order_for_review(user=request.user, number=number)
    ctx = selectors.review_panel_context(order=order, user=request.user)
    return {"number": order.number, "state": order.state, "revision": order.revision, "live": ctx["live"],
            "open_blocking": ctx["open_blocking_count"],
            "findings": [{**row.finding.as_dict(), "covered": row.covered} for row in ctx["findings"]]}


@router.post("/{number}/approve", response=OrderStateOut, operation_id="order_approve",
             summary="Approve (P2.3.c); 200 with state credit_hold means held, not approved (P5.1.b)")
def approve(request: HttpRequest, number: str, payload: OpinionIn = Body(None)) -> Any:  # noqa: B008
    """The body is optional: no body, or `{}`, approves without an opinion."""
    order = selectors.order_for_review(user=request.user, number=number)
    opinion = payload.opinion if payload else ""
    return _order_out(services.order_approve(order=order, actor=request.user, opinion=opinion))


@router.post("/{number}/return", response=OrderStateOut, operation_id="order_return")
def return_(request: HttpRequest, number: str, payload: ReturnIn) -> Any:
    order = selectors.order_for_review(user=request.user, number=number)
    return _order_out(services.order_return(order=order, actor=request.user, opinion=payload.opinion))


@router.post("/{number}/special-approvals", response={201: SpecialApprovalOut})
def special_approval_request(request: HttpRequest, number: str, payload: SpecialApprovalRequestIn) -> Any:
    order = selectors.order_for_review(user=request.user, number=number)
    sa = services.special_approval_request(order=order, actor=request.user, reason=payload.reason)
    sa.order = order
    return Status(201, _sa_out(sa))
