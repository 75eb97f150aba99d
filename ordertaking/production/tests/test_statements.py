"""Statements of production's reads and writes (issue 14, W4): the gate of many lines is read at once and
says per line what the one-line selectors say; finishing or inspecting a production order, which also
completes its task, has tracking refresh the order's risks once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ordertaking.production import selectors, services
from ordertaking.production.models import ProductionOrder

from .test_services import inspect, produced

pytestmark = pytest.mark.django_db

MOTORS = [{"product": "motor", "quantity": q} for q in ("10", "6", "7")] + [{"product": "reducer", "quantity": "2"}]


def test_p5_2_b_the_gate_of_every_line_at_once_says_what_each_line_alone_says(approved, production_user):
    order = approved(lines=MOTORS)
    first, second, third = ProductionOrder.objects.filter(order=order).order_by("line_position")
    produced(first, production_user)
    inspect(first, production_user)  # finished and passed: ships in full
    produced(second, production_user)
    failed = inspect(second, production_user, result="fail")  # finished, failed: blocked
    lines = list(order.lines.order_by("position"))  # the third is not finished; the reducer is from stock
    with CaptureQueriesContext(connection) as cq:
        gates = selectors.line_gates(lines, with_passed=True)
    # production orders, open failures (and their reworks: there is one), passing inspections
    assert len(cq.captured_queries) == 4
    for line in lines:
        assert gates[line.pk].block == selectors.shipping_block(line)
        assert gates[line.pk].shippable == selectors.shippable_quantity(line)
        assert gates[line.pk].passed == selectors.finished_inspections_passed(line)
    assert [gates[ln.pk].shippable for ln in lines] == [Decimal("10"), 0, 0, Decimal("2")]
    assert failed.number in (gates[lines[1].pk].block or "") and third.number in (gates[lines[2].pk].block or "")
    assert gates[lines[3].pk].block is None and gates[lines[3].pk].passed is None
    with CaptureQueriesContext(connection) as few:
        selectors.line_gates(lines[:2], with_passed=True)  # the failed line among them
    assert len(few.captured_queries) == len(cq.captured_queries)


@pytest.mark.parametrize("step", ["finish", "inspect"])
def test_p2_4_d_a_production_write_that_completes_its_task_refreshes_the_order_risks_once(  # type: ignore[no-untyped-def]
        po, production_user, step):
    services.production_order_start(po=po, actor=production_user)
    if step == "inspect":
        services.production_order_finish(po=po, actor=production_user)
    with CaptureQueriesContext(connection) as cq:
        if step == "finish":
            services.production_order_finish(po=po, actor=production_user)
        else:
            inspect(po, production_user)
    risk_reads = [q for q in cq.captured_queries
                  if q["sql"].startswith("SELECT") and '"tracking_riskepisode"' in q["sql"]]
    assert len(risk_reads) == 1
    po.refresh_from_db()
    assert po.task is not None
    kind = "production" if step == "finish" else "inspection"
    from ordertaking.fulfilment.models import Task

    assert Task.objects.get(order=po.order, kind=kind, line_position=po.line_position).state == "done"
