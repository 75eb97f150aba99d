"""The daily at-risk run (P2.4.d: problems and risks spotted early; P5.2.a: escalation): every order
being executed is checked again — a time node is missed at midnight without any event — and the
orders at risk too long without a contingency plan go to the rep's leader. Each order is one item of
the run (ops.jobs): one that fails is logged and counted, the others go on."""

from __future__ import annotations

from datetime import date, datetime, time
from functools import partial

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from ordertaking.ops.jobs import job_register, job_run, run_item
from ordertaking.orders.models import Order
from ordertaking.orders.states import EXECUTION_STATES

from .models import RiskEpisode
from .services import escalations_due, order_risk_refresh, risk_escalate

RISK_JOB = job_register("risk_refresh", gettext_lazy("Daily check of orders at risk (P2.4.d, P5.2.a)"))


def _refresh(order_id: int, now: datetime) -> None:
    order_risk_refresh(order=Order.objects.get(pk=order_id), now=now)


def _escalate(episode_id: int, now: datetime) -> None:
    risk_escalate(episode=RiskEpisode.objects.get(pk=episode_id), now=now)


def risk_run(*, today: date, now: datetime | None = None, raise_on_failures: bool = True) -> dict[str, int]:
    """Refresh every order being executed (and those still flagged, so a cancelled order's risks
    clear), then escalate. `now` defaults to the start of `today`'s working morning, or the present."""
    now = now or (timezone.now() if today == timezone.localdate() else
                  timezone.make_aware(datetime.combine(today, time(6, 0))))
    ids = list(Order.objects.filter(Q(state__in=EXECUTION_STATES) | Q(risk_episodes__ended_at__isnull=True,
                                                                     risk_episodes__isnull=False))
               .order_by("pk").values_list("pk", flat=True).distinct())
    with job_run(RISK_JOB, day=today, raise_on_failures=raise_on_failures) as run:
        for order_id in ids:
            run_item(run, f"order {order_id}", partial(_refresh, order_id, now))
        escalations = escalations_due(now=now)
        for episode_id in escalations:
            run_item(run, f"escalation {episode_id}", partial(_escalate, episode_id, now))
    return {"orders": len(ids), "escalations_checked": len(escalations)}
