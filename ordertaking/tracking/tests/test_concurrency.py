"""Row locks on PostgreSQL (P2.4.d, P5.2.a): two runs at once — the daily job and a page, or two
workers — record one at-risk period, one reason, one escalation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ordertaking.audit.models import AuditEvent
from ordertaking.tracking.models import RiskEpisode
from ordertaking.tracking.services import risk_escalate
from tests.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MON = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_p5_2_a_two_escalations_at_once_escalate_once(approved_order, flag_at_risk, leader):
    order = approved_order()
    episode = flag_at_risk(order, MON)
    thursday = MON + timedelta(days=3)
    results = race(lambda: risk_escalate(episode=episode, now=thursday),
                   lambda: risk_escalate(episode=episode, now=thursday))
    assert sorted(results) == [False, True]
    assert RiskEpisode.objects.get(pk=episode.pk).escalated_at == thursday
    assert AuditEvent.objects.filter(subject_id=str(order.pk), action="order.risk_escalated").count() == 1


def test_p2_4_d_two_refreshes_at_once_record_one_period_one_reason_one_event(approved_order):
    from django.utils import timezone

    from ordertaking.fulfilment.models import Task
    from ordertaking.tracking.models import OrderRisk
    from ordertaking.tracking.services import order_risk_refresh

    order = approved_order()
    task = Task.objects.filter(order=order).order_by("due_date", "id")[0]
    past = timezone.localdate() - timedelta(days=3)
    Task.objects.filter(pk=task.pk).update(planned_start=past, due_date=past)
    results = race(lambda: order_risk_refresh(order=order), lambda: order_risk_refresh(order=order))
    assert not [r for r in results if isinstance(r, Exception)]
    assert RiskEpisode.objects.filter(order=order).count() == 1
    assert OrderRisk.objects.filter(order=order, cleared_at__isnull=True).count() == 1
    assert AuditEvent.objects.filter(subject_id=str(order.pk), action="order.at_risk").count() == 1
