"""Issue 14: another chapter's new rows ride in the statement that writes a batch's audit events
(`audit.services.rows_insert`, used by notifications). Whatever the path, every row queued is written once with
the pk the caller's object then holds, a read of the rows' table inside the block sees them, and what a savepoint
or an exception undid is never written."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ordertaking.accounts.models import User
from ordertaking.audit import services as audit_services
from ordertaking.audit.models import AuditEvent
from ordertaking.audit.selectors import audit_chains_verify
from ordertaking.audit.services import event_record, events_batched, head_adopt, head_annotations, rows_insert
from ordertaking.notifications.models import Kind, Notification, NotificationPreference, UserSetting

pytestmark = pytest.mark.django_db(transaction=True)


def _note(user: User, ref: str) -> Notification:
    return Notification(recipient=user, kind=Kind.ORDER_APPROVED, params={"order": ref}, subject_ref=ref)


def _refs() -> list[str]:
    return list(Notification.objects.order_by("pk").values_list("subject_ref", flat=True))


def _chain_ok() -> None:
    report = audit_chains_verify()
    assert report.ok, [str(p) for p in report.problems]


def _prime(*users: User) -> None:
    """Each user's stream has a head, so the batch queues their next events (a stream's first is written at once)."""
    with transaction.atomic():
        for user in users:
            event_record(actor=users[0], action="test.before", subject=user)


def test_outside_a_batch_the_rows_are_inserted_at_once(sales_rep):
    note = _note(sales_rep, "A")
    with transaction.atomic():
        rows_insert([note])
        assert note.pk is not None
        assert Notification.objects.get(pk=note.pk).subject_ref == "A"


@pytest.mark.postgres
def test_in_a_batch_the_rows_and_the_events_are_written_in_one_statement(sales_rep, reviewer):
    notes = [_note(sales_rep, "A"), _note(reviewer, "B")]
    other = NotificationPreference(user=sales_rep, kind=Kind.ORDER_APPROVED, by_email=False)
    with transaction.atomic():
        event_record(actor=reviewer, action="test.before", subject=sales_rep)  # both heads held from here
        event_record(actor=reviewer, action="test.before", subject=reviewer)
        with CaptureQueriesContext(connection) as q, events_batched():
            event_record(actor=reviewer, action="test.one", subject=sales_rep)
            rows_insert(notes[:1])
            rows_insert([other])
            rows_insert(notes[1:])
            event_record(actor=reviewer, action="test.two", subject=reviewer)
            assert all(n.pk is None for n in notes)  # queued, not written
        writes = [x["sql"] for x in q.captured_queries]
    assert len(writes) == 1, writes
    assert "audit_auditevent" in writes[0] and '"notifications_notification"' in writes[0]
    assert '"notifications_notificationpreference"' in writes[0]
    # each object holds the pk of the row written from it, in the order queued
    assert [Notification.objects.get(pk=n.pk).subject_ref for n in notes] == ["A", "B"]
    assert [Notification.objects.get(pk=n.pk).recipient_id for n in notes] == [sales_rep.pk, reviewer.pk]
    assert NotificationPreference.objects.get(pk=other.pk).user_id == sales_rep.pk
    assert not any(n._state.adding for n in notes)
    _chain_ok()


def test_the_rows_of_a_batch_are_written_before_its_transaction_commits(sales_rep, reviewer):
    _prime(sales_rep)
    notes = [_note(sales_rep, "A"), _note(sales_rep, "B"), _note(reviewer, "C")]
    with transaction.atomic():
        with events_batched():
            event_record(actor=reviewer, action="test.one", subject=sales_rep)
            rows_insert(notes)
        assert {n.pk for n in notes} == set(Notification.objects.values_list("pk", flat=True))
        assert None not in {n.pk for n in notes}
    assert _refs() == ["A", "B", "C"]
    _chain_ok()


def test_a_batch_with_rows_and_no_event_still_writes_the_rows(sales_rep):
    with transaction.atomic(), events_batched():
        rows_insert([_note(sales_rep, "A")])
    assert _refs() == ["A"]


def test_a_read_of_the_rows_table_inside_the_batch_sees_the_queued_rows(sales_rep, reviewer):
    _prime(sales_rep)
    with transaction.atomic(), events_batched():
        event_record(actor=reviewer, action="test.one", subject=sales_rep)
        rows_insert([_note(sales_rep, "A")])
        assert Notification.objects.filter(recipient=sales_rep).count() == 1
        rows_insert([_note(sales_rep, "B")])
    assert _refs() == ["A", "B"]
    _chain_ok()


def test_a_table_whose_name_only_begins_like_the_rows_table_does_not_write_the_queue(sales_rep):
    note = _note(sales_rep, "A")
    with transaction.atomic(), events_batched():
        rows_insert([note])
        list(NotificationPreference.objects.filter(user=sales_rep))  # notifications_notificationpreference
        assert note.pk is None
    assert note.pk is not None and _refs() == ["A"]


def test_rows_undone_by_a_savepoint_in_a_batch_are_never_written(sales_rep, reviewer):
    _prime(sales_rep)
    with transaction.atomic(), events_batched():
        rows_insert([_note(sales_rep, "kept")])
        try:
            with transaction.atomic():
                rows_insert([_note(sales_rep, "undone")])
                event_record(actor=reviewer, action="test.undone", subject=sales_rep)
                raise ValueError("the change these rows told of failed")
        except ValueError:
            pass
        rows_insert([_note(sales_rep, "after")])
    assert _refs() == ["kept", "after"]
    assert not AuditEvent.objects.filter(action="test.undone").exists()
    _chain_ok()


def test_rows_are_written_once_when_the_batchs_head_moved_and_its_events_are_chained_again(sales_rep, reviewer):
    """The events' statement writes no event when a head moved behind the transaction's back; the rows riding in
    it are written all the same, once, and the events are chained again under the lock."""
    _prime(sales_rep)
    with transaction.atomic():
        read = User.objects.annotate(**head_annotations(User)).get(pk=sales_rep.pk)
        with transaction.atomic():  # another writer of the stream, after the read
            event_record(actor=reviewer, action="test.landed_between", subject=sales_rep)
        audit_services._HEADS.clear()
        head_adopt(read)  # the stale head
        notes = [_note(sales_rep, "A"), _note(reviewer, "B")]
        with events_batched():
            event_record(actor=reviewer, action="test.one", subject=sales_rep)
            rows_insert(notes)
    assert _refs() == ["A", "B"]
    assert [Notification.objects.get(pk=n.pk).subject_ref for n in notes] == ["A", "B"]
    assert list(AuditEvent.objects.filter(subject_id=str(sales_rep.pk), subject_type="accounts.user")
                .order_by("seq").values_list("action", flat=True))[-2:] == ["test.landed_between", "test.one"]
    _chain_ok()


@pytest.mark.parametrize("rows", [
    pytest.param(lambda u: [Notification(pk=10**9, recipient=u, kind=Kind.ORDER_APPROVED)], id="a saved row"),
    pytest.param(lambda u: [Notification(recipient=u, kind=Kind.ORDER_APPROVED),
                            NotificationPreference(user=u, kind=Kind.ORDER_APPROVED)], id="two models"),
    pytest.param(lambda u: [UserSetting(language="en")], id="a pk that is no auto field"),
])
def test_rows_insert_takes_new_rows_of_one_model_only(sales_rep, rows):
    with transaction.atomic(), pytest.raises(ValueError, match="new rows of one model"), events_batched():
        rows_insert(rows(sales_rep))
    assert not Notification.objects.exists()
