"""Values held for one transaction: trusted only inside the transaction that read them (issue 14).

A service that locks a row may read, in that same statement, what later steps of its transaction would read
again: the audit stream's head (`audit.services.head_adopt`), the reference data version
(`common.refdata.refdata_adopt`). Such a value is right for the rest of the transaction and wrong after it: a
later transaction on the same connection, or the rest of a transaction whose savepoint that wrote it rolled
back, must read again. `Held` keeps such values per connection and recognises their end by a **marker**: a
no-op on-commit callback registered when the value is held. Commit and rollback empty the connection's
on-commit callbacks, and a rolled-back savepoint removes the ones registered inside it, so a value is trusted
only while its marker is still there. With `savepoint=True` it is trusted only inside the atomic block that
held it, too (a value read by a block whose savepoint was released belongs to the enclosing one's statements,
not to blocks opened later beside it).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, transaction

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

Marker = Callable[[], None]


def marker_add(using: str = DEFAULT_DB_ALIAS) -> Marker:
    """A no-op on-commit callback registered now: while `marker_live` finds it, what was registered with it
    belongs to the transaction open now (not to a committed one, nor to a rolled-back savepoint)."""
    def marker() -> None:
        return None

    transaction.on_commit(marker, using=using)
    return marker


def markers_live(using: str = DEFAULT_DB_ALIAS) -> set[int]:
    """The ids of the connection's on-commit callbacks: `id(marker) in markers_live()` for many markers at once."""
    return {id(callback[1]) for callback in connections[using].run_on_commit}


def marker_live(marker: Marker, using: str = DEFAULT_DB_ALIAS) -> bool:
    return any(callback[1] is marker for callback in connections[using].run_on_commit)


class Held(Generic[K, V]):
    """Values by key, per connection, each trusted only while the transaction that held it lasts (module
    docstring). `hold` outside a transaction, or in a block without its own savepoint when `savepoint=True`,
    holds nothing: there would be nothing to recognise its end by."""

    LIMIT = 256  # connections, and keys of one: past it, entries of finished transactions are dropped at once

    def __init__(self) -> None:
        self._held: dict[tuple[str, int], dict[K, tuple[V, Marker, tuple[str | None, ...]]]] = {}

    def _entries(self, using: str) -> dict[K, tuple[V, Marker, tuple[str | None, ...]]] | None:
        conn = connections[using]
        if conn.connection is None:
            return None
        where = (using, id(conn.connection))
        if where not in self._held and len(self._held) > self.LIMIT:  # connections closed since: forget theirs
            self._held.clear()
        return self._held.setdefault(where, {})

    def hold(self, key: K, value: V, *, using: str = DEFAULT_DB_ALIAS, savepoint: bool = False) -> None:
        conn = connections[using]
        if not conn.in_atomic_block:
            return
        scope: tuple[str | None, ...] = tuple(conn.savepoint_ids) if savepoint else ()
        if scope and scope[-1] is None:  # a block without its own savepoint: nothing to recognise its end by
            return
        entries = self._entries(using)
        if entries is None:
            return
        if len(entries) > self.LIMIT:
            entries.clear()
        entries[key] = (value, marker_add(using), scope)

    def get(self, key: K, *, using: str = DEFAULT_DB_ALIAS) -> V | None:
        """The value held for `key` in this transaction (and block), or None."""
        conn = connections[using]
        if not conn.in_atomic_block or conn.connection is None:
            return None
        entry = self._held.get((using, id(conn.connection)), {}).get(key)
        if entry is None:
            return None
        value, marker, scope = entry
        if tuple(conn.savepoint_ids[:len(scope)]) != scope or not marker_live(marker, using):
            return None
        return value

    def drop(self, key: K, *, using: str = DEFAULT_DB_ALIAS) -> None:
        entries = self._entries(using)
        if entries is not None:
            entries.pop(key, None)

    def clear(self) -> None:
        """Forget everything held, on every connection (tests: as another transaction would not share it)."""
        self._held.clear()

