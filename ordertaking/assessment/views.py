"""The assessment pages (P6.2): the scorecard, a KPI's detail with its trend and the records behind each
figure, the targets, and the scorecard as Excel and PDF. Thin: parse, call the selectors, render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ordertaking.accounts.http import AuthedRequest
from ordertaking.accounts.models import User
from ordertaking.common.db_router import replica_reads
from ordertaking.common.errors import DomainError, PermissionDenied
from ordertaking.common.pages import domain_errors, forbidden, list_page
from ordertaking.common.pdf import attachment_header

from . import documents, kpis, selectors
from .kpis import DEPARTMENTS, KPI_LABELS, KPIS, PERIOD_KINDS, PERIOD_LABELS, Period
from .services import target_set, target_shown

PAGE_SIZE = 50


def period_choices(today: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """The periods offered: the last 12 months, 8 quarters and 5 years."""
    out = []
    for kind in PERIOD_KINDS:
        last = kpis.period_containing(kind, today)
        out.append((str(PERIOD_LABELS[kind]), [(last.previous(i).code, last.previous(i).label)
                                               for i in range(kpis.TREND_LENGTH[kind])]))
    return out


def parse(request: AuthedRequest) -> tuple[str, Period, int | None]:
    """department, period and person of the query string, checked against what the user may see."""
    visible = selectors.visible_departments(request.user)
    if not visible:
        raise PermissionDenied(selectors.NO_KPI_MESSAGE(), code="permission_denied")
    dept = request.GET.get("dept") or visible[0]
    period = kpis.period_parse(request.GET.get("period", "")) or kpis.period_containing(kpis.MONTH,
                                                                                         timezone.localdate())
    raw = request.GET.get("person") or ""
    person = int(raw) if raw.isdigit() and len(raw) < 12 else None
    selectors.require_person(request.user, dept, person)
    return dept, period, person


def _base(request: AuthedRequest, dept: str, period: Period, person: int | None) -> dict[str, Any]:
    return {"dept": dept, "dept_label": kpis.department_label(dept), "period": period,
            "departments": [(d, kpis.department_label(d)) for d in selectors.visible_departments(request.user)],
            "period_choices": period_choices(timezone.localdate()), "person_id": person,
            "person": User.objects.filter(pk=person).first() if person else None,
            "sees_all": selectors.sees_all(request.user),
            "may_manage_targets": selectors.may_manage_targets(request.user)}


@login_required
@domain_errors
@require_GET
@replica_reads()
def scorecard(request: AuthedRequest) -> HttpResponse:
    dept, period, person = parse(request)
    ctx = _base(request, dept, period, person)
    ctx["rows"] = selectors.scorecard(dept, period, person)
    if ctx["sees_all"] and person is None:
        ctx["overview"] = [(d, kpis.department_label(d), rows)
                           for d, rows in selectors.overview(list(DEPARTMENTS), period)]
        ctx["persons"] = selectors.persons(dept, period)
    elif person is None:
        ctx["mine"] = selectors.scorecard(dept, period, request.user.pk)
    ctx["kpi_labels"] = [str(KPI_LABELS[k]) for k in KPIS]
    return render(request, "assessment/scorecard.html", ctx)


@login_required
@domain_errors
@require_GET
@replica_reads()
def detail(request: AuthedRequest, kpi: str) -> HttpResponse:
    if kpi not in KPIS:
        raise Http404
    dept, period, person = parse(request)
    ctx = _base(request, dept, period, person)
    row = next(r for r in selectors.scorecard(dept, period, person) if r.kpi == kpi)
    points = selectors.trend(kpi, dept, period, person)
    ctx.update(row=row, kpi=kpi, points=[(p.period.label, selectors.shown(row.measure, p.value)) for p in points],
               spec=selectors.trend_spec(kpi, points, row.target if person is None else None),
               other_components=[c for c in kpis.components(kpi) if dept not in c.depts()])
    return render(request, "assessment/detail.html", ctx)


@login_required
@domain_errors
@require_GET
@replica_reads()
def records(request: AuthedRequest, key: str) -> HttpResponse:
    c = kpis.BY_KEY.get(key)
    if c is None:
        raise Http404
    dept, period, person = parse(request)
    if dept not in c.depts():
        raise Http404
    only_met = request.GET.get("met") == "1"
    qs = selectors.records(c, dept, period, person, only_met=only_met)
    lp = list_page(request, qs, page_size=PAGE_SIZE)
    ctx = {**_base(request, dept, period, person), **lp.context(), "component": c,
           "kpi_label": KPI_LABELS[c.kpi], "only_met": only_met,
           "rows": selectors.record_rows(c, list(lp.page.object_list))}
    return render(request, "assessment/records.html", ctx)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def targets(request: AuthedRequest) -> HttpResponse:
    if not selectors.may_manage_targets(request.user) and not selectors.sees_all(request.user):
        return forbidden(request, selectors.NO_TARGET_MESSAGE())
    kind = request.POST.get("period_kind") or request.GET.get("kind") or kpis.MONTH
    if kind not in PERIOD_KINDS:
        kind = kpis.MONTH
    error, error_key = "", ""
    if request.method == "POST":
        key = (request.POST.get("kpi", ""), request.POST.get("department", ""))
        try:
            target_set(actor=request.user, kpi=key[0], department=key[1], period_kind=kind,
                       value=request.POST.get("value", ""))
            return redirect(reverse("assessment:targets") + f"?kind={kind}")
        except DomainError as e:
            if isinstance(e, PermissionDenied) and e.code != "segregation_of_duties":
                raise
            error, error_key = str(e.message), f"{key[0]}:{key[1]}"
    current = selectors.targets_for(kind)
    from .models import KpiTarget

    meta = {(t.kpi, t.department): t for t in KpiTarget.objects.filter(period_kind=kind).select_related("updated_by")}
    table = []
    for k in KPIS:
        cells = []
        for d in DEPARTMENTS:
            t = meta.get((k, d))
            cells.append({"dept": d, "value": target_shown(k, current.get((k, d))), "target": t,
                          "error": error if error_key == f"{k}:{d}" else "",
                          "raw": request.POST.get("value", "") if error_key == f"{k}:{d}" else "",
                          "may": selectors.may_manage_targets(request.user) and not request.user.has_role(d)})
        table.append({"kpi": k, "label": KPI_LABELS[k], "unit": selectors.target_unit(k), "cells": cells})
    ctx = {"kind": kind, "kinds": [(k, PERIOD_LABELS[k]) for k in PERIOD_KINDS], "table": table,
           "departments": [(d, kpis.department_label(d)) for d in DEPARTMENTS],
           "may_manage_targets": selectors.may_manage_targets(request.user)}
    return render(request, "assessment/targets.html", ctx, status=422 if error else 200)


@login_required
@domain_errors
@require_GET
@replica_reads()
def export(request: AuthedRequest, fmt: str) -> HttpResponse:
    dept, period, person = parse(request)
    rows = selectors.scorecard(dept, period, person)
    who = str(User.objects.get(pk=person)) if person else ""
    if fmt == "xlsx":
        body = documents.scorecard_xlsx(dept, period, rows, who)
        resp = HttpResponse(body, content_type=documents.XLSX)
        resp["Content-Disposition"] = attachment_header(documents.filename(dept, period, who) + ".xlsx",
                                                        f"kpi-{dept}-{period.code}.xlsx")
        return resp
    if fmt == "pdf":
        body = documents.scorecard_pdf(dept, period, rows, who)
        resp = HttpResponse(body, content_type="application/pdf")
        resp["Content-Disposition"] = attachment_header(documents.filename(dept, period, who) + ".pdf",
                                                        f"kpi-{dept}-{period.code}.pdf")
        return resp
    raise Http404
