"""Supervision pages (P6.1.a): the inspections list, a new inspection, an inspection's page (sample,
automatic checks with their evidence, findings, rectification), the rectification queue, a task's page,
and the inspection report as PDF and Excel. Thin: each calls one service or selector."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ordertaking.accounts.http import AuthedRequest
from ordertaking.common.errors import DomainError, NotFound, PermissionDenied
from ordertaking.common.pages import domain_errors, forbidden, list_page, put_error, render_list
from ordertaking.common.pdf import pdf_response

from . import checking, report, selectors, services
from .forms import (
    AssignForm,
    CloseForm,
    FindingForm,
    FromCheckForm,
    InspectionFilterForm,
    InspectionForm,
    RespondForm,
    TaskFilterForm,
    VerifyForm,
)
from .models import Finding, Inspection, InspectionSample, RectificationTask


def _no_view(request: AuthedRequest) -> HttpResponse:
    return forbidden(request, _("Auditors and leadership see supervision inspections (P6.1.a)."))


@login_required
@domain_errors
@require_GET
def inspections(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not selectors.may_view(user):
        return _no_view(request)
    form = InspectionFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: form.cleaned_data[k] for k in ("state", "q", "date_from", "date_to")}
    qs = selectors.inspection_list(user, **filters)
    return render_list(request, "supervision/inspections.html", {
        **list_page(request, qs, page_size=30).context(), "form": form, "can_manage": selectors.may_manage(user)})


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def inspection_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not selectors.may_manage(user):
        return forbidden(request, _("Only an auditor opens supervision inspections (P6.1.a)."))
    today = timezone.localdate()
    first = today.replace(day=1)
    last_month_end = first - timedelta(days=1)
    initial = {"period_from": last_month_end.replace(day=1), "period_to": last_month_end, "sample_size": 10,
               "method": Inspection.Method.RANDOM,
               "title": _("Order-taking inspection %(month)s") % {"month": f"{last_month_end:%Y-%m}"}}
    form = InspectionForm(request.POST or None, initial=initial, regions=selectors.regions())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            insp = services.inspection_open(actor=user, **d)
        except PermissionDenied:
            raise
        except DomainError as e:
            put_error(form, e)
        else:
            messages.success(request, _("Inspection %(n)s opened with seed %(seed)s; draw its sample next.")
                             % {"n": insp.number, "seed": insp.seed})
            return redirect("supervision:inspection", number=insp.number)
    return render(request, "supervision/inspection_form.html", {"form": form}, status=422 if form.errors else 200)


def _order_choices(samples: list[InspectionSample]) -> list[tuple[str, str]]:
    return [(str(s.order_id), f"{s.order.number} · {s.order.customer.name}") for s in samples]


def _detail_ctx(request: AuthedRequest, insp: Inspection, **forms: Any) -> dict[str, Any]:
    user = request.user
    samples = selectors.inspection_samples(insp)
    findings = selectors.inspection_findings(insp)
    tasks = selectors.inspection_tasks(insp)
    bands = services.bands_of(insp)
    defs = checking.definitions() if any(s.results for s in samples) else {}
    found = {(f.order_id, f.check_code) for f in findings if f.check_code}
    rows = []
    for s in samples:
        shown = checking.show_all(s.results, defs) if s.results else []
        rows.append({"sample": s, "order": s.order, "stratum": report.stratum_words(s.stratum, bands),
                     "checks": shown, "found": {c.code for c in shown if (s.order_id, c.code) in found}})
    finding_rows = [{"finding": f, "words": report.finding_words(f, defs)} for f in findings]
    manage = selectors.may_manage(user)
    return {
        "insp": insp, "rows": rows, "findings": finding_rows, "tasks": tasks, "manage": manage,
        "scope": report.scope_words(insp), "today": timezone.localdate(),
        "failing": sum(1 for s in samples if s.failed),
        "can_sample": manage and insp.state == Inspection.State.DRAFT,
        "can_check": manage and insp.state in ("sampled", "checked", "rectifying"),
        "can_find": manage and insp.state in ("sampled", "checked", "rectifying"),
        "can_close": manage and insp.state in ("checked", "rectifying"),
        "finding_form": forms.get("finding_form") or FindingForm(orders=_order_choices(samples)),
        "assign_form": forms.get("assign_form"),
        "assign_for": forms.get("assign_for"),
        "close_form": forms.get("close_form") or CloseForm(),
        "people": list(selectors.responsible_choices()),
        "departments": RectificationTask._meta.get_field("department").choices,
        "default_deadline": selectors.default_deadline(),
        "events": selectors.inspection_timeline(insp),
    }


@login_required
@domain_errors
@require_GET
def inspection_detail(request: AuthedRequest, number: str) -> HttpResponse:
    if not selectors.may_view(request.user):
        return _no_view(request)
    insp = selectors.inspection_for(request.user, number)
    return render(request, "supervision/inspection.html", _detail_ctx(request, insp))


def _inspection_back(request: Any, number: str, *args: Any) -> str:
    return reverse("supervision:inspection", args=[number])


@login_required
@require_POST
@domain_errors(back=_inspection_back)
def inspection_move(request: AuthedRequest, number: str, verb: str) -> HttpResponse:
    """sample, check, finding, from_check, assign, close."""
    user = request.user
    if not selectors.may_manage(user):
        return forbidden(request, _("Only an auditor runs supervision inspections (P6.1.a)."))
    insp = selectors.inspection_for(user, number)
    back = redirect("supervision:inspection", number=insp.number)
    if verb == "sample":
        insp = services.inspection_sample(actor=user, inspection=insp)
        messages.success(request, _("%(n)s orders sampled.") % {"n": insp.samples.count()})
        return back
    if verb == "check":
        services.inspection_check(actor=user, inspection=insp)
        messages.success(request, _("The automatic checks ran over every sampled order."))
        return back
    if verb == "from_check":
        fc = FromCheckForm(request.POST)
        if not fc.is_valid():
            raise NotFound(_("Unknown check."))
        sample = insp.samples.filter(pk=fc.cleaned_data["sample"]).select_related("inspection").first()
        if sample is None:
            raise NotFound(_("That order is not in this inspection's sample."))
        services.finding_from_check(actor=user, sample=sample, check_code=fc.cleaned_data["check_code"],
                                    severity=fc.cleaned_data["severity"])
        messages.success(request, _("Finding recorded from the failed check."))
        return back
    if verb == "finding":
        samples = selectors.inspection_samples(insp)
        form: Any = FindingForm(request.POST, orders=_order_choices(samples))
        if form.is_valid():
            d = form.cleaned_data
            order = next((s.order for s in samples if str(s.order_id) == d["order"]), None)
            try:
                services.finding_record(actor=user, inspection=insp, order=order, severity=d["severity"],
                                        clause=d["clause"], description=d["description"])
            except (PermissionDenied, NotFound):
                raise
            except DomainError as e:
                put_error(form, e)
            else:
                messages.success(request, _("Finding recorded."))
                return back
        return render(request, "supervision/inspection.html", _detail_ctx(request, insp, finding_form=form),
                      status=422)
    if verb == "assign":
        form = AssignForm(request.POST, people=list(selectors.responsible_choices()))
        if form.is_valid():
            d = form.cleaned_data
            finding = Finding.objects.filter(inspection=insp, pk=d["finding"]).select_related("order").first()
            if finding is None:
                raise NotFound(_("No such finding."))
            responsible = selectors.responsible_choices().filter(pk=d["responsible"]).first() if d["responsible"] \
                else None
            try:
                task = services.rectification_assign(actor=user, finding=finding, department=d["department"],
                                                     deadline=d["deadline"], responsible=responsible,
                                                     instructions=d["instructions"])
            except (PermissionDenied, NotFound):
                raise
            except DomainError as e:
                put_error(form, e)
            else:
                messages.success(request, _("Rectification %(n)s assigned to %(d)s.")
                                 % {"n": task.number, "d": task.get_department_display()})
                return back
        return render(request, "supervision/inspection.html",
                      _detail_ctx(request, insp, assign_form=form, assign_for=request.POST.get("finding")),
                      status=422)
    if verb == "close":
        form = CloseForm(request.POST)
        if form.is_valid():
            try:
                services.inspection_close(actor=user, inspection=insp, conclusion=form.cleaned_data["conclusion"])
            except (PermissionDenied, NotFound):
                raise
            except DomainError as e:
                put_error(form, e)
            else:
                messages.success(request, _("Inspection closed."))
                return back
        return render(request, "supervision/inspection.html", _detail_ctx(request, insp, close_form=form),
                      status=422)
    raise NotFound(_("Unknown step."))


# --- rectification -------------------------------------------------------------------------------------

@login_required
@domain_errors
@require_GET
def tasks(request: AuthedRequest) -> HttpResponse:
    """P6.1.a 整改: the rectification queue — a department sees its own tasks; auditors and leadership all."""
    user = request.user
    if not (selectors.may_view(user) or selectors.may_work(user)):
        return forbidden(request, _("The departments, auditors and leadership see rectification tasks (P6.1.a)."))
    form = TaskFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: form.cleaned_data[k] for k in ("state", "department", "due", "q")}
    qs = selectors.task_list(user, **filters)
    return render_list(request, "supervision/tasks.html", {
        **list_page(request, qs, page_size=50).context(), "form": form, "today": timezone.localdate()})


def _task_ctx(request: AuthedRequest, t: RectificationTask, **forms: Any) -> dict[str, Any]:
    user = request.user
    defs = checking.definitions() if t.finding.check_code else {}
    return {"task": t, "finding_words": report.finding_words(t.finding, defs), "today": timezone.localdate(),
            "overdue": selectors.overdue(t),
            "can_respond": services.may_respond(user, t) and t.state in ("assigned", "returned"),
            "can_verify": selectors.may_manage(user) and t.state == "responded",
            "sod_refusal": services.verify_sod_refusal(user, t),
            "respond_form": forms.get("respond_form") or RespondForm(),
            "verify_form": forms.get("verify_form") or VerifyForm(),
            "events": selectors.task_timeline(t)}


@login_required
@domain_errors
@require_GET
def task_detail(request: AuthedRequest, number: str) -> HttpResponse:
    t = selectors.task_for(request.user, number)
    return render(request, "supervision/task.html", _task_ctx(request, t))


def _task_back(request: Any, number: str, *args: Any) -> str:
    return reverse("supervision:task", args=[number])


@login_required
@require_POST
@domain_errors(back=_task_back)
def task_move(request: AuthedRequest, number: str, verb: str) -> HttpResponse:
    """respond (the department), close or send_back (the auditor)."""
    user = request.user
    t = selectors.task_for(user, number)
    if verb == "respond":
        form: Any = RespondForm(request.POST)
        key = "respond_form"
    elif verb in ("close", "send_back"):
        form = VerifyForm(request.POST)
        key = "verify_form"
    else:
        raise NotFound(_("Unknown step."))
    if form.is_valid():
        try:
            if verb == "respond":
                services.rectification_respond(actor=user, task=t, measures=form.cleaned_data["measures"])
                done = _("Answer sent; the auditor verifies it.")
            else:
                services.rectification_verify(actor=user, task=t, accept=verb == "close",
                                              note=form.cleaned_data["note"])
                done = _("Rectification closed.") if verb == "close" else _("Sent back to the department.")
        except (PermissionDenied, NotFound):
            raise
        except DomainError as e:
            put_error(form, e, fields=["measures"] if verb == "respond" else ["note"])
        else:
            messages.success(request, done)
            return redirect("supervision:task", number=t.number)
    t.refresh_from_db()
    return render(request, "supervision/task.html", _task_ctx(request, t, **{key: form}), status=422)


# --- the report ----------------------------------------------------------------------------------------

@login_required
@domain_errors
@require_GET
def report_pdf(request: AuthedRequest, number: str) -> HttpResponse:
    if not selectors.may_view(request.user):
        return _no_view(request)
    insp = selectors.inspection_for(request.user, number)
    return pdf_response(report.report_document(insp))


@login_required
@domain_errors
@require_GET
def report_xlsx(request: AuthedRequest, number: str) -> HttpResponse:
    if not selectors.may_view(request.user):
        return _no_view(request)
    insp = selectors.inspection_for(request.user, number)
    response = HttpResponse(report.report_xlsx(insp), content_type=report.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{insp.number}.xlsx"'
    return response
