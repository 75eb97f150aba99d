"""Gap-free numbers for documents, the way order numbers are taken (orders/numbering.py): one atomic
upsert on the series' counter row, inside the transaction that inserts the document.

`INSERT … ON CONFLICT (series) DO UPDATE SET last = last + 1 RETURNING last` takes the row lock
(PostgreSQL) or the write lock (SQLite) before it reads: two transactions never see the same `last`,
and a rolled-back insert gives its number back. (`select_for_update().count()` locks nothing.)
"""

from __future__ import annotations

from django.db import connection


def next_in_series(series: str) -> int:
    """The next number (1, 2, …) of `series`. Must run inside the document's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("next_in_series must run inside the transaction that saves the document")
    table = "common_documentcounter"
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (series, last) VALUES (%s, 1) "
            f"ON CONFLICT (series) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [series],
        )
        return int(cur.fetchone()[0])
