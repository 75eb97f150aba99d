"""P2.4.a, issue 14, on PostgreSQL with real connections: the reference data kept per process
(common/refdata.py) is shared by its threads, each with its own connection and transactions. A change committed
by another connection is in the next approval's plan in any thread; approvals at once still take turns by round
robin under the rule's lock, and do not move the version."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from ordertaking.common.models import RefDataVersion
from ordertaking.fulfilment.models import Holiday, Task
from ordertaking.fulfilment.services import calendar_load, rule_save
from ordertaking.review.services import order_approve
from tests.concurrency import errors_of, race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _hits_are_real(settings):  # type: ignore[no-untyped-def]
    settings.ORDERTAKING_REFDATA_CHECK = False


def _shipping_due(order) -> date:  # type: ignore[no-untyped-def]
    return Task.objects.get(order=order, kind="shipping").due_date


def test_p2_4_a_a_holiday_committed_by_another_connection_is_in_the_next_approval_of_any_thread(make_order):
    listed = set(Holiday.objects.values_list("date", flat=True))
    delivery = timezone.localdate() + timedelta(days=30)
    while calendar_load().before(delivery, 1).weekday() >= 5 or calendar_load().before(delivery, 1) in listed:
        delivery += timedelta(days=1)
    due = calendar_load().before(delivery, 1)
    lines = [{"product": "motor", "quantity": "1"}]
    [first] = race(lambda: make_order(state="approved", delivery_date=delivery, lines=lines))
    assert _shipping_due(first) == due  # kept by this process at the version its approval read
    [holiday] = race(lambda: Holiday.objects.create(date=due, kind="holiday", name="临时假日"))  # committed
    assert not errors_of([first, holiday])
    results = race(lambda: make_order(state="approved", delivery_date=delivery, lines=lines),
                   lambda: make_order(state="approved", delivery_date=delivery, lines=lines))
    assert not errors_of(results), results
    assert all(_shipping_due(o) < due for o in results)


def test_p2_4_a_approvals_at_once_take_turns_by_round_robin_and_do_not_move_the_version(make_order, reviewer,
                                                                                        production_user, prod2):
    rule_save(actor=reviewer, values={"name": "质检轮流", "task_kind": "inspection", "department": "production",
                                      "strategy": "round_robin"})
    lines = [{"product": "motor", "quantity": "1"}]
    make_order(state="approved", lines=lines)  # warm the process's reference data
    orders = [make_order(state="submitted", lines=lines) for _ in range(2)]
    approver = get_user_model().objects.get(username="factory-reviewer")
    before = RefDataVersion.objects.get().n
    results = race(*[lambda o=o: order_approve(order=o, actor=approver) for o in orders])
    assert not errors_of(results), results
    assert RefDataVersion.objects.get().n == before
    assignees = {Task.objects.get(order=o, kind="inspection").assignee_id for o in orders}
    assert assignees == {production_user.pk, prod2.pk}
