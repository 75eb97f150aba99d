"""Dunning tasks (P5.1.c) move through finance/states.py: done writes its event with the state
move; a task already done is refused and nothing is written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import InvalidTransition
from ordertaking.finance.models import DunningTask
from ordertaking.finance.services import dunning_task_done

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(customer, sales_rep):  # type: ignore[no-untyped-def]
    return DunningTask.objects.create(customer=customer, assignee=sales_rep,
                                      due_date=timezone.localdate() + timedelta(days=3), note="催收")


def test_p5_1_c_doing_a_dunning_task_moves_it_to_done_and_records_the_move(task, sales_rep):
    dunning_task_done(task=task, actor=sales_rep, note="客户承诺周五付款")
    task.refresh_from_db()
    assert task.state == DunningTask.State.DONE
    (ev,) = AuditEvent.objects.filter(action="dunning.done")
    assert (ev.before, ev.after, ev.clause) == ({"state": "open"}, {"state": "done", "invoice": None}, "P5.1.c")


def test_p5_1_c_a_done_task_cannot_be_done_again_and_nothing_is_written(task, sales_rep):
    dunning_task_done(task=task, actor=sales_rep, note="一")
    with pytest.raises(InvalidTransition):
        dunning_task_done(task=task, actor=sales_rep, note="二")
    task.refresh_from_db()
    assert task.note == "催收\n一" and AuditEvent.objects.filter(action="dunning.done").count() == 1
