"""Acceptance (P2.5.c), acceptance issues and compensation (P2.5.d) in the JSON API, mounted by deliveries' router
at /api/v1/deliveries: `/orders/{number}/acceptance`, `/orders/{number}/close`, `/issues`, `/issues/{number}/…`,
`/compensations/{id}/approve|refuse|withdraw`. Same services as the pages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from ordertaking.common.api import Mapped, Paged, choice
from ordertaking.common.errors import PermissionDenied, ValidationFailed
from ordertaking.confidentiality.selectors import lens_for
from ordertaking.deliveries.models import AcceptanceIssue, Compensation, Criterion, IssueClass, LineCheck, Via
from ordertaking.deliveries.selectors import people_visible, person_shown
from ordertaking.orders.states import OrderState

from . import selectors, services

router = Router()


class AcceptanceVerdictIn(Schema):
    model_config = ConfigDict(extra="forbid")

    accepted: bool
    note: str = Field("", max_length=4000, description="What is wrong; required when rejected")


class AcceptanceCriteriaIn(Schema):
    model_config = ConfigDict(extra="forbid")

    quantity: AcceptanceVerdictIn
    specification: AcceptanceVerdictIn
    quality: AcceptanceVerdictIn
    performance: AcceptanceVerdictIn


class LineAcceptanceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    line: int = Field(..., ge=1, le=100_000, description="The order line's position (1, 2, …)")
    criteria: AcceptanceCriteriaIn


class AcceptanceIn(Schema):
    """P2.5.c on the customer's behalf: the lines inspected now (others stay as they are)."""

    model_config = ConfigDict(extra="forbid")

    customer_name: str = Field(..., max_length=100, description="The person at the customer who inspected")
    lines: list[LineAcceptanceIn] = Field(..., max_length=1000)


class AcceptanceCheckOut(Schema):
    criterion: str = choice(Criterion)
    verdict: str = choice(LineCheck.Verdict)
    note: str
    via: str = choice(Via)
    customer_name: str = Field(..., description="The person at the customer who inspected; masked (刘**) unless "
                                                "the reader sees the order's contact (P4.1.c)")
    recorded_at: datetime


class LineAcceptanceOut(Schema):
    line: int
    name: str
    quantity: Decimal | None
    delivered: bool
    delivered_quantity: Decimal
    status: str = Field(..., json_schema_extra={"enum": ["pending", "accepted", "rejected"]})
    open_issue: str | None
    checks: list[AcceptanceCheckOut]


class AcceptanceOut(Schema):
    order_number: str
    order_state: str = choice(OrderState)
    lines: list[LineAcceptanceOut]
    issues_opened: list[str] = Field(default_factory=list, description="Issues this call opened")


class IssueUpdateOut(Schema):
    text: str
    by: str
    at: datetime


class CompensationOut(Schema):
    id: int
    issue: str
    order_number: str
    amount: Decimal
    basis: str
    state: str = choice(Compensation.State)
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    comment: str
    credit_note: str | None


class IssueOut(Schema):
    number: str
    order_number: str
    line: int
    criteria: list[str]
    description: str
    issue_class: str = choice(IssueClass)
    state: str = choice(AcceptanceIssue.State)
    opened_at: datetime
    opened_via: str = choice(Via)
    customer_name: str = Field(..., description="The person at the customer who raised it; masked (刘**) unless "
                                                "the reader sees the order's contact (P4.1.c)")
    deadline: date | None
    escalated_at: datetime | None
    cause: str
    responsible_department: str
    solution: str
    result: str
    closed_at: datetime | None


class IssueDetailOut(IssueOut):
    updates: list[IssueUpdateOut]
    compensations: list[CompensationOut]


class IssueClassIn(Schema):
    model_config = ConfigDict(extra="forbid")

    issue_class: str = choice(IssueClass)


class IssueAnalysisIn(Schema):
    model_config = ConfigDict(extra="forbid")

    cause: str = Field(..., max_length=4000)
    responsible_department: str = Field(..., json_schema_extra={"enum": [str(d) for d in services.DEPARTMENTS]})


class IssueSolutionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    solution: str = Field(..., max_length=4000)


class IssueProgressIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., max_length=4000)


class IssueResultIn(Schema):
    model_config = ConfigDict(extra="forbid")

    result: str = Field(..., max_length=4000)


class CustomerAnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    customer_name: str = Field(..., max_length=100)
    reason: str = Field("", max_length=4000, description="What is still wrong (when the result is not accepted)")


class CompensationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)
    basis: str = Field(..., max_length=4000)


class CompensationDecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    comment: str = Field("", max_length=4000)


class AcceptanceOrderStateOut(Schema):
    order_number: str
    order_state: str = choice(OrderState)


def acceptance_out(order: Any, request: HttpRequest, opened: list[AcceptanceIssue] | None = None) -> dict[str, Any]:
    """The order's acceptance; the person at the customer who inspected masked unless the reader sees the
    order's contact (P4.1.c)."""
    visible = people_visible(request.user, order, lens_for(request))
    rows = selectors.line_rows(order)
    return {"order_number": order.number, "order_state": order.state,
            "issues_opened": [i.number for i in opened or []],
            "lines": [{"line": r.line.position, "name": r.line.name, "quantity": r.line.quantity,
                       "delivered": r.delivered, "delivered_quantity": r.delivered_quantity, "status": r.status,
                       "open_issue": r.issue.number if r.issue else None,
                       "checks": [{"criterion": c.criterion, "verdict": c.verdict, "note": c.note, "via": c.via,
                                   "customer_name": person_shown(c.customer_name, visible),
                                   "recorded_at": c.recorded_at}
                                  for c in r.checks.values()]} for r in rows]}


def entries_from(order: Any, lines: list[LineAcceptanceIn]) -> list[tuple[Any, dict[str, Any]]]:
    by_position = {ln.position: ln for ln in order.lines.all()}
    out = []
    for i, item in enumerate(lines):
        line = by_position.get(item.line)
        if line is None:
            raise ValidationFailed(_("That line is not one of this order's."), field=f"lines.{i}.line",
                                   code="unknown_line")
        out.append((line, item.criteria.dict()))
    return out


def issue_out(i: AcceptanceIssue, request: HttpRequest) -> dict[str, Any]:
    """An issue; the person at the customer who raised it masked unless the reader sees the order's contact
    (P4.1.c)."""
    visible = people_visible(request.user, i.order, lens_for(request))
    return {"number": i.number, "order_number": i.order.number, "line": i.line.position, "criteria": i.criteria,
            "description": i.description, "issue_class": i.issue_class, "state": i.state,
            "opened_at": i.opened_at, "opened_via": i.opened_via,
            "customer_name": person_shown(i.customer_name, visible),
            "deadline": i.deadline, "escalated_at": i.escalated_at, "cause": i.cause,
            "responsible_department": i.responsible_department, "solution": i.solution, "result": i.result,
            "closed_at": i.closed_at}


def compensation_out(c: Compensation) -> dict[str, Any]:
    return {"id": c.pk, "issue": c.issue.number, "order_number": c.order.number, "amount": c.amount, "basis": c.basis,
            "state": c.state, "requested_by": c.requested_by.username, "requested_at": c.requested_at,
            "decided_by": c.decided_by.username if c.decided_by else None, "decided_at": c.decided_at,
            "comment": c.comment, "credit_note": c.credit_note.number if c.credit_note else None}


def issue_detail_out(i: AcceptanceIssue, request: HttpRequest) -> dict[str, Any]:
    comps = i.compensations.select_related("order", "issue", "requested_by", "decided_by", "credit_note")
    return {**issue_out(i, request),
            "updates": [{"text": u.text, "by": str(u.by), "at": u.at} for u in selectors.issue_updates(i)],
            "compensations": [compensation_out(c) for c in comps]}


@router.get("/orders/{number}/acceptance", response=AcceptanceOut, operation_id="acceptance_get",
            summary="The order's acceptance by line and criterion (P2.5.c)")
def acceptance_get(request: HttpRequest, number: str) -> dict[str, Any]:
    return acceptance_out(selectors.order_for(user=request.user, number=number), request)


@router.post("/orders/{number}/acceptance", response=AcceptanceOut, operation_id="acceptance_record",
             summary="Record acceptance on the customer's behalf (P2.5.c): a rejected criterion opens an issue; "
                     "all lines accepted → the order is accepted")
def acceptance_record(request: HttpRequest, number: str, payload: AcceptanceIn) -> dict[str, Any]:
    order = selectors.order_for(user=request.user, number=number)
    if not selectors.may_record(request.user, order):
        raise PermissionDenied(_("Only the order's sales rep or the order processing center records acceptance "
                                 "on the customer's behalf."))
    opened = services.acceptance_record(order=order, entries=entries_from(order, payload.lines),
                                        actor=request.user, customer_name=payload.customer_name)  # type: ignore[arg-type]
    order.refresh_from_db()
    return acceptance_out(order, request, opened)


@router.post("/orders/{number}/close", response=AcceptanceOrderStateOut, operation_id="order_close",
             summary="Close an accepted order paid in full (P3.6); 409 not_paid otherwise")
def order_close(request: HttpRequest, number: str) -> dict[str, Any]:
    order = selectors.order_for(user=request.user, number=number)
    services.order_close(order=order, actor=request.user)  # type: ignore[arg-type]
    return {"order_number": order.number, "order_state": order.state}


@router.get("/issues", response=list[IssueOut], operation_id="acceptance_issue_list")
@paginate(Paged)
def acceptance_issue_list(request: HttpRequest, state: str = "", issue_class: str = "", due: str = "",
                          order: str = "") -> Mapped:
    if not selectors.may_see_issues(request.user):
        raise PermissionDenied(_("Only those who handle acceptance issues may see them."))
    return Mapped(selectors.issue_list(request.user, state=state, issue_class=issue_class, due=due, order=order),
                  lambda i: issue_out(i, request))


@router.get("/issues/{number}", response=IssueDetailOut, operation_id="acceptance_issue_get")
def acceptance_issue_get(request: HttpRequest, number: str) -> dict[str, Any]:
    return issue_detail_out(selectors.issue_for(request.user, number), request)


def _issue_after(request: HttpRequest, number: str) -> dict[str, Any]:
    return issue_detail_out(selectors.issue_for(request.user, number), request)


@router.post("/issues/{number}/classify", response=IssueDetailOut, operation_id="acceptance_issue_classify")
def acceptance_issue_classify(request: HttpRequest, number: str, payload: IssueClassIn) -> dict[str, Any]:
    services.issue_classify(issue=selectors.issue_for(request.user, number), actor=request.user,  # type: ignore[arg-type]
                            issue_class=payload.issue_class)
    return _issue_after(request, number)


@router.post("/issues/{number}/analysis", response=IssueDetailOut, operation_id="acceptance_issue_analyse")
def acceptance_issue_analyse(request: HttpRequest, number: str, payload: IssueAnalysisIn) -> dict[str, Any]:
    services.issue_analyse(issue=selectors.issue_for(request.user, number), actor=request.user,  # type: ignore[arg-type]
                           cause=payload.cause, responsible_department=payload.responsible_department)
    return _issue_after(request, number)


@router.post("/issues/{number}/solution", response=IssueDetailOut, operation_id="acceptance_issue_solve")
def acceptance_issue_solve(request: HttpRequest, number: str, payload: IssueSolutionIn) -> dict[str, Any]:
    services.issue_solve(issue=selectors.issue_for(request.user, number), actor=request.user,  # type: ignore[arg-type]
                         solution=payload.solution)
    return _issue_after(request, number)


@router.post("/issues/{number}/progress", response={201: IssueDetailOut}, operation_id="acceptance_issue_progress")
def acceptance_issue_progress(request: HttpRequest, number: str, payload: IssueProgressIn) -> Status:
    services.issue_progress_add(issue=selectors.issue_for(request.user, number), actor=request.user,  # type: ignore[arg-type]
                                text=payload.text)
    return Status(201, _issue_after(request, number))


@router.post("/issues/{number}/resolve", response=IssueDetailOut, operation_id="acceptance_issue_resolve")
def acceptance_issue_resolve(request: HttpRequest, number: str, payload: IssueResultIn) -> dict[str, Any]:
    services.issue_resolve(issue=selectors.issue_for(request.user, number), actor=request.user,  # type: ignore[arg-type]
                           result=payload.result)
    return _issue_after(request, number)


@router.post("/issues/{number}/result-accept", response=IssueDetailOut, operation_id="acceptance_issue_result_accept",
             summary="Record that the customer accepts the result (P2.5.d): the issue closes")
def acceptance_issue_result_accept(request: HttpRequest, number: str, payload: CustomerAnswerIn) -> dict[str, Any]:
    services.issue_result_accept(issue=selectors.issue_for(request.user, number), actor=request.user,  # type: ignore[arg-type]
                                 customer_name=payload.customer_name)
    return _issue_after(request, number)


@router.post("/issues/{number}/result-reject", response=IssueDetailOut, operation_id="acceptance_issue_result_reject")
def acceptance_issue_result_reject(request: HttpRequest, number: str, payload: CustomerAnswerIn) -> dict[str, Any]:
    services.issue_result_reject(issue=selectors.issue_for(request.user, number), actor=request.user,  # type: ignore[arg-type]
                                 customer_name=payload.customer_name, reason=payload.reason)
    return _issue_after(request, number)


@router.post("/issues/{number}/compensations", response={201: CompensationOut}, operation_id="compensation_request",
             summary="Ask for compensation of a loss the quality caused (P2.5.d); leadership approves")
def compensation_request(request: HttpRequest, number: str, payload: CompensationIn) -> Status:
    issue = selectors.issue_for(request.user, number)
    comp = services.compensation_request(issue=issue, actor=request.user,  # type: ignore[arg-type]
                                         amount=payload.amount, basis=payload.basis)
    return Status(201, compensation_out(selectors.compensation_for(request.user, comp.pk)))


@router.post("/compensations/{int:compensation_id}/approve", response=CompensationOut,
             operation_id="compensation_approve",
             summary="Approve (leadership, never the requester: 403 segregation_of_duties): issues the credit note")
def compensation_approve(request: HttpRequest, compensation_id: int, payload: CompensationDecisionIn) -> dict[str, Any]:
    comp = selectors.compensation_for(request.user, compensation_id)
    services.compensation_approve(compensation=comp, actor=request.user, comment=payload.comment)  # type: ignore[arg-type]
    return compensation_out(selectors.compensation_for(request.user, compensation_id))


@router.post("/compensations/{int:compensation_id}/refuse", response=CompensationOut,
             operation_id="compensation_refuse")
def compensation_refuse(request: HttpRequest, compensation_id: int, payload: CompensationDecisionIn) -> dict[str, Any]:
    comp = selectors.compensation_for(request.user, compensation_id)
    services.compensation_refuse(compensation=comp, actor=request.user, comment=payload.comment)  # type: ignore[arg-type]
    return compensation_out(selectors.compensation_for(request.user, compensation_id))


@router.post("/compensations/{int:compensation_id}/withdraw", response=CompensationOut,
             operation_id="compensation_withdraw")
def compensation_withdraw(request: HttpRequest, compensation_id: int) -> dict[str, Any]:
    comp = selectors.compensation_for(request.user, compensation_id)
    services.compensation_withdraw(compensation=comp, actor=request.user)  # type: ignore[arg-type]
    return compensation_out(selectors.compensation_for(request.user, compensation_id))
