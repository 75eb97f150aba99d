"""Row locks on PostgreSQL (P2.4.a): two people starting an order's first tasks at once move the order
into execution once; a start racing a replan neither deadlocks nor loses either write; two workers
starting the same task: one wins, the other is told."""

from __future__ import annotations

import pytest

from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import DomainError
from ordertaking.fulfilment.models import Task
from ordertaking.fulfilment.services import order_tasks_replan, task_start
from tests.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_p2_4_a_two_first_starts_at_once_move_the_order_once(approved_order, production_user, prod2):
    production = Task.objects.get(order=approved_order, kind="production")
    inspection = Task.objects.get(order=approved_order, kind="inspection")
    results = race(lambda: task_start(task=production, actor=production_user),
                   lambda: task_start(task=inspection, actor=prod2))
    assert all(isinstance(r, Task) for r in results)
    approved_order.refresh_from_db()
    assert approved_order.state == "in_execution"
    assert AuditEvent.objects.filter(subject_id=str(approved_order.pk),
                                     action="order.execution_started").count() == 1


def test_p2_4_a_the_same_task_started_twice_at_once_starts_once(approved_order, production_user, prod2):
    production = Task.objects.get(order=approved_order, kind="production")
    results = race(lambda: task_start(task=production, actor=production_user),
                   lambda: task_start(task=production, actor=prod2))
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1 and errors[0].status == 409
    assert AuditEvent.objects.filter(subject_id=str(approved_order.pk), action="task.started").count() == 1


def test_p2_4_a_a_start_racing_a_replan_neither_deadlocks_nor_loses_a_write(approved_order, production_user,
                                                                           reviewer):
    shipping = Task.objects.get(order=approved_order, kind="shipping")
    Task.objects.filter(order=approved_order).update(department="production")  # let prod1 start any
    results = race(lambda: task_start(task=shipping, actor=production_user),
                   lambda: order_tasks_replan(order=approved_order, actor=reviewer))
    assert not any(isinstance(r, Exception) for r in results), results
    shipping.refresh_from_db()
    assert shipping.state == "in_progress"
