"""P2.2.c: order numbers stay unique and gap-free when several processes and threads create
orders at the same moment (PostgreSQL: the day's counter row is the queue)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from django.db import connection

from ordertaking.orders import numbering
from ordertaking.orders.models import Order

WORKER = Path(__file__).with_name("concurrent_create.py")
PROCESSES, THREADS, PER_THREAD = 4, 4, 20  # 320 attempts, 240 committed, 80 rolled back on purpose


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_p2_2_c_numbers_are_unique_and_gap_free_across_processes_and_threads(sales_rep, customer, tmp_path):
    go = tmp_path / "go"
    env = {**os.environ, "DATABASE_URL": _database_url(), "ORDERTAKING_CONN_MAX_AGE": "0"}
    procs = [subprocess.Popen([sys.executable, str(WORKER), str(customer.pk), str(sales_rep.pk), str(THREADS),
                               str(PER_THREAD), str(go)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(PROCESSES)]
    go.touch()
    results = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-2000:]
        results.append(json.loads(out.strip().splitlines()[-1]))

    assert [r["errors"] for r in results] == [[]] * PROCESSES
    numbers = [n for r in results for n in r["committed"]]
    committed_expected = PROCESSES * THREADS * (PER_THREAD - PER_THREAD // 4)
    assert sum(r["rolled_back"] for r in results) == PROCESSES * THREADS * (PER_THREAD // 4)
    assert len(numbers) == committed_expected
    assert len(set(numbers)) == len(numbers), "no duplicate numbers"
    assert sorted(Order.objects.values_list("number", flat=True)) == sorted(numbers)
    by_day: dict[object, list[int]] = defaultdict(list)
    for n in numbers:
        parsed = numbering.parse_number(n)
        assert parsed is not None, n
        by_day[parsed[0]].append(parsed[1])
    for day, seqs in by_day.items():
        assert sorted(seqs) == list(range(1, len(seqs) + 1)), f"gap in the sequence of {day}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_idempotency_key_make_one_order(sales_rep, customer):
    import threading

    from django.db import connections

    from ordertaking.orders.services import order_create_idempotent

    results: list[tuple[str, bool]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def retry() -> None:
        try:
            barrier.wait()
            order, created = order_create_idempotent(actor=sales_rep, key="erp-retry-1", request_hash="h" * 64,
                                                     customer=customer)
            results.append((order.number, created))
        except BaseException as e:  # collected for the assertion below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=retry) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len({n for n, _c in results}) == 1 and sorted(c for _n, c in results) == [False] * 5 + [True]
    assert Order.objects.count() == 1
    assert numbering.parse_number(results[0][0])[1] == 1  # type: ignore[index]
