"""Search and statistics in the JSON API (P4.2.c), mounted at /api/v1/reports. The same selectors as the
pages: the search sees what the user may see; the statistics and the monthly analyses need
`statistics_view`."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from ordertaking.accounts.models import User
from ordertaking.catalog.models import Product, Region
from ordertaking.common.api import Mapped, Paged
from ordertaking.common.errors import NotFound, ValidationFailed
from ordertaking.orders.models import Order
from ordertaking.orders.states import OrderState

from . import statistics
from .documents import XLSX
from .models import MonthlyReport
from .search import clean_text, order_search

router = Router()


class SearchHitOut(Schema):
    number: str
    customer: str
    sales_rep: str = Field(..., description="the sales rep's name")
    delivery_region: str | None = Field(None, description="the delivery province's name")
    state: str = Field(..., json_schema_extra={"enum": list(OrderState.values)})
    state_label: str
    total_amount: Decimal
    created_at: datetime
    delivery_date: date | None


class UnderstoodOut(Schema):
    what: str
    value: str


def _hit(o: Order) -> dict[str, Any]:
    return {"number": o.number, "customer": o.customer.name, "sales_rep": str(o.sales_rep),
            "delivery_region": o.delivery_region.name if o.delivery_region else None, "state": o.state,
            "state_label": str(o.get_state_display()), "total_amount": o.total_amount, "created_at": o.created_at,
            "delivery_date": o.delivery_date}


def _by(model: Any, field: str, value: str, name: str) -> Any:
    if not value:
        return None
    obj = model.objects.filter(**{field: clean_text(value)}).first()
    if obj is None:
        raise ValidationFailed(_("Unknown %(what)s: %(value)s.") % {"what": name, "value": value[:50]}, field=name)
    return obj


@router.get("/search", response=list[SearchHitOut])
@paginate(Paged)
def order_search_list(request: HttpRequest, q: str = Query("", max_length=200, description="the search box"),  # noqa: B008
                      state: str = Query("", max_length=20, description="an order state (value)"),  # noqa: B008
                      rep: str = Query("", max_length=150, description="the sales rep's user name"),  # noqa: B008
                      region: str = Query("", max_length=10, description="the delivery province's code"),  # noqa: B008
                      product: str = Query("", max_length=30, description="a product's code"),  # noqa: B008
                      date_from: date | None = None, date_to: date | None = None) -> Mapped:
    """P4.2.c the orders the caller may see that match the box (number, customer, product, state, rep,
    province, dates: see the search page) and the filters, newest first."""
    if state and state not in OrderState.values:
        raise ValidationFailed(_("Unknown state."), field="state")
    rep_obj = _by(User, "username", rep, "rep")
    region_obj = _by(Region, "code", region, "region")
    product_obj = _by(Product, "code", product, "product")
    qs, _c = order_search(user=request.user, q=q, state=state, rep_id=rep_obj.pk if rep_obj else None,
                          region_id=region_obj.pk if region_obj else None,
                          product_id=product_obj.pk if product_obj else None, date_from=date_from, date_to=date_to)
    return Mapped(qs, _hit)


class ChartOut(Schema):
    key: str = Field(..., json_schema_extra={"enum": list(statistics.CHART_KEYS)})
    title: str
    columns: list[str]
    formats: list[str] = Field(..., description="per column: text, int, money (a decimal string), pct (0–1), "
                                                "num1 (one decimal)")
    rows: list[list[str | int | float | None]]
    total: list[str | int | float | None] | None = None
    note: str = ""


class StatisticsOut(Schema):
    month_from: str = Field(..., description="YYYY-MM")
    month_to: str = Field(..., description="YYYY-MM")
    charts: list[ChartOut]


def _cell(value: Any, fmt: str) -> Any:
    if value is None:
        return None
    if fmt == statistics.MONEY:
        return str(Decimal(value).quantize(Decimal("0.01")))
    if fmt in (statistics.PCT, statistics.NUM1):
        return float(value)
    return int(value) if fmt == statistics.INT else str(value)


def _month_arg(value: str, field: str) -> date | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m").date()
    except ValueError as e:
        raise ValidationFailed(_("Give the month as YYYY-MM."), field=field) from e


@router.get("/statistics", response=StatisticsOut)
def statistics_get(request: HttpRequest, month_from: str = Query("", max_length=7, description="YYYY-MM"),  # noqa: B008
                   month_to: str = Query("", max_length=7, description="YYYY-MM"),  # noqa: B008
                   team: str = Query("", max_length=150, description="the team leader's user name"),  # noqa: B008
                   rep: str = Query("", max_length=150, description="the sales rep's user name")) -> dict[str, Any]:  # noqa: B008
    """P4.2.c every chart's table for the period (default: the last 12 months), team and rep."""
    statistics.require_view(request.user)
    team_obj = _by(User, "username", team, "team")
    rep_obj = _by(User, "username", rep, "rep")
    f = statistics.filters_clean(first=_month_arg(month_from, "month_from"), last=_month_arg(month_to, "month_to"),
                                 team=team_obj.pk if team_obj else None, rep=rep_obj.pk if rep_obj else None,
                                 today=timezone.localdate())
    charts = statistics.statistics(user=request.user, filters=f)
    return {"month_from": f"{f.first:%Y-%m}", "month_to": f"{f.last:%Y-%m}", "charts": [
        {"key": c.key, "title": c.title, "columns": c.columns, "formats": c.formats, "note": c.note,
         "rows": [[_cell(v, fm) for v, fm in zip(r, c.formats, strict=False)] for r in c.rows],
         "total": [_cell(v, fm) for v, fm in zip(c.total, c.formats, strict=False)] if c.total else None}
        for c in charts]}


class MonthlyReportOut(Schema):
    month: str = Field(..., description="YYYY-MM")
    revenue: Decimal
    orders: int
    generated_at: datetime


@router.get("/monthly", response=list[MonthlyReportOut])
@paginate(Paged)
def monthly_report_list(request: HttpRequest) -> Mapped:
    """The kept monthly sales analyses, newest first."""
    statistics.require_view(request.user)
    qs = MonthlyReport.objects.defer("pdf_zh", "pdf_en", "xlsx_zh", "xlsx_en").order_by("-month")
    return Mapped(qs, lambda r: {"month": f"{r.month:%Y-%m}", "revenue": r.revenue, "orders": r.orders,
                                 "generated_at": r.generated_at})


@router.get("/monthly/{month}/file", openapi_extra={"responses": {200: {
    "description": "The kept analysis as PDF or Excel",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}},
                XLSX: {"schema": {"type": "string", "format": "binary"}}}}}})
def monthly_report_file(request: HttpRequest, month: str,
                        kind: str = Query("pdf", max_length=4, description="pdf or xlsx"),  # noqa: B008
                        lang: str = Query("zh", max_length=2, description="zh or en")) -> HttpResponse:  # noqa: B008
    """One kept file of a month's analysis, in Chinese or English."""
    statistics.require_view(request.user)
    if kind not in ("pdf", "xlsx"):
        raise ValidationFailed(_("Choose pdf or xlsx."), field="kind")
    if lang not in ("zh", "en"):
        raise ValidationFailed(_("Choose zh or en."), field="lang")
    m = _month_arg(month, "month")
    if m is None:
        raise NotFound(_("No sales analysis for this month."), code="not_found")
    field = f"{kind}_{lang}"
    report: Any = MonthlyReport.objects.filter(month=m).only(field).first()
    if report is None:
        raise NotFound(_("No sales analysis for this month."), code="not_found")
    response = HttpResponse(bytes(getattr(report, field)), content_type="application/pdf" if kind == "pdf" else XLSX)
    response["Content-Disposition"] = f'attachment; filename="sales-analysis-{month}.{kind}"'
    return response
