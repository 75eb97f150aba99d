"""P1.3 / P4.2.a / P6.1.a: the audit log is tamper-evident, not just append-only.

An attacker with the database in hand lowers the guard (as the application's own database
user could) and edits, deletes and inserts events with raw SQL; the verification names
each event. These tests run on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction

from ordertaking.audit import chain
from ordertaking.audit.models import AuditEvent, StreamHead
from ordertaking.audit.selectors import CHANGED, INSERTED, REMOVED, audit_chains_verify
from ordertaking.audit.services import audit_seal, event_record

pytestmark = pytest.mark.django_db


def _record(actor, subject, action="test.recorded", **kw):  # type: ignore[no-untyped-def]
    with transaction.atomic():
        return event_record(actor=actor, action=action, subject=subject, clause="P6.1.a", **kw)


def _attack(sql: str, params: list | tuple = ()) -> None:  # type: ignore[type-arg]
    """What someone with the application's database login can do on today's main: lower the guard."""
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_guard SET enabled = 0")
        cur.execute(sql, list(params))


def _findings(kind: str) -> list[tuple[str, int | None, int | None]]:
    report = audit_chains_verify()
    return [(p.stream, p.seq, p.event.pk if p.event else None) for p in report.problems if p.kind == kind]


def _stream(events):  # type: ignore[no-untyped-def]
    return list(AuditEvent.objects.filter(stream=events[0].stream).order_by("seq"))


@pytest.fixture
def trail(sales_rep, sales_rep2, reviewer):  # type: ignore[no-untyped-def]
    """Four events about one record (with money and dates in them), two about another."""
    a = [_record(reviewer, sales_rep, before={"limit": Decimal("10.50"), "day": date(2026, 11, 30)},
                 after={"limit": Decimal("12.00"), "day": date(2026, 12, 1), "n": 3, "ok": True}),
         _record(reviewer, sales_rep, message="第二条"),
         _record(None, sales_rep, after={"nested": {"b": [1, 2], "a": None}}),
         _record(reviewer, sales_rep, message="最新")]
    b = [_record(reviewer, sales_rep2), _record(reviewer, sales_rep2, message="x")]
    report = audit_chains_verify()
    assert report.ok, [str(p) for p in report.problems]
    return {"a": a, "b": b}


def test_p6_1_a_the_events_of_one_record_form_a_hash_chain_of_their_own(trail):
    for events in trail.values():
        stream = _stream(events)
        assert {e.stream for e in stream} == {chain.stream_of("accounts.user", events[0].subject_id)}
        assert [e.seq for e in stream] == list(range(1, len(stream) + 1))
        prev = ""
        for e in stream:
            assert e.prev_hash == prev
            assert e.hash == chain.event_hash(chain.content_of(e), e.prev_hash)
            prev = e.hash
        head = StreamHead.objects.get(stream=stream[0].stream)
        assert (head.seq, head.hash) == (stream[-1].seq, stream[-1].hash)
    assert trail["a"][0].stream != trail["b"][0].stream  # no global chain, no global lock


def test_p6_1_a_the_event_time_comes_from_the_database_clock_not_the_application_server(
        sales_rep, reviewer, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: datetime(2001, 1, 1, tzinfo=UTC))
    ev = _record(reviewer, sales_rep)
    assert abs(ev.at - datetime.now(UTC)) < timedelta(minutes=5)
    assert AuditEvent.objects.get(pk=ev.pk).at == ev.at


def test_p6_1_a_an_event_edited_in_the_database_is_named_as_changed(trail):
    victim = trail["a"][1]
    _attack("UPDATE audit_auditevent SET message = %s WHERE id = %s", ["改过了", victim.pk])
    assert _findings(CHANGED) == [(victim.stream, victim.seq, victim.pk)]
    assert not _findings(REMOVED) and not _findings(INSERTED)


def test_p6_1_a_an_event_deleted_from_the_middle_of_a_chain_is_named_as_removed(trail):
    victim = trail["a"][1]
    _attack("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
    assert _findings(REMOVED) == [(victim.stream, victim.seq, None)]
    assert not _findings(CHANGED) and not _findings(INSERTED)


def test_p6_1_a_the_newest_event_of_a_record_deleted_is_named_as_removed(trail):
    victim = trail["b"][-1]
    _attack("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
    assert _findings(REMOVED) == [(victim.stream, victim.seq, None)]


def _raw_insert(like: AuditEvent, *, seq: int, prev_hash: str, hash_: str = "f" * 64) -> int:
    _attack("INSERT INTO audit_auditevent (at, actor_name, action, clause, subject_type, subject_id, subject_label, "
            "message, stream, seq, prev_hash, hash) VALUES (%s, 'x', 'order.approved', '', %s, %s, %s, '', %s, %s, "
            "%s, %s)", [like.at, like.subject_type, like.subject_id, like.subject_label, like.stream if seq else "",
                        seq, prev_hash, hash_])
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True)[0]


def test_p6_1_a_an_event_inserted_outside_any_chain_is_named_as_inserted(trail):
    forged = _raw_insert(trail["a"][0], seq=0, prev_hash="")
    assert _findings(INSERTED) == [("", None, forged)]
    (problem,) = [p for p in audit_chains_verify().problems if p.kind == INSERTED]
    assert str(problem).startswith(f"INSERTED: (no stream) (event id {forged}, order.approved at ")


def test_p6_1_a_an_event_appended_with_a_well_formed_link_but_around_the_application_is_named(trail):
    """The attacker knows the algorithm and computes a correct hash; the stream head betrays him."""
    last = trail["a"][-1]
    forged_id = _raw_insert(last, seq=last.seq + 1, prev_hash=last.hash)
    forged = AuditEvent.objects.get(pk=forged_id)
    good = chain.event_hash(chain.content_of(forged), forged.prev_hash)
    _attack("UPDATE audit_auditevent SET hash = %s WHERE id = %s", [good, forged_id])
    assert _findings(INSERTED) == [(last.stream, last.seq + 1, None)]
    assert not _findings(CHANGED)


def test_p6_1_a_an_event_slipped_between_two_others_is_named_as_inserted(trail):
    """Renumber the tail to make room: the renumbered events' hashes no longer match (changed), and
    the slipped-in one does not link to its predecessor (inserted)."""
    a = trail["a"]
    room = a[2].seq
    _attack("UPDATE audit_auditevent SET seq = seq + 100 WHERE stream = %s AND seq >= %s", [a[0].stream, room])
    _attack("UPDATE audit_auditevent SET seq = seq - 99 WHERE stream = %s AND seq >= 100", [a[0].stream])
    forged = _raw_insert(a[0], seq=room, prev_hash="0" * 64)
    # the forged event, and the record now one event longer than the application wrote
    assert _findings(INSERTED) == [(a[0].stream, room, forged), (a[0].stream, a[3].seq + 1, None)]
    assert {pk for _s, _q, pk in _findings(CHANGED)} == {a[2].pk, a[3].pk}


def test_p6_1_a_after_the_daily_seal_even_a_consistently_rehashed_rewrite_is_caught(trail):
    """The attacker rewrites the newest event, recomputes its hash and moves the stream head too:
    every chain links, but the seal recorded the old head."""
    audit_seal()
    victim = trail["a"][-1]
    _attack("UPDATE audit_auditevent SET message = %s WHERE id = %s", ["无事发生", victim.pk])
    ev = AuditEvent.objects.get(pk=victim.pk)
    new_hash = chain.event_hash(chain.content_of(ev), ev.prev_hash)
    _attack("UPDATE audit_auditevent SET hash = %s WHERE id = %s", [new_hash, victim.pk])
    _attack("UPDATE audit_streamhead SET hash = %s WHERE stream = %s", [new_hash, victim.stream])
    assert _findings(CHANGED) == [(victim.stream, victim.seq, victim.pk)]


def test_p6_1_a_after_the_daily_seal_deleting_the_newest_event_and_its_head_is_caught(trail):
    audit_seal()
    victim = trail["b"][-1]
    _attack("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
    _attack("UPDATE audit_streamhead SET seq = seq - 1 WHERE stream = %s", [victim.stream])
    assert _findings(REMOVED) == [(victim.stream, victim.seq, None)]


def test_p6_1_a_a_whole_record_erased_with_its_head_is_caught_by_the_seal(trail):
    audit_seal()
    stream = trail["b"][0].stream
    _attack("DELETE FROM audit_auditevent WHERE stream = %s", [stream])
    _attack("DELETE FROM audit_streamhead WHERE stream = %s", [stream])
    assert _findings(REMOVED) == [(stream, 1, None)]


def test_p6_1_a_the_daily_seal_is_a_chained_event_recording_the_heads_that_moved(trail, sales_rep):
    from ordertaking.audit import tasks

    first = audit_seal()
    assert (first.stream, first.seq, first.action) == (chain.SEAL_STREAM, 1, "audit.sealed")
    heads = {h.stream: (h.seq, h.hash) for h in StreamHead.objects.exclude(stream=chain.SEAL_STREAM)}
    sealed = first.after or {}
    assert sealed["heads"] == {s: [seq, h] for s, (seq, h) in heads.items()}
    assert sealed["root"] == chain.heads_root(heads)
    assert sealed["streams"] == len(heads)
    _record(None, sales_rep, message="after the seal")
    seq = tasks.audit_seal_daily.call_local()
    second = AuditEvent.objects.get(stream=chain.SEAL_STREAM, seq=seq)
    assert seq == 2 and second.prev_hash == first.hash
    assert list((second.after or {})["heads"]) == [trail["a"][0].stream]  # only what moved
    assert audit_chains_verify().ok
    assert audit_chains_verify().seals == 2


def test_p6_1_a_a_forged_seal_is_named(trail):
    seal = audit_seal()
    _attack("UPDATE audit_auditevent SET after = %s WHERE id = %s",
            ['{"streams": 0, "events": 0, "root": "", "heads": {}}', seal.pk])
    assert (chain.SEAL_STREAM, 1, seal.pk) in _findings(CHANGED)
