"""Production and quality inspections in the JSON API (P2.4.b, P3.4, P5.2.b), mounted at
/api/v1/production-orders and /api/v1/inspections. Same services and selectors as the pages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from ordertaking.common.api import Mapped, Paged, choice
from ordertaking.common.errors import NotFound, PermissionDenied

from . import selectors, services
from .models import ProductionOrder, QualityInspection

router = Router()
inspections_router = Router()


def _require_view(user: Any) -> None:
    if not selectors.may_view(user):
        raise PermissionDenied(_("Production's records are for production and the order center (P3.4)."))


class ProductionOrderOut(Schema):
    number: str
    order_number: str
    line: int = Field(..., description="the order line's position")
    product_name: str
    quantity: Decimal
    workshop: str | None = Field(None, description="the workshop or line's code; null until planned")
    planned_start: date
    planned_finish: date
    forecast_finish: date | None = Field(None, description="null when cancelled")
    state: str = choice(ProductionOrder.State)
    percent: int = Field(..., ge=0, le=100)
    overdue: bool
    open_failed_inspection: bool
    started_at: datetime | None = None
    finished_at: datetime | None = None
    shipping_block: str | None = Field(None, description="why the line's goods cannot ship yet; null when they can")


class ProgressIn(Schema):
    percent: int = Field(..., description="0–100; lower than the last report only with a note")
    note: str = Field("", max_length=2000)


class ProgressOut(Schema):
    production_order: str
    percent: int
    note: str
    reporter: str
    reported_at: datetime


class FinishIn(Schema):
    note: str = Field("", max_length=2000)


class ReworkIn(Schema):
    inspection_id: int
    note: str = Field(..., min_length=1, max_length=4000)


class ReworkOut(Schema):
    id: int
    inspection_id: int
    inspection_number: str
    note: str
    recorded_by: str
    recorded_at: datetime


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str = Field(..., description="download (always as an attachment)")


class InspectionOut(Schema):
    id: int
    number: str
    production_order: str
    order_number: str
    checkpoint: str = choice(QualityInspection.Checkpoint)
    inspector: str
    inspected_at: datetime
    sample_size: int
    inspected_quantity: Decimal
    result: str = choice(QualityInspection.Result)
    defect_count: int
    defects: str
    note: str
    reinspection_of: int | None = Field(None, description="id of the failed inspection this one repeats")
    attachments: list[AttachmentOut]


class InspectionIn(Schema):
    production_order: str = Field(..., description="the production order's number")
    checkpoint: str = choice(QualityInspection.Checkpoint)
    result: str = choice(QualityInspection.Result)
    sample_size: int
    inspected_quantity: Decimal
    defect_count: int = 0
    defects: str = Field("", max_length=4000)
    note: str = Field("", max_length=4000)
    reinspection_of: int | None = Field(None, description="id of the failed inspection this one repeats")


def _po_out(po: ProductionOrder) -> dict[str, Any]:
    from django.utils import timezone

    today = timezone.localdate()
    return {"number": po.number, "order_number": po.order.number, "line": po.line_position,
            "product_name": po.line.name if po.line else "", "quantity": po.quantity,
            "workshop": po.workshop.code if po.workshop else None, "planned_start": po.planned_start,
            "planned_finish": po.planned_finish,
            "forecast_finish": None if po.state == ProductionOrder.State.CANCELLED
            else selectors.forecast_for(po, today=today),
            "state": po.state, "percent": po.percent, "overdue": selectors.is_overdue(po, today),
            "open_failed_inspection": bool(getattr(po, "has_open_failure", False)),
            "started_at": po.started_at, "finished_at": po.finished_at}


def _po_detail(user: Any, number: str) -> dict[str, Any]:
    po = selectors.production_order_get(user=user, number=number)
    out = _po_out(po)
    out["shipping_block"] = selectors.shipping_block(po.line) if po.line else None
    return out


@router.get("", response=list[ProductionOrderOut])
@paginate(Paged)
def production_order_list(request: HttpRequest, state: str = "", order_number: str = "",
                          overdue: bool = False) -> Mapped:
    """Production orders the user may see, by planned finish; `overdue` keeps those late against plan."""
    _require_view(request.user)
    return Mapped(selectors.production_order_list(user=request.user, state=state, q=order_number, overdue=overdue),
                  _po_out)


@router.get("/{number}", response=ProductionOrderOut)
def production_order_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    _require_view(request.user)
    return _po_detail(request.user, number)


@router.post("/{number}/start", response=ProductionOrderOut)
def production_order_start(request: HttpRequest, number: str) -> dict[str, Any]:
    po = selectors.production_order_get(user=request.user, number=number)
    services.production_order_start(po=po, actor=request.user)  # type: ignore[arg-type]
    return _po_detail(request.user, number)


@router.post("/{number}/progress", response={201: ProgressOut})
def production_progress_report(request: HttpRequest, number: str, payload: ProgressIn) -> Status:
    po = selectors.production_order_get(user=request.user, number=number)
    r = services.production_progress_report(po=po, actor=request.user,  # type: ignore[arg-type]
                                            percent=payload.percent, note=payload.note)
    return Status(201, {"production_order": po.number, "percent": r.percent, "note": r.note,
                        "reporter": str(r.reporter), "reported_at": r.reported_at})


@router.post("/{number}/finish", response=ProductionOrderOut)
def production_order_finish(request: HttpRequest, number: str, payload: FinishIn) -> dict[str, Any]:
    po = selectors.production_order_get(user=request.user, number=number)
    services.production_order_finish(po=po, actor=request.user, note=payload.note)  # type: ignore[arg-type]
    return _po_detail(request.user, number)


@router.post("/{number}/rework", response={201: ReworkOut})
def rework_record(request: HttpRequest, number: str, payload: ReworkIn) -> Status:
    """返工 after a failed inspection of this production order (P5.2.b)."""
    po = selectors.production_order_get(user=request.user, number=number)
    qi = selectors.inspection_get(user=request.user, pk=payload.inspection_id)
    if qi.production_order_id != po.pk:
        raise NotFound(_("No such quality inspection."), field="inspection_id")
    r = services.rework_record(inspection=qi, actor=request.user, note=payload.note)  # type: ignore[arg-type]
    return Status(201, {"id": r.pk, "inspection_id": qi.pk, "inspection_number": qi.number, "note": r.note,
                        "recorded_by": str(r.recorded_by), "recorded_at": r.recorded_at})


# --- inspections -----------------------------------------------------------------------------------------

def _qi_out(qi: QualityInspection) -> dict[str, Any]:
    return {"id": qi.pk, "number": qi.number, "production_order": qi.production_order.number,
            "order_number": qi.order.number, "checkpoint": qi.checkpoint, "inspector": str(qi.inspector),
            "inspected_at": qi.inspected_at, "sample_size": qi.sample_size,
            "inspected_quantity": qi.inspected_quantity, "result": qi.result, "defect_count": qi.defect_count,
            "defects": qi.defects, "note": qi.note, "reinspection_of": qi.reinspection_of_id,
            "attachments": [{"id": a.pk, "name": a.original_name, "content_type": a.content_type, "size": a.size,
                             "url": reverse("production:attachment", args=[a.pk])} for a in qi.attachments.all()]}


@inspections_router.post("", response={201: InspectionOut})
def inspection_create(request: HttpRequest, payload: Form[InspectionIn],
                      attachments: File[list[UploadedFile]] = None) -> Status:  # type: ignore[assignment]
    """P5.2.b: an inspection at one checkpoint, as multipart/form-data with the files as `attachments`
    (JPG, PNG or PDF, at most 10 MB each, up to 10)."""
    po = selectors.production_order_get(user=request.user, number=payload.production_order)
    failed = None
    if payload.reinspection_of is not None:
        failed = selectors.inspection_get(user=request.user, pk=payload.reinspection_of)
    qi = services.inspection_record(
        po=po, actor=request.user, checkpoint=payload.checkpoint, result=payload.result,  # type: ignore[arg-type]
        sample_size=payload.sample_size, inspected_quantity=payload.inspected_quantity,
        defect_count=payload.defect_count, defects=payload.defects, note=payload.note, reinspection_of=failed,
        attachments=list(attachments or []))
    return Status(201, _qi_out(selectors.inspection_get(user=request.user, pk=qi.pk)))


@inspections_router.get("", response=list[InspectionOut])
@paginate(Paged)
def inspection_list(request: HttpRequest, checkpoint: str = "", result: str = "", open: bool = False,
                    production_order: str = "", order_number: str = "") -> Mapped:
    """Inspections the user may see, newest first; `open` keeps failed ones not yet re-inspected."""
    _require_view(request.user)
    qs = selectors.inspection_list(user=request.user, checkpoint=checkpoint, result=result, open_only=open,
                                   production_order=production_order, q=order_number)
    return Mapped(qs.prefetch_related("attachments"), _qi_out)


@inspections_router.get("/{inspection_id}", response=InspectionOut)
def inspection_detail(request: HttpRequest, inspection_id: int) -> dict[str, Any]:
    _require_view(request.user)
    return _qi_out(selectors.inspection_get(user=request.user, pk=inspection_id))


@inspections_router.get("/orders/{number}/report.pdf", summary="An order's quality inspection report as PDF (P5.2.b)",
                        openapi_extra={"responses": {200: {
                            "description": "The document as a PDF download, in the language of the request",
                            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}})
def inspection_report_pdf(request: HttpRequest, number: str) -> Any:
    """质量检验报告: every inspection of the order at the three checkpoints and each line's conclusion."""
    from ordertaking.common.pdf import pdf_response
    from ordertaking.orders.selectors import order_get

    from .documents import INSPECTION_REPORT, inspection_report_document

    order = order_get(user=request.user, number=number)
    if not INSPECTION_REPORT.available(order, request.user):
        raise NotFound(_("No such document."))
    return pdf_response(inspection_report_document(order, reader=request.user))
