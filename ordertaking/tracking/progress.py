"""Progress against plan (P2.4.d: the sales staff follow the whole execution): every milestone and task
of an order with its planned and actual dates, laid out as a Gantt-style strip — plain positions in
percent of the order's date range, drawn by CSS, no script.

The rows come from the apps below tracking (fulfilment's tasks, production's production orders and
inspections, logistics' shipments); tracking only reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from ordertaking.fulfilment.models import Task
from ordertaking.logistics.models import Shipment, ShippingException
from ordertaking.orders.models import Order
from ordertaking.production.models import ProductionOrder, QualityInspection
from ordertaking.production.selectors import forecast_for

from .models import ContingencyPlan


@dataclass
class Row:
    label: str
    group: str  # "milestone", "task", "production", "inspection", "shipment"
    planned_start: date | None = None
    planned_end: date | None = None
    actual_start: date | None = None
    actual_end: date | None = None
    who: str = ""
    state: str = ""  # a badge code (common/states.BADGES)
    state_label: str = ""
    note: str = ""
    late: bool = False
    bars: dict[str, Any] = field(default_factory=dict)

    @property
    def is_milestone(self) -> bool:
        return self.group == "milestone"

    def dates(self) -> list[date]:
        return [d for d in (self.planned_start, self.planned_end, self.actual_start, self.actual_end) if d]


@dataclass
class Progress:
    rows: list[Row]
    start: date
    end: date
    today: date
    today_pct: float | None
    ticks: list[dict[str, Any]]


def _bar(a: date, b: date, start: date, span: int) -> dict[str, float]:
    """Days a..b inclusive as left/width in percent of the axis (span days from start)."""
    a, b = max(a, start), max(b, a)
    left = (a - start).days * 100 / span
    width = max((b - a).days + 1, 1) * 100 / span
    return {"left": round(left, 2), "width": round(min(width, 100 - left), 2)}


def _mark(day: date, start: date, span: int) -> float:
    """The middle of a day on the axis, in percent."""
    return round(((day - start).days + 0.5) * 100 / span, 2)


def layout(rows: list[Row], *, today: date) -> Progress:
    """Place each row's planned and actual bars (and milestones' marks) on one shared date axis."""
    days = [d for r in rows for d in r.dates()] + [today]
    start = min(days)
    span = max((max(days) - start).days + 1, 7)
    end = start + timedelta(days=span - 1)
    for r in rows:
        bars: dict[str, Any] = {}
        if r.is_milestone:
            if r.planned_end:
                bars["plan_mark"] = _mark(r.planned_end, start, span)
            if r.actual_end:
                bars["mark"] = _mark(r.actual_end, start, span)
        else:
            if r.planned_end:
                bars["plan"] = _bar(r.planned_start or r.planned_end, r.planned_end, start, span)
            if r.actual_start or r.actual_end:
                a0 = r.actual_start or r.actual_end
                assert a0 is not None
                bars["actual"] = {**_bar(a0, r.actual_end or today, start, span), "open": r.actual_end is None}
        r.bars = bars
    step = 1 if span <= 10 else 7 if span <= 70 else 14 if span <= 140 else 30
    ticks = [{"day": start + timedelta(days=n), "pct": round(n * 100 / span, 2)} for n in range(0, span, step)]
    today_pct = _mark(today, start, span) if start <= today <= end else None
    return Progress(rows=rows, start=start, end=end, today=today, today_pct=today_pct, ticks=ticks)


def _local(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    return timezone.localdate(value)


def order_progress_rows(order: Order, *, today: date) -> list[Row]:
    """The order's milestones and work, in the order they happen."""
    rows: list[Row] = []
    approved = _local(order.approved_at)
    rows.append(Row(label=_("Order approved"), group="milestone", planned_end=approved, actual_end=approved,
                    who=str(order.approved_by) if order.approved_by_id else ""))
    rows += _work_rows(order, today=today)
    delivered = None  # delivery and acceptance come with the next chapter
    late = bool(order.delivery_date and not delivered and order.delivery_date < today)
    rows.append(Row(label=_("Promised delivery date"), group="milestone", planned_end=order.delivery_date,
                    actual_end=delivered, late=late))
    # P5.2.a: the date a contingency plan promised the customer (the order's own date changes only by a
    # change request, reviewed again); shown beside the contract's.
    promised = (ContingencyPlan.objects.filter(order=order, new_delivery_date__isnull=False)
                .order_by("-recorded_at", "-id").values_list("new_delivery_date", flat=True).first())
    if promised and promised != order.delivery_date:
        rows.append(Row(label=_("New promised date (contingency plan)"), group="milestone", planned_end=promised))
    return rows


def _who(user: Any, department_label: str = "") -> str:
    return str(user) if user is not None else department_label


def _work_rows(order: Order, *, today: date) -> list[Row]:
    """The order's work, by its planned dates: fulfilment's tasks (with production's progress)."""
    rows = _task_rows(order, today=today) + _inspection_rows(order) + _shipment_rows(order, today=today)
    rows.sort(key=lambda r: (r.planned_start or r.planned_end or r.actual_start or r.actual_end or today))
    return rows


def _task_rows(order: Order, *, today: date) -> list[Row]:
    """Fulfilment's tasks; a production task carries its production order's progress and forecast."""
    productions = {po.task_id: po for po in ProductionOrder.objects.filter(order=order, task__isnull=False)
                   .exclude(state=ProductionOrder.State.CANCELLED)}
    rows = []
    for t in Task.objects.filter(order=order).select_related("assignee").order_by("due_date", "id"):
        live = t.state in (Task.State.OPEN, Task.State.IN_PROGRESS)
        done = _local(t.done_at)
        label = str(t.get_kind_display())
        if t.line_position:
            label = _("%(task)s · line %(line)s") % {"task": label, "line": t.line_position}
        note = ""
        po = productions.get(t.pk)
        if po is not None:
            forecast = forecast_for(po, today=today)
            note = _("%(number)s: %(percent)s%% done, finish forecast %(forecast)s") % {
                "number": po.number, "percent": po.percent, "forecast": forecast.isoformat()}
        rows.append(Row(label=label, group="task", planned_start=t.planned_start, planned_end=t.due_date,
                        actual_start=_local(t.started_at), actual_end=done,
                        who=_who(t.assignee, str(t.get_department_display())),
                        state=t.state, state_label=str(t.get_state_display()), note=note,
                        late=(live and t.due_date < today) or bool(done and done > t.due_date)))
    return rows


def _inspection_rows(order: Order) -> list[Row]:
    """Production's quality inspections (P5.2.b) as milestones: checkpoint, result, report number."""
    rows = []
    for qi in QualityInspection.objects.filter(order=order).select_related("inspector").order_by("inspected_at", "id"):
        failed = qi.result == QualityInspection.Result.FAIL
        rows.append(Row(label=str(qi.get_checkpoint_display()), group="milestone", actual_end=_local(qi.inspected_at),
                        who=str(qi.inspector), state="failed" if failed else "passed",
                        state_label=str(qi.get_result_display()), note=qi.number, late=failed))
    return rows


def _shipment_rows(order: Order, *, today: date) -> list[Row]:
    """Logistics' shipments (P2.4.c): planned ship date to planned arrival, shipped to delivered; an open
    exception marks the shipment late."""
    exceptions: dict[int, list[ShippingException]] = {}
    for e in ShippingException.objects.filter(order=order).order_by("created_at", "id"):
        exceptions.setdefault(e.shipment_id, []).append(e)
    rows = []
    for s in (Shipment.objects.filter(order=order).exclude(state=Shipment.State.CANCELLED).select_related("carrier")
              .order_by("planned_ship_date", "id")):
        mine = exceptions.get(s.pk, [])
        open_exc = [e for e in mine if e.state != ShippingException.State.CLOSED]
        arrived = _local(s.delivered_at)
        notes = [" ".join(x for x in (s.carrier.name if s.carrier_id and s.carrier else "", s.waybill_number) if x)]
        notes += [str(e.get_kind_display()) for e in open_exc]
        rows.append(Row(label=_("Shipment %(number)s") % {"number": s.number}, group="shipment",
                        planned_start=s.planned_ship_date, planned_end=s.planned_arrival,
                        actual_start=_local(s.shipped_at), actual_end=arrived,
                        state=s.state, state_label=str(s.get_state_display()),
                        note=" · ".join(n for n in notes if n),
                        late=bool(open_exc) or (arrived is None and s.planned_arrival < today)
                        or bool(arrived and arrived > s.planned_arrival)))
    return rows


def order_progress(order: Order, *, today: date | None = None) -> Progress:
    today = today or timezone.localdate()
    return layout(order_progress_rows(order, today=today), today=today)
