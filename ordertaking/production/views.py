"""Production pages (P2.4.b, P3.4, P5.2.b): the shop floor's board, a production order with its progress
form (HTMX), the inspection form with attachments, the inspection list and report, the attachment
download, and the Production card of the order page. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ordertaking.accounts.http import AuthedRequest
from ordertaking.common.errors import DomainError, NotFound
from ordertaking.common.pages import domain_errors, forbidden, list_page, put_error, render_list
from ordertaking.orders import selectors as orders_selectors

from . import selectors, services
from .forms import InspectionFilterForm, InspectionForm, PlanForm, ProgressForm, ReworkForm
from .models import ProductionOrder


def _back_to_detail(request: AuthedRequest, number: str) -> str:
    return reverse("production:detail", args=[number])


@login_required
@domain_errors
@require_GET
def board(request: AuthedRequest) -> HttpResponse:
    """生产看板 (P2.4.b): what is planned, in production and just finished, late ones marked; for a tablet."""
    if not selectors.may_view(request.user):
        return forbidden(request, _("Production's board is for production and the order center (P3.4)."))
    raw = request.GET.get("workshop", "")
    workshop = int(raw) if raw.isdigit() and len(raw) < 10 else None
    data = selectors.board(user=request.user, workshop=workshop)
    return render(request, "production/board.html", {**data, "workshop": workshop,
                                                      "can_manage": selectors.may_manage(request.user)})


def _detail_ctx(request: AuthedRequest, po: ProductionOrder, *, progress_form: ProgressForm | None = None,
                plan_form: PlanForm | None = None) -> dict[str, Any]:
    today = timezone.localdate()
    po.overdue = selectors.is_overdue(po, today)  # type: ignore[attr-defined]
    user = request.user
    return {
        "po": po, "today": today, "forecast": selectors.forecast_for(po, today=today),
        "reports": selectors.progress_reports(po), "inspections": selectors.po_inspections(po),
        "can_manage": selectors.may_manage(user), "can_inspect": selectors.may_inspect(user),
        "progress_form": progress_form or ProgressForm(initial={"percent": po.percent}),
        "plan_form": plan_form or PlanForm(initial={"workshop": po.workshop_id, "planned_start": po.planned_start,
                                                   "planned_finish": po.planned_finish}),
        "shipping_block": selectors.shipping_block(po.line) if po.line else None,
    }


@login_required
@domain_errors
@require_GET
def detail(request: AuthedRequest, number: str) -> HttpResponse:
    po = selectors.production_order_get(user=request.user, number=number)
    return render(request, "production/detail.html", _detail_ctx(request, po))


@login_required
@require_POST
@domain_errors(back=_back_to_detail)
def progress(request: AuthedRequest, number: str) -> HttpResponse:
    """P3.4 progress report: HTMX swaps the progress card; a plain POST goes back to the page."""
    po = selectors.production_order_get(user=request.user, number=number)
    form = ProgressForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.production_progress_report(po=po, actor=request.user, percent=form.cleaned_data["percent"],
                                                note=form.cleaned_data["note"])
        except DomainError as e:
            if e.status == 403:
                raise
            put_error(form, e)
            status = e.status
        else:
            messages.success(request, _("Progress of %(po)s reported: %(p)s%%.")
                             % {"po": po.number, "p": form.cleaned_data["percent"]})
            if not getattr(request, "htmx", False):
                return redirect("production:detail", number=po.number)
            po = selectors.production_order_get(user=request.user, number=number)
            return render(request, "production/detail.html#progress", _detail_ctx(request, po))
    name = "production/detail.html#progress" if getattr(request, "htmx", False) else "production/detail.html"
    return render(request, name, _detail_ctx(request, po, progress_form=form), status=status)


@login_required
@require_POST
@domain_errors(back=_back_to_detail)
def plan(request: AuthedRequest, number: str) -> HttpResponse:
    po = selectors.production_order_get(user=request.user, number=number)
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            services.production_order_plan(po=po, actor=request.user, **form.cleaned_data)
        except DomainError as e:
            if e.status == 403:
                raise
            put_error(form, e)
        else:
            messages.success(request, _("Plan of %(po)s saved.") % {"po": po.number})
            return redirect("production:detail", number=po.number)
    return render(request, "production/detail.html", _detail_ctx(request, po, plan_form=form), status=422)


@login_required
@require_POST
@domain_errors(back=_back_to_detail)
def start(request: AuthedRequest, number: str) -> HttpResponse:
    po = selectors.production_order_get(user=request.user, number=number)
    services.production_order_start(po=po, actor=request.user)
    messages.success(request, _("Production of %(po)s started.") % {"po": po.number})
    return redirect(request.POST.get("next") or reverse("production:detail", args=[po.number]))


@login_required
@require_POST
@domain_errors(back=_back_to_detail)
def finish(request: AuthedRequest, number: str) -> HttpResponse:
    po = selectors.production_order_get(user=request.user, number=number)
    services.production_order_finish(po=po, actor=request.user, note=request.POST.get("note", ""))
    messages.success(request, _("Production of %(po)s finished.") % {"po": po.number})
    return redirect("production:detail", number=po.number)


# --- inspections ---------------------------------------------------------------------------------------

def _failures_to_reinspect(po: ProductionOrder) -> Any:
    return (selectors.open_failures().filter(production_order=po, reworks__isnull=False).distinct()
            .order_by("inspected_at"))


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def inspection_new(request: AuthedRequest, number: str) -> HttpResponse:
    """P5.2.b: record an inspection at one of the three checkpoints, with photos and reports attached."""
    po = selectors.production_order_get(user=request.user, number=number)
    if not selectors.may_inspect(request.user):
        return forbidden(request, _("Only production's quality inspectors may record inspections and rework "
                                    "(P5.2.b)."))
    failures = _failures_to_reinspect(po)
    initial: dict[str, Any] = {"inspected_quantity": po.quantity, "defect_count": 0,
                               "checkpoint": {"planned": "raw_material", "in_progress": "in_process"}.get(
                                   po.state, "finished")}
    again = request.GET.get("reinspect", "")
    if again.isdigit() and len(again) < 10:
        found = failures.filter(pk=int(again)).first()
        if found is not None:
            initial.update(reinspection_of=found.pk, checkpoint=found.checkpoint)
    form = InspectionForm(request.POST or None, initial=initial, failures=failures)
    attachment_error = ""
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                qi = services.inspection_record(
                    po=po, actor=request.user, checkpoint=data["checkpoint"], result=data["result"],
                    sample_size=data["sample_size"], inspected_quantity=data["inspected_quantity"],
                    defect_count=data["defect_count"] or 0, defects=data["defects"], note=data["note"],
                    reinspection_of=data["reinspection_of"], attachments=request.FILES.getlist("attachments"))
            except DomainError as e:
                if e.status == 403:
                    raise
                if e.field == "attachments":
                    attachment_error = str(e.message)
                else:
                    put_error(form, e)
                status = e.status
            else:
                messages.success(request, _("Inspection %(qi)s recorded.") % {"qi": qi.number})
                return redirect("production:inspection", pk=qi.pk)
    return render(request, "production/inspection_form.html",
                  {"po": po, "form": form, "attachment_error": attachment_error}, status=status)


@login_required
@domain_errors
@require_GET
def inspections(request: AuthedRequest) -> HttpResponse:
    if not selectors.may_view(request.user):
        return forbidden(request, _("Quality inspections are for production and the order center (P5.2.b)."))
    form = InspectionFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {"q": form.cleaned_data["q"], "checkpoint": form.cleaned_data["checkpoint"],
                   "result": form.cleaned_data["result"], "open_only": form.cleaned_data["open"]}
    qs = selectors.inspection_list(user=request.user, **filters)
    return render_list(request, "production/inspections.html",
                       {**list_page(request, qs, page_size=50).context(), "form": form})


@login_required
@domain_errors
@require_GET
def inspection(request: AuthedRequest, pk: int) -> HttpResponse:
    """The quality inspection report (P5.2.b; given at delivery: the PDF comes with deliveries)."""
    qi = selectors.inspection_get(user=request.user, pk=pk)
    return render(request, "production/inspection.html", {
        "qi": qi, "po": qi.production_order, "can_inspect": selectors.may_inspect(request.user),
        "rework_form": ReworkForm(), "reworks": list(qi.reworks.all())})


@login_required
@require_POST
@domain_errors(back=lambda request, pk: reverse("production:inspection", args=[pk]))
def rework(request: AuthedRequest, pk: int) -> HttpResponse:
    qi = selectors.inspection_get(user=request.user, pk=pk)
    form = ReworkForm(request.POST)
    if form.is_valid():
        try:
            services.rework_record(inspection=qi, actor=request.user, note=form.cleaned_data["note"])
        except DomainError as e:
            if e.status == 403:
                raise
            put_error(form, e)
        else:
            messages.success(request, _("Rework recorded; the goods wait for a passing re-inspection."))
            return redirect("production:inspection", pk=qi.pk)
    return render(request, "production/inspection.html", {
        "qi": qi, "po": qi.production_order, "can_inspect": selectors.may_inspect(request.user),
        "rework_form": form, "reworks": list(qi.reworks.all())}, status=422)


@login_required
@require_POST
@domain_errors(back=lambda request, pk: reverse("production:inspection", args=[pk]))
def attach(request: AuthedRequest, pk: int) -> HttpResponse:
    qi = selectors.inspection_get(user=request.user, pk=pk)
    services.inspection_attach(inspection=qi, actor=request.user, attachments=request.FILES.getlist("attachments"))
    messages.success(request, _("Files attached to %(qi)s.") % {"qi": qi.number})
    return redirect("production:inspection", pk=qi.pk)


@login_required
@require_GET
def attachment(request: AuthedRequest, pk: int) -> FileResponse:
    """A photo or report, always as a download with its stored type (never rendered by the browser as a
    page: an upload is not our HTML), and a sandbox policy in case a browser tries anyway."""
    try:
        att = selectors.attachment_get(user=request.user, pk=pk)
    except NotFound as e:
        raise Http404(str(e.message)) from e
    try:
        handle = att.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from storage.")) from None
    response = FileResponse(handle, as_attachment=True, filename=att.original_name, content_type=att.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- the order page's Production card ------------------------------------------------------------------

@login_required
@domain_errors
@require_GET
def order_panel(request: AuthedRequest, number: str) -> HttpResponse:
    """The Production card of the order page (orders/detail.html loads it like the review panel): each
    line's production order, its progress and last report, the inspections, the forecast finish (P3.4
    progress reports to sales). Nothing for a user who may not see production, or an order without any."""
    order = orders_selectors.order_get(user=request.user, number=number)
    if not selectors.may_view(request.user):
        return HttpResponse("")
    pos = selectors.order_production(order)
    if not pos:
        return HttpResponse("")
    today = timezone.localdate()
    failures = selectors.failed_inspections_open(order)
    for po in pos:
        po.overdue = selectors.is_overdue(po, today)  # type: ignore[attr-defined]
        reports = list(po.reports.all())
        po.last_report = reports[0] if reports else None  # type: ignore[attr-defined]
    forecast = selectors.order_production_forecast(order, today=today)
    return render(request, "production/_order_panel.html", {
        "order": order, "pos": pos, "failures": failures, "forecast": forecast,
        "all_finished": all(po.state in ("finished", "cancelled") for po in pos),
        "late": bool(order.delivery_date and forecast and forecast > order.delivery_date)})



# --- the quality inspection report of an order (P5.2.b, P2.5.b) -----------------------------------------

@login_required
@require_GET
def inspection_report_pdf(request: AuthedRequest, number: str) -> HttpResponse:
    """质量检验报告 as a PDF download, in the reader's language (production/documents.py)."""
    from ordertaking.common.pdf import pdf_response

    from .documents import INSPECTION_REPORT, inspection_report_document

    try:
        order = orders_selectors.order_get(user=request.user, number=number)
    except NotFound as e:
        raise Http404(str(e.message)) from e
    if not INSPECTION_REPORT.available(order, request.user):
        raise Http404(_("No such document."))
    return pdf_response(inspection_report_document(order, reader=request.user))
