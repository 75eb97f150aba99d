"""Statements per dispatch (issue 14, W4): production's gate of every line of a shipment is read at once,
so a shipment of three produced lines costs what a shipment of one does; the shipping task's progress
report and the dispatch's own run tracking once."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.credit_grant import customer_credit_grant

from .conftest import produce

pytestmark = pytest.mark.django_db


def dispatch_statements(order: Any, ship: Any, logistics_user: Any) -> list[str]:
    from ordertaking.logistics.services import shipment_dispatch
    from tests.readiness import readiness_sign_all

    shipment = ship(order, {ln.position: str(ln.quantity) for ln in order.lines.order_by("position")})
    readiness_sign_all(shipment, logistics=logistics_user)
    with CaptureQueriesContext(connection) as cq:
        shipment_dispatch(shipment=shipment, actor=logistics_user)
    order.refresh_from_db()
    assert order.state == "shipped"
    return [q["sql"] for q in cq.captured_queries]


def test_p2_4_c_dispatch_reads_production_once_whatever_the_number_of_lines(  # type: ignore[no-untyped-def]
        make_order, customer, finance_user, production_user, logistics_user, ship):
    customer_credit_grant(customer, by=finance_user)
    one = make_order(state="approved", lines=[{"product": "motor", "quantity": "2"}])
    three = make_order(state="approved", lines=[{"product": "motor", "quantity": q} for q in ("2", "3", "4")])
    for order in (one, three):
        produce(order, production_user)
    few = dispatch_statements(one, ship, logistics_user)
    many = dispatch_statements(three, ship, logistics_user)
    assert len(many) <= len(few)  # (the first dispatch also reads the actor's groups, then cached on the user)
    # the gate: the production orders and the open failures of every line, one statement each
    assert sum('"production_productionorder"."line_position" IN' in q for q in many) == 1
    # tracking refreshes the order's risks once, though the shipping task reported its progress too
    assert sum(q.startswith("SELECT") and '"tracking_riskepisode"' in q for q in many) == 1
