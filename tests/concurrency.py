"""Real concurrent transactions for the PostgreSQL proofs: each call runs in its own thread with its own
database connection, all released at the same moment by a barrier."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections, connection


def race(*calls: Callable[[], Any], timeout: float = 120) -> list[Any]:
    """Run the calls at once; each one's result, or the exception it raised, in the order given."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, fn: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = fn()
        except BaseException as e:  # noqa: BLE001 - the test reads what each thread met
            results[i] = e
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return results


def errors_of(results: list[Any]) -> list[BaseException]:
    return [r for r in results if isinstance(r, BaseException)]


def limit_check_slowed(monkeypatch: Any, seconds: float = 0.4) -> None:
    """Make the credit limit check (credit.rules.limit_check) hold its transaction for `seconds` after it has read
    the exposure: with the customer's row lock two approvals then take turns; without one, both would read the
    same exposure."""
    from ordertaking.credit import rules

    real = rules.limit_check

    def slow(**kwargs: Any) -> Any:
        result = real(**kwargs)
        time.sleep(seconds)
        return result

    monkeypatch.setattr(rules, "limit_check", slow)
