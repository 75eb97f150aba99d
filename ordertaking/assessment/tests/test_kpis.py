"""P6.2: each KPI on a known dataset with hand-computed figures, period boundaries in China time, the
attribution to person and department."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from ordertaking.assessment import kpis, selectors
from ordertaking.assessment.kpis import MONTH, QUARTER, YEAR, Period
from ordertaking.audit.models import AuditEvent
from ordertaking.feedback.models import Survey
from ordertaking.finance.models import Invoice
from ordertaking.fulfilment.models import Task
from ordertaking.inquiries import services as inquiry_services
from ordertaking.inquiries.models import Inquiry
from ordertaking.orders.models import Order, OrderRevision
from ordertaking.review.models import ReviewDecision

pytestmark = pytest.mark.django_db

NOV = Period(MONTH, date(2026, 11, 1))


def local(y: int, m: int, d: int, h: int = 12, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=kpis.tz())


@pytest.fixture
def orders(make_order, sales_rep, sales_rep2, customer, reviewer, finance_user):
    """o1 (rep 1) approved, o2 (rep 1) returned, o3 (rep 2) approved, o4 (rep 1) a draft; reviewed by
    `reviewer`, with fixed entry, submission and decision times."""
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=finance_user)
    o1 = make_order(state="approved", reviewer=reviewer)
    o2 = make_order(state="returned", reviewer=reviewer)
    o3 = make_order(state="approved", reviewer=reviewer, rep=sales_rep2)
    o4 = make_order(state="draft")
    # entered: o1 on Nov 1 00:30 China time (still Oct 31 in UTC), o2 mid-November, o3 on Dec 1 00:30
    # China time (still Nov 30 in UTC), o4 in November but never submitted
    Order.objects.filter(pk=o1.pk).update(created_at=datetime(2026, 10, 31, 16, 30, tzinfo=UTC))
    Order.objects.filter(pk=o2.pk).update(created_at=local(2026, 11, 15))
    Order.objects.filter(pk=o3.pk).update(created_at=datetime(2026, 11, 30, 16, 30, tzinfo=UTC))
    Order.objects.filter(pk=o4.pk).update(created_at=local(2026, 11, 16))
    # submitted (revision 1) and decided
    for o, sub, dec in ((o1, local(2026, 11, 1, 9), local(2026, 11, 2, 10)),  # 25 h: in time
                        (o2, local(2026, 11, 1, 8), local(2026, 11, 3, 10)),  # 50 h: late
                        (o3, local(2026, 11, 19, 9), local(2026, 11, 20, 9))):  # 24 h: in time
        OrderRevision.objects.filter(order=o, revision=1).update(created_at=sub)
        ReviewDecision.objects.filter(order=o).update(decided_at=dec)
    return o1, o2, o3, o4


def fig(key: str, dept: str, period: Period = NOV, person: int | None = None) -> kpis.Figure:
    return kpis.figure(kpis.BY_KEY[key], dept, period, person)


def test_p6_2_orders_received_by_sales_counts_submitted_orders_by_the_china_month_of_entry(orders, sales_rep,
                                                                                         sales_rep2):
    # November (China time): o1 (Nov 1 00:30) + o2; not o3 (Dec 1 00:30), not the draft o4 -> 2
    assert fig("orders_submitted", "sales").n == 2
    assert fig("orders_submitted", "sales", person=sales_rep.pk).n == 2
    assert fig("orders_submitted", "sales", person=sales_rep2.pk).n == 0
    # October has none (o1 is Oct 31 only in UTC); Q4 and the year 2026 have o1, o2, o3 -> 3
    assert fig("orders_submitted", "sales", Period(MONTH, date(2026, 10, 1))).n == 0
    assert fig("orders_submitted", "sales", Period(QUARTER, date(2026, 10, 1))).n == 3
    assert fig("orders_submitted", "sales", Period(YEAR, date(2026, 1, 1))).n == 3
    row = next(r for r in selectors.scorecard("sales", NOV) if r.kpi == kpis.RECEIVED)
    assert row.value == 2.0 and row.shown == "2"


def test_p6_2_review_timeliness_and_the_reviews_are_the_reviewers_and_the_order_centers(orders, reviewer):
    # three decisions in November, by `reviewer`: 25 h, 50 h, 24 h after submission; 48 h allowed -> 2 / 3
    f = fig("review_on_time", "order_center")
    assert (f.n, f.good) == (3, 2)
    assert fig("reviews_made", "order_center").n == 3
    assert fig("reviews_made", "order_center", person=reviewer.pk).n == 3
    row = next(r for r in selectors.scorecard("order_center", NOV) if r.kpi == kpis.TIMELINESS)
    assert row.value == pytest.approx(2 / 3) and row.shown == "66.7%"


def test_p6_2_execution_accuracy_of_sales_is_reviews_passed_without_a_return(orders, sales_rep, sales_rep2):
    # November decisions: o1 approved, o2 returned (rep 1), o3 approved (rep 2) -> 2 / 3; rep 1: 1 / 2; rep 2: 1 / 1
    assert (fig("entered_right", "sales").n, fig("entered_right", "sales").good) == (3, 2)
    assert fig("entered_right", "sales", person=sales_rep.pk).good == 1
    assert fig("entered_right", "sales", person=sales_rep2.pk).n == 1
    # no deliveries signed: the accuracy rate of sales is the only component with records, 2/3
    row = next(r for r in selectors.scorecard("sales", NOV) if r.kpi == kpis.ACCURACY)
    assert row.value == pytest.approx(2 / 3)
    people = {p.user.pk: dict(p.values) for p in selectors.persons("sales", NOV)}
    assert people[sales_rep.pk][kpis.ACCURACY] == "50.0%"
    assert people[sales_rep2.pk][kpis.ACCURACY] == "100.0%"


def test_p6_2_task_timeliness_goes_to_the_tasks_department_and_assignee(orders, production_user, logistics_user):
    o1 = orders[0]
    base = {"order": o1, "kind": Task.Kind.PRODUCTION, "department": "production", "assignee": production_user,
            "planned_start": date(2026, 11, 2)}
    t1 = Task.objects.create(**base, due_date=date(2026, 11, 10), state="done")
    t2 = Task.objects.create(**base, due_date=date(2026, 11, 11), state="done")
    t3 = Task.objects.create(**base, due_date=date(2026, 12, 5), state="done")
    t4 = Task.objects.create(**base, due_date=date(2026, 11, 20), state="cancelled")
    ship = Task.objects.create(**{**base, "kind": Task.Kind.SHIPPING, "department": "logistics",
                                  "assignee": logistics_user}, due_date=date(2026, 11, 20), state="open")
    Task.objects.filter(pk=t1.pk).update(done_at=local(2026, 11, 10, 23, 30))  # on the due day (China time)
    Task.objects.filter(pk=t2.pk).update(done_at=local(2026, 11, 12, 9))  # a day late
    Task.objects.filter(pk=t3.pk).update(done_at=datetime(2026, 11, 30, 16, 30, tzinfo=UTC))  # Dec 1 in China
    Task.objects.filter(pk__in=[t1.pk, t2.pk, t3.pk, t4.pk, ship.pk]).update(created_at=local(2026, 11, 5))
    # done in November: t1 in time, t2 late -> 1 / 2; t3 is December's
    f = fig("tasks_on_time", "production")
    assert (f.n, f.good) == (2, 1)
    assert fig("tasks_on_time", "production", person=production_user.pk).good == 1
    assert fig("tasks_on_time", "logistics").n == 0
    # received: production t1, t2, t3 (not the cancelled t4) -> 3; logistics the shipping task -> 1
    assert fig("tasks_created", "production").n == 3
    assert fig("tasks_created", "logistics", person=logistics_user.pk).n == 1
    dec = fig("tasks_on_time", "production", Period(MONTH, date(2026, 12, 1)))
    assert (dec.n, dec.good) == (1, 1)


def test_p6_2_satisfaction_averages_per_aspect_and_the_response_rate(orders, sales_rep, sales_rep2, customer):
    o1, o2, o3, _o4 = orders
    s1 = Survey.objects.create(order=o1, customer=customer, sales_rep=sales_rep, state="answered", overall=4,
                               product=5, delivery=3, service=4, answered_at=local(2026, 11, 5))
    s2 = Survey.objects.create(order=o3, customer=customer, sales_rep=sales_rep2, state="answered", overall=2,
                               product=3, delivery=3, service=5, answered_at=local(2026, 11, 6))
    s3 = Survey.objects.create(order=o2, customer=customer, sales_rep=sales_rep)
    Survey.objects.filter(pk__in=[s1.pk, s2.pk, s3.pk]).update(invited_at=local(2026, 11, 3))
    # overall (sales): (4 + 2) / 2 = 3.00; product (production): (5 + 3) / 2 = 4.00; service (customer
    # service): (4 + 5) / 2 = 4.50; rep 1 alone: 4.00
    rows = {d: next(r for r in selectors.scorecard(d, NOV) if r.kpi == kpis.SATISFACTION)
            for d in ("sales", "production", "customer_service", "order_center")}
    assert rows["sales"].shown == "3.00"
    assert rows["production"].shown == "4.00"
    assert rows["customer_service"].shown == "4.50"
    assert rows["order_center"].value is None and rows["order_center"].shown == "—"
    assert fig("score_overall", "sales", person=sales_rep.pk).average == 4.0
    # response rate: 3 invited in November, 2 answered -> 66.7%
    f = fig("survey_response", "sales")
    assert (f.n, f.good) == (3, 2)


def test_p6_2_risk_receivables_paid_in_time_and_bad_debt_by_amount(orders, customer, finance_user):
    o1 = orders[0]
    nov25 = Period(MONTH, date(2025, 11, 1))

    def inv(n: str, amount: str, due: date, settled: date | None) -> Invoice:
        return Invoice.objects.create(number=f"INV-K-{n}", customer=customer, order=o1, issue_date=date(2025, 10, 1),
                                      due_date=due, amount=D(amount), issued_by=finance_user,
                                      settled_amount=D(amount) if settled else D("0"), settled_on=settled,
                                      state="paid" if settled else "open")

    inv("1", "1000.00", date(2025, 11, 10), date(2025, 11, 9))  # paid a day early
    inv("2", "3000.00", date(2025, 11, 20), date(2025, 11, 25))  # paid five days late
    inv("3", "1000.00", date(2025, 11, 25), None)  # still open, a year past due: bad debt
    inv("4", "9000.00", date(2025, 12, 1), None)  # due in December: not November's
    # paid by the due date: 1000 / (1000 + 3000 + 1000) = 20%; not bad debt: 4000 / 5000 = 80%
    f = fig("paid_on_time", "finance", nov25)
    assert (f.good_amount, f.amount) == (D("1000.00"), D("5000.00"))
    assert kpis.value_of(kpis.BY_KEY["no_bad_debt"], fig("no_bad_debt", "finance", nov25)) == pytest.approx(0.8)
    # finance's risk control: the mean of 20% and 80% (no credit holds in the period) = 50%
    row = next(r for r in selectors.scorecard("finance", nov25) if r.kpi == kpis.RISK)
    assert row.value == pytest.approx(0.5) and row.shown == "50.0%"
    # the customer's sales rep answers for the same receivables: 20%
    assert kpis.value_of(kpis.BY_KEY["paid_on_time_sales"],
                         fig("paid_on_time_sales", "sales", nov25, customer.sales_rep_id)) == pytest.approx(0.2)
    # finance received: 4 invoices issued in October 2025, by finance1
    assert fig("invoices_issued", "finance", Period(MONTH, date(2025, 10, 1)), finance_user.pk).n == 4


def test_p6_2_inquiries_handed_over_within_24_hours_count_for_the_customer_service_agent(cs_agent, sales_rep,
                                                                                       catalog):
    def record(name: str) -> Inquiry:
        return inquiry_services.inquiry_record(
            actor=cs_agent, channel="phone", company_name=name, contact_name="钱先生", contact_phone="13700001111",
            region=catalog["regions"]["sh"], city="上海市", address="闵行区莘庄1号",
            product=catalog["products"]["motor"], specification="防爆型", quantity=D("5"),
            service_requirements="需要现场安装", needs_analysis="产线改造")

    fast, slow, direct = record("快速公司"), record("慢速公司"), record("直接答复公司")
    for inq in (fast, slow):
        inquiry_services.inquiry_handover(inquiry=inq, actor=cs_agent, to=sales_rep, note="请跟进")
    at = {int(e.subject_id): e.at for e in AuditEvent.objects.filter(action="inquiry.handed_over")}
    # received 10 h and 30 h before their hand-over; the third closed without one (answered directly)
    Inquiry.objects.filter(pk=fast.pk).update(received_at=at[fast.pk] - timedelta(hours=10))
    Inquiry.objects.filter(pk=slow.pk).update(received_at=at[slow.pk] - timedelta(hours=30))
    Inquiry.objects.filter(pk=direct.pk).update(state="closed", received_at=at[fast.pk] - timedelta(hours=10))
    year = kpis.period_containing(YEAR, timezone.localdate(at[fast.pk] - timedelta(hours=10)))
    # needing a hand-over: fast and slow; in time: fast -> 1 / 2; received: all three
    f = fig("handover_on_time", "customer_service", year, cs_agent.pk)
    assert (f.n, f.good) == (2, 1)
    assert fig("inquiries_received", "customer_service", year).n == 3


def test_p6_2_the_trend_groups_by_china_month_in_the_database(orders, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        got = kpis.by_period(kpis.BY_KEY["orders_submitted"], "sales", Period(MONTH, date(2026, 12, 1)), 12)
    # o1 and o2 in November, o3 in December (China time)
    assert {k: v.n for k, v in got.items()} == {date(2026, 11, 1): 2, date(2026, 12, 1): 1}
    points = selectors.trend(kpis.RECEIVED, "sales", Period(QUARTER, date(2026, 10, 1)))
    assert len(points) == 8 and points[-1].value == 3.0 and points[-2].value == 0.0


def test_p6_2_period_codes():
    assert kpis.period_parse("2026-11") == NOV
    assert kpis.period_parse("2026-q4") == Period(QUARTER, date(2026, 10, 1))
    assert kpis.period_parse("2026") == Period(YEAR, date(2026, 1, 1))
    assert kpis.period_parse("2026-13") is None and kpis.period_parse("x") is None
    assert NOV.end == local(2026, 12, 1, 0) and NOV.previous(11).code == "2025-12"


def test_p6_2_rectification_of_inspection_findings_goes_to_the_tasks_department_and_person(auditor, finance_user):
    from ordertaking.supervision.models import Finding, Inspection, RectificationTask

    insp = Inspection.objects.create(number="INSP-K-1", title="季度检查", period_from=date(2026, 10, 1),
                                     period_to=date(2026, 10, 31), sample_size=1, seed=7, created_by=auditor)
    finding = Finding.objects.create(inspection=insp, severity=Finding.Severity.choices[0][0], clause="P3.6",
                                     description="收款记录不全", created_by=auditor)

    def task(n: str, deadline: date, closed: datetime | None) -> None:
        t = RectificationTask.objects.create(number=f"RT-K-{n}", finding=finding, inspection=insp,
                                             department="finance", responsible=finance_user, deadline=deadline,
                                             created_by=auditor)
        if closed:
            RectificationTask.objects.filter(pk=t.pk).update(state="closed", closed_at=closed)

    task("1", date(2026, 11, 10), local(2026, 11, 10, 23, 30))  # closed on its deadline day (China time)
    task("2", date(2026, 11, 12), local(2026, 11, 14))  # closed two days late
    task("3", date(2026, 11, 20), None)  # still open
    task("4", date(2026, 12, 2), None)  # due in December: not November's
    # due in November: 3; closed by the deadline: 1 -> 1 / 3, for finance and its responsible person
    f = fig("findings_rectified", "finance", person=finance_user.pk)
    assert (f.n, f.good) == (3, 1)
    assert fig("findings_rectified", "sales").n == 0
    row = next(r for r in selectors.scorecard("finance", NOV) if r.kpi == kpis.RISK)
    assert row.value == pytest.approx(1 / 3)
