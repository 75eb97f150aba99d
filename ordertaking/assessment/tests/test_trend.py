"""P6.2: a KPI's trend places each record in its month, quarter or year in China time by comparing its date with
the periods' bounds (issue 14). The oracle is the GROUP BY over Trunc in China time that the trend used before
(`truncated`, kept here): every component, every department it counts for, each of its persons, over months,
quarters and years, on records placed on both sides of the periods' bounds in China time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D
from typing import Any

import pytest
from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone

from ordertaking.assessment import kpis, selectors
from ordertaking.assessment.kpis import MONTH, QUARTER, TREND_LENGTH, YEAR, Period
from ordertaking.credit.models import CreditHold
from ordertaking.deliveries.models import AcceptanceIssue, DeliveryVoucher, IssueClass, Via
from ordertaking.feedback.models import Complaint, Survey
from ordertaking.finance.models import Invoice
from ordertaking.fulfilment.models import Task
from ordertaking.inquiries import services as inquiry_services
from ordertaking.inquiries.models import Inquiry
from ordertaking.logistics.models import Shipment
from ordertaking.orders.models import Order, OrderRevision
from ordertaking.review.models import ReviewDecision
from ordertaking.supervision.models import Finding, Inspection, RectificationTask

pytestmark = pytest.mark.django_db


def china(y: int, m: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, s, us, tzinfo=kpis.tz())


# Both sides of month, quarter and year bounds in China time, and of the trends' windows (12 months up to
# November 2026, 8 quarters up to Q4 2026, 5 years up to 2026).
MOMENTS = (
    china(2026, 3, 31, 23, 30),  # 15:30 UTC: March
    china(2026, 4, 1),  # the bound itself: April
    china(2026, 3, 31, 23, 59, 59, 999999),  # the last microsecond of March (and of Q1)
    datetime(2026, 5, 1, 0, 0, tzinfo=UTC),  # UTC midnight is 08:00 in China: May
    datetime(2026, 4, 30, 16, 0, tzinfo=UTC),  # 16:00 UTC is midnight in China: May, not April
    datetime(2026, 4, 30, 15, 59, 59, tzinfo=UTC),  # April
    china(2025, 12, 31, 23, 30),  # the last half hour of 2025 (still 2025 in UTC too)
    china(2026, 1, 1, 0, 30),  # 2026 in China, still 2025 in UTC
    china(2026, 6, 30, 23, 45),  # Q2
    china(2026, 7, 1, 0, 15),  # Q3
    china(2026, 11, 30, 23, 59),  # the last period of the month trend
    china(2026, 12, 1, 0, 1),  # after it: only the quarter and year trends
    china(2025, 12, 1, 0, 0),  # the first month of the month trend
    china(2025, 11, 30, 23, 59),  # before it: only the quarter and year trends
    china(2025, 1, 1, 0, 0),  # the first quarter of the quarter trend
    china(2024, 12, 31, 23, 59),  # before it
    china(2022, 1, 1, 0, 0),  # the first year of the year trend
    china(2021, 12, 31, 23, 59),  # before every trend
)

LASTS = (Period(MONTH, date(2026, 11, 1)), Period(QUARTER, date(2026, 10, 1)), Period(YEAR, date(2026, 1, 1)))


def moment(k: int) -> datetime:
    return MOMENTS[k % len(MOMENTS)]


def day(k: int) -> date:
    return timezone.localdate(moment(k))


def truncated(c: kpis.Component, dept: str, last: Period, n: int, person_id: int | None = None) -> dict[date, Any]:
    """The trend as computed before issue 14: GROUP BY the date truncated to the period in China time."""
    first = last.previous(n - 1)
    qs = kpis.in_period(c, kpis.scoped(c, dept, person_id), first.first, last.after)
    trunc = {MONTH: TruncMonth, QUARTER: TruncQuarter, YEAR: TruncYear}[last.kind]
    bucket = trunc(c.date_field) if c.date_is_day else trunc(c.date_field, tzinfo=kpis.tz())
    out = {}
    for r in qs.annotate(kpi_bucket=bucket).values("kpi_bucket").annotate(**kpis._aggregates(c)).order_by():
        b = r["kpi_bucket"]
        if isinstance(b, datetime):
            b = b.astimezone(kpis.tz()).date() if timezone.is_aware(b) else b.date()
        out[b] = kpis._figure(r)
    return out


@pytest.fixture
def records(make_order, customer, sales_rep, sales_rep2, reviewer, cs_agent, finance_user, production_user,
            logistics_user, auditor, catalog):
    """Records of every kind a component counts, their dates spread over MOMENTS (a date field gets the
    moment's day in China time)."""
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=finance_user)
    orders = [make_order(state="approved", reviewer=reviewer), make_order(state="returned", reviewer=reviewer),
              make_order(state="approved", reviewer=reviewer, rep=sales_rep2),
              make_order(state="approved", reviewer=reviewer),
              make_order(state="submitted"), make_order(state="draft")]
    for k, o in enumerate(orders):
        Order.objects.filter(pk=o.pk).update(created_at=moment(k), delivery_date=day(k + 3))
        OrderRevision.objects.filter(order=o).update(created_at=moment(k + 1) - timedelta(hours=30 * (k % 3)))
        ReviewDecision.objects.filter(order=o).update(decided_at=moment(k + 1))
    # more orders entered, one per moment (copies of the submitted one: the services would take too long)
    copies = []
    for k in range(len(MOMENTS)):
        copy = Order.objects.get(pk=orders[4].pk)
        copy.pk, copy.number = None, f"{orders[4].number}-{k}"
        copy.save(force_insert=True)
        Order.objects.filter(pk=copy.pk).update(created_at=moment(k))
        copies.append(copy)
    n = len(MOMENTS)
    for k in range(n):
        o = orders[k % 4]
        who = (production_user, logistics_user)[k % 2]
        t = Task.objects.create(order=o, kind=(Task.Kind.PRODUCTION, Task.Kind.SHIPPING)[k % 2],
                                department=("production", "logistics")[k % 2], assignee=who,
                                planned_start=date(2021, 1, 1), due_date=day(k + k % 2),
                                state=("done", "open", "cancelled")[k % 3])
        Task.objects.filter(pk=t.pk).update(created_at=moment(k), done_at=moment(k + 1) if k % 3 == 0 else None)
        Invoice.objects.create(number=f"INV-T-{k}", customer=customer, order=o,
                               issue_date=min(day(k), day(k + 1)), due_date=max(day(k), day(k + 1)),
                               amount=D(f"{100 + k}.50"), issued_by=finance_user,
                               settled_amount=D(f"{100 + k}.50") if k % 2 else D("0"),
                               settled_on=day(k + k % 3) if k % 2 else None, state="paid" if k % 2 else "open")
        c = Complaint.objects.create(number=f"CPL-T-{k}", category=Complaint.Category.values[k % 6],
                                     customer=customer, order=o, source=Complaint.Source.values[0],
                                     description="交货延迟", handler=cs_agent, due_date=day(k))
        Complaint.objects.filter(pk=c.pk).update(created_at=moment(k + 2),
                                                 resolved_at=moment(k + k % 2) if k % 3 else None)
        scores = ({"state": "answered", "overall": 1 + k % 5, "product": 1 + (k + 1) % 5,
                   "delivery": 1 + (k + 2) % 5, "service": 1 + (k + 3) % 5, "answered_at": moment(k)}
                  if k % 4 else {})
        s = Survey.objects.create(order=copies[k], customer=customer, sales_rep=(sales_rep, sales_rep2)[k % 2],
                                  **scores)
        Survey.objects.filter(pk=s.pk).update(invited_at=moment(k + 1))
        h = CreditHold.objects.create(order=copies[k], customer=customer, stage=CreditHold.Stage.values[0],
                                      order_amount=D("1000"), exposure=D("1000"), credit_limit=D("500"),
                                      excess=D("500"), state="released" if k % 2 else "open",
                                      released_by=finance_user if k % 2 else None,
                                      release_reason="已补足担保" if k % 2 else "")
        CreditHold.objects.filter(pk=h.pk).update(created_at=moment(k),
                                                  released_at=moment(k) + timedelta(hours=24 * (k % 4))
                                                  if k % 2 else None)
        ship = Shipment.objects.create(number=f"SHP-T-{k}", order=o, method="road", planned_ship_date=day(k),
                                       planned_arrival=day(k), created_by=logistics_user)
        DeliveryVoucher.objects.create(number=f"DV-T-{k}", shipment=ship, order=o, signed_at=moment(k))
    AcceptanceIssue.objects.create(number="AI-T-1", order=orders[0], line=orders[0].lines.first(),
                                   description="外观划伤", issue_class=IssueClass.GENERAL, opened_via=Via.CUSTOMER,
                                   customer_name="刘经理", opened_at=moment(0))
    # inquiries received by customer service, one handed over to sales
    inquiries = [inquiry_services.inquiry_record(
        actor=cs_agent, channel="phone", company_name=f"询价公司{k}", contact_name="钱先生",
        contact_phone="13700001111", region=catalog["regions"]["sh"], city="上海市", address="闵行区莘庄1号",
        product=catalog["products"]["motor"], specification="防爆型", quantity=D("5"),
        service_requirements="需要现场安装", needs_analysis="产线改造") for k in range(3)]
    inquiry_services.inquiry_handover(inquiry=inquiries[0], actor=cs_agent, to=sales_rep, note="请跟进")
    for k, inq in enumerate(inquiries):
        Inquiry.objects.filter(pk=inq.pk).update(received_at=moment(k + 6))
    insp = Inspection.objects.create(number="INSP-T-1", title="季度检查", period_from=date(2026, 1, 1),
                                     period_to=date(2026, 3, 31), sample_size=1, seed=7, created_by=auditor)
    finding = Finding.objects.create(inspection=insp, severity=Finding.Severity.choices[0][0], clause="P3.6",
                                     description="收款记录不全", created_by=auditor)
    for k in range(n):
        rt = RectificationTask.objects.create(number=f"RT-T-{k}", finding=finding, inspection=insp,
                                              department=kpis.DEPARTMENTS[k % 6],
                                              responsible=(finance_user, sales_rep)[k % 2], deadline=day(k),
                                              created_by=auditor)
        if k % 3:
            RectificationTask.objects.filter(pk=rt.pk).update(state="closed", closed_at=moment(k + k % 2))
    return orders


def persons_of(c: kpis.Component) -> list[int]:
    if not c.person:
        return []
    return sorted({p for p in c.base().values_list(c.person, flat=True) if p is not None})


def test_p6_2_the_trend_places_records_in_the_same_periods_as_the_china_time_truncation(records):
    compared = covered = 0
    for c in kpis.COMPONENTS:
        for dept in c.depts():
            for last in LASTS:
                n = TREND_LENGTH[last.kind]
                for person in [None, *persons_of(c)]:
                    want = truncated(c, dept, last, n, person)
                    assert kpis.by_period(c, dept, last, n, person) == want, (c.key, dept, last, person)
                    compared += 1
                    covered += bool(want)
    # every component had records in some period of every trend kind (else the comparison proves little)
    for c in kpis.COMPONENTS:
        for last in LASTS:
            assert any(truncated(c, d, last, TREND_LENGTH[last.kind]) for d in c.depts()), (c.key, last)
    assert compared > 200 and covered > 100


def test_p6_2_an_order_entered_at_23_30_china_time_on_march_31_is_marchs(make_order, customer, finance_user):
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=finance_user)
    late, midnight = make_order(state="submitted"), make_order(state="submitted")
    Order.objects.filter(pk=late.pk).update(created_at=datetime(2026, 3, 31, 15, 30, tzinfo=UTC))  # 23:30 China
    Order.objects.filter(pk=midnight.pk).update(created_at=datetime(2026, 3, 31, 16, 0, tzinfo=UTC))  # 00:00 Apr 1
    c = kpis.BY_KEY["orders_submitted"]
    months = kpis.by_period(c, "sales", Period(MONTH, date(2026, 4, 1)), 12)
    assert {k: f.n for k, f in months.items()} == {date(2026, 3, 1): 1, date(2026, 4, 1): 1}
    quarters = kpis.by_period(c, "sales", Period(QUARTER, date(2026, 4, 1)), 8)
    assert {k: f.n for k, f in quarters.items()} == {date(2026, 1, 1): 1, date(2026, 4, 1): 1}
    points = selectors.trend(kpis.RECEIVED, "sales", Period(MONTH, date(2026, 4, 1)))
    assert [p.value for p in points[-3:]] == [0.0, 1.0, 1.0]
