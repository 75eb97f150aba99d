"""P2.4.a working-day arithmetic and assignment precedence as pure functions, on known dates of
China's 2026 calendar (国庆 and its 调休 Saturday) and on generated ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ordertaking.fulfilment import rules
from ordertaking.fulfilment.calendar_cn import CN_2026, WORKDAY

HOLIDAYS = frozenset(d for d, k, _n in CN_2026 if k != WORKDAY)
WORKDAYS = frozenset(d for d, k, _n in CN_2026 if k == WORKDAY)


def wd(day: date) -> bool:
    return rules.is_working_day(day, HOLIDAYS, WORKDAYS)


def test_p2_4_a_weekends_off_holidays_off_make_up_days_on():
    assert wd(date(2026, 9, 30))  # Wednesday before 国庆
    assert not wd(date(2026, 10, 1))  # 国庆 Thursday
    assert not wd(date(2026, 10, 7))  # last day of 国庆, a Wednesday
    assert wd(date(2026, 10, 8))  # back to work
    assert wd(date(2026, 10, 10))  # 调休 Saturday
    assert not wd(date(2026, 10, 11))  # ordinary Sunday
    assert wd(date(2026, 9, 20))  # 调休 Sunday
    assert not wd(date(2026, 9, 19))  # ordinary Saturday
    assert rules.is_working_day(date(2026, 10, 1))  # without a calendar, a Thursday is a working day
    assert not rules.is_working_day(date(2026, 10, 10))  # ... and a Saturday is not


def test_p2_4_a_counting_backwards_across_national_day():
    # Delivery promised Friday 9 Oct 2026: 2 working days before are Thursday 8 Oct and ... Wednesday 30 Sep.
    assert rules.working_days_before(date(2026, 10, 9), 1, HOLIDAYS, WORKDAYS) == date(2026, 10, 8)
    assert rules.working_days_before(date(2026, 10, 9), 2, HOLIDAYS, WORKDAYS) == date(2026, 9, 30)
    # From Monday 12 Oct: the Saturday 10 Oct make-up day counts.
    assert rules.working_days_before(date(2026, 10, 12), 1, HOLIDAYS, WORKDAYS) == date(2026, 10, 10)
    assert rules.working_days_before(date(2026, 10, 12), 3, HOLIDAYS, WORKDAYS) == date(2026, 10, 8)
    assert rules.working_days_before(date(2026, 10, 12), 4, HOLIDAYS, WORKDAYS) == date(2026, 9, 30)
    # n=0 on a holiday: the working day before it.
    assert rules.working_days_before(date(2026, 10, 3), 0, HOLIDAYS, WORKDAYS) == date(2026, 9, 30)


def test_p2_4_a_counting_forwards_across_national_day():
    assert rules.add_working_days(date(2026, 9, 30), 1, HOLIDAYS, WORKDAYS) == date(2026, 10, 8)
    assert rules.add_working_days(date(2026, 9, 30), 3, HOLIDAYS, WORKDAYS) == date(2026, 10, 10)
    assert rules.add_working_days(date(2026, 10, 1), 0, HOLIDAYS, WORKDAYS) == date(2026, 10, 8)
    # Spring festival: Friday 13 Feb, Saturday 14 Feb is a make-up day, then nine days off.
    assert rules.add_working_days(date(2026, 2, 13), 1, HOLIDAYS, WORKDAYS) == date(2026, 2, 14)
    assert rules.add_working_days(date(2026, 2, 13), 2, HOLIDAYS, WORKDAYS) == date(2026, 2, 24)


days = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31))


@given(days, st.integers(min_value=0, max_value=40))
def test_p2_4_a_forwards_and_backwards_are_inverse_on_working_days(day, n):
    start = rules.add_working_days(day, 0, HOLIDAYS, WORKDAYS)
    later = rules.add_working_days(start, n, HOLIDAYS, WORKDAYS)
    assert wd(later)
    assert rules.working_days_before(later, n, HOLIDAYS, WORKDAYS) == start
    assert rules.working_days_between(start, later, HOLIDAYS, WORKDAYS) == n


@given(days, st.integers(min_value=1, max_value=30))
def test_p2_4_a_n_working_days_before_is_earlier_and_a_working_day(day, n):
    earlier = rules.working_days_before(day, n, HOLIDAYS, WORKDAYS)
    assert earlier < day and wd(earlier)
    # Up to the working day on or before `day`, exactly n working days.
    anchor = rules.working_days_before(day, 0, HOLIDAYS, WORKDAYS)
    assert rules.working_days_between(earlier, anchor, HOLIDAYS, WORKDAYS) == n


def test_p2_4_a_backward_plan_from_the_promised_date():
    # Promised Friday 16 Oct 2026, 3 transit days, 10 and 2 production lead days; today 1 Sep.
    plan = rules.order_plan(delivery_date=date(2026, 10, 16), transit_days=3, lead_days=[10, 2],
                            today=date(2026, 9, 1), holidays=HOLIDAYS, workdays=WORKDAYS)
    assert plan.shipping.due_date == date(2026, 10, 13)  # Tue: 15, 14, 13
    assert plan.shipping.planned_start == date(2026, 10, 12)  # Mon
    assert plan.inspection.due_date == date(2026, 10, 10)  # the make-up Saturday
    assert plan.inspection.planned_start == date(2026, 10, 9)
    assert plan.production[2] == rules.Span(date(2026, 9, 30), date(2026, 10, 9))  # 8 Oct, 30 Sep
    assert plan.production[10].due_date == date(2026, 10, 9)
    # 10 working days before Fri 9 Oct: 8 Oct, 30..28 Sep, (中秋 25-27 Sep off) 24..21 Sep, Sun 20 Sep (调休), 18 Sep.
    assert plan.production[10].planned_start == date(2026, 9, 18)
    assert plan.service == rules.Span(date(2026, 10, 16), date(2026, 10, 16))
    assert not any(s.clamped for s in (plan.shipping, plan.inspection, plan.service, *plan.production.values()))


def test_p2_4_a_a_plan_in_the_past_is_clamped_to_today_and_flagged():
    today = date(2026, 10, 12)
    plan = rules.order_plan(delivery_date=date(2026, 10, 14), transit_days=1, lead_days=[10], today=today,
                            holidays=HOLIDAYS, workdays=WORKDAYS)
    assert plan.production[10] == rules.Span(today, today, True)
    assert plan.inspection.clamped and plan.inspection.planned_start == today
    assert plan.shipping == rules.Span(today, date(2026, 10, 13), False)  # still fits: not flagged


def test_p2_4_a_without_a_promised_date_the_plan_runs_forwards():
    today = date(2026, 11, 2)
    plan = rules.order_plan(delivery_date=None, transit_days=2, lead_days=[5], today=today)
    assert plan.production[5].planned_start == today
    assert plan.production[5].due_date > today
    assert not plan.production[5].clamped


@dataclass
class R:
    id: int
    task_kind: str = ""
    category_id: int | None = None
    product_kind: str = ""
    region_id: int | None = None
    city: str = ""


def test_p2_4_a_most_specific_rule_wins():
    facts = rules.TaskFacts(task_kind="production", category_id=7, product_kind="product", region_id=3,
                            city="广州市")
    anywhere = R(1)
    by_kind = R(2, task_kind="production")
    by_region = R(3, task_kind="production", region_id=3)
    by_city = R(4, task_kind="production", region_id=3, city="广州市")
    by_product_kind = R(5, task_kind="production", product_kind="product")
    by_category = R(6, task_kind="production", category_id=7)
    other_city = R(7, task_kind="production", region_id=3, city="深圳市")
    other_kind = R(8, task_kind="shipping", category_id=7, region_id=3, city="广州市")
    assert rules.rule_choose([anywhere], facts) is anywhere
    assert rules.rule_choose([anywhere, by_kind], facts) is by_kind
    assert rules.rule_choose([by_kind, by_region, by_city], facts) is by_city
    assert rules.rule_choose([by_city, by_product_kind], facts) is by_product_kind  # what before where
    assert rules.rule_choose([by_product_kind, by_category, by_city], facts) is by_category
    assert rules.rule_choose([other_city, other_kind], facts) is None
    both = R(9, task_kind="production", category_id=7, city="广州市", region_id=3)
    assert rules.rule_choose([by_category, both], facts) is both
    # Equal specificity: the older rule.
    twin = R(10, task_kind="production", category_id=7)
    assert rules.rule_choose([twin, by_category], facts) is by_category


def test_p2_4_a_round_robin_and_least_loaded():
    assert rules.pick_round_robin([5, 3, 9], None) == 3
    assert rules.pick_round_robin([5, 3, 9], 3) == 5
    assert rules.pick_round_robin([5, 3, 9], 9) == 3
    assert rules.pick_round_robin([5, 3, 9], 4) == 5  # the last one left the department
    assert rules.pick_round_robin([], 4) is None
    assert rules.pick_least_loaded([5, 3, 9], {5: 1, 3: 2, 9: 1}) == 5
    assert rules.pick_least_loaded([5, 3, 9], {}) == 3
    assert rules.pick_least_loaded([], {}) is None


def test_p2_4_a_overdue_the_day_after_the_due_date():
    d = date(2026, 10, 9)
    assert not rules.is_overdue(d, "open", d)
    assert rules.is_overdue(d, "in_progress", d + timedelta(days=1))
    assert not rules.is_overdue(d, "done", d + timedelta(days=5))
