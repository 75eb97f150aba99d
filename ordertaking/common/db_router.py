"""Reads that may lag go to a PostgreSQL streaming replica (docs/scaling.md).

Only when ``DATABASE_REPLICA_URL`` is set: settings then add the ``replica`` alias and install
``ReplicaRouter``. Without it nothing here runs and every query goes to ``default``.

The replica is opt-in per view: a page whose figures may be a second or two old (statistics,
the KPI scorecard, exports, search) is wrapped in ``replica_reads()``. Everything else, and every
read made inside a transaction on the primary (a service's checks before it writes, a
``select_for_update``), stays on ``default``: a rule must never be checked against stale rows.

    @replica_reads()
    def statistics_page(request): ...
"""

from __future__ import annotations

import logging
from contextlib import ContextDecorator
from contextvars import ContextVar, Token
from typing import Any

from django.db import connections

REPLICA = "replica"
DEFAULT = "default"

logger = logging.getLogger("ordertaking.db_router")
_wanted: ContextVar[bool] = ContextVar("ordertaking_replica_reads", default=False)


class replica_reads(ContextDecorator):  # noqa: N801 - used as a decorator, reads like one
    """Within this block (or decorated view) reads may be served by the replica."""

    def __init__(self) -> None:
        self._tokens: list[Token[bool]] = []

    def __enter__(self) -> replica_reads:
        self._tokens.append(_wanted.set(True))
        return self

    def __exit__(self, *exc: object) -> None:
        _wanted.reset(self._tokens.pop())


def replica_configured() -> bool:
    return REPLICA in connections.settings


def read_alias() -> str:
    """Where a read goes now: the replica only when asked for, configured, and not inside a
    transaction on the primary (a read there belongs to a write)."""
    if not _wanted.get() or not replica_configured():
        return DEFAULT
    if _in_transaction(connections[DEFAULT]):
        return DEFAULT
    return REPLICA


def _in_transaction(conn: Any) -> bool:
    """In a transaction on the primary. The blocks a test case wraps around each test (Django marks
    them) do not count: inside them the test stands where a request would stand, outside any write."""
    if not conn.in_atomic_block:
        return False
    blocks = getattr(conn, "atomic_blocks", [])
    return not blocks or any(not getattr(block, "_from_testcase", False) for block in blocks)


class ReplicaRouter:
    """Installed by settings only when DATABASE_REPLICA_URL is set."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        # Always an answer: an object read from the replica must not drag its later reads there.
        alias = read_alias()
        if alias == REPLICA:
            logger.debug("replica read: %s", getattr(model, "_meta", model))
        return alias

    def db_for_write(self, model: type, **hints: Any) -> str:
        return DEFAULT

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the same rows

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db != REPLICA  # the replica follows the primary's WAL, schema included
