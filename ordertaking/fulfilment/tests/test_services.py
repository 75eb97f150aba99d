"""P2.4.a: an approved order becomes its tasks (through the real review.order_approve), with
department, person, requirements and working-day time nodes; the moves, reassignment, cancel and
replan; the overdue job."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.fulfilment import services
from ordertaking.fulfilment.models import AssignmentRule, Holiday, Task
from ordertaking.fulfilment.services import (
    calendar_load,
    order_tasks_cancel,
    order_tasks_replan,
    rule_save,
    task_complete,
    task_reassign,
    task_start,
    tasks_overdue_notify,
)
from tests.factories import events_since_built

pytestmark = pytest.mark.django_db


def kinds(order):
    return sorted((t.kind, t.line_position or 0) for t in Task.objects.filter(order=order))


def test_p2_4_a_approval_creates_the_orders_tasks(approved_order):
    assert kinds(approved_order) == [("inspection", 1), ("production", 1), ("service", 3), ("shipping", 0)]
    tasks = {t.kind: t for t in Task.objects.filter(order=approved_order)}
    assert tasks["production"].department == "production" and tasks["production"].assignee is None
    assert tasks["inspection"].department == "production"
    assert tasks["shipping"].department == "logistics"
    assert tasks["service"].department == "customer_service"
    assert tasks["production"].quantity == Decimal("2")
    assert "三相异步电机" in tasks["production"].requirements and "× 2 台" in tasks["production"].requirements
    # The reviewer's approval opinion is part of the requirements (执行要求).
    assert "浦东新区张江路100号" in tasks["shipping"].requirements
    assert "齿轮减速机" in tasks["shipping"].requirements
    # Time nodes backwards from the promised date, in working days.
    cal = calendar_load()
    ship = tasks["shipping"]
    assert ship.due_date == cal.before(approved_order.delivery_date, approved_order.delivery_region.transit_days)
    assert tasks["inspection"].due_date == cal.before(ship.planned_start, 1)
    assert tasks["production"].due_date == tasks["inspection"].planned_start
    assert tasks["production"].planned_start == cal.before(tasks["production"].due_date, 10)
    assert tasks["service"].due_date == approved_order.delivery_date
    event = AuditEvent.objects.get(subject_id=str(approved_order.pk), action="tasks.created")
    assert event.after == {"production_tasks": 1, "inspection_tasks": 1, "shipping_tasks": 1, "service_tasks": 1}


def test_p2_4_a_the_approval_opinion_is_in_the_requirements(make_order, reviewer):
    from ordertaking.review.services import order_approve

    order = make_order(state="submitted", lines=[{"product": "motor", "quantity": "3"}])
    order_approve(order=order, actor=reviewer, opinion="请于1月15日前排产")
    production = Task.objects.get(order=order, kind="production")
    assert production.requirements.endswith("请于1月15日前排产")


def test_p2_4_a_tight_promise_clamps_to_today_and_flags(make_order):
    # Review accepts today + 10 lead + 1 transit calendar days; in working days that is already late.
    order = make_order(state="approved", delivery_date=timezone.localdate() + timedelta(days=11))
    production = Task.objects.get(order=order, kind="production")
    assert production.planned_start == timezone.localdate() and production.date_clamped
    after = AuditEvent.objects.get(subject_id=str(order.pk), action="tasks.created").after or {}
    assert after["date_clamped"] is True


def test_p2_4_a_rules_choose_department_and_person(make_order, catalog, prod2, production_user, reviewer,
                                                   logistics_user, cs_agent):
    rule_save(actor=reviewer, values={"name": "电机 → 冯", "task_kind": "production",
                                      "category": catalog["categories"]["motor"], "department": "production",
                                      "strategy": "fixed", "assignee": production_user})
    rule_save(actor=reviewer, values={"name": "质检轮流", "task_kind": "inspection", "department": "production",
                                      "strategy": "round_robin"})
    rule_save(actor=reviewer, values={"name": "上海发货", "task_kind": "shipping", "region": catalog["regions"]["sh"],
                                      "department": "logistics", "strategy": "least_loaded"})
    first = make_order(state="approved", lines=[{"product": "motor", "quantity": "1"}])
    second = make_order(state="approved", lines=[{"product": "motor", "quantity": "1"}])
    t1 = {t.kind: t for t in Task.objects.filter(order=first)}
    t2 = {t.kind: t for t in Task.objects.filter(order=second)}
    assert t1["production"].assignee == production_user == t2["production"].assignee
    assert {t1["inspection"].assignee, t2["inspection"].assignee} == {production_user, prod2}  # round robin
    assert t1["shipping"].assignee == logistics_user  # the only logistics member


def test_p2_4_a_rule_validation_names_the_field(reviewer, production_user, catalog, sales_rep):
    with pytest.raises(ValidationFailed) as e:
        rule_save(actor=reviewer, values={"name": "x", "department": "production", "strategy": "fixed"})
    assert e.value.field == "assignee"
    with pytest.raises(ValidationFailed) as e:
        rule_save(actor=reviewer, values={"name": "x", "department": "production", "strategy": "fixed",
                                          "assignee": sales_rep})
    assert e.value.field == "assignee" and e.value.code == "not_in_department"
    with pytest.raises(ValidationFailed) as e:
        rule_save(actor=reviewer, values={"name": "x", "department": "production", "city": "广州市"})
    assert e.value.field == "region"
    with pytest.raises(PermissionDenied):
        rule_save(actor=production_user, values={"name": "x", "department": "production"})


def test_p2_4_a_start_moves_the_order_into_execution_once(approved_order, production_user, prod2):
    production = Task.objects.get(order=approved_order, kind="production")
    task_start(task=production, actor=production_user)
    production.refresh_from_db()
    approved_order.refresh_from_db()
    assert production.state == "in_progress" and production.assignee == production_user
    assert approved_order.state == "in_execution"
    inspection = Task.objects.get(order=approved_order, kind="inspection")
    task_start(task=inspection, actor=prod2)
    assert [e.action for e in events_since_built(approved_order)].count("order.execution_started") == 1
    with pytest.raises(InvalidTransition):
        task_start(task=production, actor=production_user)
    task_complete(task=production, actor=production_user, note="完工入库")
    production.refresh_from_db()
    assert production.state == "done" and production.note == "完工入库" and production.done_at


def test_p2_4_a_only_the_department_works_its_task(approved_order, logistics_user, sales_rep, reviewer):
    production = Task.objects.get(order=approved_order, kind="production")
    for actor in (logistics_user, sales_rep, reviewer):
        with pytest.raises(PermissionDenied):
            task_start(task=production, actor=actor)


def test_p2_4_a_reassign_needs_a_reason_and_a_member(approved_order, production_user, prod2, reviewer,
                                                     logistics_user, cs_agent):
    production = Task.objects.get(order=approved_order, kind="production")
    with pytest.raises(ValidationFailed) as e:
        task_reassign(task=production, actor=reviewer, assignee=prod2, reason="  ")
    assert e.value.field == "reason"
    with pytest.raises(ValidationFailed) as e:
        task_reassign(task=production, actor=reviewer, assignee=logistics_user, reason="换人")
    assert e.value.field == "assignee"
    with pytest.raises(PermissionDenied):
        task_reassign(task=production, actor=logistics_user, assignee=prod2, reason="换人")
    task_reassign(task=production, actor=reviewer, assignee=prod2, reason="冯师傅休假")
    production.refresh_from_db()
    assert production.assignee == prod2
    event = events_since_built(approved_order, "task.reassigned")[0]
    assert event.message == "冯师傅休假" and event.after["assignee"] == str(prod2)
    # A member reassigns within the department, not to another one.
    task_reassign(task=production, actor=prod2, assignee=production_user, reason="交回")
    with pytest.raises(PermissionDenied):
        task_reassign(task=production, actor=prod2, assignee=cs_agent, reason="x", department="customer_service")
    # The order center moves it to another department.
    task_reassign(task=production, actor=reviewer, assignee=None, reason="外协", department="customer_service")
    production.refresh_from_db()
    assert production.department == "customer_service" and production.assignee is None


def test_p2_4_cancel_cancels_open_tasks_and_keeps_done(approved_order, production_user, reviewer):
    production = Task.objects.get(order=approved_order, kind="production")
    task_complete(task=production, actor=production_user)
    from django.db import transaction

    with transaction.atomic():
        cancelled = order_tasks_cancel(order=approved_order, actor=reviewer, reason="客户取消")
    assert len(cancelled) == 3
    states = dict(Task.objects.filter(order=approved_order).values_list("kind", "state"))
    assert states["production"] == "done" and states["shipping"] == "cancelled"


def test_p2_4_a_replan_follows_a_changed_order(approved_order, production_user, reviewer, catalog):
    from ordertaking.orders.models import OrderLine

    inspection = Task.objects.get(order=approved_order, kind="inspection")
    task_complete(task=inspection, actor=production_user)
    # A change: line 1's quantity goes up, the service line is removed, a new produced line appears, the date moves.
    OrderLine.objects.filter(order=approved_order, position=1).update(quantity=Decimal("5"))
    OrderLine.objects.filter(order=approved_order, position=3).delete()
    motor = catalog["products"]["motor"]
    OrderLine.objects.create(order=approved_order, position=4, product=motor, product_code=motor.code,
                             name=motor.name, unit="台", quantity=Decimal("1"), unit_price=Decimal("3000"),
                             amount=Decimal("3000"))
    new_date = approved_order.delivery_date + timedelta(days=14)
    type(approved_order).objects.filter(pk=approved_order.pk).update(delivery_date=new_date)
    result = order_tasks_replan(order=approved_order, actor=reviewer)
    assert sorted((t.kind, t.line_position) for t in result["created"]) == [("inspection", 4), ("production", 4)]
    assert [t.kind for t in result["cancelled"]] == ["service"]
    production = Task.objects.get(order=approved_order, kind="production", line_position=1)
    assert production.quantity == Decimal("5")
    inspection.refresh_from_db()
    assert inspection.state == "done"  # done tasks stay as they were
    ship = Task.objects.get(order=approved_order, kind="shipping")
    assert ship.due_date == calendar_load().before(new_date, approved_order.delivery_region.transit_days)


def test_p2_4_a_overdue_notified_once_a_day(approved_order):
    today = timezone.localdate()
    Task.objects.filter(order=approved_order, kind="production").update(due_date=today - timedelta(days=1),
                                                                      planned_start=today - timedelta(days=5))
    first = tasks_overdue_notify(today=today)
    assert len(first) == 1
    assert tasks_overdue_notify(today=today) == []
    assert tasks_overdue_notify(today=today + timedelta(days=1)) != []


def test_p2_4_a_calendar_maintained_by_the_administrator(admin_user_role, reviewer):
    assert Holiday.objects.filter(date=date(2026, 10, 1), kind="holiday").exists()  # seeded
    row = services.holiday_save(actor=admin_user_role, day=date(2028, 1, 1), kind="holiday", name="元旦")
    with pytest.raises(ValidationFailed) as e:
        services.holiday_save(actor=admin_user_role, day=date(2028, 1, 1), kind="holiday", name="元旦")
    assert e.value.field == "date"
    with pytest.raises(ValidationFailed) as e:
        services.holiday_save(actor=admin_user_role, day=date(2028, 1, 4), kind="workday", name="x")  # a Tuesday
    assert e.value.field == "date"
    with pytest.raises(PermissionDenied):
        services.holiday_save(actor=reviewer, day=date(2028, 1, 2), kind="holiday", name="x")
    services.holiday_delete(actor=admin_user_role, holiday=row)
    assert not Holiday.objects.filter(date=date(2028, 1, 1)).exists()
    assert AssignmentRule.objects.count() == 0


def test_p2_4_a_assignees_are_notified_and_overdue_tells_the_rep_once(make_order, reviewer, production_user,
                                                                      logistics_user, sales_rep):
    from ordertaking.notifications.models import Notification

    rule_save(actor=reviewer, values={"name": "生产 → 冯", "task_kind": "production", "department": "production",
                                      "strategy": "fixed", "assignee": production_user})
    order = make_order(state="approved", lines=[{"product": "motor", "quantity": "1"}])
    mine = Notification.objects.filter(recipient=production_user, kind="task_assigned")
    assert mine.count() == 2  # the production task (by the rule) and the inspection (its department's)
    assert mine.values_list("params__order", flat=True)[0] == order.number
    assert Notification.objects.filter(recipient=logistics_user, kind="task_assigned").count() == 1  # shipping
    today = timezone.localdate()
    Task.objects.filter(order=order, kind="production").update(due_date=today - timedelta(days=1),
                                                              planned_start=today - timedelta(days=4))
    tasks_overdue_notify(today=today)
    tasks_overdue_notify(today=today)
    late = Notification.objects.filter(kind="task_overdue")
    assert sorted(late.values_list("recipient__username", flat=True)) == sorted([production_user.username,
                                                                                 sales_rep.username])
    assert late.values_list("params", flat=True)[0] == {"order": order.number, "task": "production",
                                   "due": (today - timedelta(days=1)).isoformat()}
