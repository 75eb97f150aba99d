"""common/prepared.py: a read compiled once per process gives what its queryset gives, in one statement, and
refuses what would make it give something else."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection, transaction
from django.db.models import BooleanField, Count, Exists, OuterRef, Value
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext, override_settings

from ordertaking.common.prepared import Prepared, PreparedMismatch
from ordertaking.customers.models import Contact, Customer


def _customers(pk: int, rep_id: int):  # type: ignore[no-untyped-def]
    return (Customer.objects.select_related("region", "sales_rep")
            .annotate(n_contacts=Count("contacts"), rep_is=Exists(Customer.objects.filter(pk=OuterRef("pk"),
                                                                                        sales_rep_id=rep_id)))
            .filter(pk=pk))


@pytest.mark.django_db
def test_a_prepared_read_gives_the_querysets_row_with_its_joins_and_columns_in_one_statement(customer, sales_rep,
                                                                                         sales_rep2):
    prepared = Prepared(_customers)
    Contact.objects.create(customer=customer, name="王工", phone="13900000000")
    for rep, expected in ((sales_rep, True), (sales_rep2, False)):  # the second call binds, compiles nothing
        with CaptureQueriesContext(connection) as q:
            got = prepared.get(pk=customer.pk, rep_id=rep.pk)
            region, rep_name = got.region.name, got.sales_rep.username  # joined: no further query
        assert len(q.captured_queries) == 1
        want = _customers(customer.pk, rep.pk).get()
        assert (got.pk, got.name, got.n_contacts, got.rep_is) == (want.pk, want.name, 2, expected)
        assert (region, rep_name) == (want.region.name, want.sales_rep.username)
    with pytest.raises(Customer.DoesNotExist):
        prepared.get(pk=customer.pk + 1000, rep_id=sales_rep.pk)
    assert prepared.all(pk=customer.pk + 1000, rep_id=sales_rep.pk) == []
    # A key no database holds matches nothing, as Django's own lookups (SQLite would overflow on it).
    assert prepared.all(pk=2**70, rep_id=sales_rep.pk) == list(_customers(2**70, sales_rep.pk)) == []


@pytest.mark.django_db
def test_the_statement_is_built_once_per_process_and_only_its_values_change(customer, sales_rep, monkeypatch):
    built = []

    def build(pk: int, rep_id: int):  # type: ignore[no-untyped-def]
        built.append((pk, rep_id))
        return _customers(pk, rep_id)

    prepared = Prepared(build)
    with override_settings(ORDERTAKING_PREPARED_CHECK=False):
        for _ in range(3):
            prepared.get(pk=customer.pk, rep_id=sales_rep.pk)
    assert len(built) == 1 and built[0] != (customer.pk, sales_rep.pk)  # built once, with placeholders


@pytest.mark.django_db
def test_a_build_that_reads_something_changing_is_caught_by_the_check(customer, sales_rep):
    counter = itertools.count()
    prepared = Prepared(lambda pk: Customer.objects.annotate(n=Value(next(counter))).filter(pk=pk))
    with override_settings(ORDERTAKING_PREPARED_CHECK=True), pytest.raises(PreparedMismatch):
        prepared.get(pk=customer.pk)


@pytest.mark.django_db
def test_a_slot_that_does_not_reach_the_sql_and_values_for_other_slots_are_refused(customer):
    with pytest.raises(ValueError, match="rep_id"):
        Prepared(lambda pk, rep_id: Customer.objects.filter(pk=pk)).get(pk=customer.pk, rep_id=1)
    with pytest.raises(TypeError):
        Prepared(lambda pk: Customer.objects.filter(pk=pk)).get(id=customer.pk)
    with pytest.raises(TypeError, match="pk"):  # Django would filter IS NULL; the bound SQL could not
        Prepared(lambda pk: Customer.objects.filter(pk=pk)).get(pk=None)


@pytest.mark.django_db(transaction=True)
def test_a_prepared_lock_is_refused_outside_a_transaction_as_djangos_own(customer):
    locking = Prepared(lambda pk: Customer.objects.select_for_update().filter(pk=pk))
    if connection.features.has_select_for_update:
        with pytest.raises(TransactionManagementError):
            locking.get(pk=customer.pk)
        with pytest.raises(TransactionManagementError):
            Customer.objects.select_for_update().filter(pk=customer.pk).get()
    with transaction.atomic():
        assert locking.get(pk=customer.pk).pk == customer.pk


@pytest.mark.django_db
def test_prepared_rows_are_what_values_list_gives_unions_text_slots_and_converters_included(customer):
    def build(pk: int, name: str):  # type: ignore[no-untyped-def]
        flag = BooleanField()
        by_pk = Customer.objects.filter(pk=pk).order_by().annotate(flag=Value(True, output_field=flag))
        by_name = Customer.objects.filter(name=name).order_by().annotate(flag=Value(False, output_field=flag))
        return by_pk.values_list("pk", "name", "flag").union(by_name.values_list("pk", "name", "flag"), all=True)

    prepared = Prepared(build)
    for name in (customer.name, "无此客户"):
        got = prepared.rows(pk=customer.pk, name=name)
        assert sorted(got) == sorted(build(customer.pk, name))
        assert all(type(flag) is bool for _pk, _name, flag in got)  # SQLite's 0/1 converted, as values_list does
    assert sorted(prepared.rows(pk=customer.pk, name=customer.name)) == [(customer.pk, customer.name, False),
                                                                         (customer.pk, customer.name, True)]
    assert prepared.rows(pk=2**70, name="x") == []


@pytest.mark.django_db
def test_issue_14_the_row_converters_are_worked_out_once_and_still_convert_every_row(customer, monkeypatch):
    """A lock read has a hundred columns; Django works out each one's converters at every execution. The
    prepared read works them out at its first execution on a connection, and its rows still come back
    converted: a boolean SQLite gives as 0/1, a decimal to its field's places, an aware time."""
    from django.db.models import Q
    from django.db.models.sql.compiler import SQLCompiler

    from ordertaking.credit.models import CustomerCredit

    asked = []
    original = SQLCompiler.get_converters

    def counting(self, expressions):  # type: ignore[no-untyped-def]
        asked.append(len(expressions))
        return original(self, expressions)

    credit = CustomerCredit.objects.create(customer=customer)
    monkeypatch.setattr(SQLCompiler, "get_converters", counting)

    def build(pk: int):  # type: ignore[no-untyped-def]
        return CustomerCredit.objects.select_related("customer").annotate(flag=Q(pk=pk)).filter(pk=pk)

    prepared = Prepared(build)
    with override_settings(ORDERTAKING_PREPARED_CHECK=False):
        rows = [prepared.get(pk=credit.pk) for _ in range(3)]
    assert len(asked) == 1 and asked[0] > 20  # once, for every column of both rows
    want = build(credit.pk).get()
    for got in rows:
        assert got.flag is True and type(got.flag) is bool
        assert str(got.credit_limit) == str(want.credit_limit) == "0.00"
        assert got.updated_at == want.updated_at and got.updated_at.tzinfo is not None
        assert got.customer.name == customer.name and got.payment_kinds == want.payment_kinds == []
