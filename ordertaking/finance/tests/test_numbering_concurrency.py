"""Numbered finance documents stay unique and gap-free when finance clerks write at the same moment
(issue 8: two concurrent credit notes for one customer took the same number, because
`select_for_update().count()` locks nothing). PostgreSQL: real concurrent transactions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction

from ordertaking.common.numbering import next_in_series
from ordertaking.finance.models import CreditNote, Invoice
from ordertaking.finance.services import credit_note_issue, invoice_issue
from tests.concurrency import errors_of, race

THREADS, PER_THREAD = 6, 5


def _run_together(work, n: int) -> list[BaseException]:  # type: ignore[no-untyped-def]
    return errors_of(race(*[lambda i=i: work(i) for i in range(n)]))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_P3_6_concurrent_credit_notes_for_one_customer_get_distinct_gap_free_numbers(finance_user, customer):
    def work(i: int) -> None:
        for j in range(PER_THREAD):
            credit_note_issue(customer=customer, actor=finance_user, amount=Decimal("10.00"),
                              reason=f"compensation {i}-{j}")

    assert _run_together(work, THREADS) == []
    numbers = sorted(CreditNote.objects.filter(customer=customer).values_list("number", flat=True))
    expected = [f"CN-{customer.pk:05d}-{n:03d}" for n in range(1, THREADS * PER_THREAD + 1)]
    assert numbers == expected


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_document_gives_its_number_back_under_concurrency():
    def work(i: int) -> None:
        for j in range(PER_THREAD):
            try:
                with transaction.atomic():
                    next_in_series("TEST-SERIES")
                    if (i + j) % 3 == 0:
                        raise RuntimeError("roll back")
            except RuntimeError:
                pass

    assert _run_together(work, THREADS) == []
    kept = sum(1 for i in range(THREADS) for j in range(PER_THREAD) if (i + j) % 3)
    with transaction.atomic():
        assert next_in_series("TEST-SERIES") == kept + 1


@pytest.mark.django_db
def test_P3_6_invoice_and_credit_note_numbers_continue_after_the_last_one_in_use(finance_user, customer, make_order,
                                                                               approve, evaluate):
    """The counter starts after numbers issued before it existed (the migration seeds it), and an
    invoice's number comes from its order's series."""
    from ordertaking.common.models import DocumentCounter

    DocumentCounter.objects.create(series=f"CN-{customer.pk:05d}", last=7)
    note = credit_note_issue(customer=customer, actor=finance_user, amount=Decimal("1.00"), reason="r")
    assert note.number == f"CN-{customer.pk:05d}-008"
    evaluate(customer, limit="1000000")
    order, _hold = approve(make_order(customer, total="32000.00", payment="net30", qty="10"))
    first = invoice_issue(order=order, actor=finance_user, lines=[
        {"order_line": order.lines.get().pk, "quantity": Decimal("4")}])
    second = invoice_issue(order=order, actor=finance_user)
    assert [first.number, second.number] == [f"INV-{order.number}-01", f"INV-{order.number}-02"]
    assert Invoice.objects.filter(order=order).count() == 2
