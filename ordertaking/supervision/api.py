"""Supervision inspections in the JSON API (P6.1.a), mounted at /api/v1/supervision. The same services as
the pages: inspections (open, sample, run the checks, findings, close), rectification tasks (assign,
respond, verify), the report as PDF and Excel.

No `from __future__ import annotations` here: ninja resolves the query parameters' types at import."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from ordertaking.accounts.models import User
from ordertaking.common.api import Mapped, Paged, choice
from ordertaking.common.errors import NotFound, PermissionDenied, ValidationFailed
from ordertaking.common.pdf import pdf_response

from . import checking, report, selectors, services
from .models import Department, Finding, Inspection, InspectionSample, RectificationTask

router = Router()


def _viewer(request: HttpRequest) -> Any:
    if not selectors.may_view(request.user):
        raise PermissionDenied("inspection_view required")
    return request.user


# --- inspections -------------------------------------------------------------------------------------------

class InspectionCheckOut(Schema):
    code: str
    label: str
    clause: str
    outcome: str = Field(..., json_schema_extra={"enum": ["pass", "fail", "not_applicable"]})
    outcome_label: str
    evidence: list[str]


class InspectionSampleOut(Schema):
    id: int
    position: int
    order_number: str
    stratum: str = Field("", description="the stratum in words")
    checked_at: datetime | None = None
    failed: int
    checks: list[InspectionCheckOut]


class RectificationTaskOut(Schema):
    number: str
    inspection: str
    finding_id: int
    order_number: str | None = None
    department: str = choice(Department)
    responsible: str | None = Field(None, description="username")
    instructions: str
    deadline: date
    overdue: bool
    state: str = choice(RectificationTask.State)
    measures: str
    responded_by: str | None = None
    responded_at: datetime | None = None
    verification: str
    verified_by: str | None = None
    closed_at: datetime | None = None


class InspectionFindingOut(Schema):
    id: int
    order_number: str | None = None
    severity: str = choice(Finding.Severity)
    clause: str
    title: str
    description: str
    check_code: str
    evidence: list[str]
    created_by: str
    created_at: datetime


class SupervisionInspectionOut(Schema):
    number: str
    title: str
    state: str = choice(Inspection.State)
    period_from: date
    period_to: date
    scope_region: str
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    only_special: bool
    only_returned: bool
    only_credit_hold: bool
    method: str = choice(Inspection.Method)
    stratify_by: str = Field("", json_schema_extra={"enum": ["", *Inspection.Strata.values]})
    amount_bands: list[Decimal]
    sample_size: int
    seed: int
    candidates: int | None = None
    created_by: str
    created_at: datetime
    sampled_at: datetime | None = None
    checked_at: datetime | None = None
    closed_at: datetime | None = None
    conclusion: str
    samples: list[InspectionSampleOut] | None = Field(None, description="on the single inspection only")
    findings: list[InspectionFindingOut] | None = None
    tasks: list[RectificationTaskOut] | None = None


def _task_out(t: RectificationTask) -> dict[str, Any]:
    return {"number": t.number, "inspection": t.inspection.number, "finding_id": t.finding_id,
            "order_number": t.finding.order.number if t.finding.order is not None else None,
            "department": t.department, "responsible": t.responsible.username if t.responsible else None,
            "instructions": t.instructions, "deadline": t.deadline, "overdue": selectors.overdue(t),
            "state": t.state, "measures": t.measures,
            "responded_by": t.responded_by.username if t.responded_by else None, "responded_at": t.responded_at,
            "verification": t.verification, "verified_by": t.verified_by.username if t.verified_by else None,
            "closed_at": t.closed_at}


def _inspection_out(insp: Inspection, *, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "number": insp.number, "title": insp.title, "state": insp.state, "period_from": insp.period_from,
        "period_to": insp.period_to, "scope_region": insp.scope_region, "amount_min": insp.amount_min,
        "amount_max": insp.amount_max, "only_special": insp.only_special, "only_returned": insp.only_returned,
        "only_credit_hold": insp.only_credit_hold, "method": insp.method, "stratify_by": insp.stratify_by,
        "amount_bands": services.bands_of(insp), "sample_size": insp.sample_size, "seed": insp.seed,
        "candidates": insp.candidates, "created_by": insp.created_by.username, "created_at": insp.created_at,
        "sampled_at": insp.sampled_at, "checked_at": insp.checked_at, "closed_at": insp.closed_at,
        "conclusion": insp.conclusion}
    if full:
        samples = selectors.inspection_samples(insp)
        findings = selectors.inspection_findings(insp)
        defs = checking.definitions() if any(s.results for s in samples) or any(f.check_code for f in findings) \
            else {}
        bands = services.bands_of(insp)
        out["samples"] = [{
            "id": s.pk, "position": s.position, "order_number": s.order.number,
            "stratum": report.stratum_words(s.stratum, bands), "checked_at": s.checked_at, "failed": s.failed,
            "checks": [{"code": c.code, "label": c.label, "clause": c.clause, "outcome": c.outcome,
                        "outcome_label": c.outcome_label, "evidence": [e for e, _u in c.evidence]}
                       for c in (checking.show_all(s.results, defs) if s.results else [])]} for s in samples]
        out["findings"] = [_finding_out(f, defs) for f in findings]
        out["tasks"] = [_task_out(t) for t in selectors.inspection_tasks(insp)]
    return out


def _finding_out(f: Finding, defs: dict[str, Any]) -> dict[str, Any]:
    w = report.finding_words(f, defs)
    return {"id": f.pk, "order_number": f.order.number if f.order is not None else None, "severity": f.severity,
            "clause": f.clause, "title": w.title, "description": f.description, "check_code": f.check_code,
            "evidence": [e for e, _u in w.evidence], "created_by": f.created_by.username,
            "created_at": f.created_at}


@router.get("/inspections", response=list[SupervisionInspectionOut])
@paginate(Paged)
def supervision_inspection_list(request: HttpRequest, state: str = "", q: str = "", date_from: date | None = None,
                    date_to: date | None = None) -> Mapped:
    """P6.1.a: the inspections (inspection_view), newest first. `date_from`/`date_to`: periods overlapping."""
    user = _viewer(request)
    return Mapped(selectors.inspection_list(user, state=state[:20], q=q[:100], date_from=date_from,
                                            date_to=date_to), _inspection_out)


class SupervisionInspectionIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    period_from: date
    period_to: date
    method: str = choice(Inspection.Method, Inspection.Method.RANDOM)
    sample_size: int = Field(20, ge=1, le=500, description="per stratum for a stratified sample")
    seed: int | None = Field(None, ge=0, le=2**63 - 1, description="empty: chosen at random and recorded")
    stratify_by: str = Field("", json_schema_extra={"enum": ["", *Inspection.Strata.values]})
    amount_bands: list[Decimal] = Field(default_factory=list, max_length=8,
                                        description="ascending limits between amount bands")
    scope_region: str = Field("", max_length=50)
    amount_min: Decimal | None = Field(None, ge=0, le=Decimal("999999999999.99"))
    amount_max: Decimal | None = Field(None, ge=0, le=Decimal("999999999999.99"))
    only_special: bool = False
    only_returned: bool = False
    only_credit_hold: bool = False


@router.post("/inspections", response={201: SupervisionInspectionOut})
def supervision_inspection_create(request: HttpRequest, payload: SupervisionInspectionIn) -> Status:
    insp = services.inspection_open(actor=request.user, **payload.dict())
    return Status(201, _inspection_out(insp, full=True))


@router.get("/inspections/{number}", response=SupervisionInspectionOut)
def supervision_inspection_get(request: HttpRequest, number: str) -> dict[str, Any]:
    return _inspection_out(selectors.inspection_for(_viewer(request), number), full=True)


@router.post("/inspections/{number}/sample", response=SupervisionInspectionOut)
def supervision_inspection_sample(request: HttpRequest, number: str) -> dict[str, Any]:
    insp = selectors.inspection_for(_viewer(request), number)
    services.inspection_sample(actor=request.user, inspection=insp)
    return _inspection_out(selectors.inspection_for(request.user, number), full=True)


@router.post("/inspections/{number}/check", response=SupervisionInspectionOut)
def supervision_inspection_check(request: HttpRequest, number: str) -> dict[str, Any]:
    insp = selectors.inspection_for(_viewer(request), number)
    services.inspection_check(actor=request.user, inspection=insp)
    return _inspection_out(selectors.inspection_for(request.user, number), full=True)


class InspectionFindingIn(Schema):
    order_number: str | None = Field(None, max_length=40, description="a sampled order; empty: the inspection")
    severity: str = choice(Finding.Severity)
    clause: str = Field("", max_length=20, description="e.g. P2.3.a; with check_code: the check's own")
    description: str = Field("", max_length=5000)
    check_code: str = Field("", max_length=60, description="a failed automatic check of the order")


@router.post("/inspections/{number}/findings", response={201: InspectionFindingOut})
def supervision_finding_create(request: HttpRequest, number: str, payload: InspectionFindingIn) -> Status:
    insp = selectors.inspection_for(_viewer(request), number)
    sample: InspectionSample | None = None
    if payload.order_number:
        sample = insp.samples.select_related("order", "inspection").filter(
            order__number=payload.order_number.strip().upper()).first()
        if sample is None:
            raise NotFound("that order is not in this inspection's sample", field="order_number")
    if payload.check_code:
        if sample is None:
            raise ValidationFailed("a finding from a check names its order", field="order_number")
        f = services.finding_from_check(actor=request.user, sample=sample, check_code=payload.check_code,
                                        severity=payload.severity, description=payload.description)
    else:
        f = services.finding_record(actor=request.user, inspection=insp, severity=payload.severity,
                                    clause=payload.clause, description=payload.description,
                                    order=sample.order if sample is not None else None)
    defs = checking.definitions() if f.check_code else {}
    return Status(201, _finding_out(Finding.objects.select_related("order", "created_by").get(pk=f.pk), defs))


class InspectionCloseIn(Schema):
    conclusion: str = Field("", max_length=5000)


@router.post("/inspections/{number}/close", response=SupervisionInspectionOut)
def supervision_inspection_close(request: HttpRequest, number: str, payload: InspectionCloseIn) -> dict[str, Any]:
    insp = selectors.inspection_for(_viewer(request), number)
    services.inspection_close(actor=request.user, inspection=insp, conclusion=payload.conclusion)
    return _inspection_out(selectors.inspection_for(request.user, number), full=True)


@router.get("/inspections/{number}/report.pdf")
def supervision_report_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """The inspection report (PDF, in the caller's language)."""
    return pdf_response(report.report_document(selectors.inspection_for(_viewer(request), number)))


@router.get("/inspections/{number}/report.xlsx")
def supervision_report_xlsx(request: HttpRequest, number: str) -> HttpResponse:
    insp = selectors.inspection_for(_viewer(request), number)
    response = HttpResponse(report.report_xlsx(insp), content_type=report.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{insp.number}.xlsx"'
    return response


# --- rectification tasks -------------------------------------------------------------------------------------

class RectificationAssignIn(Schema):
    department: str = choice(Department)
    deadline: date
    responsible: str | None = Field(None, max_length=150, description="username, of the department")
    instructions: str = Field("", max_length=5000)


@router.post("/inspections/{number}/findings/{finding_id}/rectification", response={201: RectificationTaskOut})
def supervision_rectification_assign(request: HttpRequest, number: str, finding_id: int,
                                     payload: RectificationAssignIn) -> Status:
    insp = selectors.inspection_for(_viewer(request), number)
    finding = Finding.objects.filter(inspection=insp, pk=finding_id).select_related("order").first() \
        if 0 < finding_id < 2**31 else None
    if finding is None:
        raise NotFound("no such finding in this inspection", field="finding_id")
    responsible = None
    if payload.responsible:
        responsible = User.objects.filter(username=payload.responsible).first()
        if responsible is None:
            raise ValidationFailed("unknown user", field="responsible")
    t = services.rectification_assign(actor=request.user, finding=finding, department=payload.department,
                                      deadline=payload.deadline, responsible=responsible,
                                      instructions=payload.instructions)
    return Status(201, _task_out(selectors.task_for(request.user, t.number)))


@router.get("/rectification", response=list[RectificationTaskOut])
@paginate(Paged)
def supervision_rectification_list(request: HttpRequest, state: str = "", department: str = "", due: str = "",
                                   q: str = "") -> Mapped:
    """P6.1.a 整改: the tasks the caller sees — their department's (rectification_work), or all (inspection_view).
    `state` may be "open"; `due` "overdue"."""
    user = request.user
    if not (selectors.may_view(user) or selectors.may_work(user)):
        raise PermissionDenied("rectification_work or inspection_view required")
    return Mapped(selectors.task_list(user, state=state[:20], department=department[:20], due=due[:20], q=q[:100]),
                  _task_out)


@router.get("/rectification/{number}", response=RectificationTaskOut)
def supervision_rectification_get(request: HttpRequest, number: str) -> dict[str, Any]:
    return _task_out(selectors.task_for(request.user, number))


class RectificationRespondIn(Schema):
    measures: str = Field(..., min_length=1, max_length=5000)


@router.post("/rectification/{number}/respond", response=RectificationTaskOut)
def supervision_rectification_respond(request: HttpRequest, number: str,
                                      payload: RectificationRespondIn) -> dict[str, Any]:
    t = selectors.task_for(request.user, number)
    services.rectification_respond(actor=request.user, task=t, measures=payload.measures)
    return _task_out(selectors.task_for(request.user, number))


class RectificationVerifyIn(Schema):
    accept: bool = Field(..., description="true: close the task; false: send it back (note required)")
    note: str = Field("", max_length=5000)


@router.post("/rectification/{number}/verify", response=RectificationTaskOut)
def supervision_rectification_verify(request: HttpRequest, number: str,
                                     payload: RectificationVerifyIn) -> dict[str, Any]:
    t = selectors.task_for(request.user, number)
    services.rectification_verify(actor=request.user, task=t, accept=payload.accept, note=payload.note)
    return _task_out(selectors.task_for(request.user, number))
