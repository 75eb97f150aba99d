"""P6.1.a / P4.2.a: the audit trail is append-only, even for direct SQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from ordertaking.audit.models import AuditEvent
from ordertaking.audit.services import AuditOutsideTransaction, event_record

DB_REFUSALS = DatabaseError  # IntegrityError on SQLite, ProgrammingError on PostgreSQL


def _event(actor):  # type: ignore[no-untyped-def]
    with transaction.atomic():
        return event_record(actor=actor, action="test.recorded", subject=actor, clause="P1.3",
                            after={"x": 1})


@pytest.mark.django_db
def test_p6_1_a_an_event_cannot_be_updated_by_the_orm(sales_rep):
    ev = _event(sales_rep)
    with pytest.raises(DB_REFUSALS), transaction.atomic():
        AuditEvent.objects.filter(pk=ev.pk).update(action="tampered")
    assert AuditEvent.objects.get(pk=ev.pk).action == "test.recorded"


@pytest.mark.django_db
def test_p6_1_a_an_event_cannot_be_deleted_even_with_raw_sql(sales_rep):
    ev = _event(sales_rep)
    with pytest.raises(DB_REFUSALS), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditevent WHERE id = %s", [ev.pk])
    assert AuditEvent.objects.filter(pk=ev.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_p4_2_a_an_event_outside_a_transaction_is_refused(sales_rep):
    before = AuditEvent.objects.count()
    with pytest.raises(AuditOutsideTransaction):
        event_record(actor=sales_rep, action="x", subject=sales_rep)
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_p6_1_a_the_guard_holds_in_transactional_tests_too(sales_rep):
    ev = _event(sales_rep)
    with pytest.raises(DB_REFUSALS), transaction.atomic():
        AuditEvent.objects.filter(pk=ev.pk).delete()
    assert AuditEvent.objects.filter(pk=ev.pk).exists()


@pytest.mark.django_db
def test_p6_1_a_the_admin_offers_no_change_or_delete(admin_client, sales_rep):
    ev = _event(sales_rep)
    resp = admin_client.post(f"/admin/audit/auditevent/{ev.pk}/delete/", {"post": "yes"})
    assert resp.status_code == 403
    assert AuditEvent.objects.filter(pk=ev.pk).exists()
