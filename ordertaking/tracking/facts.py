"""The facts of one order that the at-risk rules read (rules.RiskFacts), gathered from the apps below
tracking: fulfilment's tasks, production's forecast and open failed inspections, logistics' open
exceptions, the delivery province's transit days."""

from __future__ import annotations

from datetime import date

from ordertaking.fulfilment.models import Task
from ordertaking.logistics.selectors import open_exceptions
from ordertaking.orders.models import Order
from ordertaking.production.selectors import failed_inspections_open, order_production_forecast

from . import rules

FINISHED_TASK_STATES = frozenset({Task.State.DONE, Task.State.CANCELLED})


def order_facts(order: Order, today: date, tasks: tuple[Task, ...] | None = None) -> rules.RiskFacts:
    """`tasks`: the order's first approval created these and nothing else exists downstream of it yet
    (no shipment, exception or inspection): only the production forecast is read."""
    if tasks is None:  # anything downstream may exist by now: read it
        rows = list(Task.objects.filter(order=order).only("pk", "kind", "due_date", "state").order_by("pk"))
        exceptions = open_exceptions(order)
        inspections = failed_inspections_open(order)
    else:  # in the read's order
        rows = sorted(tasks, key=lambda t: t.pk)
        exceptions, inspections = [], []
    region = order.delivery_region if order.delivery_region_id else None
    return rules.RiskFacts(
        today=today, delivery_date=order.delivery_date,
        latest_finish=rules.latest_finish(order.delivery_date, region.transit_days if region is not None else 0),
        production_forecast=order_production_forecast(order, today=today),
        tasks=tuple(rules.TaskFact(t.pk, t.kind, t.due_date, t.state in FINISHED_TASK_STATES) for t in rows),
        open_exceptions=tuple(rules.ExceptionFact(e.pk, e.kind, e.shipment.waybill_number if e.shipment_id else "")
                              for e in exceptions),
        failed_inspections=tuple(rules.InspectionFact(i.pk, i.checkpoint) for i in inspections))
