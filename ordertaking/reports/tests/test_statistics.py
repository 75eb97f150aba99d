"""P4.2.c the statistics page's figures on a known dataset: by month, category, province, customer class
and rep; inquiry conversion by channel; review time; delivery lead time; returns and special approvals by
reason; filters by team and rep; the rollups give the live answer; who may see them; query counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from ordertaking.common.errors import PermissionDenied, ValidationFailed
from ordertaking.customers.models import Customer
from ordertaking.reports import statistics as st

OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)
PERIOD = st.Filters(first=OCT, last=NOV)


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    from django.utils import translation

    with translation.override("en"):
        yield


def _line(p, q, price):  # type: ignore[no-untyped-def]
    return {"product": p, "quantity": str(q), "unit_price": str(price)}


@pytest.fixture
def data(catalog, customer, sales_rep, sales_rep2, leader, make_order):  # type: ignore[no-untyped-def]
    from ordertaking.customers.models import Contact
    from tests.credit_grant import customer_credit_grant

    other = Customer.objects.create(name="广州南方设备有限公司", credit_code="91440101MA59PJ2K38",
                                    region=catalog["regions"]["gd"], city="广州市", industry="=HYPERLINK(\"x\")",
                                    size=Customer.Size.LARGE, status="active", sales_rep=sales_rep2,
                                    created_by=sales_rep2)
    Contact.objects.create(customer=other, name="黄经理", phone="13922223333", is_primary=True)
    for c in (customer, other):
        customer_credit_grant(c, by=c.created_by)
    sales_rep2.leader = leader  # team of the leader: sales2 only
    sales_rep2.save()
    nov = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)
    oct_ = datetime(2026, 10, 10, 2, 0, tzinfo=UTC)
    edge = datetime(2026, 10, 31, 17, 30, tzinfo=UTC)  # 2026-11-01 01:30 in Shanghai: November
    a = make_order(customer, rep=sales_rep, state="approved", region="sh", approved_at=nov,
                   submitted_at=nov - timedelta(hours=4), lines=[_line("motor", 2, "3200.00"),
                                                                 _line("install", 1, "800.00")])
    b = make_order(customer, rep=sales_rep, state="approved", region="sh", approved_at=oct_,
                   submitted_at=oct_ - timedelta(hours=10), lines=[_line("reducer", 1, "5600.00")])
    c = make_order(other, rep=sales_rep2, state="approved", region="gd", approved_at=edge,
                   submitted_at=edge - timedelta(hours=2), lines=[_line("motor", 1, "3000.00")])
    # Never counted: a draft, a cancelled order, one approved before the period.
    make_order(customer, rep=sales_rep, state="draft", lines=[_line("motor", 9, "3200.00")])
    make_order(customer, rep=sales_rep, state="cancelled", lines=[_line("motor", 7, "3200.00")])
    make_order(other, rep=sales_rep2, state="approved", region="gd", approved_at=datetime(2026, 8, 20, tzinfo=UTC),
               lines=[_line("motor", 5, "3200.00")])
    return {"other": other, "a": a, "b": b, "c": c}


def _chart(key, filters=PERIOD):  # type: ignore[no-untyped-def]
    return next(c for c in st.charts_for(filters) if c.key == key)


def test_p4_2_c_orders_and_revenue_by_local_month(data):  # type: ignore[no-untyped-def]
    c = _chart("by_month")
    assert c.rows == [["2026-10", 1, Decimal("5600.00")], ["2026-11", 2, Decimal("10200.00")]]
    assert c.total == ["Total", 3, Decimal("15800.00")]


def test_p4_2_c_revenue_by_category_with_shares(data):  # type: ignore[no-untyped-def]
    rows = {r[0]: (r[1], r[2]) for r in _chart("by_category").rows}
    assert rows == {"电机": (Decimal("15000.00"), round(15000 / 15800, 4)),
                    "服务": (Decimal("800.00"), round(800 / 15800, 4))}


def test_p4_2_c_revenue_by_province_feeds_the_china_map(data):  # type: ignore[no-untyped-def]
    c = _chart("by_region")
    assert c.rows == [["上海市", 2, Decimal("12800.00")], ["广东省", 1, Decimal("3000.00")]]
    assert {d["name"]: d["value"] for d in c.spec["data"]} == {"上海": 12800.0, "广东": 3000.0}
    assert c.spec["max"] == 12800.0


def test_p4_2_c_map_names_of_provinces_by_code_or_by_name():
    assert st.map_name("NM", "内蒙古自治区") == "内蒙古"
    assert st.map_name("X1", "广西壮族自治区") == "广西"
    assert st.map_name("X2", "香港特别行政区") == "香港"
    assert st.map_name("X3", "重庆市") == "重庆"


def test_p4_2_c_revenue_by_customer_size_and_industry(data):  # type: ignore[no-untyped-def]
    size = {r[0]: (r[1], r[2]) for r in _chart("by_size").rows}
    assert size == {"Medium": (2, Decimal("12800.00")), "Large": (1, Decimal("3000.00"))}
    assert {r[0]: r[2] for r in _chart("by_tier").rows} == {"Tier not computed yet": Decimal("15800.00")}
    Customer.objects.filter(pk=data["other"].pk).update(value_tier=Customer.Tier.KEY)
    tiers = {r[0]: r[2] for r in _chart("by_tier").rows}
    assert tiers == {"Tier not computed yet": Decimal("12800.00"), str(Customer.Tier.KEY.label): Decimal("3000.00")}
    industry = {r[0]: r[2] for r in _chart("by_industry").rows}
    assert industry == {"机械制造": Decimal("12800.00"), "=HYPERLINK(\"x\")": Decimal("3000.00")}


def test_p4_2_c_revenue_by_sales_rep_and_the_team_and_rep_filters(data, sales_rep, sales_rep2, leader):  # type: ignore[no-untyped-def]
    assert _chart("by_rep").rows == [["王销售", 2, Decimal("12800.00")], ["李销售", 1, Decimal("3000.00")]]
    team = st.Filters(first=OCT, last=NOV, team=leader.pk)
    assert _chart("by_month", team).rows == [["2026-10", 0, Decimal("0.00")], ["2026-11", 1, Decimal("3000.00")]]
    assert [r[0] for r in _chart("by_category", team).rows] == ["电机"]
    rep = st.Filters(first=OCT, last=NOV, rep=sales_rep.pk)
    assert _chart("by_rep", rep).rows == [["王销售", 2, Decimal("12800.00")]]
    assert _chart("by_rep", st.Filters(first=OCT, last=NOV, team=leader.pk, rep=sales_rep.pk)).rows == []


def test_p4_2_c_average_review_time_in_hours_by_month(data):  # type: ignore[no-untyped-def]
    c = _chart("review_time")
    assert c.rows == [["2026-10", 1, 10.0], ["2026-11", 2, 3.0]]  # (4 h + 2 h) / 2
    assert c.total == ["Whole period", 3, round(16 / 3, 1)]


def test_p4_2_c_delivery_lead_time_from_approval_to_the_last_delivery(data, logistics_user):  # type: ignore[no-untyped-def]
    from ordertaking.logistics.models import Shipment

    a = data["a"]
    for n, days in ((1, 2), (2, 5)):  # two shipments: the order is delivered when the last one arrives
        Shipment.objects.create(number=f"{a.number}-{n}", order=a, method="road", planned_ship_date=date(2026, 11, 4),
                                planned_arrival=date(2026, 11, 8), state=Shipment.State.DELIVERED,
                                delivered_at=a.approved_at + timedelta(days=days), created_by=logistics_user)
    Shipment.objects.create(number=f"{data['b'].number}-1", order=data["b"], method="road",
                            planned_ship_date=date(2026, 10, 12), planned_arrival=date(2026, 10, 15),
                            state=Shipment.State.IN_TRANSIT, created_by=logistics_user)
    c = _chart("lead_time")
    assert c.rows == [["2026-10", 0, None], ["2026-11", 1, 5.0]]


def test_p4_2_c_inquiry_to_order_conversion_by_channel(data, cs_agent, sales_rep):  # type: ignore[no-untyped-def]
    from ordertaking.inquiries.models import Inquiry

    when = datetime(2026, 11, 5, 3, tzinfo=UTC)
    made = [Inquiry.objects.create(channel="phone", received_by=cs_agent, assigned_to=sales_rep, order=data["a"]),
            Inquiry.objects.create(channel="phone", received_by=cs_agent, assigned_to=sales_rep),
            Inquiry.objects.create(channel="email", received_by=cs_agent),
            Inquiry.objects.create(channel="visit", received_by=cs_agent, order=data["c"])]
    Inquiry.objects.filter(pk__in=[i.pk for i in made]).update(received_at=when)
    rows = {r[0]: r[1:] for r in _chart("conversion").rows}
    assert rows == {"Phone": [2, 1, 0.5], "Email": [1, 0, 0.0], "Online customer service": [0, 0, 0.0],
                    "On-site visit": [1, 1, 1.0]}
    mine = {r[0]: r[1:] for r in _chart("conversion", st.Filters(first=OCT, last=NOV, rep=sales_rep.pk)).rows}
    assert mine["Phone"] == [2, 1, 0.5] and mine["On-site visit"] == [0, 0, 0.0]


def test_p4_2_c_returns_by_reason_and_special_approvals_by_finding(data, customer, sales_rep, reviewer, leader,
                                                                   make_order):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from ordertaking.review.models import ReviewDecision, SpecialApproval
    from ordertaking.review.services import special_approval_grant, special_approval_request

    below = make_order(customer, rep=sales_rep, state="returned", lines=[_line("motor", 1, "2000.00")])
    make_order(customer, rep=sales_rep, state="returned", lines=[_line("motor", 1, "3200.00")])
    second = make_order(customer, rep=sales_rep, state="submitted", lines=[_line("motor", 1, "2100.00")])
    sa = special_approval_request(order=second, actor=sales_rep, reason="战略客户首单。")
    special_approval_grant(approval=sa, actor=leader)
    today = timezone.localdate()
    now = st.Filters(first=date(today.year, today.month, 1), last=date(today.year, today.month, 1))
    returns = {r[0]: r[1] for r in _chart("returns", now).rows}
    assert returns == {"A unit price is below the floor price.": 1,
                       "The reviewer's opinion only (no automatic finding)": 1}
    assert ReviewDecision.objects.filter(order=below, outcome="returned").exists()
    specials = _chart("special_approvals", now)
    assert specials.rows == [["A unit price is below the floor price.", 1, 1, 0]]
    assert specials.total == ["Special approvals asked for", 1, 1, 0]
    assert SpecialApproval.objects.get().state == "granted"
    assert _chart("returns", st.Filters(first=date(2025, 1, 1), last=date(2025, 2, 1))).rows == []  # not then


def test_p4_2_c_closed_months_from_the_rollups_give_the_live_figures(data, leader):  # type: ignore[no-untyped-def]
    from ordertaking.reports.models import CategoryCube, SalesCube
    from ordertaking.reports.tests.rollup import refresh

    team = st.Filters(first=OCT, last=NOV, team=leader.pk)
    live = [(c.key, c.rows, c.total) for f in (PERIOD, team) for c in st.charts_for(f)]
    refresh(today=date(2026, 12, 5))  # October and November are closed now
    assert SalesCube.objects.filter(month=NOV).count() == 2 and CategoryCube.objects.filter(month=NOV).count() == 3
    assert [(c.key, c.rows, c.total) for f in (PERIOD, team) for c in st.charts_for(f)] == live


def test_p4_2_c_filters_refuse_a_backwards_or_too_long_period_and_unknown_people(data, reviewer):  # type: ignore[no-untyped-def]
    today = date(2026, 11, 26)
    with pytest.raises(ValidationFailed) as e:
        st.filters_clean(first=NOV, last=OCT, team=None, rep=None, today=today)
    assert e.value.field == "month_from"
    with pytest.raises(ValidationFailed):
        st.filters_clean(first=date(2023, 1, 1), last=NOV, team=None, rep=None, today=today)
    with pytest.raises(ValidationFailed) as e:
        st.filters_clean(first=None, last=None, team=None, rep=reviewer.pk, today=today)
    assert e.value.field == "rep"
    f = st.filters_clean(first=None, last=None, team=None, rep=None, today=today)
    assert (f.first, f.last) == (date(2025, 12, 1), NOV)


@pytest.mark.parametrize("role_user", ["leader", "reviewer", "finance_user", "auditor"])
def test_p4_2_c_statistics_are_for_leadership_order_center_finance_and_auditors(role_user, request, db):  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(role_user)
    assert len(st.statistics(user=user, filters=PERIOD)) == len(st.CHART_KEYS)


@pytest.mark.parametrize("role_user", ["sales_rep", "cs_agent", "logistics_user", "admin_user_role"])
def test_p4_2_c_sales_and_the_other_roles_do_not_see_the_company_figures(role_user, request, db):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        st.statistics(user=request.getfixturevalue(role_user), filters=PERIOD)


def test_p4_2_c_every_chart_in_a_fixed_number_of_queries(data, leader, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    from ordertaking.reports.tests.rollup import refresh

    leader = type(leader).objects.get(pk=leader.pk)
    with django_assert_max_num_queries(20):
        st.statistics(user=leader, filters=PERIOD)
    refresh(today=date(2026, 12, 5))
    leader = type(leader).objects.get(pk=leader.pk)
    with django_assert_max_num_queries(20):
        charts = st.statistics(user=leader, filters=st.Filters(first=OCT, last=NOV, team=leader.pk))
    assert len(charts) == len(st.CHART_KEYS)


# --- the rollups stay true: new orders, changes and cancellations after the refresh ----------------------

def _truth(first: date, last: date) -> dict[str, dict]:
    """The figures straight from the orders and their lines, without the statistics module: approved and
    not cancelled, by the month of approval in Shanghai."""
    from collections import defaultdict

    from django.utils import timezone

    from ordertaking.orders.models import Order, OrderLine

    def month(o):  # type: ignore[no-untyped-def]
        return timezone.localtime(o.approved_at).date().replace(day=1)

    out: dict[str, dict] = {k: defaultdict(lambda: [0, Decimal("0.00")]) for k in ("month", "region", "rep")}
    cats: dict = defaultdict(lambda: Decimal("0.00"))
    counted = set()
    for o in Order.objects.filter(approved_at__isnull=False).exclude(state="cancelled").select_related(
            "delivery_region", "sales_rep"):
        if first <= month(o) <= last:
            counted.add(o.pk)
            region = o.delivery_region.name if o.delivery_region else ""
            for k, key in (("month", f"{month(o):%Y-%m}"), ("region", region), ("rep", str(o.sales_rep))):
                out[k][key][0] += 1
                out[k][key][1] += o.total_amount
    for line in OrderLine.objects.filter(order_id__in=counted).select_related("product__category"):
        cats[line.product.category.name if line.product else "Lines outside the catalog"] += line.amount
    return {"by_month": dict(out["month"]), "by_region": dict(out["region"]),
            "by_rep": dict(out["rep"]), "by_category": dict(cats)}


def _figures(filters: st.Filters) -> dict[str, dict]:
    charts = {c.key: c for c in st.charts_for(filters)}
    return {"by_month": {r[0]: [r[1], r[2]] for r in charts["by_month"].rows if r[1]},
            "by_region": {r[0]: [r[1], r[2]] for r in charts["by_region"].rows},
            "by_rep": {r[0]: [r[1], r[2]] for r in charts["by_rep"].rows},
            "by_category": {r[0]: r[1] for r in charts["by_category"].rows}}


def _every_chart(filters: st.Filters) -> list:
    return [(c.key, c.rows, c.total) for c in st.charts_for(filters)]


def _live_only(monkeypatch, filters: st.Filters) -> list:  # type: ignore[no-untyped-def]
    """The same charts with every month aggregated from the orders (no rollup read at all)."""
    with monkeypatch.context() as m:
        m.setattr(st, "fresh_months", lambda first, last: set())
        assert st.plan_for(filters).rolled == []
        return _every_chart(filters)


def test_p4_2_c_rollup_figures_equal_the_order_lines_after_new_orders_changes_and_cancellations(
        data, customer, sales_rep, reviewer, make_order, monkeypatch):  # type: ignore[no-untyped-def]
    from ordertaking.amendments import services as amend
    from ordertaking.reports.tests.rollup import refresh
    from ordertaking.review.services import order_approve

    period = st.Filters(first=OCT, last=NOV)
    assert refresh(today=date(2026, 12, 5)) == [date(2026, m, 1) for m in range(1, 12)]
    assert st.plan_for(period) == st.Plan(rolled=[OCT, NOV], live=[])  # read from the rollups
    assert _figures(period) == _truth(OCT, NOV)
    assert _every_chart(period) == _live_only(monkeypatch, period)
    before = _figures(period)

    # After the refresh: a late order approved in October, October's order cancelled, November's changed
    # (one more motor) and approved again, which moves it to the month of the new approval.
    make_order(customer, rep=sales_rep, state="approved", region="sh",
               approved_at=datetime(2026, 10, 20, 2, 0, tzinfo=UTC), lines=[_line("reducer", 2, "5600.00")])
    cancel = amend.cancel_request_create(order=data["b"], actor=sales_rep, reason="客户项目取消。")
    amend.cancel_request_agree(request=cancel, actor=reviewer, comment="同意")
    changed = data["a"]
    amend.change_request_create(order=changed, actor=sales_rep, reason="客户追加一台电机。", lines=[
        {"id": ln.pk, "product": ln.product, "quantity": ln.quantity + (1 if ln.position == 1 else 0),
         "unit_price": ln.unit_price} for ln in changed.lines.all()])
    order_approve(order=changed, actor=reviewer)

    assert st.plan_for(period) == st.Plan(rolled=[], live=[OCT, NOV])  # both months are stale now
    after = _figures(period)
    assert after == _truth(OCT, NOV) != before
    assert after["by_month"]["2026-10"] == [1, Decimal("11200.00")]  # the late order; the cancelled one gone
    assert _every_chart(period) == _live_only(monkeypatch, period)

    # The nightly refresh rebuilds them: read from the rollups again, the same figures.
    assert refresh(today=date(2026, 12, 5))[-2:] == [OCT, NOV]
    assert st.plan_for(period) == st.Plan(rolled=[OCT, NOV], live=[])
    assert _figures(period) == after
    assert _every_chart(period) == _live_only(monkeypatch, period)


def test_p4_2_c_a_stale_month_older_than_the_refresh_window_is_rebuilt_too(data, sales_rep, reviewer):  # type: ignore[no-untyped-def]
    from ordertaking.amendments import services as amend
    from ordertaking.reports.models import RevenueMonth
    from ordertaking.reports.tests.rollup import refresh

    refresh(today=date(2026, 12, 5))
    assert refresh(today=date(2027, 12, 5)) == [date(2027, m, 1) for m in range(1, 12)]
    cancel = amend.cancel_request_create(order=data["b"], actor=sales_rep, reason="客户项目取消。")
    amend.cancel_request_agree(request=cancel, actor=reviewer, comment="同意")
    # October 2026 is outside the last 12 months but stale: rebuilt; November 2026 untouched: kept.
    assert refresh(today=date(2027, 12, 5))[0] == OCT
    assert RevenueMonth.objects.get(month=OCT).amount == Decimal("0.00")
    assert st.plan_for(st.Filters(first=OCT, last=NOV)).rolled == [OCT, NOV]
    assert _chart("by_month").rows == [["2026-10", 0, Decimal("0.00")], ["2026-11", 2, Decimal("10200.00")]]


def test_p4_2_c_orders_saved_just_before_a_refresh_keep_their_month_live(data):  # type: ignore[no-untyped-def]
    """A write that began before the refresh read the orders may commit after it: its month stays live."""
    from ordertaking.orders.models import Order
    from ordertaking.reports.services import revenue_rollup_refresh
    from ordertaking.reports.tests.rollup import settle

    settle()
    Order.objects.filter(pk=data["b"].pk).update(updated_at=datetime.now(UTC) - timedelta(seconds=20))
    revenue_rollup_refresh(today=date(2026, 12, 5))
    assert st.plan_for(PERIOD) == st.Plan(rolled=[NOV], live=[OCT])
