"""Customer feedback in the JSON API (P6.1.c, P3.2), mounted at /api/v1/feedback. The same services as
the pages: complaints and disputes through their workflow, satisfaction surveys and their averages.

No `from __future__ import annotations` here: the paged list's date query parameters are resolved by
ninja's paginate wrapper, outside this module's namespace."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from ordertaking.accounts.models import User
from ordertaking.common.api import Mapped, Paged, choice
from ordertaking.common.errors import NotFound, ValidationFailed
from ordertaking.confidentiality.selectors import Lens, lens_for
from ordertaking.customers.models import Customer
from ordertaking.customers.selectors import customers_visible
from ordertaking.orders.selectors import visible_orders

from . import selectors, services
from .models import Complaint, ComplaintNote, Survey

router = Router()


# --- complaints -------------------------------------------------------------------------------------

class ComplaintNoteOut(Schema):
    text: str
    public: bool = Field(..., description="the customer reads it on their page")
    author: str | None = Field(None, description="null: the customer wrote it on their page")
    created_at: datetime


class ComplaintOut(Schema):
    number: str
    kind: str = choice(Complaint.Kind)
    category: str = choice(Complaint.Category)
    source: str = choice(Complaint.Source)
    state: str = choice(Complaint.State)
    customer_id: int
    customer: str
    order_number: str | None = None
    contact_name: str
    contact: str
    description: str
    handler: str | None = Field(None, description="the handler's username")
    due_date: date
    overdue: bool
    escalated_at: datetime | None = None
    resolution: str
    resolved_at: datetime | None = None
    confirmed_at: datetime | None = None
    confirmed_how: str = Field("", json_schema_extra={"enum": ["", *Complaint.Confirmation.values]})
    reopen_count: int
    created_at: datetime
    notes: list[ComplaintNoteOut] | None = Field(None, description="on the single complaint only")


def _complaint_out(c: Complaint, lens: Lens, *, notes: bool = False) -> dict[str, Any]:
    """P4.1.c: the complainant's name and contact masked unless the reader holds a duty for the customer."""
    from django.utils import timezone

    contact = selectors.complaint_contact(c, lens)

    out: dict[str, Any] = {
        "number": c.number, "kind": c.kind, "category": c.category, "source": c.source, "state": c.state,
        "customer_id": c.customer_id, "customer": c.customer.name,
        "order_number": c.order.number if c.order is not None else None, "contact_name": contact["contact_name"],
        "contact": contact["contact"], "description": c.description,
        "handler": c.handler.username if c.handler is not None else None, "due_date": c.due_date,
        "overdue": c.is_open and c.due_date < timezone.localdate(), "escalated_at": c.escalated_at,
        "resolution": c.resolution, "resolved_at": c.resolved_at, "confirmed_at": c.confirmed_at,
        "confirmed_how": c.confirmed_how, "reopen_count": c.reopen_count, "created_at": c.created_at}
    if notes:
        out["notes"] = [_note_out(n) for n in selectors.complaint_notes(c)]
    return out


def _note_out(n: ComplaintNote) -> dict[str, Any]:
    return {"text": n.text, "public": n.public, "author": n.author.username if n.author is not None else None,
            "created_at": n.created_at}


@router.get("/complaints", response=list[ComplaintOut])
@paginate(Paged)
def complaint_list(request: HttpRequest, state: str = "", kind: str = "", category: str = "", due: str = "",
                   handler: str = "", q: str = "", mine: bool = False) -> Mapped:
    """P3.2: the complaints the caller may see. `state` may be "open"; `due` "overdue" or "soon";
    `handler` a username."""
    user = request.user
    if not selectors.may_see_complaints(user):
        from ordertaking.common.errors import PermissionDenied

        raise PermissionDenied("complaint_record, complaint_handle or feedback_view_all required")
    handler_id = None
    if handler:
        handler_id = User.objects.filter(username=handler[:150]).values_list("pk", flat=True).first() or -1
    qs = selectors.complaint_list(user, state=state, kind=kind, category=category, due=due, handler=handler_id,
                                  q=q[:100], mine_for=user if mine else None)
    lens = lens_for(request)
    return Mapped(qs, lambda c: _complaint_out(c, lens))


class ComplaintIn(Schema):
    customer_id: int | None = Field(None, ge=1, le=2**31 - 1, description="or order_number")
    order_number: str | None = Field(None, max_length=40)
    kind: str = choice(Complaint.Kind, Complaint.Kind.COMPLAINT)
    category: str = choice(Complaint.Category)
    source: str = Field(..., json_schema_extra={"enum": [v for v in Complaint.Source.values if v != "portal"]})
    description: str = Field(..., min_length=1, max_length=5000)
    contact_name: str = Field("", max_length=100)
    contact: str = Field("", max_length=200)


@router.post("/complaints", response={201: ComplaintOut})
def complaint_create(request: HttpRequest, payload: ComplaintIn) -> Status:
    user = request.user
    order = None
    if payload.order_number:
        order = visible_orders(user).filter(number=payload.order_number.strip().upper()).first()
        if order is None:
            raise NotFound(f"no order {payload.order_number}", field="order_number")
    customer: Customer | None = None
    if payload.customer_id is not None:
        customer = customers_visible(user=user).filter(pk=payload.customer_id).first()
        if customer is None:
            raise NotFound("no such customer", field="customer_id")
    if customer is None and order is None:
        raise ValidationFailed("give customer_id or order_number", field="customer_id")
    c = services.complaint_record(actor=user, customer=customer, order=order, kind=payload.kind,
                                  category=payload.category, description=payload.description, source=payload.source,
                                  contact_name=payload.contact_name, contact=payload.contact)
    return Status(201, _complaint_out(selectors.complaint_for(user, c.number), lens_for(request), notes=True))


@router.get("/complaints/{number}", response=ComplaintOut)
def complaint_get(request: HttpRequest, number: str) -> dict[str, Any]:
    return _complaint_out(selectors.complaint_for(request.user, number), lens_for(request), notes=True)


class AssignIn(Schema):
    handler: str = Field(..., min_length=1, max_length=150, description="the handler's username")
    note: str = Field("", max_length=500)


@router.post("/complaints/{number}/assign", response=ComplaintOut)
def complaint_assign(request: HttpRequest, number: str, payload: AssignIn) -> dict[str, Any]:
    c = selectors.complaint_for(request.user, number)
    handler = User.objects.filter(username=payload.handler).first()
    if handler is None:
        raise ValidationFailed("unknown user", field="handler")
    services.complaint_assign(complaint=c, actor=request.user, handler=handler, note=payload.note)
    return _complaint_out(selectors.complaint_for(request.user, number), lens_for(request), notes=True)


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


@router.post("/complaints/{number}/investigate", response=ComplaintOut)
def complaint_investigate(request: HttpRequest, number: str, payload: NoteIn) -> dict[str, Any]:
    c = selectors.complaint_for(request.user, number)
    services.complaint_investigate(complaint=c, actor=request.user, note=payload.note)
    return _complaint_out(selectors.complaint_for(request.user, number), lens_for(request), notes=True)


class ProgressNoteIn(Schema):
    text: str = Field(..., min_length=1, max_length=2000)
    public: bool = Field(True, description="the customer reads it on their page")


@router.post("/complaints/{number}/notes", response={201: ComplaintNoteOut})
def complaint_note_add(request: HttpRequest, number: str, payload: ProgressNoteIn) -> Status:
    c = selectors.complaint_for(request.user, number)
    n = services.complaint_note_add(complaint=c, actor=request.user, text=payload.text, public=payload.public)
    return Status(201, _note_out(n))


class ResolveIn(Schema):
    resolution: str = Field(..., min_length=1, max_length=5000)


@router.post("/complaints/{number}/resolve", response=ComplaintOut)
def complaint_resolve(request: HttpRequest, number: str, payload: ResolveIn) -> dict[str, Any]:
    c = selectors.complaint_for(request.user, number)
    services.complaint_resolve(complaint=c, actor=request.user, resolution=payload.resolution)
    return _complaint_out(selectors.complaint_for(request.user, number), lens_for(request), notes=True)


class ConfirmIn(Schema):
    how: str = Field(..., json_schema_extra={"enum": [v for v in Complaint.Confirmation.values if v != "portal"]},
                     description="how the customer confirmed")
    note: str = Field("", max_length=500)


@router.post("/complaints/{number}/confirm", response=ComplaintOut)
def complaint_confirm(request: HttpRequest, number: str, payload: ConfirmIn) -> dict[str, Any]:
    c = selectors.complaint_for(request.user, number)
    services.complaint_confirm(complaint=c, actor=request.user, how=payload.how, note=payload.note)
    return _complaint_out(selectors.complaint_for(request.user, number), lens_for(request), notes=True)


class ReopenIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


@router.post("/complaints/{number}/reopen", response=ComplaintOut)
def complaint_reopen(request: HttpRequest, number: str, payload: ReopenIn) -> dict[str, Any]:
    c = selectors.complaint_for(request.user, number)
    services.complaint_reopen(complaint=c, actor=request.user, reason=payload.reason)
    return _complaint_out(selectors.complaint_for(request.user, number), lens_for(request), notes=True)


# --- surveys ----------------------------------------------------------------------------------------

class SurveyOut(Schema):
    order_number: str
    customer: str
    sales_rep: str = Field(..., description="the rep's username")
    state: str = choice(Survey.State)
    invited_at: datetime
    sent_to: str
    answered_at: datetime | None = None
    recorded_by: str | None = Field(None, description="null: the customer answered on their page")
    overall: int | None = Field(None, ge=1, le=5)
    product: int | None = Field(None, ge=1, le=5)
    delivery: int | None = Field(None, ge=1, le=5)
    service: int | None = Field(None, ge=1, le=5)
    comment: str


def _survey_out(s: Survey) -> dict[str, Any]:
    return {"order_number": s.order.number, "customer": s.customer.name, "sales_rep": s.sales_rep.username,
            "state": s.state, "invited_at": s.invited_at, "sent_to": s.sent_to, "answered_at": s.answered_at,
            "recorded_by": s.answered_by.username if s.answered_by is not None else None, "overall": s.overall,
            "product": s.product, "delivery": s.delivery, "service": s.service, "comment": s.comment}


def _rep_id(rep: str) -> int | None:
    if not rep:
        return None
    return User.objects.filter(username=rep[:150]).values_list("pk", flat=True).first() or -1


@router.get("/surveys", response=list[SurveyOut])
@paginate(Paged)
def survey_list(request: HttpRequest, date_from: date | None = None, date_to: date | None = None, rep: str = "",
                state: str = "", q: str = "") -> Mapped:
    """P6.1.c: the surveys the caller may see (feedback_view_all: all; a rep: their orders'), answered
    between `date_from` and `date_to` (inclusive), of one rep (username)."""
    qs = selectors.survey_list(request.user, date_from=date_from, date_to=date_to, rep=_rep_id(rep), state=state,
                               q=q[:100])
    return Mapped(qs.select_related("answered_by"), _survey_out)


class AveragesOut(Schema):
    invited: int
    answered: int
    overall: Decimal | None = None
    product: Decimal | None = None
    delivery: Decimal | None = None
    service: Decimal | None = None


class RepAveragesOut(Schema):
    sales_rep: str
    answered: int
    overall: Decimal | None = None
    product: Decimal | None = None
    delivery: Decimal | None = None
    service: Decimal | None = None


class SurveyAveragesOut(Schema):
    total: AveragesOut
    by_rep: list[RepAveragesOut]


@router.get("/surveys/averages", response=SurveyAveragesOut)
def survey_averages(request: HttpRequest, date_from: date | None = None, date_to: date | None = None,
                    rep: str = "") -> dict[str, Any]:
    """P6.1.c / P6.2 客户满意度: average scores (one decimal) of the answered surveys in the period."""
    base = selectors.survey_filter(selectors.surveys_visible(request.user), date_from=date_from, date_to=date_to,
                                   rep=_rep_id(rep))
    a = selectors.survey_averages(base)
    names = dict(User.objects.filter(pk__in=base.values("sales_rep")).values_list("pk", "username"))
    return {"total": {"invited": a.invited, "answered": a.count, "overall": a.overall, "product": a.product,
                      "delivery": a.delivery, "service": a.service},
            "by_rep": [{"sales_rep": names.get(r["rep_id"], ""), "answered": r["count"],
                        "overall": r["overall"], "product": r["product"], "delivery": r["delivery"],
                        "service": r["service"]} for r in selectors.survey_averages_by_rep(base)]}


class SurveyAnswerIn(Schema):
    overall: int = Field(..., ge=1, le=5)
    product: int = Field(..., ge=1, le=5)
    delivery: int = Field(..., ge=1, le=5)
    service: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=2000)


@router.post("/surveys/{number}/answers", response=SurveyOut)
def survey_answer_record(request: HttpRequest, number: str, payload: SurveyAnswerIn) -> dict[str, Any]:
    """Customer service records the answers the customer gave by phone (complaint_record)."""
    survey = selectors.surveys_visible(request.user).filter(order__number=number.strip().upper()[:40]).first()
    if survey is None:
        raise NotFound(f"no survey for order {number}")
    services.survey_answer(survey=survey, actor=request.user, overall=payload.overall, product=payload.product,
                           delivery=payload.delivery, service=payload.service, comment=payload.comment)
    survey.refresh_from_db()
    return _survey_out(survey)


# --- the customer, by the private link's token (no account: the token is the credential) -------------

PORTAL_NOTE = ("The customer's own feedback by the private link's token (the part after /p/ of their link). "
               "A bad, unknown, revoked or expired token answers 404 (`link_invalid` / `link_expired`).")


def _link_order(token: str) -> Any:
    from ordertaking.portal.selectors import link_from_token

    return link_from_token(token).order


class PortalSurveyOut(Schema):
    order_number: str
    state: str = choice(Survey.State)
    overall: int | None = Field(None, ge=1, le=5)
    product: int | None = Field(None, ge=1, le=5)
    delivery: int | None = Field(None, ge=1, le=5)
    service: int | None = Field(None, ge=1, le=5)
    comment: str
    answered_at: datetime | None = None


def _portal_survey(order: Any) -> Survey:
    s = selectors.order_survey(order)
    if s is None and order.state in selectors.ACCEPTED_STATES:
        s = services.survey_invite(order=order, actor=None, send=False)
    if s is None:
        raise NotFound("the survey opens once the order is accepted", code="survey_not_open")
    return s


def _portal_survey_out(s: Survey, order: Any) -> dict[str, Any]:
    return {"order_number": order.number, "state": s.state, "overall": s.overall, "product": s.product,
            "delivery": s.delivery, "service": s.service, "comment": s.comment, "answered_at": s.answered_at}


@router.get("/portal/{token}/survey", auth=None, response=PortalSurveyOut,
            openapi_extra={"description": PORTAL_NOTE})
def portal_survey_get(request: HttpRequest, token: str) -> dict[str, Any]:
    order = _link_order(token)
    return _portal_survey_out(_portal_survey(order), order)


@router.post("/portal/{token}/survey", auth=None, response=PortalSurveyOut,
             openapi_extra={"description": PORTAL_NOTE + " The survey is answered once."})
def portal_survey_answer(request: HttpRequest, token: str, payload: SurveyAnswerIn) -> dict[str, Any]:
    order = _link_order(token)
    s = services.survey_answer(survey=_portal_survey(order), via_portal=True, overall=payload.overall,
                               product=payload.product, delivery=payload.delivery, service=payload.service,
                               comment=payload.comment)
    return _portal_survey_out(s, order)


class ComplaintStepOut(Schema):
    label: str
    at: datetime | None = None
    done: bool


class ComplaintPublicNoteOut(Schema):
    text: str
    from_customer: bool
    created_at: datetime


class PortalComplaintOut(Schema):
    number: str
    kind: str = choice(Complaint.Kind)
    category: str = choice(Complaint.Category)
    state: str = choice(Complaint.State)
    state_label: str
    description: str
    due_date: date
    resolution: str
    steps: list[ComplaintStepOut]
    notes: list[ComplaintPublicNoteOut] = Field(..., description="the notes the customer may read")
    created_at: datetime


def _portal_complaint_out(c: Complaint) -> dict[str, Any]:
    return {"number": c.number, "kind": c.kind, "category": c.category, "state": c.state,
            "state_label": str(c.get_state_display()), "description": c.description, "due_date": c.due_date,
            "resolution": c.resolution, "created_at": c.created_at,
            "steps": [{"label": str(s.label), "at": s.at, "done": s.done} for s in selectors.customer_steps(c)],
            "notes": [{"text": n.text, "from_customer": n.author_id is None, "created_at": n.created_at}
                      for n in selectors.public_notes(c)]}


@router.get("/portal/{token}/complaints", auth=None, response=list[PortalComplaintOut],
            openapi_extra={"description": PORTAL_NOTE})
@paginate(Paged)
def portal_complaint_list(request: HttpRequest, token: str) -> Mapped:
    order = _link_order(token)
    return Mapped(Complaint.objects.filter(order=order).order_by("-created_at", "-id"), _portal_complaint_out)


class PortalComplaintIn(Schema):
    kind: str = choice(Complaint.Kind, Complaint.Kind.COMPLAINT)
    category: str = choice(Complaint.Category)
    description: str = Field(..., min_length=1, max_length=5000)
    contact_name: str = Field("", max_length=100)
    contact: str = Field("", max_length=200)


@router.post("/portal/{token}/complaints", auth=None, response={201: PortalComplaintOut},
             openapi_extra={"description": PORTAL_NOTE})
def portal_complaint_create(request: HttpRequest, token: str, payload: PortalComplaintIn) -> Status:
    order = _link_order(token)
    c = services.complaint_record(order=order, via_portal=True, kind=payload.kind, category=payload.category,
                                  description=payload.description, contact_name=payload.contact_name,
                                  contact=payload.contact)
    return Status(201, _portal_complaint_out(c))


class ComplaintStepIn(Schema):
    text: str = Field("", max_length=2000, description="a note (confirm), what is still wrong (reopen), a message")


def _portal_complaint(token: str, number: str) -> Complaint:
    order = _link_order(token)
    c = Complaint.objects.filter(order=order, number=number.strip().upper()[:30]).first()
    if c is None:
        raise NotFound("no such complaint on this order")
    return c


@router.post("/portal/{token}/complaints/{number}/confirm", auth=None, response=PortalComplaintOut,
             openapi_extra={"description": PORTAL_NOTE + " The resolution settles it."})
def portal_complaint_confirm(request: HttpRequest, token: str, number: str, payload: ComplaintStepIn) -> dict[str, Any]:
    c = services.complaint_confirm(complaint=_portal_complaint(token, number), via_portal=True, note=payload.text)
    return _portal_complaint_out(c)


@router.post("/portal/{token}/complaints/{number}/reopen", auth=None, response=PortalComplaintOut,
             openapi_extra={"description": PORTAL_NOTE + " The resolution does not settle it: say why."})
def portal_complaint_reopen(request: HttpRequest, token: str, number: str, payload: ComplaintStepIn) -> dict[str, Any]:
    c = services.complaint_reopen(complaint=_portal_complaint(token, number), via_portal=True, reason=payload.text)
    return _portal_complaint_out(c)


@router.post("/portal/{token}/complaints/{number}/messages", auth=None, response={201: ComplaintPublicNoteOut},
             openapi_extra={"description": PORTAL_NOTE + " A message to the handler."})
def portal_complaint_message(request: HttpRequest, token: str, number: str, payload: ComplaintStepIn) -> Status:
    n = services.complaint_note_add(complaint=_portal_complaint(token, number), via_portal=True, text=payload.text)
    return Status(201, {"text": n.text, "from_customer": True, "created_at": n.created_at})
