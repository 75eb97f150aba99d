"""Tracking in the JSON API (P2.4.d, P5.2.a): an order's risks and contingency plans, and the at-risk list.

`order_router` is mounted at /api/v1/orders (before the orders router, like review's), `router` at
/api/v1/risks. Reasons come as their code, their params and their sentence in the request's language.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from ordertaking.common.api import Mapped, Paged
from ordertaking.common.errors import ValidationFailed
from ordertaking.orders import selectors as orders_selectors
from ordertaking.orders.models import Order

from . import selectors, services
from .models import ContingencyPlan, OrderRisk, RiskEpisode
from .reasons import reason_text

order_router = Router()
router = Router()


class RiskOut(Schema):
    reason: str = Field(..., json_schema_extra={"enum": list(OrderRisk.Reason.values)})
    text: str = Field(..., description="the reason as a sentence, in the request's language")
    clause: str
    params: dict[str, Any]
    since: datetime
    cleared_at: datetime | None = None


class PlanIn(Schema):
    cause: str = Field(..., json_schema_extra={"enum": list(ContingencyPlan.Cause.values)})
    measures: str = Field(..., max_length=4000)
    loss_reduction: str = Field("", max_length=4000)
    new_delivery_date: date | None = Field(None, description="the date now promised; the order's own "
                                                                "delivery date changes only by a change request")
    notified_person: str = Field(..., max_length=100, description="who at the customer was told")
    notified_at: datetime = Field(..., description="when the customer was told")
    notified_via: str = Field(..., json_schema_extra={"enum": list(ContingencyPlan.Channel.values)})
    notified_text: str = Field(..., max_length=4000, description="what the customer was told")


class PlanOut(Schema):
    id: int
    number: str
    cause: str
    measures: str
    loss_reduction: str
    new_delivery_date: date | None = None
    notified_person: str
    notified_at: datetime
    notified_via: str
    notified_text: str
    recorded_by: str
    recorded_at: datetime


class AtRiskOut(Schema):
    number: str
    state: str
    customer: str
    sales_rep: str
    delivery_date: date | None = None
    at_risk_since: datetime
    escalated_at: datetime | None = None
    has_plan: bool
    reasons: list[RiskOut]


def _risk_out(r: OrderRisk) -> dict[str, Any]:
    return {"reason": r.reason, "text": reason_text(r.reason, r.params), "clause": r.clause, "params": r.params,
            "since": r.since, "cleared_at": r.cleared_at}


def _plan_out(p: ContingencyPlan, order: Order) -> dict[str, Any]:
    return {"id": p.pk, "number": order.number, "cause": p.cause, "measures": p.measures,
            "loss_reduction": p.loss_reduction, "new_delivery_date": p.new_delivery_date,
            "notified_person": p.person_shown,  # type: ignore[attr-defined]  # P4.1.c: selectors.plans_shown
            "notified_at": p.notified_at, "notified_via": p.notified_via,
            "notified_text": p.notified_text, "recorded_by": str(p.recorded_by), "recorded_at": p.recorded_at}


def _episode_out(ep: RiskEpisode) -> dict[str, Any]:
    o = ep.order
    return {"number": o.number, "state": o.state, "customer": o.customer.name, "sales_rep": str(o.sales_rep),
            "delivery_date": o.delivery_date, "at_risk_since": ep.started_at, "escalated_at": ep.escalated_at,
            "has_plan": bool(ep.has_plan),  # type: ignore[attr-defined]
            "reasons": [_risk_out(r) for r in ep.open_risks]}  # type: ignore[attr-defined]


@order_router.get("/{orderno:number}/risks", response=list[RiskOut], summary="Why the order is at risk (P2.4.d)")
def order_risks_list(request: HttpRequest, number: str, open_only: bool = False) -> Any:
    """Open reasons first, then cleared ones, newest first; `open_only=true` for the open ones."""
    order = orders_selectors.order_get(user=request.user, number=number)
    return [_risk_out(r) for r in selectors.order_risks(order, include_cleared=not open_only)]


@order_router.get("/{orderno:number}/contingency-plans", response=list[PlanOut],
                  summary="The order's contingency plans (P5.2.a), newest first")
def contingency_plans_list(request: HttpRequest, number: str) -> Any:
    order = orders_selectors.order_get(user=request.user, number=number)
    return [_plan_out(p, order) for p in selectors.order_plans(order, request.user)]


@order_router.post("/{orderno:number}/contingency-plans", response={201: PlanOut},
                   summary="Record a contingency plan (P5.2.a): the order's sales rep or the order center")
def contingency_plan_create(request: HttpRequest, number: str, payload: PlanIn) -> Any:
    order = orders_selectors.order_get(user=request.user, number=number)
    data = payload.dict()
    if timezone.is_naive(data["notified_at"]):
        data["notified_at"] = timezone.make_aware(data["notified_at"])
    plan = services.contingency_plan_record(order=order, actor=request.user, **data)  # type: ignore[arg-type]
    return Status(201, _plan_out(selectors.plans_shown([plan], order, request.user)[0], order))


@router.get("", response=list[AtRiskOut], summary="Orders at risk (P2.4.d), longest at risk first")
@paginate(Paged)
def risks_list(request: HttpRequest, reason: str = "", plan: str = "", escalated: str = "",
               sales_rep: int | None = Query(None, ge=1, le=2_147_483_647)) -> Any:  # noqa: B008
    """The orders at risk the user may see: a sales rep their own, the order center and leadership all.
    `plan`: `with` or `without` a contingency plan; `escalated`: `yes` or `no`."""
    for name, value, allowed in (("reason", reason, OrderRisk.Reason.values), ("plan", plan, ["with", "without"]),
                                 ("escalated", escalated, ["yes", "no"])):
        if value and value not in allowed:
            raise ValidationFailed(_("%(field)s: one of %(values)s.") % {"field": name, "values": ", ".join(allowed)},
                                   code="validation_error", field=name)
    qs = selectors.at_risk_list(user=request.user, rep_id=sales_rep, reason=reason, plan=plan, escalated=escalated)
    return Mapped(qs, _episode_out)
