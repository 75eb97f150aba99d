"""Writes of the reports app: rebuilding the monthly revenue rollups (P4.2.c) of the dashboard and the
statistics page.

The rollups are derived data, recomputed from the orders; they record no audit event (nothing a
person decided changes), and a refresh is idempotent.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ordertaking.common.errors import ValidationFailed
from ordertaking.orders.models import Order

from . import selectors, statistics
from .models import (
    CategoryCube,
    MonthlyReport,
    RevenueByCategory,
    RevenueByCustomer,
    RevenueByRegion,
    RevenueMonth,
    SalesCube,
)


def _spans(months: list[date]) -> list[tuple[datetime, datetime]]:
    """The months as [start, end) ranges, one per run of consecutive months."""
    spans: list[tuple[datetime, datetime]] = []
    for m in sorted(months):
        a, b = selectors._aware(m), selectors._aware(selectors._next_month(m))
        if spans and spans[-1][1] == a:
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
    return spans


def revenue_rollup_refresh(*, today: date | None = None, months: int = selectors.MONTHS) -> list[date]:
    """Rebuild the rollups of the closed months among the last `months` (the current month stays live), and
    of any older rolled-up month whose orders changed since its rollup (selectors.stale_months: a late
    cancellation or change). Returns the months rebuilt."""
    today = today or timezone.localdate()
    # Stamped before the orders are read: an order saved while they are read makes its month stale again.
    now = timezone.now()
    p = selectors.period(months=months, today=today)
    this_month = date(today.year, today.month, 1)
    older = dict(RevenueMonth.objects.filter(month__lt=p.first_month).values_list("month", "refreshed_at"))
    closed = sorted({m for m in selectors.month_list(p) if m < this_month} | selectors.stale_months(older))
    if not closed:
        return []
    live = selectors.LiveScope(Order.objects.all())
    cats: list[dict] = []
    regions: list[dict] = []
    customers: list[dict] = []
    sales: list[dict] = []
    cat_cube: list[dict] = []
    for a, b in _spans(closed):
        cats += selectors.live_by_category(live, a, b)
        regions += selectors.live_by_region(live, a, b)
        customers += selectors.live_by_customer(live, a, b)
        sales += statistics.live_sales(a, b)
        cat_cube += statistics.live_categories(a, b)
    closed_set = set(closed)
    totals: dict[date, list] = defaultdict(lambda: [Decimal("0.00"), 0])
    for r in regions:
        totals[r["month"]][0] += r["amount"]
        totals[r["month"]][1] += r["orders"]
    with transaction.atomic():
        for model in (RevenueByCategory, RevenueByRegion, RevenueByCustomer, SalesCube, CategoryCube, RevenueMonth):
            model.objects.filter(month__in=closed).delete()
        RevenueByCategory.objects.bulk_create([
            RevenueByCategory(month=r["month"], category_id=r["category_id"], category_name=r["category"] or "",
                              amount=r["amount"]) for r in cats if r["month"] in closed_set])
        RevenueByRegion.objects.bulk_create([
            RevenueByRegion(month=r["month"], region_id=r["region_id"], region_name=r["region"] or "",
                            amount=r["amount"], orders=r["orders"]) for r in regions if r["month"] in closed_set])
        RevenueByCustomer.objects.bulk_create([
            RevenueByCustomer(month=r["month"], customer_id=r["customer_id"], amount=r["amount"], orders=r["orders"])
            for r in customers if r["month"] in closed_set], batch_size=2000)
        SalesCube.objects.bulk_create([
            SalesCube(month=r["month"], customer_id=r["customer_id"], sales_rep_id=r["rep_id"],
                      region_id=r["region_id"], amount=r["amount"], orders=r["orders"],
                      review_seconds=r["review_seconds"])
            for r in sales if r["month"] in closed_set], batch_size=2000)
        CategoryCube.objects.bulk_create([
            CategoryCube(month=r["month"], category_id=r["category_id"], sales_rep_id=r["rep_id"], amount=r["amount"])
            for r in cat_cube if r["month"] in closed_set], batch_size=2000)
        RevenueMonth.objects.bulk_create([RevenueMonth(month=m, amount=totals[m][0], orders=totals[m][1],
                                                       refreshed_at=now) for m in closed])
    return closed


# --- the monthly sales analysis (P4.2.c 定期统计分析) ------------------------------------------------------

def _change(now: Decimal, before: Decimal) -> str:
    if not before:
        return "—"
    return f"{(now - before) / before * 100:+.1f}%"


def monthly_analysis(month: date) -> tuple[list[tuple[str, str]], list[statistics.Chart]]:
    """The month's key figures and its tables, in the active language: the trends over the 12 months up to
    `month` (revenue, review time, lead time), the rest for the month alone."""
    from django.utils.translation import gettext as _

    from .documents import cell_text

    month = date(month.year, month.month, 1)
    one = statistics.Filters(first=month, last=month)
    trend = statistics.Filters(first=statistics._add_months(month, -11), last=month)
    last_year = statistics.Filters(first=statistics._add_months(month, -12), last=statistics._add_months(month, -12))
    trend_by_month = statistics.Sales.read(trend, None).by("month")
    month_sales = statistics.Sales.read(one, None)
    by_month = statistics.chart_by_month(trend, trend_by_month)
    revenue = {r[0]: r[2] for r in by_month.rows}
    orders = {r[0]: r[1] for r in by_month.rows}
    key, prev_key = f"{month:%Y-%m}", f"{statistics._add_months(month, -1):%Y-%m}"
    year_ago = sum((v[1] for v in statistics.Sales.read(last_year, None).by("month").values()), Decimal("0.00"))
    conversion = statistics.chart_conversion(one, None)
    returns = statistics.chart_returns(one, None)
    specials = statistics.chart_special_approvals(one, None)
    review = statistics.chart_review_time(one, month_sales.by("month"))
    lead = statistics.chart_lead_time(one, None)
    summary = [
        (_("Revenue"), cell_text(revenue[key], statistics.MONEY)),
        (_("Orders approved"), cell_text(orders[key], statistics.INT)),
        (_("Change on the month before"), _change(revenue[key], revenue.get(prev_key, Decimal("0.00")))),
        (_("Change on the same month last year"), _change(revenue[key], year_ago)),
        (_("Inquiries turned into orders"), cell_text(conversion.total[3] if conversion.total else 0, statistics.PCT)),
        (_("Average review time (hours)"), cell_text(review.total[2] if review.total else None, statistics.NUM1)),
        (_("Average delivery lead time (days)"), cell_text(lead.total[2] if lead.total else None, statistics.NUM1)),
        (_("Orders returned by the reviewer"), cell_text(returns.total[1] if returns.total else 0, statistics.INT)),
        (_("Special approvals asked for"), cell_text(specials.total[1] if specials.total else 0, statistics.INT)),
    ]
    charts = [by_month, statistics.chart_by_category(one, statistics.category_sums(one, None)),
              statistics.chart_by_region(one, month_sales.by("region")),
              *statistics.charts_by_customer_class(one, month_sales),
              statistics.chart_by_rep(one, month_sales.by("rep")), conversion,
              statistics.chart_review_time(trend, trend_by_month), statistics.chart_lead_time(trend, None),
              returns, specials]
    return summary, charts


def monthly_report_generate(*, month: date, replace: bool = False) -> MonthlyReport:
    """Generate and keep the sales analysis of a closed month, as PDF and Excel in Chinese and English.
    A month already kept stays as it was issued unless `replace` (the console's regenerate)."""
    from django.utils import translation
    from django.utils.translation import gettext as _

    from .documents import monthly_pdf, workbook

    month = date(month.year, month.month, 1)
    today = timezone.localdate()
    if month >= date(today.year, today.month, 1):
        raise ValidationFailed(_("Only a month that is over can be analysed."), field="month")
    existing = MonthlyReport.objects.filter(month=month).first()
    if existing and not replace:
        return existing
    files: dict[str, bytes] = {}
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            summary, charts = monthly_analysis(month)
            heading = [f"{_('Monthly sales analysis')} {month:%Y-%m}"]
            suffix = "zh" if lang == "zh-hans" else "en"
            files[f"pdf_{suffix}"] = monthly_pdf(month, today, summary, charts)
            files[f"xlsx_{suffix}"] = workbook(charts, heading, summary=summary)
            if lang == "en":
                revenue, orders = charts[0].rows[-1][2], charts[0].rows[-1][1]
    with transaction.atomic():
        report, _created = MonthlyReport.objects.select_for_update().update_or_create(
            month=month, defaults={"generated_at": timezone.now(), "revenue": revenue, "orders": orders, **files})
    return report
