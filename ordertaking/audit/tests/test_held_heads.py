"""P1.3 / P4.2.a: an event is written in the same transaction as its change, chained onto its record's
stream. Within one transaction the stream's head is locked once and each further event is one statement
(PostgreSQL; two on SQLite), and a savepoint rolled back never leaves the chain pointing at an event that
no longer exists (issue 14: statements per order)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ordertaking.audit.models import AuditEvent, StreamHead
from ordertaking.audit.selectors import audit_chains_verify
from ordertaking.audit.services import event_record

pytestmark = pytest.mark.django_db(transaction=True)


def _chain_ok() -> None:
    report = audit_chains_verify()
    assert report.ok, [str(p) for p in report.problems]


def test_p4_2_a_a_second_event_on_the_same_record_in_one_transaction_takes_no_second_lock(sales_rep, reviewer):
    with transaction.atomic():
        with CaptureQueriesContext(connection) as first:
            event_record(actor=reviewer, action="test.one", subject=sales_rep)
        with CaptureQueriesContext(connection) as second:
            event_record(actor=reviewer, action="test.two", subject=sales_rep)
        with CaptureQueriesContext(connection) as other:
            event_record(actor=reviewer, action="test.other", subject=reviewer)
    per_event = 1 if connection.vendor == "postgresql" else 2
    assert len(first) == 1 + per_event  # the head's lock, then the event
    assert len(second) == per_event  # the lock is held: only the event
    assert len(other) == 1 + per_event  # another record's stream: its own lock
    assert "audit_streamhead" in first.captured_queries[0]["sql"]
    events = list(AuditEvent.objects.filter(subject_id=str(sales_rep.pk), subject_type="accounts.user")
                  .order_by("seq"))
    assert [e.action for e in events][-2:] == ["test.one", "test.two"]
    assert events[-1].seq == events[-2].seq + 1
    assert events[-1].prev_hash == events[-2].hash
    _chain_ok()


def test_p4_2_a_an_event_undone_by_a_savepoint_rollback_leaves_the_chain_whole(sales_rep, reviewer):
    with transaction.atomic():
        event_record(actor=reviewer, action="test.kept", subject=sales_rep)
        try:
            with transaction.atomic():
                event_record(actor=reviewer, action="test.undone", subject=sales_rep)
                raise ValueError("the change this event recorded failed")
        except ValueError:
            pass
        event_record(actor=reviewer, action="test.after", subject=sales_rep)
    actions = list(AuditEvent.objects.filter(subject_type="accounts.user", subject_id=str(sales_rep.pk))
                   .order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["test.kept", "test.after"]
    assert "test.undone" not in actions
    _chain_ok()


def test_p4_2_a_a_new_transaction_never_trusts_the_head_an_earlier_one_held(sales_rep, reviewer):
    with transaction.atomic():
        event_record(actor=reviewer, action="test.first", subject=sales_rep)
    # Another transaction (as another server's would) writes to the same record in between.
    with transaction.atomic():
        event_record(actor=reviewer, action="test.elsewhere", subject=sales_rep)
    with transaction.atomic(), CaptureQueriesContext(connection) as q:
        event_record(actor=reviewer, action="test.second", subject=sales_rep)
    assert "audit_streamhead" in q.captured_queries[0]["sql"]  # locked again, not taken from memory
    head = StreamHead.objects.get(stream=f"accounts.user:{sales_rep.pk}")
    assert head.seq == AuditEvent.objects.filter(stream=head.stream).count()
    _chain_ok()


def test_p4_2_a_a_head_moved_behind_the_transactions_back_is_read_again_not_overwritten(sales_rep, reviewer):
    with transaction.atomic():
        event_record(actor=reviewer, action="test.first", subject=sales_rep)
        stream = f"accounts.user:{sales_rep.pk}"
        head = StreamHead.objects.get(stream=stream)
        # Someone with the database's login rewinds the head inside this very transaction.
        StreamHead.objects.filter(stream=stream).update(seq=head.seq, hash="0" * 64)
        event_record(actor=reviewer, action="test.second", subject=sales_rep)
        last = AuditEvent.objects.filter(stream=stream).order_by("-seq").first()
        assert last is not None and last.action == "test.second"
        assert last.prev_hash == "0" * 64  # chained onto the head as it is, which verify then names


def test_p4_2_a_an_order_service_takes_the_orders_head_from_its_lock_and_still_chains_right(
        make_order, customer, sales_rep):
    """The order's lock reads its audit head (audit.services.head_annotations), so the service's event
    needs no locking read of the head of its own: one statement on PostgreSQL, and the chain stays whole."""
    from ordertaking.orders.services import order_update

    order = make_order(state="draft")
    stream = f"orders.order:{order.pk}"
    with CaptureQueriesContext(connection) as q:
        order_update(order=order, actor=sales_rep, changes={"notes": "call before delivery"})
    assert not any(x["sql"].startswith("INSERT INTO audit_streamhead") for x in q.captured_queries)
    head = StreamHead.objects.get(stream=stream)
    last = AuditEvent.objects.filter(stream=stream).order_by("-seq").first()
    assert last is not None and last.action == "order.updated" and last.seq == head.seq
    assert last.hash == head.hash
    _chain_ok()


def test_p4_2_a_a_head_read_with_the_lock_that_moved_since_is_read_again_under_its_lock(
        make_order, sales_rep, reviewer):
    """The head read by the record's lock is not locked: if another event lands between that read and the
    event's insert, the insert finds the head moved, locks it and chains onto the event that landed."""
    from ordertaking.audit.services import head_adopt, head_annotations
    from ordertaking.orders.models import Order

    order = make_order(state="draft")
    stream = f"orders.order:{order.pk}"
    with transaction.atomic():
        locked = Order.objects.select_for_update().annotate(**head_annotations(Order)).get(pk=order.pk)
        # What another writer of this record's stream would have done after the read (its own transaction
        # cannot here: the test's connection is the only one, so the head is moved by hand, as a commit would).
        with transaction.atomic():
            event_record(actor=reviewer, action="test.landed_between", subject=locked)
        from ordertaking.audit import services as audit_services
        audit_services._HEADS.clear()  # forget what that event held, as another transaction would not share it
        head_adopt(locked)  # the stale head, as read with the lock
        with CaptureQueriesContext(connection) as q:
            event_record(actor=sales_rep, action="test.after", subject=locked)
        assert any("audit_streamhead" in x["sql"] and x["sql"].startswith("INSERT") for x in q.captured_queries)
    actions = list(AuditEvent.objects.filter(stream=stream).order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["test.landed_between", "test.after"]
    _chain_ok()
