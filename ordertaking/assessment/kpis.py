"""The five KPIs of P6.2 考核, their written definitions, and how each is computed from the records.

A KPI is made of *components*. Each component counts one kind of record (a review decision, a task, a
survey, an invoice ...) in a period, attributes it to ONE department (a constant, or read from the record)
and, where the record names one, to a person; and says which of those records are "met" (the numerator).
Every figure is one SQL aggregate (COUNT / SUM / AVG with a FILTER, grouped by person or by month in the
database), never a Python loop over orders. The time nodes are settings (defaults below).

The headline of a KPI for a department:
- orders received: the sum of its components' counts;
- timeliness, accuracy, risk: the mean of its components' rates, over the components that have records
  (each component weighs the same; a component with no records in the period is left out);
- satisfaction: the survey average (1-5) of the aspect the department answers for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ordertaking.accounts.roles import ROLE_LABELS, Role
from ordertaking.audit.models import AuditEvent
from ordertaking.common.sql import RangeIndex
from ordertaking.credit.models import CreditHold
from ordertaking.deliveries.models import AcceptanceIssue, DeliveryVoucher, LineCheck
from ordertaking.feedback.models import Complaint, Survey
from ordertaking.finance.models import Invoice
from ordertaking.fulfilment.models import Task
from ordertaking.inquiries.models import Inquiry
from ordertaking.orders.models import Order, OrderRevision
from ordertaking.review import rules as review_rules
from ordertaking.review.models import ReviewDecision
from ordertaking.supervision.models import RectificationTask

# --- departments, KPIs, periods -------------------------------------------------------------------------------

DEPARTMENTS: tuple[str, ...] = (Role.SALES, Role.CUSTOMER_SERVICE, Role.ORDER_CENTER, Role.PRODUCTION,
                                Role.LOGISTICS, Role.FINANCE)


def department_label(dept: str) -> str:
    return str(ROLE_LABELS[Role(dept)])


RECEIVED, TIMELINESS, ACCURACY, SATISFACTION, RISK = "received", "timeliness", "accuracy", "satisfaction", "risk"
KPIS: tuple[str, ...] = (RECEIVED, TIMELINESS, ACCURACY, SATISFACTION, RISK)

KPI_LABELS: dict[str, Promise] = {
    RECEIVED: _("Orders received"),  # 订单接收数量
    TIMELINESS: _("Processing timeliness rate"),  # 订单处理及时率
    ACCURACY: _("Execution accuracy rate"),  # 订单执行准确率
    SATISFACTION: _("Customer satisfaction"),  # 客户满意度
    RISK: _("Risk control effectiveness"),  # 风险防控效果
}

KPI_DEFINITIONS: dict[str, Promise] = {
    RECEIVED: _("The number of orders and requests each department took in during the period, counted from the "
                "records: orders submitted for review (by the month the order was entered; the order's sales rep "
                "and sales), inquiries received by customer service (the person who received them), review "
                "decisions (the reviewer and the order center), execution tasks created (the task's department "
                "and assignee) and invoices issued (finance, the person who issued them)."),
    TIMELINESS: _("The share of work done within its time node: inquiries handed over to sales within "
                  "%(handover)s hours of being received (customer service, the person who received them); orders "
                  "reviewed within %(review)s hours of their submission (the reviewer and the order center); "
                  "execution tasks done on or before their due date (the task's department and assignee); "
                  "complaints resolved by their deadline (customer service, the handler). The rate is the mean of "
                  "these shares for the department."),
    ACCURACY: _("The share of orders executed right: orders reviewed without being returned for wrong or missing "
                "data (the order's sales rep and sales); deliveries signed for on or before the agreed delivery "
                "date (logistics, the person who planned the shipment; and the order's sales rep); deliveries "
                "accepted in full without an acceptance issue (production; and the order's sales rep). The rate "
                "is the mean of these shares for the department."),
    SATISFACTION: _("The average score (1 to 5) customers gave in the satisfaction surveys answered in the period: "
                    "overall for sales (the order's sales rep), product for production, delivery for logistics, "
                    "service for customer service. Shown with it: the response rate of the surveys offered "
                    "(sales) and the complaints received, by the department their category points to."),
    RISK: _("The share of risk kept under control: the amount of invoices due in the period paid in full by "
            "their due date (finance; and the customer's sales rep); the amount not left unpaid more than "
            "%(bad_days)s days past due, counted as bad debt (finance); credit holds released within %(hold)s "
            "hours (finance, the person who released them); the rectification tasks of supervision findings due "
            "in the period and closed by their deadline (the task's department and responsible person). The "
            "rate is the mean of these shares for the department."),
}

MONTH, QUARTER, YEAR = "month", "quarter", "year"
PERIOD_KINDS: tuple[str, ...] = (MONTH, QUARTER, YEAR)
PERIOD_LABELS: dict[str, Promise] = {MONTH: _("Month"), QUARTER: _("Quarter"), YEAR: pgettext_lazy("period", "Year")}
TREND_LENGTH = {MONTH: 12, QUARTER: 8, YEAR: 5}


def tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Period:
    """A whole month, quarter or year in China time (Asia/Shanghai): [first, after)."""

    kind: str
    first: date

    @property
    def after(self) -> date:
        months = {MONTH: 1, QUARTER: 3, YEAR: 12}[self.kind]
        y, m = divmod(self.first.year * 12 + self.first.month - 1 + months, 12)
        return date(y, m + 1, 1)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=tz())

    @property
    def end(self) -> datetime:
        return datetime.combine(self.after, time.min, tzinfo=tz())

    @property
    def code(self) -> str:
        """As in the URL: 2026-11, 2026-Q4, 2026."""
        if self.kind == MONTH:
            return f"{self.first:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        return str(self.first.year)

    @property
    def label(self) -> str:
        return self.code

    def previous(self, n: int = 1) -> Period:
        months = {MONTH: 1, QUARTER: 3, YEAR: 12}[self.kind] * n
        y, m = divmod(self.first.year * 12 + self.first.month - 1 - months, 12)
        return Period(self.kind, date(y, m + 1, 1))


def period_containing(kind: str, day: date) -> Period:
    if kind == MONTH:
        return Period(MONTH, date(day.year, day.month, 1))
    if kind == QUARTER:
        return Period(QUARTER, date(day.year, (day.month - 1) // 3 * 3 + 1, 1))
    return Period(YEAR, date(day.year, 1, 1))


def period_parse(code: str) -> Period | None:
    """2026-11 (month), 2026-Q4 (quarter), 2026 (year); None when it is none of them."""
    code = (code or "").strip().upper()
    try:
        if len(code) == 4 and code.isdigit():
            return Period(YEAR, date(int(code), 1, 1))
        if len(code) == 7 and code[4:6] == "-Q" and code[:4].isdigit() and code[6] in "1234":
            return Period(QUARTER, date(int(code[:4]), (int(code[6]) - 1) * 3 + 1, 1))
        if len(code) == 7 and code[4] == "-" and code[:4].isdigit() and code[5:].isdigit():
            return Period(MONTH, date(int(code[:4]), int(code[5:]), 1))
    except ValueError:
        return None
    return None


# --- the time nodes ---------------------------------------------------------------------------------------------

def handover_hours() -> int:
    return int(getattr(settings, "ORDERTAKING_KPI_HANDOVER_HOURS", 24))


def review_hours() -> int:
    """The review's time node is review's own (P2.3), the one the supervision checks hold orders to."""
    return review_rules.review_hours()


def hold_hours() -> int:
    return int(getattr(settings, "ORDERTAKING_KPI_HOLD_HOURS", 48))


def bad_debt_days() -> int:
    return int(getattr(settings, "ORDERTAKING_KPI_BAD_DEBT_DAYS", 90))


def kpi_definition(kpi: str) -> str:
    return str(KPI_DEFINITIONS[kpi]) % {"handover": handover_hours(), "review": review_hours(),
                                         "hold": hold_hours(), "bad_days": bad_debt_days()}


# --- the components --------------------------------------------------------------------------------------------

COUNT, RATE, AMOUNT_RATE, AVERAGE = "count", "rate", "amount_rate", "average"


@dataclass(frozen=True)
class Component:
    key: str
    kpi: str
    measure: str
    label: Promise
    base: Callable[[], QuerySet[Any]]
    date_field: str  # the record's date that places it in a period
    department: str | None = None  # a constant department, or None: the `kpi_dept` annotation of `base`
    departments: tuple[str, ...] = ()  # which departments it can attribute to (for the definitions and tables)
    person: str | None = None  # the field naming the person it is attributed to
    good: Callable[[], Q] | None = None  # the numerator (rates)
    value: str | None = None  # the amount (AMOUNT_RATE) or the score (AVERAGE)
    date_is_day: bool = False  # date_field is a DateField (not a moment)
    ref: str = "order__number"  # what identifies a record on the drill-down list
    headline: bool = True  # counts in the department's headline
    lower_is_better: bool = False

    def depts(self) -> tuple[str, ...]:
        return (self.department,) if self.department else self.departments


def _local_day(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=tz())


def _submitted_orders() -> QuerySet[Any]:
    return Order.objects.filter(submitted_at__isnull=False)


def _cs_inquiries() -> QuerySet[Any]:
    first_handover = (AuditEvent.objects.filter(action="inquiry.handed_over", subject_type="inquiries.inquiry",
                                                subject_id=Cast(OuterRef("pk"), CharField()))
                      .order_by("at").values("at")[:1])
    return (Inquiry.objects.filter(received_by__groups__name=Role.CUSTOMER_SERVICE)
            .annotate(handed_over_at=Subquery(first_handover, output_field=DateTimeField())))


def _handover_due() -> QuerySet[Any]:
    """Inquiries that needed a hand-over: all but those closed without one (answered directly)."""
    return _cs_inquiries().exclude(Q(state=Inquiry.State.CLOSED) & Q(handed_over_at__isnull=True))


def _handover_good() -> Q:
    return Q(handed_over_at__isnull=False,
             handed_over_at__lte=ExpressionWrapper(F("received_at") + timedelta(hours=handover_hours()),
                                                   output_field=DateTimeField()))


def _decisions() -> QuerySet[Any]:
    """Review decisions with the moment their review's clock started: the submission of the revision, or the
    last release from credit hold before the decision (the wait on hold is finance's, not the review's)."""
    submitted = (OrderRevision.objects.filter(order=OuterRef("order_id"), revision=OuterRef("revision"))
                 .values("created_at")[:1])
    released = (CreditHold.objects.filter(order=OuterRef("order_id"), released_at__isnull=False,
                                          released_at__gte=OuterRef("submitted_at"),
                                          released_at__lte=OuterRef("decided_at"))
                .order_by("-released_at").values("released_at")[:1])
    return (ReviewDecision.objects.annotate(submitted_at=Subquery(submitted, output_field=DateTimeField()))
            .annotate(review_start=Coalesce(Subquery(released, output_field=DateTimeField()), F("submitted_at"))))


def _review_good() -> Q:
    return Q(decided_at__lte=ExpressionWrapper(F("review_start") + timedelta(hours=review_hours()),
                                               output_field=DateTimeField()))


TASK_DEPTS = (Role.PRODUCTION, Role.LOGISTICS, Role.CUSTOMER_SERVICE, Role.ORDER_CENTER)


def _tasks() -> QuerySet[Any]:
    return Task.objects.exclude(state=Task.State.CANCELLED).annotate(kpi_dept=F("department"))


def _tasks_done() -> QuerySet[Any]:
    return (Task.objects.filter(state=Task.State.DONE, done_at__isnull=False)
            .annotate(kpi_dept=F("department"), done_day=_local_day("done_at")))


def _complaints_due() -> QuerySet[Any]:
    return Complaint.objects.annotate(resolved_day=_local_day("resolved_at"))


def _complaint_good() -> Q:
    return Q(resolved_at__isnull=False, resolved_day__lte=F("due_date"))


COMPLAINT_DEPTS = {Complaint.Category.QUALITY: Role.PRODUCTION, Complaint.Category.DELIVERY: Role.LOGISTICS,
                   Complaint.Category.SERVICE: Role.CUSTOMER_SERVICE, Complaint.Category.BILLING: Role.FINANCE,
                   Complaint.Category.CONTRACT: Role.SALES, Complaint.Category.OTHER: Role.SALES}


def _complaints_by_dept() -> QuerySet[Any]:
    return Complaint.objects.annotate(kpi_dept=Case(*(When(category=c, then=Value(str(d)))
                                                      for c, d in COMPLAINT_DEPTS.items()),
                                                    default=Value(str(Role.SALES)), output_field=CharField()))


def _signed_vouchers() -> QuerySet[Any]:
    issue = AcceptanceIssue.objects.filter(order_id=OuterRef("order_id"))
    rejected = LineCheck.objects.filter(order_id=OuterRef("order_id"), verdict=LineCheck.Verdict.REJECTED)
    return (DeliveryVoucher.objects.filter(signed_at__isnull=False)
            .annotate(signed_day=_local_day("signed_at"), had_issue=Exists(issue), had_rejection=Exists(rejected)))


def _on_time_good() -> Q:
    return Q(order__delivery_date__isnull=False, signed_day__lte=F("order__delivery_date"))


def _clean_good() -> Q:
    return Q(had_issue=False, had_rejection=False)


def _answered() -> QuerySet[Any]:
    return Survey.objects.filter(state=Survey.State.ANSWERED, answered_at__isnull=False)


def _invoices() -> QuerySet[Any]:
    return Invoice.objects.all()


def _paid_on_time() -> Q:
    return Q(settled_on__isnull=False, settled_on__lte=F("due_date"))


def _not_bad_debt() -> Q:
    cutoff = timezone.localdate() - timedelta(days=bad_debt_days())
    return ~Q(state=Invoice.State.OPEN, due_date__lt=cutoff)


def _holds() -> QuerySet[Any]:
    return CreditHold.objects.all()


def _hold_good() -> Q:
    return Q(state=CreditHold.State.RELEASED, released_at__isnull=False,
             released_at__lte=ExpressionWrapper(F("created_at") + timedelta(hours=hold_hours()),
                                                output_field=DateTimeField()))


def _rectifications() -> QuerySet[Any]:
    return RectificationTask.objects.annotate(kpi_dept=F("department"), closed_day=_local_day("closed_at"))


def _rectified_good() -> Q:
    return Q(state=RectificationTask.State.CLOSED, closed_at__isnull=False, closed_day__lte=F("deadline"))


S, CS, OC, PR, LG, FI = (Role.SALES, Role.CUSTOMER_SERVICE, Role.ORDER_CENTER, Role.PRODUCTION, Role.LOGISTICS,
                         Role.FINANCE)

COMPONENTS: tuple[Component, ...] = (
    # 1 orders received
    Component("orders_submitted", RECEIVED, COUNT, _("Orders submitted for review"), _submitted_orders,
              "created_at", department=S, person="sales_rep"),
    Component("inquiries_received", RECEIVED, COUNT, _("Inquiries received"), _cs_inquiries, "received_at",
              department=CS, person="received_by", ref="company_name"),
    Component("reviews_made", RECEIVED, COUNT, _("Review decisions"), _decisions, "decided_at", department=OC,
              person="reviewer"),
    Component("tasks_created", RECEIVED, COUNT, _("Execution tasks received"), _tasks, "created_at",
              departments=TASK_DEPTS, person="assignee"),
    Component("invoices_issued", RECEIVED, COUNT, _("Invoices issued"), _invoices, "issue_date", department=FI,
              person="issued_by", date_is_day=True, ref="number"),
    # 2 processing timeliness
    Component("handover_on_time", TIMELINESS, RATE, _("Inquiries handed over in time"), _handover_due,
              "received_at", department=CS, person="received_by", good=_handover_good, ref="company_name"),
    Component("review_on_time", TIMELINESS, RATE, _("Orders reviewed in time"), _decisions, "decided_at",
              department=OC, person="reviewer", good=_review_good),
    Component("tasks_on_time", TIMELINESS, RATE, _("Tasks done by their due date"), _tasks_done, "done_at",
              departments=TASK_DEPTS, person="assignee", good=lambda: Q(done_day__lte=F("due_date"))),
    Component("complaints_on_time", TIMELINESS, RATE, _("Complaints resolved by their deadline"), _complaints_due,
              "due_date", department=CS, person="handler", good=_complaint_good, date_is_day=True, ref="number"),
    # 3 execution accuracy
    Component("entered_right", ACCURACY, RATE, _("Reviews passed without a return"), _decisions, "decided_at",
              department=S, person="order__sales_rep", good=lambda: Q(outcome=ReviewDecision.Outcome.APPROVED)),
    Component("delivered_on_time", ACCURACY, RATE, _("Deliveries on time"), _signed_vouchers, "signed_at",
              department=LG, person="shipment__created_by", good=_on_time_good),
    Component("delivered_on_time_sales", ACCURACY, RATE, _("Deliveries on time"), _signed_vouchers, "signed_at",
              department=S, person="order__sales_rep", good=_on_time_good),
    Component("accepted_clean", ACCURACY, RATE, _("Deliveries accepted in full without an issue"), _signed_vouchers,
              "signed_at", department=PR, good=_clean_good),
    Component("accepted_clean_sales", ACCURACY, RATE, _("Deliveries accepted in full without an issue"),
              _signed_vouchers, "signed_at", department=S, person="order__sales_rep", good=_clean_good),
    # 4 customer satisfaction
    Component("score_overall", SATISFACTION, AVERAGE, _("Overall score"), _answered, "answered_at", department=S,
              person="sales_rep", value="overall"),
    Component("score_product", SATISFACTION, AVERAGE, _("Product score"), _answered, "answered_at", department=PR,
              value="product"),
    Component("score_delivery", SATISFACTION, AVERAGE, _("Delivery score"), _answered, "answered_at",
              department=LG, value="delivery"),
    Component("score_service", SATISFACTION, AVERAGE, _("Service score"), _answered, "answered_at",
              department=CS, value="service"),
    Component("survey_response", SATISFACTION, RATE, _("Surveys answered"), lambda: Survey.objects.all(),
              "invited_at", department=S, person="sales_rep", good=lambda: Q(state=Survey.State.ANSWERED),
              headline=False),
    Component("complaints", SATISFACTION, COUNT, _("Complaints received"), _complaints_by_dept, "created_at",
              departments=(S, CS, PR, LG, FI), ref="number", headline=False, lower_is_better=True),
    # 5 risk control
    Component("paid_on_time", RISK, AMOUNT_RATE, _("Receivables paid by the due date"), _invoices, "due_date",
              department=FI, good=_paid_on_time, value="amount", date_is_day=True, ref="number"),
    Component("paid_on_time_sales", RISK, AMOUNT_RATE, _("Receivables paid by the due date"), _invoices,
              "due_date", department=S, person="customer__sales_rep", good=_paid_on_time, value="amount",
              date_is_day=True, ref="number"),
    Component("no_bad_debt", RISK, AMOUNT_RATE, _("Receivables not gone bad"), _invoices, "due_date",
              department=FI, good=_not_bad_debt, value="amount", date_is_day=True, ref="number"),
    Component("holds_on_time", RISK, RATE, _("Credit holds released in time"), _holds, "created_at", department=FI,
              person="released_by", good=_hold_good),
    Component("findings_rectified", RISK, RATE, _("Inspection findings rectified by their deadline"),
              _rectifications, "deadline", departments=DEPARTMENTS, person="responsible", good=_rectified_good,
              date_is_day=True, ref="number"),
)

BY_KEY = {c.key: c for c in COMPONENTS}


def components(kpi: str | None = None, dept: str | None = None) -> list[Component]:
    return [c for c in COMPONENTS if (kpi is None or c.kpi == kpi) and (dept is None or dept in c.depts())]


# --- the aggregates --------------------------------------------------------------------------------------------

@dataclass
class Figure:
    """One component's aggregate: `n` records, `good` of them met; for amount rates the amounts; for
    averages the mean score."""

    n: int = 0
    good: int = 0
    amount: Decimal = Decimal("0")
    good_amount: Decimal = Decimal("0")
    average: float | None = None


def value_of(c: Component, f: Figure) -> float | None:
    if c.measure == COUNT:
        return float(f.n)
    if c.measure == RATE:
        return f.good / f.n if f.n else None
    if c.measure == AMOUNT_RATE:
        return float(f.good_amount / f.amount) if f.amount else None
    return f.average


def bound(c: Component, day: date) -> date | datetime:
    """Where a period starting on `day` starts for the component's date: that day for a date, its midnight in
    China time for a moment (stored UTC: 2026-11-01 00:00 China time is 2026-10-31 16:00 UTC)."""
    return day if c.date_is_day else datetime.combine(day, time.min, tzinfo=tz())


def in_period(c: Component, qs: QuerySet[Any], start: date, after: date) -> QuerySet[Any]:
    return qs.filter(**{f"{c.date_field}__gte": bound(c, start), f"{c.date_field}__lt": bound(c, after)})


def scoped(c: Component, dept: str, person_id: int | None = None) -> QuerySet[Any]:
    qs = c.base()
    if c.department is None:
        qs = qs.filter(kpi_dept=dept)
    if person_id is not None:
        qs = qs.filter(**{c.person: person_id}) if c.person else qs.none()
    return qs


def _aggregates(c: Component) -> dict[str, Any]:
    a: dict[str, Any] = {"kpi_n": Count("pk")}
    if c.measure == RATE and c.good:
        a["kpi_good"] = Count("pk", filter=c.good())
    elif c.measure == AMOUNT_RATE and c.good and c.value:
        a["kpi_amount"] = Sum(c.value)
        a["kpi_good_amount"] = Sum(c.value, filter=c.good())
    elif c.measure == AVERAGE and c.value:
        a["kpi_n"] = Count(c.value)
        a["kpi_avg"] = Avg(c.value)
    return a


def _figure(row: dict[str, Any]) -> Figure:
    avg = row.get("kpi_avg")
    return Figure(n=row.get("kpi_n") or 0, good=row.get("kpi_good") or 0, amount=Decimal(row.get("kpi_amount") or 0),
                  good_amount=Decimal(row.get("kpi_good_amount") or 0),
                  average=float(avg) if avg is not None else None)


def figure(c: Component, dept: str, period: Period, person_id: int | None = None) -> Figure:
    """One query: the component for a department (or one of its persons) in a period."""
    qs = in_period(c, scoped(c, dept, person_id), period.first, period.after)
    return _figure(qs.aggregate(**_aggregates(c)))


def by_person(c: Component, dept: str, period: Period) -> dict[int, Figure]:
    """One query: the component for each person of the department it names, GROUP BY person."""
    if not c.person:
        return {}
    qs = in_period(c, scoped(c, dept), period.first, period.after).filter(**{f"{c.person}__isnull": False})
    return {r[c.person]: _figure(r) for r in qs.values(c.person).annotate(**_aggregates(c)).order_by()}


def by_period(c: Component, dept: str, last: Period, n: int, person_id: int | None = None) -> dict[date, Figure]:
    """One query: the component over the `n` periods up to `last`, GROUP BY the period in China time.

    A record's period is found by comparing its date with the periods' bounds (`bound`, the same ones
    `in_period` filters with): the first period whose end it is before (`RangeIndex`). Not a Trunc: on
    SQLite Django's Trunc with a time zone is a Python function called for every row (issue 14: 697 ms for
    the 12-month trend of orders received at 1M order lines)."""
    periods = [last.previous(i) for i in range(n - 1, -1, -1)]
    qs = in_period(c, scoped(c, dept, person_id), periods[0].first, last.after)
    period = RangeIndex(c.date_field, [bound(c, p.after) for p in periods])
    rows = qs.annotate(kpi_period=period).values("kpi_period").annotate(**_aggregates(c)).order_by()
    return {periods[r["kpi_period"]].first: _figure(r) for r in rows}


def headline(kpi: str, values: list[tuple[Component, Figure]]) -> float | None:
    """The KPI's figure from its components' figures (see the module docstring)."""
    used = [(c, f) for c, f in values if c.headline]
    if kpi == RECEIVED:
        return float(sum(f.n for _c, f in used)) if used else None
    if kpi == SATISFACTION:
        vals = [value_of(c, f) for c, f in used if value_of(c, f) is not None]
        return vals[0] if vals else None
    rates = [v for v in (value_of(c, f) for c, f in used) if v is not None]
    return sum(rates) / len(rates) if rates else None
