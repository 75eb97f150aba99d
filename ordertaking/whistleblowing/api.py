"""/api/v1/whistleblowing (P6.1.b), mounted in ordertaking/api.py. The same services and selectors as the
pages: the investigators' reports (each opening logged), their steps and questions, and leadership's
oversight (receipt code, state, age — never the content). Reporting itself is the public page's."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from ordertaking.common.api import Mapped, Paged, choice
from ordertaking.common.errors import PermissionDenied

from . import selectors, services
from .models import Message, Report

router = Router()


class WhistleblowingMessageOut(Schema):
    from_reporter: bool
    text: str
    created_at: datetime


class WhistleblowingReportOut(Schema):
    receipt_code: str
    state: str = choice(Report.State)
    channel: str = choice(Report.Channel)
    created_at: datetime
    state_since: datetime
    overdue: bool
    age_days: int
    handler: str | None = Field(None, description="the investigator's username")
    what: str | None = Field(None, description="on the single report only")
    when: str | None = None
    order_numbers: str | None = None
    persons: str | None = None
    anonymous: bool | None = None
    reporter_name: str | None = None
    reporter_contact: str | None = None
    assessment: str | None = None
    outcome: str | None = None
    actions: str | None = None
    messages: list[WhistleblowingMessageOut] | None = None


def _out(r: Report, *, full: bool = False) -> dict[str, Any]:
    st = selectors.status_of(r, timezone.now())
    out: dict[str, Any] = {"receipt_code": r.receipt_code, "state": r.state, "channel": r.channel,
                           "created_at": r.created_at, "state_since": r.state_since, "overdue": st["overdue"],
                           "age_days": st["age"], "handler": r.handler.username if r.handler is not None else None}
    if full:
        out.update({k: getattr(r, k) for k in ("what", "when", "order_numbers", "persons", "anonymous",
                                                "reporter_name", "reporter_contact", "assessment", "outcome",
                                                "actions")})
        out["messages"] = [{"from_reporter": m.author_kind == Message.Author.REPORTER, "text": m.text,
                            "created_at": m.created_at} for m in selectors.thread(r)]
    return out


@router.get("/reports", response=list[WhistleblowingReportOut])
@paginate(Paged)
def report_list(request: HttpRequest, state: str = "", overdue: bool = False, q: str = "") -> Mapped:
    """P6.1.b: the reports the investigator may read (`state` may be "open"); never one that names them."""
    if not selectors.may_investigate(request.user):
        raise PermissionDenied("whistleblowing_investigate required")
    return Mapped(selectors.report_list(request.user, state=state[:20], overdue=overdue, q=q[:40]), _out)


class WhistleblowingOversightOut(Schema):
    receipt_code: str
    state: str = choice(Report.State)
    created_at: datetime
    age_days: int
    overdue: bool


@router.get("/oversight", response=list[WhistleblowingOversightOut])
@paginate(Paged)
def report_oversight(request: HttpRequest, state: str = "", overdue: bool = False) -> Mapped:
    """P6.1.b for leadership: that each report is handled — code, state, age, overdue; nothing else."""
    now = timezone.now()

    def row(r: Report) -> dict[str, Any]:
        st = selectors.status_of(r, now)
        return {"receipt_code": r.receipt_code, "state": r.state, "created_at": r.created_at, "age_days": st["age"],
                "overdue": st["overdue"]}

    return Mapped(selectors.oversight_list(request.user, state=state[:20], overdue=overdue), row)


@router.get("/reports/{code}", response=WhistleblowingReportOut)
def report_get(request: HttpRequest, code: str) -> dict[str, Any]:
    """One report; the opening is logged and audited like the page's."""
    r = selectors.report_for(request.user, code[:40])
    services.report_open(actor=request.user, report=r)
    return _out(r, full=True)


class WhistleblowingMoveIn(Schema):
    note: str = Field("", max_length=10000)


@router.post("/reports/{code}/moves/{verb}", response=WhistleblowingReportOut)
def report_move(request: HttpRequest, code: str, verb: str, payload: WhistleblowingMoveIn) -> dict[str, Any]:
    """assess, dismiss (closed as unfounded), investigate, conclude, act; the note is the assessment,
    the outcome or the action taken."""
    r = selectors.report_for(request.user, code[:40])
    r = services.report_move(actor=request.user, report=r, verb=verb[:20], note=payload.note)
    return _out(selectors.report_for(request.user, r.receipt_code), full=True)


class WhistleblowingQuestionIn(Schema):
    text: str = Field(..., min_length=1, max_length=5000)


@router.post("/reports/{code}/questions", response={201: WhistleblowingMessageOut})
def report_question(request: HttpRequest, code: str, payload: WhistleblowingQuestionIn) -> Status:
    r = selectors.report_for(request.user, code[:40])
    m = services.question_ask(actor=request.user, report=r, text=payload.text)
    return Status(201, {"from_reporter": False, "text": m.text, "created_at": m.created_at})
