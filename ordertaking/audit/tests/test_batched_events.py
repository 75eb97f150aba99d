"""P1.3 / P4.2.a, issue 14: fewer statements for the same chain. A record created in the transaction starts its
stream in the statement that inserts its first event (`stream_new`); the events of a block are written in one
statement (`events_batched`). Whatever the path, the chain verifies, a head moved behind the transaction's back
is read again under its lock and never overwritten, and a change never commits without its event."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ordertaking.accounts.models import User
from ordertaking.audit import services as audit_services
from ordertaking.audit.models import AuditEvent, StreamHead
from ordertaking.audit.selectors import actors_of, audit_chains_verify
from ordertaking.audit.services import (
    event_record,
    events_batched,
    head_adopt,
    head_annotations,
    rows_insert,
    stream_new,
)

pytestmark = pytest.mark.django_db(transaction=True)

PG = "postgresql"


def _chain_ok() -> None:
    report = audit_chains_verify()
    assert report.ok, [str(p) for p in report.problems]


def _audit_writes(q: CaptureQueriesContext) -> list[str]:
    return [x["sql"] for x in q.captured_queries if "audit_" in x["sql"]]


def _stream(user: User) -> str:
    return f"accounts.user:{user.pk}"


def _actions(user: User) -> list[str]:
    return list(AuditEvent.objects.filter(stream=_stream(user)).order_by("seq").values_list("action", flat=True))


def _head_matches_last_event(user: User) -> None:
    head = StreamHead.objects.get(stream=_stream(user))
    last = AuditEvent.objects.filter(stream=_stream(user)).order_by("-seq").first()
    assert last is not None and (head.seq, head.hash) == (last.seq, last.hash)


# --- one statement for several events -----------------------------------------------------------------

def test_p4_2_a_the_events_of_a_batch_are_written_in_one_statement_and_chain_as_one_by_one(sales_rep, reviewer):
    with transaction.atomic():
        event_record(actor=reviewer, action="test.before", subject=sales_rep)  # both heads held from here
        event_record(actor=reviewer, action="test.before", subject=reviewer)
        with CaptureQueriesContext(connection) as q, events_batched():
            one = event_record(actor=reviewer, action="test.one", subject=sales_rep)
            other = event_record(actor=reviewer, action="test.other", subject=reviewer)
            two = event_record(actor=reviewer, action="test.two", subject=sales_rep)
            assert one.pk is None  # queued, not yet written
        # PostgreSQL: one statement moves both heads and inserts the three events; elsewhere two a stream.
        assert len(_audit_writes(q)) == (1 if connection.vendor == PG else 4)
        assert len(q.captured_queries) == len(_audit_writes(q))
    assert (two.seq, two.prev_hash) == (one.seq + 1, one.hash)
    assert {e.pk for e in (one, other, two)} == set(AuditEvent.objects.filter(
        action__in=["test.one", "test.other", "test.two"]).values_list("pk", flat=True))
    assert _actions(sales_rep)[-3:] == ["test.before", "test.one", "test.two"]
    _head_matches_last_event(sales_rep)
    _head_matches_last_event(reviewer)
    _chain_ok()


@pytest.mark.skipif(connection.vendor != PG, reason="PostgreSQL's plan cache")
@pytest.mark.parametrize("streams", [1, 2])
def test_issue_14_the_batch_statement_is_planned_once_not_at_every_execution(sales_rep, reviewer, streams):
    """The batch statement is prepared (settings: prepare_threshold) and PostgreSQL settles on one generic plan
    for it after its five custom ones; with the heads as unnested arrays it planned every execution again."""
    if not connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
        pytest.skip("ORDERTAKING_PG_PREPARE=0: no statement is prepared")
    # As many streams as a working database has (a stream per order and record): the generic plan's cost grows
    # with the head table, while each custom plan's stays that of the heads it names.
    StreamHead.objects.bulk_create([StreamHead(stream=f"test.other:{i}") for i in range(5000)])
    subjects = [sales_rep, reviewer][:streams]
    for _ in range(9):
        with transaction.atomic(), events_batched():
            for subject in subjects:
                event_record(actor=reviewer, action="test.plan", subject=subject)
    with connection.cursor() as cur:
        cur.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                    "WHERE statement LIKE 'WITH m (stream, from_seq, from_hash, to_seq, to_hash)%%'")
        plans = cur.fetchall()
    assert len(plans) == 1, plans
    generic, custom = plans[0]
    assert generic >= 1 and custom <= 5, plans


def test_p4_2_a_after_a_batch_the_next_event_of_the_transaction_takes_no_lock(sales_rep, reviewer):
    with transaction.atomic():
        event_record(actor=reviewer, action="test.before", subject=sales_rep)
        with events_batched():
            event_record(actor=reviewer, action="test.one", subject=sales_rep)
            event_record(actor=reviewer, action="test.two", subject=sales_rep)
        with CaptureQueriesContext(connection) as q:
            event_record(actor=reviewer, action="test.after", subject=sales_rep)
    assert len(q) == (1 if connection.vendor == PG else 2)  # the head the batch wrote is held
    assert _actions(sales_rep)[-4:] == ["test.before", "test.one", "test.two", "test.after"]
    _chain_ok()


def test_p4_2_a_batches_nest_and_only_the_outermost_writes(sales_rep, reviewer):
    with transaction.atomic():
        event_record(actor=reviewer, action="test.before", subject=sales_rep)
        with CaptureQueriesContext(connection) as q, events_batched():
            event_record(actor=reviewer, action="test.one", subject=sales_rep)
            with events_batched():
                event_record(actor=reviewer, action="test.two", subject=sales_rep)
            assert len(q) == 0
            event_record(actor=reviewer, action="test.three", subject=sales_rep)
        assert len(q) == (1 if connection.vendor == PG else 2)
    assert _actions(sales_rep)[-3:] == ["test.one", "test.two", "test.three"]
    _chain_ok()


def test_p4_2_a_a_batch_opens_only_inside_the_transaction_of_its_events():
    with pytest.raises(audit_services.AuditOutsideTransaction), events_batched():
        pass


# --- the control holds --------------------------------------------------------------------------------

def test_p4_2_a_an_exception_in_a_batch_writes_nothing(sales_rep, reviewer):
    with transaction.atomic():
        event_record(actor=reviewer, action="test.before", subject=sales_rep)
    count = AuditEvent.objects.count()
    with pytest.raises(ValueError, match="the change failed"), transaction.atomic(), events_batched():
        event_record(actor=reviewer, action="test.lost", subject=sales_rep)
        raise ValueError("the change failed")
    assert AuditEvent.objects.count() == count
    with transaction.atomic():
        event_record(actor=reviewer, action="test.after", subject=sales_rep)
    assert "test.lost" not in _actions(sales_rep)
    _chain_ok()


@pytest.mark.parametrize("queued", ["an event", "a row riding with the events"])
def test_p4_2_a_a_change_whose_batched_event_was_dropped_never_commits_even_if_the_exception_is_caught(
        sales_rep, reviewer, queued):
    """The block's events (and the rows queued by `rows_insert`) are dropped with the exception; the changes they
    record were made in the same transaction, which is then rolled back even if the caller catches the exception
    inside it."""
    from ordertaking.notifications.models import Kind, Notification

    before = sales_rep.display_name
    with transaction.atomic():
        try:
            with events_batched():
                User.objects.filter(pk=sales_rep.pk).update(display_name="changed")
                if queued == "an event":
                    event_record(actor=reviewer, action="test.lost", subject=sales_rep)
                else:
                    rows_insert([Notification(recipient=sales_rep, kind=Kind.ORDER_APPROVED)])
                raise ValueError("caught below, inside the transaction")
        except ValueError:
            pass
        assert transaction.get_rollback()
    sales_rep.refresh_from_db()
    assert sales_rep.display_name == before
    assert "test.lost" not in _actions(sales_rep)
    assert not Notification.objects.exists()


def test_p4_2_a_an_event_undone_by_a_savepoint_in_a_batch_leaves_the_chain_whole(sales_rep, reviewer):
    with transaction.atomic():
        event_record(actor=reviewer, action="test.before", subject=sales_rep)
        with events_batched():
            event_record(actor=reviewer, action="test.kept", subject=sales_rep)
            try:
                with transaction.atomic():
                    event_record(actor=reviewer, action="test.undone", subject=sales_rep)
                    raise ValueError("the change this event recorded failed")
            except ValueError:
                pass
            event_record(actor=reviewer, action="test.after", subject=sales_rep)
    actions = _actions(sales_rep)
    assert actions[-3:] == ["test.before", "test.kept", "test.after"]
    assert "test.undone" not in actions
    _head_matches_last_event(sales_rep)
    _chain_ok()


def test_p4_2_a_a_savepoint_rolled_back_after_the_batch_wrote_undoes_only_what_it_holds(sales_rep, reviewer):
    """An event queued before a savepoint is written before the savepoint begins: rolling the savepoint back
    cannot take it away while the change it records stays."""
    with transaction.atomic():
        event_record(actor=reviewer, action="test.before", subject=sales_rep)
        with events_batched():
            event_record(actor=reviewer, action="test.outer", subject=sales_rep)
            try:
                with transaction.atomic():
                    event_record(actor=reviewer, action="test.inner", subject=sales_rep)
                    raise ValueError("undo the inner change")
            except ValueError:
                pass
    assert _actions(sales_rep)[-2:] == ["test.before", "test.outer"]
    _chain_ok()


def test_p6_1_a_a_read_of_the_log_inside_a_batch_sees_the_queued_events(sales_rep, reviewer):
    """Segregation of duties reads who did what from the trail (audit.selectors.actors_of): inside a batch
    that read must see the events recorded before it."""
    with transaction.atomic():
        event_record(actor=reviewer, action="test.before", subject=sales_rep)
        with events_batched():
            event_record(actor=reviewer, action="order.submitted", subject=sales_rep)
            assert reviewer.pk in actors_of(sales_rep, ("order.submitted",))
            assert AuditEvent.objects.filter(stream=_stream(sales_rep), action="order.submitted").exists()
            event_record(actor=reviewer, action="test.after", subject=sales_rep)
    assert _actions(sales_rep)[-3:] == ["test.before", "order.submitted", "test.after"]
    _chain_ok()


def test_p4_2_a_a_batch_whose_head_moved_since_it_was_read_is_written_again_under_the_lock(sales_rep, reviewer):
    """A head read without its lock (the record's own query, head_adopt) that moved before the batch's statement:
    the statement writes nothing, for any of its streams (no head moves alone), and every event is chained
    again onto its head as it is, under the head's lock."""
    with transaction.atomic():
        event_record(actor=reviewer, action="test.before", subject=sales_rep)
        event_record(actor=reviewer, action="test.before", subject=reviewer)
    with transaction.atomic():
        read = User.objects.annotate(**head_annotations(User)).get(pk=sales_rep.pk)
        with transaction.atomic():  # what another writer of the stream would do after the read
            event_record(actor=reviewer, action="test.landed_between", subject=sales_rep)
        audit_services._HEADS.clear()  # forget it, as another transaction's would not be shared
        head_adopt(read)  # the stale head
        event_record(actor=reviewer, action="test.held", subject=reviewer)  # the other stream's head is right
        with CaptureQueriesContext(connection) as q, events_batched():
            first = event_record(actor=reviewer, action="test.one", subject=sales_rep)
            event_record(actor=reviewer, action="test.other", subject=reviewer)
            event_record(actor=reviewer, action="test.two", subject=sales_rep)
        assert any(x["sql"].startswith("INSERT INTO audit_streamhead") for x in q.captured_queries)  # relocked
    assert _actions(sales_rep)[-4:] == ["test.before", "test.landed_between", "test.one", "test.two"]
    assert _actions(reviewer)[-3:] == ["test.before", "test.held", "test.other"]
    assert first.pk == AuditEvent.objects.get(action="test.one").pk  # the object returned is the event written
    _head_matches_last_event(sales_rep)
    _head_matches_last_event(reviewer)
    _chain_ok()


@pytest.mark.postgres
def test_p4_2_a_a_batch_racing_another_writer_of_its_stream_chains_after_it(sales_rep, reviewer):
    """PostgreSQL, two connections: another transaction moves the head this one read without its lock and
    commits while the batch's statement waits for the head. The statement, seeing the head's newest version,
    writes nothing, not even the other stream's head, which was where it was read (a data-modifying CTE runs
    whatever the insert decides: were that head moved alone, its next event would chain onto one never
    written); the events are chained again after the other writer's event."""
    with transaction.atomic():
        event_record(actor=reviewer, action="test.before", subject=sales_rep)
        event_record(actor=reviewer, action="test.before", subject=reviewer)
    written, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def other_writer() -> None:
        try:
            with transaction.atomic():
                event_record(actor=reviewer, action="test.other_writer", subject=sales_rep)
                written.set()
                release.wait(30)
        except BaseException as e:  # noqa: BLE001 - the test reads it
            failures.append(e)
            written.set()
        finally:
            connection.close()

    writer = threading.Thread(target=other_writer)
    with transaction.atomic():
        read = User.objects.annotate(**head_annotations(User)).get(pk=sales_rep.pk)
        head_adopt(read)  # read before the other writer moved it
        event_record(actor=reviewer, action="test.held", subject=reviewer)  # this head is locked and right
        writer.start()
        assert written.wait(30)
        threading.Timer(0.5, release.set).start()  # commits while our statement waits for the head's lock
        with events_batched():
            event_record(actor=reviewer, action="test.other", subject=reviewer)
            event_record(actor=reviewer, action="test.one", subject=sales_rep)
            event_record(actor=reviewer, action="test.two", subject=sales_rep)
    writer.join(30)
    assert not failures
    assert _actions(sales_rep)[-4:] == ["test.before", "test.other_writer", "test.one", "test.two"]
    assert _actions(reviewer)[-3:] == ["test.before", "test.held", "test.other"]
    _head_matches_last_event(sales_rep)
    _head_matches_last_event(reviewer)
    _chain_ok()


# --- a new record's stream ----------------------------------------------------------------------------

def _new_subject() -> User:
    return User(pk=900_000_001, username="not-saved")  # a record no event was ever written about


def test_p4_2_a_a_new_records_first_event_creates_its_stream_in_one_statement(reviewer):
    subject = _new_subject()
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(f"SELECT {audit_services.db_clock_sql()}", [])
            now = audit_services.db_time(cur.fetchone()[0])
        stream_new(subject, now)
        with CaptureQueriesContext(connection) as q:
            first = event_record(actor=reviewer, action="test.created", subject=subject)
            second = event_record(actor=reviewer, action="test.changed", subject=subject)
    # PostgreSQL: the head is created by the statement that inserts the event (elsewhere a statement each).
    assert len(q) == (2 if connection.vendor == PG else 4)
    assert not any("RETURNING seq, hash" in x["sql"] for x in q.captured_queries)  # no locking read of the head
    assert (first.seq, first.prev_hash, first.at) == (1, "", now)
    assert (second.seq, second.prev_hash) == (2, first.hash)
    head = StreamHead.objects.get(stream=_stream(subject))
    assert (head.seq, head.hash, head.sealed_seq) == (2, second.hash, 0)
    _chain_ok()


def test_p4_2_a_a_record_declared_new_whose_stream_exists_is_chained_after_it_at_the_databases_time(
        sales_rep, reviewer):
    """A wrong declaration (an id used again) never forks the chain nor turns its clock back: the insert finds
    the head taken, and the event is chained onto it under its lock, at the time read with the lock."""
    with transaction.atomic():
        event_record(actor=reviewer, action="test.before", subject=sales_rep)
    last = AuditEvent.objects.filter(stream=_stream(sales_rep)).order_by("-seq").first()
    assert last is not None
    with transaction.atomic():
        stream_new(sales_rep, datetime(2000, 1, 1, tzinfo=UTC))
        event = event_record(actor=reviewer, action="test.after", subject=sales_rep)
    assert (event.seq, event.prev_hash) == (last.seq + 1, last.hash)
    assert event.at >= last.at
    _head_matches_last_event(sales_rep)
    _chain_ok()


def test_p4_2_a_a_new_records_first_event_inside_a_batch_is_written_and_the_rest_queued(reviewer):
    subject = _new_subject()
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(f"SELECT {audit_services.db_clock_sql()}", [])
            now = audit_services.db_time(cur.fetchone()[0])
        stream_new(subject, now)
        with CaptureQueriesContext(connection) as q, events_batched():
            event_record(actor=reviewer, action="test.created", subject=subject)
            event_record(actor=reviewer, action="test.changed", subject=subject)
            event_record(actor=reviewer, action="test.changed_again", subject=subject)
        assert len(q) == (2 if connection.vendor == PG else 4)
    assert _actions(subject) == ["test.created", "test.changed", "test.changed_again"]
    _head_matches_last_event(subject)
    _chain_ok()


def test_p2_2_c_an_order_entered_starts_its_audit_stream_without_locking_a_head_first(
        make_order, sales_rep, reviewer):
    """order_create reads the database clock with the order's number and declares the order's stream new: its
    event is one statement on PostgreSQL, and the order's later events chain on it at later times."""
    from ordertaking.review.services import order_submit

    make_order(state="draft")  # warm the counter row and the content types
    with CaptureQueriesContext(connection) as q:
        order = make_order(state="draft")
    audit = [x["sql"] for x in q.captured_queries if "audit_streamhead" in x["sql"]]
    assert len(audit) == 1 and "RETURNING seq, hash" not in audit[0]
    order_submit(order=order, actor=sales_rep)
    events = list(AuditEvent.objects.filter(stream=f"orders.order:{order.pk}").order_by("seq"))
    assert [e.action for e in events][:2] == ["order.created", "order.submitted"]
    assert all(a.at <= b.at for a, b in zip(events, events[1:], strict=False))
    _chain_ok()
