"""At-risk detection (P2.4.d: spot problems and risks early; P5.2.a: causes that threaten on-time
delivery or quality) as plain functions over plain values: no database, no clock.

The caller (services.order_risk_refresh) gathers the facts of one order from fulfilment, production
and logistics; these functions say which reasons hold. Each reason is a code + params (stored as
such, rendered in the reader's language) and a key telling reasons of the same code apart (two
overdue tasks are two reasons, each with its own "since").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

TASK_OVERDUE = "task_overdue"
PRODUCTION_LATE = "production_late"
SHIPPING_EXCEPTION = "shipping_exception"
INSPECTION_FAILED = "inspection_failed"


@dataclass(frozen=True)
class TaskFact:
    id: int
    kind: str  # fulfilment's Task.Kind code
    due_date: date | None
    done: bool  # done or cancelled: nothing left to miss


@dataclass(frozen=True)
class ExceptionFact:
    id: int
    kind: str  # logistics' exception kind code (delay, damage, loss)
    waybill: str = ""


@dataclass(frozen=True)
class InspectionFact:
    id: int
    checkpoint: str  # production's checkpoint code (raw_material, in_process, finished)


@dataclass(frozen=True)
class RiskFacts:
    today: date
    delivery_date: date | None
    latest_finish: date | None  # the last day production may finish and still ship in time
    production_forecast: date | None
    tasks: tuple[TaskFact, ...] = ()
    open_exceptions: tuple[ExceptionFact, ...] = ()
    failed_inspections: tuple[InspectionFact, ...] = ()


@dataclass(frozen=True)
class Reason:
    code: str
    key: str
    clause: str
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def latest_finish(delivery_date: date | None, transit_days: int) -> date | None:
    """P2.4.d: production must be finished by the promised delivery date minus the transit time to
    the delivery province (calendar days, as Region.transit_days are counted); None without a date."""
    if delivery_date is None:
        return None
    return delivery_date - timedelta(days=max(transit_days, 0))


def tasks_overdue(tasks: tuple[TaskFact, ...], today: date) -> list[Reason]:
    """P2.4.a/P2.4.d: a time node 时间节点 missed — a task past its due date and not done. Due today is
    not yet missed."""
    return [Reason(TASK_OVERDUE, f"task:{t.id}", "P2.4.d",
                   {"task": t.kind, "due": t.due_date.isoformat(), "days": (today - t.due_date).days})
            for t in tasks if not t.done and t.due_date is not None and t.due_date < today]


def production_late(forecast: date | None, latest: date | None) -> list[Reason]:
    """P2.4.b/P2.4.d: production is forecast to finish after the last day that still lets the goods
    reach the customer by the promised date (delivery date minus transit)."""
    if forecast is None or latest is None or forecast <= latest:
        return []
    return [Reason(PRODUCTION_LATE, "production", "P2.4.b",
                   {"forecast": forecast.isoformat(), "latest": latest.isoformat(),
                    "days": (forecast - latest).days})]


def shipping_exceptions(exceptions: tuple[ExceptionFact, ...]) -> list[Reason]:
    """P2.4.c: an open shipping exception — delay 运输延误, damage 货物损坏 or loss — threatens delivery."""
    return [Reason(SHIPPING_EXCEPTION, f"exception:{e.id}", "P2.4.c", {"kind": e.kind, "waybill": e.waybill})
            for e in exceptions]


def inspections_failed(inspections: tuple[InspectionFact, ...]) -> list[Reason]:
    """P5.2.b: a failed quality inspection not yet followed by rework and a passing re-inspection
    threatens quality and the delivery date."""
    return [Reason(INSPECTION_FAILED, f"inspection:{i.id}", "P5.2.b", {"checkpoint": i.checkpoint})
            for i in inspections]


def order_reasons(facts: RiskFacts) -> list[Reason]:
    """Every reason an order is at risk today (P2.4.d, P5.2.a); empty: on track."""
    return (tasks_overdue(facts.tasks, facts.today)
            + production_late(facts.production_forecast, facts.latest_finish)
            + shipping_exceptions(facts.open_exceptions)
            + inspections_failed(facts.failed_inspections))


def escalation_due(*, at_risk_since: date, today: date, days: int, has_plan: bool, escalated: bool) -> bool:
    """P5.2.a: an order at risk for more than `days` days without a contingency plan goes to the rep's
    leader, once. "More than 2 days": at risk since Monday, escalated on Thursday."""
    return not has_plan and not escalated and (today - at_risk_since).days > days


def plan_problem(*, cause: str, causes: set[str], measures: str, notified_person: str, notified_via: str,
                 channels: set[str], notified_text: str, notified_on: date | None, new_delivery_date: date | None,
                 today: date) -> tuple[str, str] | None:
    """P5.2.a: a contingency plan names its cause, the measures taken and how the customer was told (who,
    when, how, what was said); a new promised date is not in the past, and the customer was not told in
    the future. The first problem as (field, code), or None."""
    if cause not in causes:
        return "cause", "cause"
    if not measures.strip():
        return "measures", "measures"
    if not notified_person.strip():
        return "notified_person", "notified_person"
    if notified_on is None or notified_on > today:
        return "notified_at", "notified_at"
    if notified_via not in channels:
        return "notified_via", "notified_via"
    if not notified_text.strip():
        return "notified_text", "notified_text"
    if new_delivery_date is not None and new_delivery_date < today:
        return "new_delivery_date", "new_delivery_date"
    return None
