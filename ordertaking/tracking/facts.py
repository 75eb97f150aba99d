"""The facts of one order that the at-risk rules read (rules.RiskFacts), gathered from the apps below
tracking: fulfilment's tasks, production's forecast and open failed inspections, logistics' open
exceptions, the delivery province's transit days."""

from __future__ import annotations

from datetime import date

from ordertaking.orders.models import Order

from . import rules


def order_facts(order: Order, today: date) -> rules.RiskFacts:
    transit = order.delivery_region.transit_days if order.delivery_region_id and order.delivery_region else 0
    return rules.RiskFacts(today=today, delivery_date=order.delivery_date,
                           latest_finish=rules.latest_finish(order.delivery_date, transit or 0),
                           production_forecast=None)
