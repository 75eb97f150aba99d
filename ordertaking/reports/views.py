"""Pages of P4.2.c: the order search box, the statistics with their Excel tables, and the monthly sales
analyses. Thin: each parses, calls one selector or the kept file, and renders."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ordertaking.accounts.http import AuthedRequest
from ordertaking.common.db_router import replica_reads
from ordertaking.common.errors import ValidationFailed
from ordertaking.common.pages import domain_errors, list_page, put_error, render_list
from ordertaking.common.pdf import attachment_header

from . import statistics
from .documents import XLSX, cell_text, workbook
from .forms import SearchForm, StatisticsForm
from .models import MonthlyReport
from .search import order_search

PAGE_SIZE = 50


@login_required
@domain_errors
@require_GET
@replica_reads()
def search(request: AuthedRequest) -> HttpResponse:
    """P4.2.c: one box for every order the user may see."""
    form = SearchForm(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    asked = any(f.get(k) for k in ("q", "state", "rep", "region", "product", "date_from", "date_to"))
    qs, criteria = order_search(user=request.user, q=f.get("q", ""), state=f.get("state", ""),
                                rep_id=f["rep"].pk if f.get("rep") else None,
                                region_id=f["region"].pk if f.get("region") else None,
                                product_id=f["product"].pk if f.get("product") else None,
                                date_from=f.get("date_from"), date_to=f.get("date_to"))
    context = {**list_page(request, qs if asked else qs.none(), page_size=PAGE_SIZE).context(), "form": form,
               "understood": criteria.understood, "asked": asked}
    return render_list(request, "reports/search.html", context)


def _filters(request: AuthedRequest, today: date) -> tuple[StatisticsForm, statistics.Filters]:
    form = StatisticsForm(request.GET or None, today=today)
    filters = statistics.filters_default(today)
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        try:
            filters = statistics.filters_clean(first=d["month_from"], last=d["month_to"], team=d["team"],
                                               rep=d["rep"], today=today)
        except ValidationFailed as e:
            put_error(form, e)
    return form, filters


def _period_text(filters: statistics.Filters) -> str:
    first, last = f"{filters.first:%Y-%m}", f"{filters.last:%Y-%m}"
    return first if first == last else f"{first} – {last}"


def _heading(filters: statistics.Filters) -> list[str]:
    lines = [f"{pgettext('statistics', 'Period')}: {_period_text(filters)}"]
    if filters.team is not None:
        lines.append(f"{_('Team')}: {dict(statistics.team_choices()).get(filters.team, '')}")
    if filters.rep is not None:
        lines.append(f"{_('Sales rep')}: {dict(statistics.rep_choices()).get(filters.rep, '')}")
    return lines


@login_required
@domain_errors
@require_GET
@replica_reads()
def statistics_page(request: AuthedRequest) -> HttpResponse:
    """P4.2.c the statistics with charts; each chart's table below it and as Excel."""
    statistics.require_view(request.user)
    today = timezone.localdate()
    form, filters = _filters(request, today)
    charts = statistics.statistics(user=request.user, filters=filters)
    tables = [{"chart": c, "rows": [[cell_text(v, f) for v, f in zip(r, c.formats, strict=False)] for r in c.rows],
               "total": [cell_text(v, f) for v, f in zip(c.total, c.formats, strict=False)] if c.total else None,
               "right": [f != statistics.TEXT for f in c.formats]} for c in charts]
    specs = [{"key": c.key, "kind": c.kind, "title": c.title, **c.spec} for c in charts]
    return render(request, "reports/statistics.html", {
        "form": form, "tables": tables, "specs": specs, "query": request.GET.urlencode(),
        "heading": _heading(filters), "has_reports": MonthlyReport.objects.exists()})


@login_required
@domain_errors
@require_GET
@replica_reads()
def statistics_xlsx(request: AuthedRequest, key: str) -> HttpResponse:
    """One chart's table (or every table, key "all") as Excel, with the page's filters."""
    statistics.require_view(request.user)
    if key != "all" and key not in statistics.CHART_KEYS:
        raise Http404(_("No such chart."))
    today = timezone.localdate()
    _form, filters = _filters(request, today)
    charts = statistics.statistics(user=request.user, filters=filters)
    if key != "all":
        charts = [c for c in charts if c.key == key]
    response = HttpResponse(workbook(charts, _heading(filters)), content_type=XLSX)
    what = charts[0].title if key != "all" else _("All tables")
    name = f"{_('Statistics')}-{what}-{_period_text(filters)}.xlsx"
    response["Content-Disposition"] = attachment_header(
        name, f"statistics-{key}-{filters.first:%Y-%m}-{filters.last:%Y-%m}.xlsx")
    return response


@login_required
@domain_errors
@require_GET
def monthly_reports(request: AuthedRequest) -> HttpResponse:
    """The kept monthly sales analyses, newest first (for leadership and the other statistics readers)."""
    statistics.require_view(request.user)
    reports = MonthlyReport.objects.defer("pdf_zh", "pdf_en", "xlsx_zh", "xlsx_en").order_by("-month")
    return render_list(request, "reports/monthly.html", list_page(request, reports, page_size=24).context())


def _month(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m").date()
    except ValueError as e:
        raise Http404(_("No such month.")) from e


@login_required
@domain_errors
@require_GET
def monthly_report_file(request: AuthedRequest, month: str, fmt: str) -> HttpResponse:
    """The kept file, in the reader's language."""
    statistics.require_view(request.user)
    if fmt not in ("pdf", "xlsx"):
        raise Http404(_("No such file."))
    m = _month(month)
    lang = "zh" if (get_language() or "").startswith("zh") else "en"
    field = f"{fmt}_{lang}"
    report: Any = MonthlyReport.objects.filter(month=m).only(field).first()
    if report is None:
        raise Http404(_("No sales analysis for this month."))
    title = _("Monthly sales analysis")
    response = HttpResponse(bytes(getattr(report, field)),
                            content_type="application/pdf" if fmt == "pdf" else XLSX)
    response["Content-Disposition"] = attachment_header(f"{title}-{month}.{fmt}", f"sales-analysis-{month}.{fmt}")
    return response
