"""Issue 14, W1: what one order costs the database, entered, submitted and approved through the services with
every control in place (completeness, review checks, legal and credit findings, the credit gate, snapshot,
tasks, notifications, audit events). Pinned so a change that reads something twice shows up here; the
figures are in docs/performance.md (bench: `python -m bench profile`)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ordertaking.review.services import order_approve, order_submit

pytestmark = pytest.mark.django_db

# Statements per step on PostgreSQL, transaction control (BEGIN, COMMIT, SAVEPOINT, RELEASE) not counted. This
# order (a motor made to order, so approval also plans its production order and tells the assigned people) costs
# more at approval than W1's. Audit: the order's first event creates its stream (audit.services.stream_new), and
# the submission's event and the approval's four (credit, approval, tasks, production order) are written together
# (events_batched), and the notifications of either step ride in that statement (rows_insert): one statement a
# step on PostgreSQL, one more on SQLite (a head's update apart from its events' insert; the notifications too).
BUDGET = {"create": 5, "submit": 4, "approve": 8}
EVENTS = {"create": 1, "submit": 2, "approve": 2}  # SQLite: the audit and notification writes of each step


def _statements(q: CaptureQueriesContext) -> int:
    return sum(1 for x in q.captured_queries
               if not x["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT")))


def test_w1_an_order_entered_submitted_and_approved_stays_within_its_statement_budget(
        make_order, customer, sales_rep, reviewer, settings):
    from tests.credit_grant import customer_credit_grant

    # The reference data cache's self-check (test settings) reads afresh at every hit: off, to count what runs.
    settings.ORDERTAKING_REFDATA_CHECK = False
    customer_credit_grant(customer, by=sales_rep)
    make_order(state="approved")  # warm: content types, the first stream heads, the counter row
    # ... and the reference data at the version the steps below read (common/refdata.py): that approval made
    # its reviewer, a user, after its submission had read the order center's members.
    make_order(state="submitted")
    extra = {k: 0 if connection.vendor == "postgresql" else n for k, n in EVENTS.items()}
    with CaptureQueriesContext(connection) as q:
        order = make_order(state="draft")
    created = _statements(q)
    with CaptureQueriesContext(connection) as q:
        order = order_submit(order=order, actor=sales_rep)
    submitted = _statements(q)
    with CaptureQueriesContext(connection) as q:
        order_approve(order=order, actor=reviewer)
    approved = _statements(q)
    order.refresh_from_db()
    assert order.state == "approved"
    assert created <= BUDGET["create"] + extra["create"], created
    assert submitted <= BUDGET["submit"] + extra["submit"], submitted
    assert approved <= BUDGET["approve"] + extra["approve"], approved
