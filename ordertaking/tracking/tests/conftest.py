from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest


@pytest.fixture
def approved_order(make_order, customer, sales_rep):  # type: ignore[no-untyped-def]
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=sales_rep)

    def make(**kw: Any) -> Any:
        return make_order(state="approved", **kw)

    return make


@pytest.fixture
def flag_at_risk():  # type: ignore[no-untyped-def]
    """Put an order at risk as order_risk_refresh records it (a period and an open reason), at a chosen
    moment — for tests of what follows (escalation, lists, plans) that are not about the detection."""
    from ordertaking.tracking.models import OrderRisk, RiskEpisode

    def flag(order: Any, since: datetime, *, reason: str = "task_overdue", key: str = "task:1",
             params: dict[str, Any] | None = None) -> RiskEpisode:
        episode = RiskEpisode.objects.filter(order=order, ended_at__isnull=True).first()
        episode = episode or RiskEpisode.objects.create(order=order, started_at=since)
        OrderRisk.objects.create(order=order, episode=episode, reason=reason, key=key, clause="P2.4.d", since=since,
                                 params=params if params is not None else
                                 {"task": "production", "due": "2026-11-20", "days": 3})
        return episode

    return flag


@pytest.fixture
def late_order(approved_order):  # type: ignore[no-untyped-def]
    """An approved order whose first task was due three days ago (the test sets the plan; the clock is
    today's), refreshed: at risk for a missed time node, as the daily job would find it."""
    from datetime import timedelta

    from django.utils import timezone

    from ordertaking.fulfilment.models import Task
    from ordertaking.tracking.services import order_risk_refresh

    def make(**kw: Any) -> Any:
        order = approved_order(**kw)
        task = Task.objects.filter(order=order).order_by("due_date", "id")[0]
        past = timezone.localdate() - timedelta(days=3)
        Task.objects.filter(pk=task.pk).update(planned_start=past, due_date=past)
        order_risk_refresh(order=order)
        return order

    return make
