"""P2.4.a, issue 14: the calendar, the assignment rules and a department's members are read once per process
behind the reference data version (common/refdata.py), inside the approval. Whatever changes them, however it
is written (the service, the ORM, raw SQL), the next approval plans and assigns with the change; round robin
still rotates and does not move the version. The cache's self-check is off here, so a hit is a real hit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ordertaking.accounts.services import user_active_set
from ordertaking.common.models import RefDataVersion
from ordertaking.fulfilment.models import AssignmentRule, Holiday, Task
from ordertaking.fulfilment.services import calendar_load, holiday_delete, holiday_save, rule_delete, rule_save
from ordertaking.notifications.models import Notification

pytestmark = pytest.mark.django_db

PATHS = ["service", "orm", "raw_sql"]


@pytest.fixture(autouse=True)
def _hits_are_real(settings):  # type: ignore[no-untyped-def]
    settings.ORDERTAKING_REFDATA_CHECK = False


def raw(sql: str, params: list) -> None:  # type: ignore[type-arg]
    with connection.cursor() as cur:
        cur.execute(sql, params)


def version() -> int:
    return RefDataVersion.objects.get().n


def task(order, kind: str) -> Task:  # type: ignore[no-untyped-def]
    return Task.objects.get(order=order, kind=kind)


@pytest.fixture
def plan():  # type: ignore[no-untyped-def]
    """A delivery date whose shipping task falls due on a plain weekday the calendar does not list (so a
    holiday can be put there), and that day."""
    cal = calendar_load()
    listed = set(Holiday.objects.values_list("date", flat=True))
    delivery = timezone.localdate() + timedelta(days=30)
    while True:
        due = cal.before(delivery, 1)  # Shanghai: one day in transit
        if due.weekday() < 5 and due not in listed and cal.before(due, 1) not in listed:
            return delivery, due
        delivery += timedelta(days=1)


def approve(make_order, delivery: date):  # type: ignore[no-untyped-def]
    return make_order(state="approved", delivery_date=delivery, lines=[{"product": "motor", "quantity": "1"}])


def test_p2_4_a_an_unchanged_calendar_and_rules_are_not_read_again(make_order, plan):
    from ordertaking.review.services import order_approve

    approve(make_order, plan[0])
    order = make_order(state="submitted", delivery_date=plan[0])
    with CaptureQueriesContext(connection) as q:
        order_approve(order=order, actor=get_user_model().objects.get(username="factory-reviewer"))
    read = " ".join(x["sql"] for x in q.captured_queries)
    assert "fulfilment_holiday" not in read and "FROM \"fulfilment_assignmentrule\"" not in read
    assert task(order, "shipping").due_date == plan[1]
    # Outside an approval nothing is kept: a page, a job reads afresh.
    with CaptureQueriesContext(connection) as q:
        calendar_load()
        calendar_load()
    assert sum("fulfilment_holiday" in x["sql"] for x in q.captured_queries) == 2


@pytest.mark.parametrize("path", PATHS)
def test_p2_4_a_a_holiday_added_is_in_the_next_approvals_plan(make_order, plan, admin_user_role, path):
    delivery, due = plan
    first = approve(make_order, delivery)
    assert task(first, "shipping").due_date == due
    if path == "service":
        holiday_save(actor=admin_user_role, day=due, kind="holiday", name="临时假日")
    elif path == "orm":
        Holiday.objects.create(date=due, kind="holiday", name="临时假日")
    else:
        raw("INSERT INTO fulfilment_holiday (date, kind, name) VALUES (%s, %s, %s)", [due, "holiday", "临时假日"])
    second = approve(make_order, delivery)
    assert task(second, "shipping").due_date < due


@pytest.mark.parametrize("path", PATHS)
def test_p2_4_a_a_holiday_moved_is_in_the_next_approvals_plan(make_order, plan, admin_user_role, path):
    delivery, due = plan
    row = Holiday.objects.create(date=date(2099, 1, 1), kind="holiday", name="元旦")
    first = approve(make_order, delivery)
    assert task(first, "shipping").due_date == due
    if path == "service":
        holiday_save(actor=admin_user_role, holiday=row, day=due, kind="holiday", name="元旦")
    elif path == "orm":
        Holiday.objects.filter(pk=row.pk).update(date=due)
    else:
        raw("UPDATE fulfilment_holiday SET date = %s WHERE id = %s", [due, row.pk])
    second = approve(make_order, delivery)
    assert task(second, "shipping").due_date < due


@pytest.mark.parametrize("path", PATHS)
def test_p2_4_a_a_holiday_removed_is_gone_from_the_next_approvals_plan(make_order, plan, admin_user_role, path):
    delivery, due = plan
    row = Holiday.objects.create(date=due, kind="holiday", name="临时假日")
    first = approve(make_order, delivery)
    assert task(first, "shipping").due_date < due
    if path == "service":
        holiday_delete(actor=admin_user_role, holiday=row)
    elif path == "orm":
        Holiday.objects.filter(pk=row.pk).delete()
    else:
        raw("DELETE FROM fulfilment_holiday WHERE id = %s", [row.pk])
    second = approve(make_order, delivery)
    assert task(second, "shipping").due_date == due


def _fixed_rule_values(user) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return {"name": "生产 → 固定", "task_kind": "production", "department": "production", "strategy": "fixed",
            "assignee": user}


@pytest.mark.parametrize("path", PATHS)
def test_p2_4_a_a_rule_added_assigns_the_next_approvals_task(make_order, plan, reviewer, production_user, path):
    first = approve(make_order, plan[0])
    assert task(first, "production").assignee_id is None
    if path == "service":
        rule_save(actor=reviewer, values=_fixed_rule_values(production_user))
    elif path == "orm":
        AssignmentRule.objects.create(name="生产 → 固定", task_kind="production", department="production",
                                      strategy="fixed", assignee=production_user)
    else:
        now = timezone.now()
        raw("INSERT INTO fulfilment_assignmentrule (name, task_kind, product_kind, city, department, strategy, "
            "assignee_id, active, created_at, updated_at) VALUES (%s, %s, '', '', %s, %s, %s, %s, %s, %s)",
            ["生产 → 固定", "production", "production", "fixed", production_user.pk, True, now, now])
    second = approve(make_order, plan[0])
    assert task(second, "production").assignee_id == production_user.pk


@pytest.mark.parametrize("path", PATHS)
def test_p2_4_a_a_rule_changed_assigns_the_next_approvals_task_its_way(make_order, plan, reviewer, production_user,
                                                                     prod2, path):
    rule = rule_save(actor=reviewer, values=_fixed_rule_values(production_user))
    first = approve(make_order, plan[0])
    assert task(first, "production").assignee_id == production_user.pk
    if path == "service":
        rule_save(actor=reviewer, rule=rule, values={"assignee": prod2})
    elif path == "orm":
        AssignmentRule.objects.filter(pk=rule.pk).update(assignee=prod2)
    else:
        raw("UPDATE fulfilment_assignmentrule SET assignee_id = %s WHERE id = %s", [prod2.pk, rule.pk])
    second = approve(make_order, plan[0])
    assert task(second, "production").assignee_id == prod2.pk


@pytest.mark.parametrize("path", PATHS)
def test_p2_4_a_a_rule_removed_or_deactivated_no_longer_assigns(make_order, plan, reviewer, production_user, path):
    rule = rule_save(actor=reviewer, values=_fixed_rule_values(production_user))
    first = approve(make_order, plan[0])
    assert task(first, "production").assignee_id == production_user.pk
    if path == "service":
        rule_delete(actor=reviewer, rule=rule)
    elif path == "orm":
        AssignmentRule.objects.filter(pk=rule.pk).update(active=False)
    else:
        raw("DELETE FROM fulfilment_assignmentrule WHERE id = %s", [rule.pk])
    second = approve(make_order, plan[0])
    assert task(second, "production").assignee_id is None


@pytest.mark.parametrize("how", ["service", "orm", "raw_sql", "out_of_the_department"])
def test_p2_4_a_a_member_deactivated_or_moved_is_not_assigned_nor_told_at_the_next_approval(
        make_order, plan, reviewer, admin_user_role, production_user, prod2, how):
    rule_save(actor=reviewer, values=_fixed_rule_values(production_user))
    first = approve(make_order, plan[0])
    assert task(first, "production").assignee_id == production_user.pk
    # The inspection task is the department's: both members are told.
    told = Notification.objects.filter(kind="task_assigned", params__order=first.number, params__task="inspection")
    assert set(told.values_list("recipient_id", flat=True)) == {production_user.pk, prod2.pk}
    if how == "service":
        user_active_set(user=production_user, active=False, actor=admin_user_role)
    elif how == "orm":
        type(production_user).objects.filter(pk=production_user.pk).update(is_active=False)
    elif how == "raw_sql":
        raw("UPDATE accounts_user SET is_active = %s WHERE id = %s", [False, production_user.pk])
    else:
        production_user.groups.remove(Group.objects.get(name="production"))
    second = approve(make_order, plan[0])
    # A fixed assignee who is no longer an active member: the task goes to the department, which is prod2 now.
    assert task(second, "production").assignee_id is None
    told = Notification.objects.filter(kind="task_assigned", params__order=second.number)
    assert set(told.values_list("recipient_id", flat=True)) == {prod2.pk}


def test_p2_4_a_round_robin_still_rotates_and_does_not_move_the_version(make_order, plan, reviewer,
                                                                       production_user, prod2):
    rule_save(actor=reviewer, values={"name": "质检轮流", "task_kind": "inspection", "department": "production",
                                      "strategy": "round_robin"})
    orders = [approve(make_order, plan[0])]
    before = version()
    orders += [approve(make_order, plan[0]) for _ in range(3)]
    assert version() == before
    assignees = [task(o, "inspection").assignee_id for o in orders]
    one, other = assignees[0], ({production_user.pk, prod2.pk} - {assignees[0]}).pop()
    assert assignees == [one, other, one, other]


def test_p2_4_a_data_seen_by_an_approval_that_rolled_back_never_reaches_a_later_one(make_order, plan):
    """The approval below reads (and keeps) a calendar with a holiday its own transaction added, then rolls back.
    A later change elsewhere moves the version again: it must not land on the value kept for the undone one
    (a counter that went back with the rollback and forward again would)."""
    delivery, due = plan
    assert task(approve(make_order, delivery), "shipping").due_date == due
    with pytest.raises(RuntimeError), transaction.atomic():
        Holiday.objects.create(date=due, kind="holiday", name="撤销的假日")
        undone = approve(make_order, delivery)
        assert task(undone, "shipping").due_date < due  # the approval saw it and kept it
        raise RuntimeError("roll back")
    Holiday.objects.create(date=date(2099, 1, 1), kind="holiday", name="元旦")
    later = approve(make_order, delivery)
    assert task(later, "shipping").due_date == due
