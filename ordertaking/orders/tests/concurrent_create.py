"""Worker for the concurrent numbering test (P2.2.c): one process, several threads, many orders.

Run by `test_numbering_concurrency.py` as
    python concurrent_create.py <customer_id> <user_id> <threads> <per_thread> <go_file>
with DATABASE_URL pointing at the test database. Waits until <go_file> exists so that all
processes start together, then prints one JSON line: the numbers it committed and the count
of creations it rolled back on purpose (every fourth), which must leave no gap.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ordertaking.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from ordertaking.accounts.models import User  # noqa: E402
from ordertaking.customers.models import Customer  # noqa: E402
from ordertaking.orders.services import order_create  # noqa: E402


class Rollback(Exception):
    pass


def main() -> None:
    customer_id, user_id, threads, per_thread = (int(a) for a in sys.argv[1:5])
    go = Path(sys.argv[5])
    committed: list[str] = []
    rolled_back = 0
    errors: list[str] = []
    lock = threading.Lock()

    def work() -> None:
        nonlocal rolled_back
        try:
            user = User.objects.get(pk=user_id)
            customer = Customer.objects.get(pk=customer_id)
            while not go.exists():
                time.sleep(0.005)
            for i in range(per_thread):
                if i % 4 == 3:
                    try:
                        with transaction.atomic():
                            order_create(actor=user, customer=customer)
                            raise Rollback
                    except Rollback:
                        with lock:
                            rolled_back += 1
                    continue
                order = order_create(actor=user, customer=customer)
                with lock:
                    committed.append(order.number)
        except Exception as e:  # reported to the test, which fails on any
            with lock:
                errors.append(repr(e))
        finally:
            connection.close()

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    print(json.dumps({"committed": committed, "rolled_back": rolled_back, "errors": errors}))


if __name__ == "__main__":
    main()
