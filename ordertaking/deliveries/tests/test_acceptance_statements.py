"""Statements of an acceptance (issue 14, W4): every criterion of every line given is written in one
statement (two when some are rewritten), not a read and a write with their savepoints per criterion."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ordertaking.deliveries.acceptance.services import acceptance_record
from ordertaking.deliveries.models import LineCheck

from .conftest import deliver, verdicts

pytestmark = pytest.mark.django_db


def check_statements(order: Any, positions: list[int], actor: Any, **rejected: str) -> list[str]:
    lines = [order.lines.get(position=p) for p in positions]
    with CaptureQueriesContext(connection) as cq:
        acceptance_record(order=order, entries=[(ln, verdicts(**rejected)) for ln in lines], actor=actor,
                          customer_name="刘经理")
    return [q["sql"] for q in cq.captured_queries if '"deliveries_linecheck"' in q["sql"]
            and not q["sql"].startswith("SELECT")]


def test_p2_5_c_the_checks_of_three_lines_cost_what_the_checks_of_one_do(  # type: ignore[no-untyped-def]
        delivered_order, make_order, customer, sales_rep):
    other = deliver(make_order(customer, state="approved",
                               lines=[{"product": "motor", "quantity": "2"}, {"product": "reducer", "quantity": "4"},
                                      {"product": "install", "quantity": "1"}]))
    one = check_statements(delivered_order, [1], sales_rep)
    three = check_statements(other, [1, 2, 3], sales_rep)
    assert len(one) == len(three) == 1  # one INSERT of every criterion
    assert LineCheck.objects.filter(order=other, verdict="accepted").count() == 12
    other.refresh_from_db()
    assert other.state == "accepted"


def test_p2_5_c_a_line_inspected_again_after_its_issue_keeps_one_check_per_criterion(  # type: ignore[no-untyped-def]
        delivered_order, sales_rep):
    from ordertaking.deliveries.acceptance.services import issue_resolve, issue_result_accept
    from ordertaking.deliveries.models import AcceptanceIssue

    check_statements(delivered_order, [1], sales_rep, quality="外壳划伤")
    issue = AcceptanceIssue.objects.get(order=delivered_order)
    assert LineCheck.objects.get(line__position=1, criterion="quality", order=delivered_order).verdict == "rejected"
    issue_resolve(issue=issue, actor=sales_rep, result="更换外壳，现场复验合格。")
    issue_result_accept(issue=issue, actor=sales_rep, customer_name="刘经理")
    again = check_statements(delivered_order, [1], sales_rep)
    assert len(again) == 1  # the closed issue cleared the line's checks: the four new ones in one statement
    checks = LineCheck.objects.filter(order=delivered_order, line__position=1)
    assert checks.count() == 4 and {c.verdict for c in checks} == {"accepted"}
