"""P5.1: two approvals at the same moment for one customer can never together pass its limit.

Runs on PostgreSQL (SQLite has no row locks). Each approval reads the exposure, then is held
for a moment (limit_check is slowed down) so the two truly overlap: without the customer's
row lock both would read the old exposure and both would be approved."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection

from ordertaking.credit import rules
from ordertaking.credit.models import CustomerCredit

D = Decimal


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_p5_1_two_simultaneous_approvals_never_exceed_the_customer_limit(
        customer, make_order, approve, evaluate, monkeypatch):
    evaluate(customer, limit="100000")
    orders = [make_order(customer, total="60000.00"), make_order(customer, total="60000.00")]
    real = rules.limit_check

    def slow_limit_check(**kwargs):  # type: ignore[no-untyped-def]
        result = real(**kwargs)
        time.sleep(0.4)  # hold the lock (or, without one, let the other read the same exposure)
        return result

    monkeypatch.setattr(rules, "limit_check", slow_limit_check)
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
