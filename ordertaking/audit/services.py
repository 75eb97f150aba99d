"""Writing audit events. Every service that changes state calls `event_record` inside its transaction.

Each event is appended to the hash chain of its record's stream (chain.py). Only that
stream's head row is locked, so writers to different records never wait on each other;
the event time is the database's clock, read while the head is locked, so times within
a stream never run backwards whatever the application servers' clocks say.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db import connection, models, transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat, Now

from . import chain
from .models import AuditEvent, StreamHead


class AuditOutsideTransaction(RuntimeError):
    """An event must be written in the same transaction as the change it records."""


def subject_key(subject: models.Model) -> tuple[str, str]:
    return subject._meta.label_lower, str(subject.pk)


# Take (or create) the stream's head row, locked until commit, and read the database clock.
# An upsert that "updates" the row takes the row lock in the same statement that creates it.
_HEAD_LOCK = {
    "postgresql": ("INSERT INTO audit_streamhead (stream, seq, hash, sealed_seq, sealed_hash) "
                   "VALUES (%s, 0, '', 0, '') ON CONFLICT (stream) DO UPDATE SET stream = EXCLUDED.stream "
                   "RETURNING seq, hash, clock_timestamp()"),
    "sqlite": ("INSERT INTO audit_streamhead (stream, seq, hash, sealed_seq, sealed_hash) "
               "VALUES (%s, 0, '', 0, '') ON CONFLICT (stream) DO UPDATE SET stream = excluded.stream "
               "RETURNING seq, hash, strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now')"),
}


def _db_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.strptime(str(value), "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)


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
# skips the lock (connection -> stream -> (seq, hash, time, marker)). An entry is valid only while its
# marker is still among the connection's on-commit callbacks: commit and rollback empty that list, and a
# rolled-back savepoint removes what was registered inside it, so a head cached by a write that was
# undone is never trusted. The head update also checks the cached (seq, hash) as its WHERE clause.
_held: dict[int, dict[str, tuple[int, str, datetime, Any]]] = {}


def _held_head(stream: str) -> tuple[int, str, datetime] | None:
    entry = _held.get(id(connection.connection), {}).get(stream)
    if entry is None:
        return None
    seq, prev_hash, now, marker = entry
    if not any(entry[1] is marker for entry in connection.run_on_commit):
        return None
    return seq, prev_hash, now


def _hold(stream: str, seq: int, head_hash: str, now: datetime) -> None:
    def marker() -> None:
        return None

    transaction.on_commit(marker)
    held = _held.setdefault(id(connection.connection), {})
    if len(held) > 256:  # streams of finished transactions: their markers are gone, drop them
        held.clear()
    held[stream] = (seq, head_hash, now, marker)


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


def _insert_with_head(event: AuditEvent, prev_seq: int) -> bool:
    """Move the stream's head from (prev_seq, event.prev_hash) to the event and insert the event; False,
    with nothing written, when the head is not where the caller read it."""
    if connection.vendor != "postgresql":
        moved = StreamHead.objects.filter(stream=event.stream, seq=prev_seq, hash=event.prev_hash).update(
            seq=event.seq, hash=event.hash)
        if moved == 1:
            event.save(force_insert=True)
        return moved == 1
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    sql = _PG_APPEND.format(cols=", ".join(connection.ops.quote_name(f.column or f.name) for f in fields),
                            params=", ".join(["%s"] * len(fields)))
    values = [f.get_db_prep_save(f.pre_save(event, True), connection) for f in fields]
    with connection.cursor() as cur:
        cur.execute(sql, [event.seq, event.hash, event.stream, prev_seq, event.prev_hash, *values])
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
    the database clock), unless the caller's lock of the record read it (`head_adopt`); later ones reuse
    what was read. Then one statement moves the head and inserts the
    event on PostgreSQL (two elsewhere), and only if the head is still where it was read."""
    stream = chain.stream_of(subject_type, subject_id)
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


def event_record(*, actor: Any, action: str, subject: models.Model, clause: str = "",
                 before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
                 message: str = "", label: str | None = None, actor_name: str = "") -> AuditEvent:
    """`actor_name` names an actor who is no user (audit.labels.CUSTOMER_ACTOR: the customer through
    their private link); with a user as `actor` it is ignored."""
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
