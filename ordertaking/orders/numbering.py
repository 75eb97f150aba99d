"""Order numbers (P2.2.c): SO + YYYYMMDD + '-' + a daily sequence of at least 4 digits.

The number comes from one atomic upsert on the day's counter row, inside the
transaction that inserts the order. Concurrent creators queue on that row (row lock
on PostgreSQL, the write lock on SQLite); a rollback returns the number, so the
sequence has no duplicates and no gaps.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.db import connection
from django.utils import timezone

from ordertaking.audit.services import db_clock_sql, db_time

NUMBER_RE = re.compile(r"^SO(\d{8})-(\d{4,})$")


def format_number(day: date, seq: int) -> str:
    return f"SO{day:%Y%m%d}-{seq:04d}"


def parse_number(number: str) -> tuple[date, int] | None:
    m = NUMBER_RE.match(number or "")
    if not m:
        return None
    try:
        d = date(int(m.group(1)[:4]), int(m.group(1)[4:6]), int(m.group(1)[6:]))
    except ValueError:
        return None
    return d, int(m.group(2))


def business_day() -> date:
    """Today in the company's time zone (Asia/Shanghai)."""
    return timezone.localdate()


def next_number(day: date | None = None) -> str:
    """Take the next number for `day`. Must run inside the order's transaction."""
    return next_number_at(day)[0]


def next_number_at(day: date | None = None) -> tuple[str, datetime | None]:
    """`next_number`, and the database's clock read by the same statement (None where the audit layer reads
    none): the new order's audit stream starts at it (audit.services.stream_new)."""
    if not connection.in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that saves the order")
    day = day or business_day()
    table = "orders_ordernumbercounter"
    clock = db_clock_sql()
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1) "
            f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last, {clock or 'NULL'}",
            [day],
        )
        seq, now = cur.fetchone()
    return format_number(day, seq), db_time(now) if clock else None
