"""Writing audit events. Every service that changes state calls `event_record` inside its transaction.

Each event is appended to the hash chain of its record's stream (chain.py). Only that
stream's head row is locked, so writers to different records never wait on each other;
the event time is the database's clock, read while the head is locked, so times within
a stream never run backwards whatever the application servers' clocks say.

Two ways to spend fewer statements on the same chain (issue 14):
- `stream_new`: a service that created the record in this transaction, and read the database clock with a
  statement of its own (`db_clock_sql`), declares the record's stream new; its first event then creates the
  stream's head in the statement that inserts the event (an upsert that also takes the head's row lock).
- `events_batched`: inside the block the events are chained in Python and queued; when the block ends they
  are written, with every head they move, in one statement on PostgreSQL, and only if every head is still
  where it was read (otherwise event by event, each head read again under its lock, as `_append` does).
  `rows_insert` lets another chapter's new rows that nothing in the block reads back (a notification) ride in
  that same statement.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from django.db import connection, models, transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat, Now
from django.db.models.sql import InsertQuery

from ordertaking.common.held import Held, marker_add, markers_live

from . import chain
from .models import AuditEvent, StreamHead


class AuditOutsideTransaction(RuntimeError):
    """An event must be written in the same transaction as the change it records."""


def subject_key(subject: models.Model) -> tuple[str, str]:
    return subject._meta.label_lower, str(subject.pk)


# The database's clock, as an expression of a statement run with parameters (hence %%).
_DB_CLOCK = {"postgresql": "clock_timestamp()", "sqlite": "strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now')"}

# Take (or create) the stream's head row, locked until commit, and read the database clock.
# An upsert that "updates" the row takes the row lock in the same statement that creates it.
_HEAD_LOCK = {
    vendor: ("INSERT INTO audit_streamhead (stream, seq, hash, sealed_seq, sealed_hash) "
             "VALUES (%s, 0, '', 0, '') ON CONFLICT (stream) DO UPDATE SET stream = excluded.stream "
             f"RETURNING seq, hash, {clock}")
    for vendor, clock in _DB_CLOCK.items()
}


def db_clock_sql() -> str | None:
    """The database clock the heads' lock reads, as an SQL expression for a service's own statement (one run
    with parameters: `%` written `%%`), so the service can hand it to `stream_new`; None on a database without
    one (then the first event reads it under the head's lock, as always). Its value goes through `db_time`."""
    return _DB_CLOCK.get(connection.vendor)


def db_time(value: Any) -> datetime:
    """A value of `db_clock_sql()` as an aware datetime."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.strptime(str(value), "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)


_db_time = db_time


def _head_lock(stream: str) -> tuple[int, str, datetime]:
    sql = _HEAD_LOCK.get(connection.vendor)
    if sql is None:  # another database: lock through the ORM, Python's clock
        from django.utils import timezone

        StreamHead.objects.get_or_create(stream=stream)
        head = StreamHead.objects.select_for_update().get(stream=stream)
        return head.seq, head.hash, timezone.now()
    with connection.cursor() as cur:
        cur.execute(sql, [stream])
        seq, prev_hash, now = cur.fetchone()
    return int(seq), str(prev_hash), _db_time(now)


# The heads this transaction holds locked, so a second event on the same stream in the same transaction
# skips the lock (stream -> (seq, hash, time)), trusted only inside the transaction that held them
# (common/held.py): a head cached by a write that was undone is never trusted. The head update also checks the
# cached (seq, hash) as its WHERE clause.
_HEADS: Held[str, tuple[int, str, datetime]] = Held()


def _held_head(stream: str) -> tuple[int, str, datetime] | None:
    return _HEADS.get(stream)


def _hold(stream: str, seq: int, head_hash: str, now: datetime) -> None:
    _HEADS.hold(stream, (seq, head_hash, now))


def stream_new(subject: models.Model, now: datetime | None) -> None:
    """Declare `subject` created in this transaction, `now` being the database clock (`db_clock_sql`) read in
    it: the subject's first event creates its stream's head in the statement that inserts the event, instead
    of locking a new head first. Nothing when `now` is None or a head of the stream is held already.

    A declaration that is wrong (the stream exists: an id used again) costs a statement, never a fork: the
    insert creates the head only where there is none or it is empty, and otherwise the head is read again
    under its lock. The clock must be the database's, read after any event of this stream could have been
    committed (a new record has none): events' times within a stream never run backwards."""
    if now is None or not connection.in_atomic_block:
        return
    stream = chain.stream_of(*subject_key(subject))
    if _held_head(stream) is None:
        _hold(stream, 0, "", now)


def head_annotations(model: type[models.Model]) -> dict[str, Any]:
    """The record's stream head and the database clock as columns of the caller's own query of the record
    (its lock): `head_adopt` then spares the record's first event of the transaction the head's locking
    read. The head is read without its lock; the event's insert checks that the head is still where it was
    read (its WHERE clause) and, when it is not, reads it again under the lock. A stale read costs a
    statement, never a fork of the chain, and the clock read with the record still runs no earlier than the
    head's last event (it was committed before the statement began, or the head moved since)."""
    stream = Concat(Value(f"{model._meta.label_lower}:"), Cast(OuterRef("pk"), CharField()))
    head = StreamHead.objects.filter(stream=stream).order_by().annotate(
        seq_hash=Concat(Cast("seq", CharField()), Value(":"), "hash", output_field=CharField()))
    return {"audit_head": Subquery(head.values("seq_hash")[:1]), "audit_now": Now()}


def head_adopt(subject: models.Model) -> None:
    """Take the head read by `head_annotations` as this transaction's (a record with no stream yet: nothing)."""
    value = getattr(subject, "audit_head", None)
    if not value or not connection.in_atomic_block:
        return
    stream = chain.stream_of(*subject_key(subject))
    if _held_head(stream) is None:
        seq, _sep, head_hash = str(value).partition(":")
        _hold(stream, int(seq), head_hash, _db_time(subject.audit_now))  # type: ignore[attr-defined]


# PostgreSQL: the head moves and the event is inserted in one statement; the insert happens only if
# the head was where this transaction left it (the CTE's UPDATE returns no row otherwise).
_PG_APPEND = ("WITH head AS (UPDATE audit_streamhead SET seq = %s, hash = %s "
              "WHERE stream = %s AND seq = %s AND hash = %s RETURNING 1) "
              "INSERT INTO audit_auditevent ({cols}) SELECT {params} FROM head RETURNING id")
# A stream's first event: the head is created, or moved from empty, by an upsert that takes its row lock as the
# head's lock does; a head that exists and is not empty stays as it is (the WHERE), and nothing is inserted.
_HEAD_START = ("INSERT INTO audit_streamhead (stream, seq, hash, sealed_seq, sealed_hash) VALUES (%s, %s, %s, 0, '') "
               "ON CONFLICT (stream) DO UPDATE SET seq = excluded.seq, hash = excluded.hash "
               "WHERE audit_streamhead.seq = 0 AND audit_streamhead.hash = '' RETURNING 1")
_PG_START = ("WITH head AS (" + _HEAD_START + ") "
             "INSERT INTO audit_auditevent ({cols}) SELECT {params} FROM head RETURNING id")


def _event_fields() -> list[Any]:
    return [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]


def _columns(fields: list[Any]) -> str:
    return ", ".join(connection.ops.quote_name(f.column or f.name) for f in fields)


@dataclass(frozen=True)
class _PgEventSql:
    """What PostgreSQL's event statements say of the event's columns, worked out once per process (the model's
    fields do not change while it runs): their names, a placeholder each, and each as a typed array."""

    fields: list[Any]
    columns: str
    placeholders: str
    arrays: str


@functools.cache
def _pg_event_sql() -> _PgEventSql:
    fields = _event_fields()
    # Without the length (varchar, not varchar(150)[]): a cast to varchar(n) would cut, not refuse (as Django's
    # own UNNEST insert).
    return _PgEventSql(fields=fields, columns=_columns(fields), placeholders=", ".join(["%s"] * len(fields)),
                       arrays=", ".join(f"%s::{f.db_type(connection).split('(')[0]}[]" for f in fields))


def _insert_with_head(event: AuditEvent, prev_seq: int) -> bool:
    """Move the stream's head from (prev_seq, event.prev_hash) to the event and insert the event; False,
    with nothing written, when the head is not where the caller read it. A first event (from (0, "")) creates
    the head if there is none (`stream_new`)."""
    start = prev_seq == 0 and event.prev_hash == ""
    if connection.vendor != "postgresql":
        if start and connection.vendor == "sqlite":
            with connection.cursor() as cur:
                cur.execute(_HEAD_START, [event.stream, event.seq, event.hash])
                moved = 1 if cur.fetchone() is not None else 0
        else:
            if start:
                StreamHead.objects.get_or_create(stream=event.stream)
            moved = StreamHead.objects.filter(stream=event.stream, seq=prev_seq, hash=event.prev_hash).update(
                seq=event.seq, hash=event.hash)
        if moved == 1:
            event.save(force_insert=True)
        return moved == 1
    parts = _pg_event_sql()
    fields = parts.fields
    sql = (_PG_START if start else _PG_APPEND).format(cols=parts.columns, params=parts.placeholders)
    values = [f.get_db_prep_save(f.pre_save(event, True), connection) for f in fields]
    head: list[Any] = [event.stream, event.seq, event.hash] if start else [
        event.seq, event.hash, event.stream, prev_seq, event.prev_hash]
    with connection.cursor() as cur:
        cur.execute(sql, [*head, *values])
        row = cur.fetchone()
    if row is None:
        return False
    event.pk = row[0]
    event._state.adding = False
    return True


def _chained(stream: str, head: tuple[int, str, datetime], at: datetime | None, subject_type: str,
             subject_id: str, fields: dict[str, Any]) -> AuditEvent:
    seq, prev_hash, now = head
    event = AuditEvent(stream=stream, seq=seq + 1, prev_hash=prev_hash, at=at or now,
                       subject_type=subject_type, subject_id=subject_id, **fields)
    event.before = chain.json_value(event.before)
    event.after = chain.json_value(event.after)
    event.hash = chain.event_hash(chain.content_of(event), prev_hash)
    return event


def _append(*, subject_type: str, subject_id: str, at: datetime | None = None, **fields: Any) -> AuditEvent:
    """Append one event to its stream's chain. `at` is for test factories only: services never pass it.

    Statements: the first event of a stream in a transaction locks its head (one upsert, which also reads
    the database clock), unless the caller's lock of the record read it (`head_adopt`) or the record is new
    (`stream_new`); later ones reuse what was read. Then one statement moves the head and inserts the
    event on PostgreSQL (two elsewhere), and only if the head is still where it was read. Inside
    `events_batched` the event is queued instead (a stream's first event, from an empty head, is not)."""
    stream = chain.stream_of(subject_type, subject_id)
    batch = _batch_open()
    if batch is None:
        return _append_now(stream, at, subject_type, subject_id, fields)
    batch.quiet += 1
    try:
        head = _queued_head(batch, stream) or _held_head(stream) or _head_lock(stream)
        if head[0] == 0:
            return _append_now(stream, at, subject_type, subject_id, fields)
        event = _chained(stream, head, at, subject_type, subject_id, fields)
        batch.queue.append(_Queued(event, head[2], at, {"subject_type": subject_type, "subject_id": subject_id,
                                                        **fields}, marker_add()))
        return event
    finally:
        batch.quiet -= 1


def _append_now(stream: str, at: datetime | None, subject_type: str, subject_id: str,
                fields: dict[str, Any]) -> AuditEvent:
    held = _held_head(stream)
    head = held or _head_lock(stream)
    event = _chained(stream, head, at, subject_type, subject_id, fields)
    if not _insert_with_head(event, head[0]):
        if held is None:  # read under the lock just now: only a bug gets here
            raise RuntimeError(f"audit stream {stream}: the head moved under its lock")
        # The head was changed behind this transaction's back (raw SQL): read it again, under the lock.
        head = _head_lock(stream)
        event = _chained(stream, head, at, subject_type, subject_id, fields)
        if not _insert_with_head(event, head[0]):
            raise RuntimeError(f"audit stream {stream}: the head moved under its lock")
    _hold(stream, event.seq, event.hash, head[2])
    return event


# --- several events, one statement ----------------------------------------------------------------------

@dataclass
class _Queued:
    event: AuditEvent
    now: datetime  # the clock of the head the event was chained onto: later events of the stream take it too
    at: datetime | None  # a test factory's time, kept if the event is chained again
    fields: dict[str, Any]  # what `_append` was given, to chain the event again
    marker: Callable[[], None]  # gone from the on-commit callbacks: a savepoint rollback undid the event


@dataclass
class _Rows:
    """New rows of one model queued by `rows_insert`, written with the block's events."""
    rows: list[models.Model]
    marker: Callable[[], None]  # as _Queued's


@dataclass
class _Batch:
    depth: int = 0
    queue: list[_Queued] = field(default_factory=list)
    quiet: int = 0  # > 0 while the audit layer runs its own statements: the guard lets them through
    riders: list[_Rows] = field(default_factory=list)
    rider_tables: re.Pattern[str] | None = None  # a statement naming one of the riders' tables writes the queue


_local = threading.local()


def _batch_open() -> _Batch | None:
    batch: _Batch | None = getattr(_local, "batch", None)
    return batch if batch is not None and batch.depth > 0 else None


_Marked = TypeVar("_Marked", _Queued, _Rows)


def _alive(queued: list[_Marked]) -> list[_Marked]:
    """What was queued (events or rows) and no savepoint rollback undid, in the order it was queued."""
    if not queued:
        return []
    pending = markers_live()
    return [q for q in queued if id(q.marker) in pending]


def _live(batch: _Batch) -> list[_Queued]:
    return _alive(batch.queue)


def _live_rows(batch: _Batch) -> list[_Rows]:
    return _alive(batch.riders)


def rows_insert(rows: Sequence[models.Model]) -> None:
    """Insert new rows of one model (instances without a pk, the model's pk an auto field): at once, as
    `bulk_create`; inside `events_batched`, queued and written by the statement that writes the block's events
    (PostgreSQL), each row then getting its pk. For rows nothing in the block reads back through the instance's
    pk (a notification): as for the events, a statement that names their table first writes what is queued, a
    savepoint's rollback undoes them, and an exception out of the block writes none of them."""
    rows = list(rows)
    if not rows:
        return
    model = type(rows[0])
    if not model._meta.pk.db_returning or any(type(r) is not model or r.pk is not None for r in rows):
        raise ValueError("rows_insert: new rows of one model only, whose pk the database gives")
    batch = _batch_open()
    if batch is None:
        model._default_manager.bulk_create(rows)
        return
    batch.riders.append(_Rows(rows, marker_add()))
    tables = sorted({type(r.rows[0])._meta.db_table for r in batch.riders})
    batch.rider_tables = re.compile(r"\b(?:" + "|".join(map(re.escape, tables)) + r")\b")


def _queued_head(batch: _Batch, stream: str) -> tuple[int, str, datetime] | None:
    for q in reversed(_live(batch)):
        if q.event.stream == stream:
            return q.event.seq, q.event.hash, q.now
    return None


@contextmanager
def events_batched() -> Iterator[None]:
    """Inside the block `event_record` chains each event and queues it; when the block ends normally the
    queue is written in one statement on PostgreSQL (a statement per stream elsewhere). Re-entrant: only the
    outermost block writes. Open it inside the transaction of the events (`with transaction.atomic(),
    events_batched():`); outside a block `event_record` writes at once, as always.

    - An event returned inside the block has no pk until the block ends (nothing here reads it); so has a row
      queued by `rows_insert`, which the same statement inserts.
    - A statement that reads or writes the audit tables (or a queued row's table), and a savepoint, first write
      what is queued: a read of the log inside the block (a timeline, a segregation-of-duties check) misses no
      event, and a queued event is always written at the savepoint level it was recorded at.
    - An exception out of the block writes nothing, and the transaction that holds the block is then rolled
      back even if someone catches the exception: a change never commits without its event.
    - A head that moved since this transaction read it (raw SQL) fails the statement as a whole; the events
      are then written one by one, each head read again under its lock."""
    if not connection.in_atomic_block:
        raise AuditOutsideTransaction("events_batched: open the block inside transaction.atomic()")
    batch = _batch_open()
    if batch is not None:
        batch.depth += 1
        try:
            yield
        finally:
            batch.depth -= 1
        return
    batch = _local.batch = _Batch(depth=1)
    try:
        with connection.execute_wrapper(_guard):
            try:
                yield
            except BaseException:
                if _live(batch) or _live_rows(batch):
                    transaction.set_rollback(True)
                raise
            if connection.needs_rollback:
                return  # the transaction is rolled back at the end of its atomic block: nothing to write
            if not connection.in_atomic_block:
                raise AuditOutsideTransaction("events_batched: the transaction ended inside the block")
            _flush(batch)
    finally:
        batch.depth = 0
        batch.queue.clear()
        batch.riders.clear()
        _local.batch = None


def _guard(execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: dict[str, Any]) -> Any:
    batch = _batch_open()
    if (batch is not None and (batch.queue or batch.riders) and not batch.quiet and isinstance(sql, str)
            and (sql.startswith("SAVEPOINT") or "audit_auditevent" in sql or "audit_streamhead" in sql
                 or (batch.rider_tables is not None and batch.rider_tables.search(sql)))):
        _flush(batch)
    return execute(sql, params, many, context)


def _flush(batch: _Batch) -> None:
    """Write the queued events: in one statement that moves every head they touch (PostgreSQL), only if every
    head is where its first queued event was chained onto; what could not be written so is chained again."""
    live, riders = _live(batch), _live_rows(batch)
    batch.queue.clear()
    batch.riders.clear()
    batch.rider_tables = None
    if not live and not riders:
        return
    streams: dict[str, list[_Queued]] = {}
    for q in live:
        streams.setdefault(q.event.stream, []).append(q)
    batch.quiet += 1
    try:
        # Defensive: each stream's queued events are one run of its chain (a savepoint's rollback undoes
        # the end of a run, never its middle); a run that is not is chained again, never written as it is.
        again = {s for s, qs in streams.items()
                 if any(b.event.seq != a.event.seq + 1 or b.event.prev_hash != a.event.hash
                        for a, b in zip(qs, qs[1:], strict=False))}
        ready = {s: qs for s, qs in streams.items() if s not in again}
        groups = _rows_by_model(riders)
        if ready and connection.vendor == "postgresql":
            again |= _write_pg(ready, groups)
        else:
            for rows in groups:
                type(rows[0])._default_manager.bulk_create(rows)
            if ready:
                again |= _write_orm(ready)
        for stream, qs in ready.items():
            if stream not in again:
                _hold(stream, qs[-1].event.seq, qs[-1].event.hash, qs[-1].now)
        for stream in again:
            _HEADS.drop(stream)  # its head is read again, under its lock
        for q in live:
            if q.event.stream in again:
                _chain_again(q)
    finally:
        batch.quiet -= 1


def _chain_again(q: _Queued) -> None:
    """Write a queued event as `_append` writes one outside a batch, onto the head as it is now; the object
    the caller got back becomes the event as written."""
    fields = dict(q.fields)
    subject_type, subject_id = fields.pop("subject_type"), fields.pop("subject_id")
    written = _append_now(q.event.stream, q.at, subject_type, subject_id, fields)
    for name in ("seq", "prev_hash", "hash", "at", "pk"):
        setattr(q.event, name, getattr(written, name))
    q.event._state.adding = False


def _rows_by_model(riders: list[_Rows]) -> list[list[models.Model]]:
    """The queued rows, one list per model, each in the order queued."""
    by_model: dict[type[models.Model], list[models.Model]] = {}
    for r in riders:
        by_model.setdefault(type(r.rows[0]), []).extend(r.rows)
    return list(by_model.values())


def _rows_insert_sql(rows: list[models.Model]) -> tuple[str, list[Any]]:
    """The ORM's own INSERT of new rows (as `bulk_create` compiles it), returning their pks, to run as a
    CTE of the events' statement."""
    opts = rows[0]._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key and not f.generated]
    query = InsertQuery(type(rows[0]))
    query.insert_values(fields, rows)
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [opts.pk]
    [(sql, params)] = compiler.as_sql()
    return sql, list(params)


# PostgreSQL, one statement: lock the heads that are where the queue expects them (FOR UPDATE returns a row's
# newest version, after waiting for its writer), move them only if all are (a data-modifying CTE always runs, so
# the UPDATE itself must check it: no head moves alone), and insert the events only if every head moved.
# The heads are a VALUES list, a row per stream (one in most transactions), not arrays: PostgreSQL then knows how
# many there are when it plans the statement once for every execution (a generic plan). Unnested arrays are
# estimated at ten rows, which made every execution's own plan look cheaper: it planned the statement again each
# time, about a millisecond (docs/performance.md, issue 14 round eight).
_PG_HEAD = "(%s::varchar, %s::bigint, %s::varchar, %s::bigint, %s::varchar)"
_PG_BATCH = (
    "WITH m (stream, from_seq, from_hash, to_seq, to_hash) AS (VALUES {heads}), "
    "locked AS (SELECT h.stream FROM audit_streamhead h JOIN m ON h.stream = m.stream AND h.seq = m.from_seq "
    "AND h.hash = m.from_hash FOR UPDATE OF h), "
    "head AS (UPDATE audit_streamhead h SET seq = m.to_seq, hash = m.to_hash FROM m WHERE h.stream = m.stream "
    "AND h.seq = m.from_seq AND h.hash = m.from_hash AND (SELECT count(*) FROM locked) = %s RETURNING 1), "
    "events AS (INSERT INTO audit_auditevent ({cols}) SELECT * FROM UNNEST({arrays}) "
    "WHERE (SELECT count(*) FROM head) = %s RETURNING id, stream, seq){riders} "
    "SELECT id, stream, seq FROM events{rider_rows}")
# The rows queued by `rows_insert` ride along: each model's INSERT is a CTE of its own, whatever the heads (a
# data-modifying CTE always runs), and its pks come back as rows with no stream, their seq the model's place.


def _write_pg(streams: dict[str, list[_Queued]], groups: list[list[models.Model]]) -> set[str]:
    parts = _pg_event_sql()
    fields = parts.fields
    inserts = [_rows_insert_sql(rows) for rows in groups]  # each returns its rows' pks: one column
    sql = _PG_BATCH.format(
        heads=", ".join([_PG_HEAD] * len(streams)), cols=parts.columns, arrays=parts.arrays,
        riders="".join(f", rows{i} AS ({insert})" for i, (insert, _params) in enumerate(inserts)),
        rider_rows="".join(f" UNION ALL SELECT *, NULL, {i} FROM rows{i}" for i in range(len(groups))))
    heads = [(s, qs[0].event.seq - 1, qs[0].event.prev_hash, qs[-1].event.seq, qs[-1].event.hash)
             for s, qs in streams.items()]
    events = [q.event for qs in streams.values() for q in qs]
    columns = [[f.get_db_prep_save(f.pre_save(e, True), connection) for e in events] for f in fields]
    with connection.cursor() as cur:
        cur.execute(sql, [*(v for head in heads for v in head), len(heads), *columns, len(heads),
                          *(p for _insert, params in inserts for p in params)])
        rows = cur.fetchall()
    written = [r for r in rows if r[1] is not None]
    for i, group in enumerate(groups):  # in the order each INSERT returned them, as bulk_create takes them
        pks = [pk for pk, stream, place in rows if stream is None and place == i]
        if len(pks) != len(group):
            raise RuntimeError(f"rows_insert: {len(group)} rows queued, {len(pks)} written")
        for obj, pk in zip(group, pks, strict=True):
            obj.pk = pk
            obj._state.adding = False
    if len(written) != len(events):  # no event written (a head was not where it was read)
        return set(streams)
    ids = {(stream, int(seq)): pk for pk, stream, seq in written}
    for e in events:
        e.pk = ids[(e.stream, e.seq)]
        e._state.adding = False
    return set()


def _write_orm(streams: dict[str, list[_Queued]]) -> set[str]:
    """Other databases: a statement per stream moves its head, one more inserts its events."""
    again: set[str] = set()
    for stream, qs in streams.items():
        first, last = qs[0].event, qs[-1].event
        moved = StreamHead.objects.filter(stream=stream, seq=first.seq - 1, hash=first.prev_hash).update(
            seq=last.seq, hash=last.hash)
        if moved != 1:
            again.add(stream)
            continue
        AuditEvent.objects.bulk_create([q.event for q in qs])
    return again


def event_record(*, actor: Any, action: str, subject: models.Model, clause: str = "",
                 before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
                 message: str = "", label: str | None = None, actor_name: str = "") -> AuditEvent:
    """`actor_name` names an actor who is no user (audit.labels.CUSTOMER_ACTOR: the customer through
    their private link); with a user as `actor` it is ignored. Inside `events_batched` the event returned
    has its pk only once the block has written it."""
    if not connection.in_atomic_block:
        raise AuditOutsideTransaction(f"{action}: call event_record inside transaction.atomic()")
    subject_type, subject_id = subject_key(subject)
    actor_obj = actor if getattr(actor, "pk", None) else None
    return _append(
        actor_id=actor_obj.pk if actor_obj else None,
        actor_name=str(actor_obj) if actor_obj else (actor_name or "system")[:150],
        action=action,
        clause=clause,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_label=(label if label is not None else str(subject))[:100],
        before=before,
        after=after,
        message=message,
    )


def audit_seal(*, actor: Any = None) -> AuditEvent:
    """The daily seal (P6.1.a): one event in its own stream recording the head of every stream that
    moved since the last seal, the number of streams and one hash over all sealed heads. After a
    seal, even the newest event of a stream cannot be changed or removed without verify naming it."""
    with transaction.atomic():
        with connection.cursor() as cur:
            # The update returns exactly the (seq, hash) it sealed, row by row, even while writers
            # keep appending: a head that moves after this statement is sealed tomorrow.
            cur.execute("UPDATE audit_streamhead SET sealed_seq = seq, sealed_hash = hash "
                        "WHERE seq <> sealed_seq AND stream <> %s RETURNING stream, seq, hash",
                        [chain.SEAL_STREAM])
            moved = {stream: [int(seq), head_hash] for stream, seq, head_hash in cur.fetchall()}
        heads = {h.stream: (h.sealed_seq, h.sealed_hash) for h in
                 StreamHead.objects.exclude(stream=chain.SEAL_STREAM).filter(sealed_seq__gt=0).only(
                     "stream", "sealed_seq", "sealed_hash")}
        heads.update({s: (v[0], v[1]) for s, v in moved.items()})
        actor_obj = actor if getattr(actor, "pk", None) else None
        return _append(
            actor_id=actor_obj.pk if actor_obj else None,
            actor_name=str(actor_obj) if actor_obj else "system",
            action="audit.sealed", clause="P6.1.a",
            subject_type=chain.SEAL_SUBJECT_TYPE, subject_id=chain.SEAL_SUBJECT_ID, subject_label="",
            before=None,
            after={"streams": len(heads), "events": sum(seq for seq, _h in heads.values()),
                   "root": chain.heads_root(heads), "heads": moved},
            message="",
        )


def _comparable(value: Any) -> Any:
    # A text sent back from a browser's textarea has \r\n where the stored one has \n: not a change.
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose value differs (line endings aside), as (before, after)."""
    keys = [k for k in after if _comparable(before.get(k)) != _comparable(after.get(k))]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}
