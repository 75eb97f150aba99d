"""P5.1: two approvals at the same moment for one customer can never together pass its limit.

Runs on PostgreSQL (SQLite has no row locks). Each approval reads the exposure, then is held
for a moment (limit_check is slowed down) so the two truly overlap: without the customer's
row lock both would read the old exposure and both would be approved."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from ordertaking.credit.checks import credit_row_locked, order_credit_facts
from ordertaking.credit.models import CustomerCredit
from tests.concurrency import errors_of, limit_check_slowed, race

D = Decimal


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_p5_1_two_simultaneous_approvals_never_exceed_the_customer_limit(
        customer, make_order, approve, evaluate, monkeypatch):
    evaluate(customer, limit="100000")
    orders = [make_order(customer, total="60000.00"), make_order(customer, total="60000.00")]
    limit_check_slowed(monkeypatch)  # hold the lock (or, without one, let the other read the same exposure)
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = approve(orders[i])
        except Exception as e:  # noqa: BLE001 - reported by the assertions below
            results[i] = e
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    elapsed = time.monotonic() - started

    states = sorted(r[0].state for r in results)
    assert states == ["approved", "credit_hold"], results
    credit = CustomerCredit.objects.get(customer=customer)
    assert credit.exposure == D("60000.00") <= credit.credit_limit
    # The second approval waited for the first one's lock: the two ran one after the other.
    assert elapsed >= 0.8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_p5_1_two_first_uses_of_a_customers_credit_row_make_one_row_and_take_turns(customer, make_order):
    """The credit row is made on a customer's first use (credit_row_locked). Two transactions that both find
    it missing both go to insert it — the approval's read (order_credit_facts with lock=True) and another
    writer's (credit_row_locked) — and neither fails nor deadlocks: one row is made, and the second
    transaction locks it only once the first has committed."""
    order = make_order(customer, total="1000.00")
    CustomerCredit.objects.filter(customer=customer).delete()  # never used: no row yet
    both_looked = threading.Barrier(2)

    def insert_once_both_looked(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if sql.startswith('INSERT INTO "credit_customercredit"'):
            both_looked.wait(timeout=10)  # each found no row: both insert at once
        return execute(sql, params, many, context)

    def first_use(read):  # type: ignore[no-untyped-def]
        with connection.execute_wrapper(insert_once_both_looked), transaction.atomic():
            row = read()
            locked_at = time.monotonic()
            time.sleep(0.4)  # hold the row: the other one waits for it
            return row.pk, locked_at

    results = race(lambda: first_use(lambda: order_credit_facts(order, lock=True).credit),
                   lambda: first_use(lambda: credit_row_locked(customer.pk)))
    assert not errors_of(results), results
    (first_pk, first_at), (second_pk, second_at) = results
    assert first_pk == second_pk == CustomerCredit.objects.get(customer=customer).pk
    assert abs(first_at - second_at) >= 0.4  # one after the other, under the row's lock
