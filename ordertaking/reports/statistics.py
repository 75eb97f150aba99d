"""The statistics page (P4.2.c 查询和统计分析: periodic statistics show sales patterns and problems to fix).

Who: `statistics_view` (leadership, the order center, finance, auditors), who all see every order. Sales
reps do not get the page: their own orders are their order list and home page, and P4.1.c keeps the
company's figures by customer out of a rep's work. So the figures here are never narrowed by user.

What counts, the same as the dashboard (selectors.py): revenue is the total (价税合计) of orders approved
(审核通过, P2.3.c) in the period, by the month of approval in Asia/Shanghai; cancelled orders never count.
The filters are the period (whole months), the sales team (the reps whose leader is the chosen person,
User.leader) and the sales rep.

Speed (docs/performance.md, W2): closed months are read from two small rollups (models.SalesCube,
models.CategoryCube: customer × rep × province, and category × rep, per month), rebuilt with the
dashboard's, and summed in the database per chart (`Sales.by`: one GROUP BY each, a handful of rows
back). Months without a fresh rollup (normally only the current one; a month with an order cancelled or
changed since its refresh, selectors.stale_months) are aggregated live, one query per month at the
rollup's grain over the covering index of migration 0003. The other figures (inquiries, shipments,
returns, special approvals) read their own, much smaller, tables by date.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ordertaking.accounts.models import User
from ordertaking.accounts.roles import Role, perm
from ordertaking.catalog.models import Category, Region
from ordertaking.common.errors import PermissionDenied, ValidationFailed
from ordertaking.common.findings import FINDING_LABELS
from ordertaking.customers.models import Customer
from ordertaking.inquiries.models import Inquiry
from ordertaking.logistics.models import Shipment
from ordertaking.orders.models import Order, OrderLine
from ordertaking.orders.states import OrderState
from ordertaking.review.models import ReviewDecision, ReviewFinding, SpecialApproval

from .models import CategoryCube, SalesCube
from .selectors import _aware, _month, _next_month, fresh_months

ZERO = Decimal("0.00")
MAX_MONTHS = 36
TOP = 15


def may_view(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(perm("statistics_view")))


def require_view(user: Any) -> None:
    if not may_view(user):
        raise PermissionDenied(_("Only leadership, the order center, finance and auditors see the statistics "
                                 "(P4.2.c)."), code="forbidden")


# --- filters ----------------------------------------------------------------------------------------------

def _month_start(d: date) -> date:
    return date(d.year, d.month, 1)


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return date(y, m + 1, 1)


@dataclass(frozen=True)
class Filters:
    """Whole months from `first` to `last` (both included), optionally one team or one rep."""

    first: date
    last: date
    team: int | None = None
    rep: int | None = None

    @property
    def start(self) -> datetime:
        return _aware(self.first)

    @property
    def end(self) -> datetime:
        return _aware(_next_month(self.last))

    def months(self) -> list[date]:
        out, d = [], self.first
        while d <= self.last:
            out.append(d)
            d = _next_month(d)
        return out

    def rep_ids(self) -> list[int] | None:
        """The reps whose orders count, or None for everyone's."""
        if self.team is None and self.rep is None:
            return None
        qs = User.objects.all()
        if self.team is not None:
            qs = qs.filter(leader_id=self.team)
        if self.rep is not None:
            qs = qs.filter(pk=self.rep)
        return list(qs.values_list("pk", flat=True))


def filters_default(today: date) -> Filters:
    last = _month_start(today)
    return Filters(first=_add_months(last, -11), last=last)


def filters_clean(*, first: date | None, last: date | None, team: int | None, rep: int | None,
                  today: date) -> Filters:
    """The filters a user asked for, or ValidationFailed naming the field."""
    default = filters_default(today)
    last = _month_start(last) if last else default.last
    first = _month_start(first) if first else _add_months(last, -11)
    if first > last:
        raise ValidationFailed(_("The period's first month is after its last."), field="month_from")
    if (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
        raise ValidationFailed(_("Choose a period of at most %(n)s months.") % {"n": MAX_MONTHS},
                               field="month_from")
    if team is not None and not User.objects.filter(team__isnull=False, pk=team).exists():
        raise ValidationFailed(_("No such team."), field="team")
    if rep is not None and not User.objects.filter(pk=rep, groups__name=Role.SALES).exists():
        raise ValidationFailed(_("No such sales rep."), field="rep")
    return Filters(first=first, last=last, team=team, rep=rep)


def team_choices() -> list[tuple[int, str]]:
    """Each leader with a team, as the team's name (by the leader)."""
    leaders = User.objects.filter(team__isnull=False).distinct().order_by("username")
    return [(u.pk, _("Team of %(leader)s") % {"leader": u}) for u in leaders]


def rep_choices() -> list[tuple[int, str]]:
    reps = User.objects.filter(groups__name=Role.SALES).distinct().order_by("username")
    return [(u.pk, str(u)) for u in reps]


# --- the rollups and their live twin ------------------------------------------------------------------------

def _approved(start: datetime, end: datetime, rep_ids: list[int] | None) -> Any:
    qs = Order.objects.filter(approved_at__gte=start, approved_at__lt=end).exclude(state=OrderState.CANCELLED)
    return qs if rep_ids is None else qs.filter(sales_rep_id__in=rep_ids)


def _months_between(start: datetime, end: datetime) -> list[tuple[date, datetime, datetime]]:
    """[start, end) cut at the local month boundaries: (month, from, to) each."""
    out = []
    m = _month(start).replace(day=1)
    while _aware(m) < end:
        nxt = _next_month(m)
        out.append((m, max(start, _aware(m)), min(end, _aware(nxt))))
        m = nxt
    return out


def live_sales(start: datetime, end: datetime, rep_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """Approved revenue by month × customer × rep × province, with the summed review time. One query per
    month, grouped by plain columns (no per-row time-zone arithmetic), over the covering index."""
    review = ExpressionWrapper(F("approved_at") - F("submitted_at"), output_field=DurationField())
    out = []
    for month, a, b in _months_between(start, end):
        rows = (_approved(a, b, rep_ids).values("customer_id", "sales_rep_id", "delivery_region_id")
                .annotate(amount=Sum("total_amount"), n=Count("id"), review=Sum(review)).order_by())
        for r in rows:
            rv = r["review"]
            secs = int(rv.total_seconds()) if isinstance(rv, timedelta) else int((rv or 0) / 1_000_000)
            out.append({"month": month, "customer_id": r["customer_id"], "rep_id": r["sales_rep_id"],
                        "region_id": r["delivery_region_id"], "amount": r["amount"] or ZERO, "orders": r["n"],
                        "review_seconds": max(secs, 0)})
    return out


def live_categories(start: datetime, end: datetime, rep_ids: list[int] | None = None) -> list[dict[str, Any]]:
    out = []
    for month, a, b in _months_between(start, end):
        # one join to the order (not `order__in` a subquery, which joins the orders a second time for the rep)
        lines = (OrderLine.objects.filter(order__approved_at__gte=a, order__approved_at__lt=b)
                 .exclude(order__state=OrderState.CANCELLED))
        if rep_ids is not None:
            lines = lines.filter(order__sales_rep_id__in=rep_ids)
        rows = (lines.values("product__category_id", "order__sales_rep_id").annotate(amount=Sum("amount"))
                .order_by())
        out += [{"month": month, "category_id": r["product__category_id"], "rep_id": r["order__sales_rep_id"],
                 "amount": r["amount"] or ZERO} for r in rows]
    return out


@dataclass(frozen=True)
class Plan:
    """Which months of the filters come from the rollups and which are aggregated from the orders."""

    rolled: list[date]
    live: list[date]


def plan_for(f: Filters) -> Plan:
    """Months with a fresh rollup (selectors.fresh_months: rolled up, and no order of theirs changed since)
    are read from it; the others (normally only the current month) live, each on its own."""
    months = f.months()
    fresh = fresh_months(months[0], months[-1])
    return Plan(rolled=[m for m in months if m in fresh], live=[m for m in months if m not in fresh])


# What the charts sum approved revenue by: the rollup's fields (grouped in SQL), the live row's keys. The
# customer's three classes are one GROUP BY (a few dozen rows), split per chart.
DIMENSIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "month": (("month",), ("month",)), "region": (("region_id",), ("region_id",)),
    "rep": (("sales_rep_id",), ("rep_id",)),
    "class": (("customer__size", "customer__industry", "customer__value_tier"), ("size", "industry", "tier")),
}


@dataclass
class Sales:
    """Approved revenue for the filters, summed per chart dimension (`by`): the rolled-up months in the
    database (one GROUP BY over the SalesCube rows per chart, a few rows back), the live months from one
    query each at the rollup's own grain, so both halves sum exactly the same figures."""

    rep_ids: list[int] | None
    plan: Plan
    live: list[dict[str, Any]]

    @classmethod
    def read(cls, f: Filters, rep_ids: list[int] | None, plan: Plan | None = None) -> Sales:
        plan = plan or plan_for(f)
        live: list[dict[str, Any]] = []
        for m in plan.live:
            live += live_sales(_aware(m), _aware(_next_month(m)), rep_ids)
        if live:  # the customer's classes as they are today, as the rollup's join reads them
            classes = {pk: (size, industry, tier) for pk, size, industry, tier in
                       Customer.objects.filter(pk__in={r["customer_id"] for r in live})
                       .values_list("pk", "size", "industry", "value_tier")}
            for r in live:
                r["size"], r["industry"], r["tier"] = classes.get(r["customer_id"], ("", "", ""))
        return cls(rep_ids=rep_ids, plan=plan, live=live)

    def by(self, dim: str) -> dict[Any, list[Any]]:
        """{key: [orders, revenue, review seconds]} for one dimension of DIMENSIONS."""
        fields, keys = DIMENSIONS[dim]
        sums: dict[Any, list[Any]] = defaultdict(lambda: [0, ZERO, 0])
        if self.plan.rolled:
            qs = SalesCube.objects.filter(month__in=self.plan.rolled)
            if self.rep_ids is not None:
                qs = qs.filter(sales_rep_id__in=self.rep_ids)
            for *k, n, amount, secs in (qs.values(*fields).annotate(n=Sum("orders"), a=Sum("amount"),
                                                                    s=Sum("review_seconds"))
                                        .order_by().values_list(*fields, "n", "a", "s")):
                s = sums[tuple(k) if len(k) > 1 else k[0]]
                s[0], s[1], s[2] = s[0] + n, s[1] + (amount or ZERO), s[2] + secs
        for r in self.live:
            s = sums[tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]]
            s[0], s[1], s[2] = s[0] + r["orders"], s[1] + r["amount"], s[2] + r["review_seconds"]
        return sums


def category_sums(f: Filters, rep_ids: list[int] | None, plan: Plan | None = None) -> dict[int | None, Decimal]:
    """Approved revenue by product category: the rollup grouped in SQL, the live months added."""
    plan = plan or plan_for(f)
    sums: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    if plan.rolled:
        qs = CategoryCube.objects.filter(month__in=plan.rolled)
        if rep_ids is not None:
            qs = qs.filter(sales_rep_id__in=rep_ids)
        for k, amount in qs.values("category_id").annotate(a=Sum("amount")).order_by().values_list("category_id", "a"):
            sums[k] += amount or ZERO
    for m in plan.live:
        for r in live_categories(_aware(m), _aware(_next_month(m)), rep_ids):
            sums[r["category_id"]] += r["amount"]
    return sums


# --- the charts ---------------------------------------------------------------------------------------------

# Column formats: how the page, the Excel file and the PDF show a value.
TEXT, INT, MONEY, PCT, NUM1 = "text", "int", "money", "pct", "num1"


@dataclass
class Chart:
    """One chart and its table. `rows` hold plain values (str, int, Decimal, float) in `formats`;
    `spec` is what statistics.js draws (JSON-ready)."""

    key: str
    title: str
    columns: list[str]
    formats: list[str]
    rows: list[list[Any]]
    kind: str
    spec: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    total: list[Any] | None = None


def _f(value: Any) -> float:
    return float(value or 0)


def _share(part: Decimal, whole: Decimal) -> float:
    return round(float(part) / float(whole), 4) if whole else 0.0


def chart_by_month(f: Filters, by_month: dict[Any, list[Any]]) -> Chart:
    """`by_month`: Sales.by("month")."""
    rows: list[list[Any]] = [[f"{m:%Y-%m}", by_month[m][0] if m in by_month else 0,
                              by_month[m][1] if m in by_month else ZERO] for m in f.months()]
    total = [_("Total"), sum(r[1] for r in rows), sum((r[2] for r in rows), ZERO)]
    return Chart("by_month", _("Orders and revenue by month"), [_("Month"), _("Number of orders"), _("Revenue")],
                 [TEXT, INT, MONEY], rows, "bar_line", total=total,
                 spec={"x": [r[0] for r in rows],
                       "series": [{"name": _("Revenue"), "type": "bar", "data": [_f(r[2]) for r in rows],
                                   "money": True},
                                  {"name": _("Number of orders"), "type": "line", "axis": 1,
                                   "data": [r[1] for r in rows]}]})


def chart_by_category(f: Filters, sums: dict[int | None, Decimal]) -> Chart:
    """`sums`: category_sums()."""
    names = dict(Category.objects.filter(pk__in=[k for k in sums if k]).values_list("pk", "name"))
    whole = sum(sums.values(), ZERO)
    rows: list[list[Any]] = sorted(([names.get(k, "") if k else _("Lines outside the catalog"), v, _share(v, whole)]
                                    for k, v in sums.items()), key=lambda r: (-r[1], r[0]))
    return Chart("by_category", _("Revenue by product category"), [_("Category"), _("Revenue"), _("Share")],
                 [TEXT, MONEY, PCT], rows, "pie", total=[_("Total"), whole, 1.0 if whole else 0.0],
                 spec={"data": [{"name": r[0], "value": _f(r[1])} for r in rows]})


# The provinces as the vendored map names them (static/vendor/echarts-4.9.0/china.json), by the region's
# code (GB/T 2260 letters, as the demo and most master data use), with the English name for the tooltip.
PROVINCES: dict[str, tuple[str, str]] = {
    "BJ": ("北京", "Beijing"), "TJ": ("天津", "Tianjin"), "HE": ("河北", "Hebei"), "SX": ("山西", "Shanxi"),
    "NM": ("内蒙古", "Inner Mongolia"), "LN": ("辽宁", "Liaoning"), "JL": ("吉林", "Jilin"),
    "HL": ("黑龙江", "Heilongjiang"), "SH": ("上海", "Shanghai"), "JS": ("江苏", "Jiangsu"), "ZJ": ("浙江", "Zhejiang"),
    "AH": ("安徽", "Anhui"), "FJ": ("福建", "Fujian"), "JX": ("江西", "Jiangxi"), "SD": ("山东", "Shandong"),
    "HA": ("河南", "Henan"), "HB": ("湖北", "Hubei"), "HN": ("湖南", "Hunan"), "GD": ("广东", "Guangdong"),
    "GX": ("广西", "Guangxi"), "HI": ("海南", "Hainan"), "CQ": ("重庆", "Chongqing"), "SC": ("四川", "Sichuan"),
    "GZ": ("贵州", "Guizhou"), "YN": ("云南", "Yunnan"), "XZ": ("西藏", "Tibet"), "SN": ("陕西", "Shaanxi"),
    "GS": ("甘肃", "Gansu"), "QH": ("青海", "Qinghai"), "NX": ("宁夏", "Ningxia"), "XJ": ("新疆", "Xinjiang"),
    "TW": ("台湾", "Taiwan"), "HK": ("香港", "Hong Kong"), "MO": ("澳门", "Macao"),
}
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


def map_name(code: str, name: str) -> str:
    """The vendored map's name of a province: by its code, else its name without 省/市/自治区."""
    if code.upper() in PROVINCES:
        return PROVINCES[code.upper()][0]
    for s in _SUFFIXES:
        if name.endswith(s) and len(name) > len(s):
            return name[: -len(s)]
    return name


def chart_by_region(f: Filters, sums: dict[Any, list[Any]]) -> Chart:
    """`sums`: Sales.by("region")."""
    regions = {r.pk: r for r in Region.objects.filter(pk__in=[k for k in sums if k])}
    rows, data = [], []
    def order(kv: tuple[Any, list[Any]]) -> tuple[Decimal, str]:
        return -kv[1][1], regions[kv[0]].name if kv[0] in regions else ""

    for k, (n, amount, _s) in sorted(sums.items(), key=order):
        region = regions.get(k) if k else None
        rows.append([region.name if region else _("No delivery province"), n, amount])
        if region:
            mname = map_name(region.code, region.name)
            english = next((en for zh, en in PROVINCES.values() if zh == mname), mname)
            data.append({"name": mname, "value": _f(amount), "orders": n, "label": region.name, "en": english})
    total = [_("Total"), sum(r[1] for r in rows), sum((r[2] for r in rows), ZERO)]
    return Chart("by_region", _("Revenue by delivery province"), [_("Province"), _("Number of orders"), _("Revenue")],
                 [TEXT, INT, MONEY], rows, "map", total=total,
                 spec={"data": data, "max": max((d["value"] for d in data), default=0)})


def _ranked(key: str, title: str, label: str, names: dict[Any, str], sums: dict[Any, list[Any]],
            other: str, kind: str = "hbar") -> Chart:
    rows = sorted(([names.get(k) or other, v[0], v[1]] for k, v in sums.items()),
                  key=lambda r: (-r[2], r[0]))
    total = [_("Total"), sum(r[1] for r in rows), sum((r[2] for r in rows), ZERO)]
    top = rows[:TOP]
    return Chart(key, title, [label, _("Number of orders"), _("Revenue")], [TEXT, INT, MONEY], rows, kind, total=total,
                 spec={"y": [r[0] for r in reversed(top)],
                       "series": [{"name": _("Revenue"), "type": "bar", "money": True,
                                   "data": [_f(r[2]) for r in reversed(top)]}],
                       "data": [{"name": r[0], "value": _f(r[2])} for r in top]})


def charts_by_customer_class(f: Filters, sales: Sales) -> list[Chart]:
    """P4.1.b the classes on the customer, as it is classed today: size 规模, industry 行业 and the value
    tier 价值分层 computed by the archive chapter from recency, frequency and amount."""
    by_size: dict[str, list[Any]] = defaultdict(lambda: [0, ZERO])
    by_industry: dict[str, list[Any]] = defaultdict(lambda: [0, ZERO])
    by_tier: dict[str, list[Any]] = defaultdict(lambda: [0, ZERO])
    for (size, industry, tier), (n, amount, _s) in sales.by("class").items():
        # "机械" and "机械 " are one industry
        for sums, k in ((by_size, size), (by_industry, (industry or "").strip()), (by_tier, tier)):
            sums[k][0] += n
            sums[k][1] += amount
    size_names = {k: str(v) for k, v in Customer.Size.choices}
    tier_names = {k: str(v) for k, v in Customer.Tier.choices}
    return [
        _ranked("by_size", _("Revenue by customer size"), _("Customer size"), size_names, by_size,
                _("Size not recorded"), kind="pie"),
        _ranked("by_industry", _("Revenue by customer industry"), _("Industry"), {k: k for k in by_industry},
                by_industry, _("Industry not recorded")),
        _ranked("by_tier", _("Revenue by customer value tier"), _("Value tier"), tier_names, by_tier,
                _("Tier not computed yet"), kind="pie"),
    ]


def chart_by_rep(f: Filters, sums: dict[Any, list[Any]]) -> Chart:
    """`sums`: Sales.by("rep")."""
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=list(sums))}
    return _ranked("by_rep", _("Revenue by sales rep"), _("Sales rep"), names, sums, "—")


def chart_conversion(f: Filters, rep_ids: list[int] | None) -> Chart:
    """P2.1 inquiry → order by channel: inquiries received in the period and how many became an order.
    A team or rep filter counts the inquiries handed to them (assigned_to)."""
    qs = Inquiry.objects.filter(received_at__gte=f.start, received_at__lt=f.end)
    if rep_ids is not None:
        qs = qs.filter(assigned_to_id__in=rep_ids)
    counts = {r["channel"]: (r["n"], r["won"]) for r in
              qs.values("channel").annotate(n=Count("id"), won=Count("id", filter=Q(order__isnull=False)))
              .order_by()}
    rows = []
    for value, label in Inquiry.Channel.choices:
        n, won = counts.get(value, (0, 0))
        rows.append([str(label), n, won, round(won / n, 4) if n else 0.0])
    n_all, won_all = sum(r[1] for r in rows), sum(r[2] for r in rows)
    return Chart("conversion", _("Inquiries turned into orders, by channel"),
                 [_("Channel"), _("Inquiries"), _("Turned into orders"), _("Conversion rate")],
                 [TEXT, INT, INT, PCT], rows, "bar_line",
                 total=[_("Total"), n_all, won_all, round(won_all / n_all, 4) if n_all else 0.0],
                 spec={"x": [r[0] for r in rows],
                       "series": [{"name": _("Inquiries"), "type": "bar", "data": [r[1] for r in rows]},
                                  {"name": _("Turned into orders"), "type": "bar", "data": [r[2] for r in rows]},
                                  {"name": _("Conversion rate"), "type": "line", "axis": 1, "percent": True,
                                   "data": [r[3] for r in rows]}]})


def chart_review_time(f: Filters, by_month: dict[Any, list[Any]]) -> Chart:
    """P2.3 average review time: from an order's (last) submission to its approval, in hours, by month.
    `by_month`: Sales.by("month")."""
    sums: dict[date, list[int]] = {m: [by_month[m][2], by_month[m][0]] if m in by_month else [0, 0]
                                   for m in f.months()}
    rows = [[f"{m:%Y-%m}", n, round(s / n / 3600, 1) if n else None] for m, (s, n) in sums.items()]
    s_all, n_all = sum(v[0] for v in sums.values()), sum(v[1] for v in sums.values())
    return Chart("review_time", _("Average review time (hours from submission to approval)"),
                 [_("Month"), _("Orders approved"), _("Average hours")], [TEXT, INT, NUM1], rows, "line",
                 total=[_("Whole period"), n_all, round(s_all / n_all / 3600, 1) if n_all else None],
                 spec={"x": [r[0] for r in rows],
                       "series": [{"name": _("Average hours"), "type": "line", "data": [r[2] for r in rows]}]})


def chart_lead_time(f: Filters, rep_ids: list[int] | None) -> Chart:
    """P2.4 delivery lead time: from approval to the last delivered shipment of the order, in days, by
    the month the order was delivered."""
    qs = Shipment.objects.filter(state=Shipment.State.DELIVERED, order__approved_at__isnull=False)
    if rep_ids is not None:
        qs = qs.filter(order__sales_rep_id__in=rep_ids)
    per_order = (qs.values("order_id", "order__approved_at").annotate(last=Max("delivered_at"))
                 .filter(last__gte=f.start, last__lt=f.end).order_by())
    sums: dict[date, list[float]] = {m: [0.0, 0] for m in f.months()}
    for r in per_order:
        m = _month(r["last"])
        if m in sums:
            sums[m][0] += (r["last"] - r["order__approved_at"]).total_seconds() / 86400
            sums[m][1] += 1
    rows = [[f"{m:%Y-%m}", int(n), round(d / n, 1) if n else None] for m, (d, n) in sums.items()]
    d_all, n_all = sum(v[0] for v in sums.values()), sum(v[1] for v in sums.values())
    return Chart("lead_time", _("Average delivery lead time (days from approval to delivery)"),
                 [_("Month"), _("Orders delivered"), _("Average days")], [TEXT, INT, NUM1], rows, "line",
                 total=[_("Whole period"), int(n_all), round(d_all / n_all, 1) if n_all else None],
                 spec={"x": [r[0] for r in rows],
                       "series": [{"name": _("Average days"), "type": "line", "data": [r[2] for r in rows]}]})


OPINION_ONLY = gettext_lazy("The reviewer's opinion only (no automatic finding)")


def _reason(code: str) -> str:
    label = FINDING_LABELS.get(code)
    return str(label) if label else _("Other finding")


def chart_returns(f: Filters, rep_ids: list[int] | None) -> Chart:
    """P2.3 orders returned by the reviewer in the period, by reason: the blocking findings of the revision
    that was returned (one return may have several), or the reviewer's opinion alone."""
    qs = ReviewDecision.objects.filter(outcome=ReviewDecision.Outcome.RETURNED, decided_at__gte=f.start,
                                       decided_at__lt=f.end)
    if rep_ids is not None:
        qs = qs.filter(order__sales_rep_id__in=rep_ids)
    # .order_by(): the models' default ordering is by the order, which joins and sorts every order
    returned = set(qs.order_by().values_list("order_id", "revision"))
    codes: dict[tuple[int, int], set[str]] = defaultdict(set)
    for order_id, revision, code in (ReviewFinding.objects.filter(order_id__in=qs.order_by().values("order_id"),
                                                                  blocking=True)
                                     .order_by().values_list("order_id", "revision", "code")):
        if (order_id, revision) in returned:
            codes[(order_id, revision)].add(code)
    counts: dict[str, int] = defaultdict(int)
    for key in returned:
        for code in codes.get(key) or {""}:
            counts[_reason(code) if code else str(OPINION_ONLY)] += 1
    rows: list[list[Any]] = sorted(([k, v] for k, v in counts.items()), key=lambda r: (-r[1], r[0]))
    return Chart("returns", _("Orders returned by the reviewer, by reason"), [_("Reason"), _("Returns")],
                 [TEXT, INT], rows, "hbar", total=[_("Orders returned"), len(returned)],
                 note=_("An order returned for several reasons counts under each of them."),
                 spec={"y": [r[0] for r in reversed(rows[:TOP])],
                       "series": [{"name": _("Returns"), "type": "bar", "data": [r[1] for r in reversed(rows[:TOP])]}]})


def chart_special_approvals(f: Filters, rep_ids: list[int] | None) -> Chart:
    """P2.3.c special approvals asked for in the period, by the findings they were asked to cover."""
    qs = SpecialApproval.objects.filter(requested_at__gte=f.start, requested_at__lt=f.end)
    if rep_ids is not None:
        qs = qs.filter(order__sales_rep_id__in=rep_ids)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    n = 0
    for codes, state in qs.order_by().values_list("finding_codes", "state"):  # no join for the default ordering
        n += 1
        for code in set(codes or []) or {""}:
            c = counts[_reason(code) if code else _("Other finding")]
            c[0] += 1
            if state == SpecialApproval.State.GRANTED:
                c[1] += 1
            elif state == SpecialApproval.State.REFUSED:
                c[2] += 1
    rows: list[list[Any]] = sorted(([k, *v] for k, v in counts.items()), key=lambda r: (-r[1], r[0]))
    top = list(reversed(rows[:TOP]))
    return Chart("special_approvals", _("Special approvals, by the findings they cover"),
                 [_("Reason"), _("Asked for"), _("Granted"), _("Refused")], [TEXT, INT, INT, INT], rows, "hbar",
                 total=[_("Special approvals asked for"), n, sum(r[2] for r in rows), sum(r[3] for r in rows)],
                 note=_("One request may cover several findings; it counts under each of them."),
                 spec={"y": [r[0] for r in top], "stack": True,
                       "series": [{"name": _("Granted"), "type": "bar", "data": [r[2] for r in top]},
                                  {"name": _("Refused"), "type": "bar", "data": [r[3] for r in top]},
                                  {"name": _("Other"), "type": "bar", "data": [r[1] - r[2] - r[3] for r in top]}]})


CHART_KEYS = ("by_month", "by_category", "by_region", "by_size", "by_industry", "by_tier", "by_rep", "conversion",
              "review_time", "lead_time", "returns", "special_approvals")


def statistics(*, user: Any, filters: Filters) -> list[Chart]:
    """Every chart of the page for these filters, in CHART_KEYS order."""
    require_view(user)
    return charts_for(filters)


def charts_for(filters: Filters) -> list[Chart]:
    """The charts for these filters, for whoever may see them (the page checked; the monthly job is the
    company's own)."""
    rep_ids = filters.rep_ids()
    plan = plan_for(filters)
    sales = Sales.read(filters, rep_ids, plan)
    by_month = sales.by("month")
    charts = [chart_by_month(filters, by_month), chart_by_category(filters, category_sums(filters, rep_ids, plan)),
              chart_by_region(filters, sales.by("region")), *charts_by_customer_class(filters, sales),
              chart_by_rep(filters, sales.by("rep")), chart_conversion(filters, rep_ids),
              chart_review_time(filters, by_month),
              chart_lead_time(filters, rep_ids), chart_returns(filters, rep_ids),
              chart_special_approvals(filters, rep_ids)]
    return charts


def chart_get(*, user: Any, filters: Filters, key: str) -> Chart:
    from ordertaking.common.errors import NotFound

    if key not in CHART_KEYS:
        raise NotFound(_("No such chart."), code="not_found")
    return next(c for c in statistics(user=user, filters=filters) if c.key == key)
