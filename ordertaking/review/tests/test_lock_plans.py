"""Issue 14, W1 at scale: the approval's and the submission's locks read their facts about the order (segregation
of duties from the audit log, stored findings, credit holds, the customer's address) through lookups per order,
never a hash of a whole table. PostgreSQL may plan an EXISTS as such a hash when its statistics are older than the
table (autovacuum behind, a restored or bulk-loaded database): the reviewer's every audit event was then read at
each approval, a cost growing with the reviewer's history (common/sql.py:Present)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ordertaking.audit.services import event_record
from ordertaking.review.services import order_approve, order_submit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _lock_sql(q: CaptureQueriesContext) -> str:
    [sql] = [x["sql"] for x in q.captured_queries if x["sql"].startswith("SELECT") and "FOR UPDATE" in x["sql"]]
    return sql


def _plan(sql: str) -> str:
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (VERBOSE) " + sql)  # VERBOSE: the columns show "(hashed SubPlan n)"
        return "\n".join(row[0] for row in cur.fetchall())


def _history(reviewer, subject) -> None:  # type: ignore[no-untyped-def]
    """The reviewer's work on other orders: events of theirs the segregation check must not read one by one."""
    with transaction.atomic():
        for _i in range(300):
            event_record(actor=reviewer, action="order.approved", subject=subject, clause="P2.3.c")


@pytest.mark.parametrize("statistics", ["as left by the writes", "fresh"])
def test_the_locks_never_hash_a_whole_table_whatever_the_statistics(make_order, sales_rep, reviewer, statistics):
    _history(reviewer, make_order(state="approved"))
    if statistics == "fresh":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    order = make_order(state="draft")
    with CaptureQueriesContext(connection) as submitted:
        order_submit(order=order, actor=sales_rep)
    with CaptureQueriesContext(connection) as approved:
        order_approve(order=order, actor=reviewer)
    for name, q in (("submission", submitted), ("approval", approved)):
        plan = _plan(_lock_sql(q))
        assert "SubPlan" in plan, (name, plan)  # the facts are read by the lock ...
        assert "hashed SubPlan" not in plan, (name, plan)  # ... per order, not by hashing a table
