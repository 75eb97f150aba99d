"""The facts of one order that the at-risk rules read (rules.RiskFacts), gathered from the apps below
tracking: fulfilment's tasks, production's forecast and open failed inspections, logistics' open
exceptions, the delivery province's transit days."""

from __future__ import annotations

from datetime import date

from ordertaking.common.progress import FirstApproval
from ordertaking.fulfilment.models import Task
from ordertaking.logistics.selectors import open_exceptions
from ordertaking.orders.models import Order
from ordertaking.production.selectors import failed_inspections_open, latest_forecast, order_production_forecast

from . import rules

FINISHED_TASK_STATES = frozenset({Task.State.DONE, Task.State.CANCELLED})


def order_facts(order: Order, today: date, first: FirstApproval | None = None) -> rules.RiskFacts:
    """`first`: the order's first approval, which hands over the tasks and production orders it has just made;
    nothing else exists downstream of the order yet (no shipment, exception or inspection), so nothing is read."""
    if first is None:  # anything downstream may exist by now: read it
        tasks = list(Task.objects.filter(order=order).only("pk", "kind", "due_date", "state").order_by("pk"))
        exceptions = open_exceptions(order)
        inspections = failed_inspections_open(order)
        forecast = order_production_forecast(order, today=today)
    else:  # the tasks in the read's order
        tasks = sorted(first.tasks, key=lambda t: t.pk)
        exceptions, inspections = [], []
        forecast = latest_forecast(first.production_orders, today=today)
    region = order.delivery_region if order.delivery_region_id else None
    return rules.RiskFacts(
        today=today, delivery_date=order.delivery_date,
        latest_finish=rules.latest_finish(order.delivery_date, region.transit_days if region is not None else 0),
        production_forecast=forecast,
        tasks=tuple(rules.TaskFact(t.pk, t.kind, t.due_date, t.state in FINISHED_TASK_STATES) for t in tasks),
        open_exceptions=tuple(rules.ExceptionFact(e.pk, e.kind, e.shipment.waybill_number if e.shipment_id else "")
                              for e in exceptions),
        failed_inspections=tuple(rules.InspectionFact(i.pk, i.checkpoint) for i in inspections))
