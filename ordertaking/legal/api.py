"""/api/v1/legal (P5.3), mounted in ordertaking/api.py: the legal adviser's queue and opinion, the amount
threshold, the compliance reviews. The same services and selectors as the pages.
No `from __future__ import annotations`: ninja resolves the paged list's parameters outside this module."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from ordertaking.accounts.models import User
from ordertaking.common.api import Mapped, Paged, choice
from ordertaking.common.errors import NotFound, PermissionDenied, ValidationFailed

from . import rules, selectors, services
from .models import ComplianceItem, ComplianceReview, LegalReview, Reason, Result

router = Router()


# --- legal reviews of orders ------------------------------------------------------------------------------

class LegalReviewOut(Schema):
    order: str = Field(..., description="order number")
    revision: int
    state: str = choice(LegalReview.State)
    state_label: str
    reasons: list[str] = Field(..., json_schema_extra={"items": {"enum": list(Reason.values)}})
    reasons_text: str = Field(..., description="the reasons in words, with their figures")
    flagged_at: datetime
    opinion: str
    decided_by: str | None = Field(None, description="the legal adviser's username")
    decided_at: datetime | None = None


def _review_out(r: LegalReview) -> dict[str, Any]:
    return {"order": r.order.number, "revision": r.revision, "state": r.state,
            "state_label": str(r.get_state_display()),
            "reasons": list(r.reasons), "reasons_text": rules.reasons_text(r.reasons, r.details),
            "flagged_at": r.flagged_at, "opinion": r.opinion,
            "decided_by": r.decided_by.username if r.decided_by else None, "decided_at": r.decided_at}


@router.get("/reviews", response=list[LegalReviewOut],
            summary="Orders flagged for legal review (P5.3): waiting ones by default, oldest first")
@paginate(Paged)
def review_list(request: HttpRequest, state: str = LegalReview.State.PENDING.value, q: str = "") -> Mapped:
    if not selectors.may_see_legal(request.user):
        raise PermissionDenied(_("Legal advisers, leadership and auditors see the legal reviews (P5.3)."))
    return Mapped(selectors.legal_queue(user=request.user, state=state, q=q[:100]), _review_out)


class LegalOpinionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    outcome: str = choice(LegalReview.State, max_length=10, description="approved (no objection) or objected")
    opinion: str = Field(..., max_length=5000)


@router.post("/orders/{number}/opinion", response=LegalReviewOut,
             summary="The legal opinion on the order's current revision (P5.3; legal_review)")
def opinion_record(request: HttpRequest, number: str, payload: LegalOpinionIn) -> dict[str, Any]:
    order = selectors.order_for_legal(user=request.user, number=number)
    review = services.legal_opinion_record(order=order, actor=request.user, outcome=payload.outcome,
                                           opinion=payload.opinion)
    return _review_out(LegalReview.objects.select_related("order", "decided_by").get(pk=review.pk))


@router.get("/orders/{number}", response=list[LegalReviewOut], summary="An order's legal reviews, newest first")
def order_reviews(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    order = selectors.order_for_legal(user=request.user, number=number)
    return [_review_out(r) for r in LegalReview.objects.filter(order=order).select_related("order", "decided_by")
            .order_by("-revision")]


# --- the threshold ---------------------------------------------------------------------------------------

class ThresholdOut(Schema):
    amount: Decimal = Field(..., description="an order above it needs the legal opinion (P5.3)")


class ThresholdIn(Schema):
    model_config = ConfigDict(extra="forbid")

    amount: Decimal
    note: str = Field("", max_length=5000)


@router.get("/threshold", response=ThresholdOut, summary="The legal review amount threshold in force")
def threshold_get(request: HttpRequest) -> dict[str, Any]:
    return {"amount": selectors.threshold_now()}


@router.put("/threshold", response=ThresholdOut, summary="Set the legal review threshold (P5.3; legal_rule_manage)")
def threshold_set(request: HttpRequest, payload: ThresholdIn) -> dict[str, Any]:
    row = services.legal_threshold_set(actor=request.user, amount=payload.amount, note=payload.note)
    return {"amount": row.amount}


# --- compliance reviews ----------------------------------------------------------------------------------

class ComplianceItemOut(Schema):
    position: int
    key: str
    title: str
    evidence: str
    result: str = Field(..., json_schema_extra={"enum": ["", *Result.values]})
    follow_up: str
    follow_up_owner: str | None = None
    follow_up_due: date | None = None
    answered_by: str | None = None
    answered_at: datetime | None = None


class ComplianceReviewOut(Schema):
    id: int
    period: str
    period_start: date
    period_end: date
    state: str = choice(ComplianceReview.State)
    state_label: str
    assignee: str
    completed_by: str | None = None
    completed_at: datetime | None = None
    summary: str
    signed_off_by: str | None = None
    signed_off_at: datetime | None = None
    sign_off_comment: str
    items: list[ComplianceItemOut] | None = Field(None, description="on the single review only")


def _name(u: User | None) -> str | None:
    return u.username if u is not None else None


def _compliance_out(r: ComplianceReview, *, items: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": r.pk, "period": str(r), "period_start": r.period_start, "period_end": r.period_end, "state": r.state,
        "state_label": str(r.get_state_display()), "assignee": r.assignee.username,
        "completed_by": _name(r.completed_by), "completed_at": r.completed_at, "summary": r.summary,
        "signed_off_by": _name(r.signed_off_by), "signed_off_at": r.signed_off_at,
        "sign_off_comment": r.sign_off_comment}
    if items:
        out["items"] = [{"position": row["item"].position, "key": row["item"].key, "title": str(row["title"]),
                         "evidence": row["item"].evidence, "result": row["item"].result,
                         "follow_up": row["item"].follow_up, "follow_up_owner": _name(row["item"].follow_up_owner),
                         "follow_up_due": row["item"].follow_up_due, "answered_by": _name(row["item"].answered_by),
                         "answered_at": row["item"].answered_at} for row in selectors.compliance_items(r)]
    return out


@router.get("/compliance", response=list[ComplianceReviewOut], summary="The compliance reviews, newest first")
@paginate(Paged)
def compliance_list(request: HttpRequest) -> Mapped:
    if not request.user.has_perm("accounts.compliance_review_view"):
        raise PermissionDenied(_("Legal advisers, leadership and auditors see the compliance reviews (P5.3)."))
    return Mapped(selectors.compliance_reviews(user=request.user), _compliance_out)


@router.get("/compliance/{pk}", response=ComplianceReviewOut)
def compliance_get(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _compliance_out(selectors.compliance_review_get(user=request.user, pk=pk), items=True)


class ItemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    result: str = choice(Result, max_length=16)
    evidence: str = Field("", max_length=5000)
    follow_up: str = Field("", max_length=5000)
    follow_up_owner: str | None = Field(None, description="username; required with result=issue")
    follow_up_due: date | None = None


@router.post("/compliance/{pk}/items/{position}", response=ComplianceReviewOut,
             summary="Answer one checklist item (P5.3; compliance_review_manage)")
def compliance_item(request: HttpRequest, pk: int, position: int, payload: ItemIn) -> dict[str, Any]:
    review = selectors.compliance_review_get(user=request.user, pk=pk)
    item = ComplianceItem.objects.filter(review=review, position=position).first()
    if item is None:
        raise NotFound(_("No such item."), code="not_found")
    owner = None
    if payload.follow_up_owner:
        owner = User.objects.filter(username=payload.follow_up_owner, is_active=True).first()
        if owner is None:
            raise ValidationFailed(_("Unknown user."), code="unknown_user", field="follow_up_owner")
    services.compliance_item_record(item=item, actor=request.user, result=payload.result, evidence=payload.evidence,
                                    follow_up=payload.follow_up, follow_up_owner=owner,
                                    follow_up_due=payload.follow_up_due)
    return _compliance_out(selectors.compliance_review_get(user=request.user, pk=pk), items=True)


class CommentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field("", max_length=5000)


@router.post("/compliance/{pk}/complete", response=ComplianceReviewOut,
             summary="Complete the review: every item answered (P5.3)")
def compliance_complete(request: HttpRequest, pk: int, payload: CommentIn) -> dict[str, Any]:
    review = selectors.compliance_review_get(user=request.user, pk=pk)
    services.compliance_review_complete(review=review, actor=request.user, summary=payload.text)
    return _compliance_out(selectors.compliance_review_get(user=request.user, pk=pk), items=True)


@router.post("/compliance/{pk}/sign-off", response=ComplianceReviewOut,
             summary="Sign the completed review off (leadership, not whoever did it; P5.3)")
def compliance_sign_off(request: HttpRequest, pk: int, payload: CommentIn) -> dict[str, Any]:
    review = selectors.compliance_review_get(user=request.user, pk=pk)
    services.compliance_review_sign_off(review=review, actor=request.user, comment=payload.text)
    return _compliance_out(selectors.compliance_review_get(user=request.user, pk=pk), items=True)
