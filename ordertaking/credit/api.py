"""Credit risk control in the JSON API (P5.1), mounted at /api/v1/credit. Same services as the pages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Body, Field, Router, Schema, Status
from ninja.pagination import paginate

from ordertaking.common.api import Mapped, Paged, choice

from . import selectors, services
from .models import CreditEvaluation, CreditHold, Guarantee

router = Router()


class PositionOut(Schema):
    customer_id: int
    evaluated: bool
    rating: str
    credit_limit: Decimal
    approved_uninvoiced: Decimal
    invoiced_unpaid: Decimal
    exposure: Decimal
    available: Decimal
    payment_kinds: list[str]
    max_term_days: int
    guarantee_required: bool
    on_stop: bool
    risk_level: int
    evaluation_id: int | None = None


class EvaluationIn(Schema):
    registered_capital: Decimal
    years_in_business: int
    licences_held: int = 0
    annual_revenue: Decimal
    debt_ratio: Decimal
    litigation: bool = False
    blacklisted: bool = False
    references: int = 0
    note: str = ""


class EvaluationOut(Schema):
    id: int
    customer_id: int
    state: str = choice(CreditEvaluation.State)
    score: int
    rating: str
    credit_limit: Decimal
    payment_kinds: list[str]
    max_term_days: int
    guarantee_required: bool
    factor_scores: dict[str, Any]
    payment_record: dict[str, Any]
    policy_version: int
    proposed_by: str
    proposed_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None


class EvaluationDecisionIn(Schema):
    comment: str = ""


class HoldReleaseIn(Schema):
    reason: str = Field(..., min_length=1)


class GuaranteeIn(Schema):
    kind: str = choice(Guarantee.Kind)
    amount: Decimal
    valid_from: date
    valid_until: date
    order_number: str | None = None
    percent: Decimal | None = None
    guarantor: str = ""
    reference: str = ""


class GuaranteeOut(Schema):
    id: int
    customer_id: int
    order_number: str | None = None
    kind: str
    amount: Decimal
    valid_from: date
    valid_until: date


class HoldOut(Schema):
    id: int
    number: str
    customer_id: int
    customer: str
    state: str = choice(CreditHold.State)
    stage: str
    order_amount: Decimal
    exposure: Decimal
    credit_limit: Decimal
    excess: Decimal
    created_at: datetime
    released_by: str | None = None
    release_reason: str
    allowed_excess: Decimal
    special: bool


def _ev_out(ev: CreditEvaluation) -> dict[str, Any]:
    return {"id": ev.pk, "customer_id": ev.customer_id, "state": ev.state, "score": ev.score, "rating": ev.rating,
            "credit_limit": ev.credit_limit, "payment_kinds": ev.payment_kinds, "max_term_days": ev.max_term_days,
            "guarantee_required": ev.guarantee_required, "factor_scores": ev.factor_scores,
            "payment_record": ev.payment_record, "policy_version": ev.policy.version,
            "proposed_by": str(ev.proposed_by), "proposed_at": ev.proposed_at,
            "decided_by": str(ev.decided_by) if ev.decided_by else None, "decided_at": ev.decided_at}


def _hold_out(h: CreditHold) -> dict[str, Any]:
    return {"id": h.pk, "number": h.order.number, "customer_id": h.customer_id, "customer": h.customer.name,
            "state": h.state, "stage": h.stage, "order_amount": h.order_amount, "exposure": h.exposure,
            "credit_limit": h.credit_limit, "excess": h.excess, "created_at": h.created_at,
            "released_by": str(h.released_by) if h.released_by else None, "release_reason": h.release_reason,
            "allowed_excess": h.allowed_excess, "special": h.special}


@router.get("/customers/{customer_id}", response=PositionOut)
def credit_position(request: HttpRequest, customer_id: int) -> dict[str, Any]:
    return selectors.position(selectors.customer_for(request.user, customer_id))  # type: ignore[arg-type]


@router.post("/customers/{customer_id}/evaluations", response={201: EvaluationOut})
def evaluation_propose(request: HttpRequest, customer_id: int, payload: EvaluationIn) -> Status:
    customer = selectors.customer_for(request.user, customer_id)  # type: ignore[arg-type]
    ev = services.credit_evaluation_propose(customer=customer, actor=request.user,  # type: ignore[arg-type]
                                            **payload.dict())
    return Status(201, _ev_out(ev))


@router.get("/evaluations/{evaluation_id}", response=EvaluationOut)
def evaluation_detail(request: HttpRequest, evaluation_id: int) -> dict[str, Any]:
    return _ev_out(selectors.evaluation_for(request.user, evaluation_id))  # type: ignore[arg-type]


@router.post("/evaluations/{evaluation_id}/approve", response=EvaluationOut)
def evaluation_approve(request: HttpRequest, evaluation_id: int, payload: EvaluationDecisionIn) -> dict[str, Any]:
    ev = selectors.evaluation_for(request.user, evaluation_id)  # type: ignore[arg-type]
    return _ev_out(services.credit_evaluation_approve(evaluation=ev, actor=request.user,  # type: ignore[arg-type]
                                                      comment=payload.comment))


@router.post("/evaluations/{evaluation_id}/reject", response=EvaluationOut)
def evaluation_reject(request: HttpRequest, evaluation_id: int, payload: EvaluationDecisionIn) -> dict[str, Any]:
    ev = selectors.evaluation_for(request.user, evaluation_id)  # type: ignore[arg-type]
    return _ev_out(services.credit_evaluation_reject(evaluation=ev, actor=request.user,  # type: ignore[arg-type]
                                                     comment=payload.comment))


@router.post("/customers/{customer_id}/guarantees", response={201: GuaranteeOut})
def guarantee_record(request: HttpRequest, customer_id: int, payload: GuaranteeIn) -> Status:
    customer = selectors.customer_for(request.user, customer_id)  # type: ignore[arg-type]
    order = selectors.order_for_finance(request.user, payload.order_number) if payload.order_number else None  # type: ignore[arg-type]
    g: Guarantee = services.guarantee_record(
        customer=customer, actor=request.user, kind=payload.kind, amount=payload.amount,  # type: ignore[arg-type]
        valid_from=payload.valid_from, valid_until=payload.valid_until, order=order, percent=payload.percent,
        guarantor=payload.guarantor, reference=payload.reference)
    return Status(201, {"id": g.pk, "customer_id": g.customer_id, "order_number": order.number if order else None,
                        "kind": g.kind, "amount": g.amount, "valid_from": g.valid_from,
                        "valid_until": g.valid_until})


@router.get("/holds", response=list[HoldOut], summary="Holds waiting for release, oldest first, paged (P5.1.b)")
@paginate(Paged)
def holds_waiting(request: HttpRequest) -> Mapped:
    return Mapped(selectors.holds_waiting(request.user), _hold_out)  # type: ignore[arg-type]


@router.post("/holds/{hold_id}/release", response=HoldOut)
def hold_release(request: HttpRequest, hold_id: int, payload: HoldReleaseIn) -> dict[str, Any]:
    hold = selectors.hold_for(request.user, hold_id)  # type: ignore[arg-type]
    hold = services.credit_hold_release(hold=hold, actor=request.user, reason=payload.reason)  # type: ignore[arg-type]
    hold.refresh_from_db()
    return _hold_out(CreditHold.objects.select_related("order", "customer", "released_by").get(pk=hold.pk))


class PolicyIO(Schema):
    version: int = 0
    weights: dict[str, int]
    bands: list[dict[str, Any]]
    finance_release_authority: Decimal
    watch_overdue_days: int
    stop_overdue_days: int
    limit_cut_percent: int
    term_cut_days: int
    near_limit_percent: int = 80
    note: str = ""
    # "in_force", or "proposed" until a leader approves it (then it has no effect), or "rejected".
    state: str = ""


def _policy_out(p: Any) -> dict[str, Any]:
    return {"version": p.version, "state": p.state, "weights": {"qualification": p.weight_qualification,
                                              "financial": p.weight_financial,
                                              "reputation": p.weight_reputation, "payment": p.weight_payment},
            "bands": p.bands, "finance_release_authority": p.finance_release_authority,
            "watch_overdue_days": p.watch_overdue_days, "stop_overdue_days": p.stop_overdue_days,
            "limit_cut_percent": p.limit_cut_percent, "term_cut_days": p.term_cut_days,
            "near_limit_percent": p.near_limit_percent, "note": p.note}


@router.get("/policy", response=PolicyIO)
def policy_current(request: HttpRequest) -> dict[str, Any]:
    """P5.1.a: the scorecard in force."""
    selectors.require_finance_view(request.user)  # type: ignore[arg-type]
    return _policy_out(services.policy_current())


@router.post("/policy", response={201: PolicyIO})
def policy_update(request: HttpRequest, payload: PolicyIO) -> Status:
    """P5.1.a: a new version of the scorecard (finance); the previous versions stay."""
    selectors.require_finance_view(request.user)  # type: ignore[arg-type]
    data = payload.dict()
    data.pop("version")
    data.pop("state")
    return Status(201, _policy_out(services.scorecard_policy_propose(actor=request.user, **data)))  # type: ignore[arg-type]


def _proposal(version: int) -> Any:
    from ordertaking.common.errors import NotFound

    from .models import ScorecardPolicy

    policy = ScorecardPolicy.objects.filter(version=version).first()
    if policy is None:
        raise NotFound("No such scorecard version.", code="not_found")
    return policy


class PolicyDecisionIn(Schema):
    comment: str = ""


@router.post("/policy/{int:version}/approve", response=PolicyIO)
def policy_approve(request: HttpRequest, version: int,
                   payload: PolicyDecisionIn = Body(None)) -> dict[str, Any]:  # noqa: B008 - optional body
    """P5.1.a, issue 8: a leader other than the proposer puts a proposed version in force."""
    selectors.require_finance_view(request.user)  # type: ignore[arg-type]
    return _policy_out(services.scorecard_policy_approve(policy=_proposal(version), actor=request.user,  # type: ignore[arg-type]
                                                         comment=payload.comment if payload else ""))


@router.post("/policy/{int:version}/reject", response=PolicyIO)
def policy_reject(request: HttpRequest, version: int, payload: PolicyDecisionIn) -> dict[str, Any]:
    """The leader refuses a proposed version, saying why; the version in force stays."""
    selectors.require_finance_view(request.user)  # type: ignore[arg-type]
    return _policy_out(services.scorecard_policy_reject(policy=_proposal(version), actor=request.user,  # type: ignore[arg-type]
                                                        comment=payload.comment))
