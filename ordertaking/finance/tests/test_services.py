"""Receivables services (P3.6): invoices (whole or partial), payments over several invoices,
credit notes, statement and aging on known data; bad input refused with clear errors."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.credit.models import CustomerCredit
from ordertaking.finance.models import CreditNote, Invoice, Payment
from ordertaking.finance.selectors import aging, statement
from ordertaking.finance.services import credit_note_apply, credit_note_issue, invoice_issue, payment_record

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def approved(customer, make_order, approve, evaluate):  # type: ignore[no-untyped-def]
    evaluate(customer, limit="1000000")

    def make(total="32000.00", payment="net30", qty="10"):  # type: ignore[no-untyped-def]
        order, _hold = approve(make_order(customer, total=total, payment=payment, qty=qty))
        return order

    return make


def test_p3_6_an_approved_order_is_invoiced_whole_with_the_due_date_from_its_term(approved, finance_user):
    order = approved()
    inv = invoice_issue(order=order, actor=finance_user)
    assert inv.amount == D("32000.00") and inv.due_date == inv.issue_date + timedelta(days=30)
    assert inv.number == f"INV-{order.number}-01"
    credit = CustomerCredit.objects.get(customer=order.customer)
    assert (credit.approved_uninvoiced, credit.invoiced_unpaid) == (D("0.00"), D("32000.00"))
    assert AuditEvent.objects.get(action="invoice.issued").subject_id == str(order.pk)


def test_p3_6_partial_invoices_by_quantity_never_exceed_the_order(approved, finance_user):
    order = approved()
    line = order.lines.get()
    first = invoice_issue(order=order, actor=finance_user, lines=[{"order_line": line.pk, "quantity": "6"}])
    assert first.amount == D("19200.00")
    with pytest.raises(ValidationFailed) as exc:
        invoice_issue(order=order, actor=finance_user, lines=[{"order_line": line.pk, "quantity": "5"}])
    assert exc.value.code == "over_invoiced" and exc.value.field == "lines.0.quantity"
    rest = invoice_issue(order=order, actor=finance_user)
    assert rest.amount == D("12800.00") and rest.number.endswith("-02")
    with pytest.raises(ValidationFailed) as exc:
        invoice_issue(order=order, actor=finance_user)
    assert exc.value.code == "nothing_to_invoice"


def test_p3_6_an_order_not_approved_cannot_be_invoiced(customer, make_order, finance_user):
    order = make_order(customer, state="submitted")
    with pytest.raises(InvalidTransition):
        invoice_issue(order=order, actor=finance_user)
    assert Invoice.objects.count() == 0


def test_p3_6_only_finance_invoices_and_records_payments(approved, sales_rep, leader):
    order = approved()
    for who in (sales_rep, leader):
        with pytest.raises(PermissionDenied):
            invoice_issue(order=order, actor=who)
        with pytest.raises(PermissionDenied):
            payment_record(customer=order.customer, actor=who, amount="1")
    assert Invoice.objects.count() == 0 and Payment.objects.count() == 0


@pytest.mark.parametrize(("kwargs", "field", "code"), [
    ({"amount": "-100"}, "amount", "negative_amount"),
    ({"amount": "0"}, "amount", "zero_amount"),
    ({"amount": "12.345"}, "amount", "invalid_amount"),
    ({"amount": "abc"}, "amount", "invalid_amount"),
    ({"currency": "USD"}, "currency", "unknown_currency"),
])
def test_p3_6_bad_payment_input_is_refused_with_a_clear_error(approved, finance_user, kwargs, field, code):
    order = approved()
    with pytest.raises(ValidationFailed) as exc:
        payment_record(customer=order.customer, actor=finance_user, **{"amount": "100", **kwargs})
    assert (exc.value.field, exc.value.code) == (field, code)
    assert Payment.objects.count() == 0


def test_p3_6_a_payment_larger_than_the_invoice_is_refused_and_nothing_is_written(approved, finance_user):
    order = approved()
    inv = invoice_issue(order=order, actor=finance_user)
    with pytest.raises(ValidationFailed) as exc:
        payment_record(customer=order.customer, actor=finance_user, amount="40000",
                       allocations=[{"invoice": inv.pk, "amount": "32000.01"}])
    assert exc.value.code == "payment_exceeds_invoice" and exc.value.field == "allocations.0.amount"
    inv.refresh_from_db()
    assert inv.settled_amount == 0 and Payment.objects.count() == 0
    assert CustomerCredit.objects.get(customer=order.customer).invoiced_unpaid == D("32000.00")


def test_p3_6_one_payment_settles_several_invoices_and_keeps_the_rest_unallocated(approved, finance_user):
    a = invoice_issue(order=approved(total="1000.00"), actor=finance_user)
    b = invoice_issue(order=approved(total="2000.00"), actor=finance_user)
    p = payment_record(customer=a.customer, actor=finance_user, amount="2500.00", reference="BANK-1",
                       allocations=[{"invoice": a, "amount": "1000.00"}, {"invoice": b, "amount": "1200.00"}])
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.state == "paid" and a.settled_on == timezone.localdate()
    assert b.state == "open" and b.open_amount == D("800.00")
    assert p.unallocated == D("300.00")
    assert CustomerCredit.objects.get(customer=a.customer).invoiced_unpaid == D("800.00")


def test_p3_6_allocations_cannot_exceed_the_payment(approved, finance_user):
    a = invoice_issue(order=approved(total="1000.00"), actor=finance_user)
    with pytest.raises(ValidationFailed) as exc:
        payment_record(customer=a.customer, actor=finance_user, amount="500",
                       allocations=[{"invoice": a, "amount": "600"}])
    assert exc.value.code == "allocations_exceed_payment"


def test_p3_6_another_customers_invoice_is_refused(approved, finance_user, catalog, sales_rep):
    from ordertaking.customers.models import Customer

    other = Customer.objects.create(name="其他公司", created_by=sales_rep)
    inv = invoice_issue(order=approved(total="1000.00"), actor=finance_user)
    with pytest.raises(ValidationFailed) as exc:
        payment_record(customer=other, actor=finance_user, amount="100", allocations=[{"invoice": inv,
                                                                                     "amount": "100"}])
    assert exc.value.field == "allocations.0.invoice"


def test_p3_6_a_credit_note_is_used_later_against_an_invoice(approved, finance_user):
    inv = invoice_issue(order=approved(total="1000.00"), actor=finance_user)
    note = credit_note_issue(customer=inv.customer, actor=finance_user, amount="300", reason="质量问题赔偿 P2.5.d")
    credit_note_apply(credit_note=note, invoice=inv, actor=finance_user, amount="200")
    note.refresh_from_db()
    inv.refresh_from_db()
    assert note.remaining == D("100.00") and inv.open_amount == D("800.00")
    with pytest.raises(ValidationFailed) as exc:
        credit_note_apply(credit_note=note, invoice=inv, actor=finance_user, amount="150")
    assert exc.value.code == "credit_note_exceeded"
    assert CustomerCredit.objects.get(customer=inv.customer).invoiced_unpaid == D("800.00")
    with pytest.raises(ValidationFailed):
        credit_note_issue(customer=inv.customer, actor=finance_user, amount="-5", reason="x")
    assert CreditNote.objects.count() == 1


def test_p3_6_the_statement_runs_a_balance_over_invoices_payments_and_credit_notes(
        approved, finance_user):
    inv = invoice_issue(order=approved(total="1000.00"), actor=finance_user)
    payment_record(customer=inv.customer, actor=finance_user, amount="400",
                   allocations=[{"invoice": inv, "amount": "400"}])
    credit_note_issue(customer=inv.customer, actor=finance_user, amount="100", reason="赔偿")
    st = statement(finance_user, inv.customer_id)
    assert [e["kind"] for e in st["entries"]] == ["invoice", "payment", "credit_note"]
    assert [e["balance"] for e in st["entries"]] == [D("1000.00"), D("600.00"), D("500.00")]
    assert st["balance"] == D("500.00")


def test_p3_6_aging_on_known_data_per_customer_and_per_sales_rep(approved, finance_user, sales_rep):
    today = timezone.localdate()
    inv = [invoice_issue(order=approved(total=t), actor=finance_user, issue_date=today - timedelta(days=age))
           for t, age in (("100.00", 0), ("200.00", 40), ("400.00", 75), ("800.00", 130))]
    # net30: due 30 days after issue → overdue 0, 10, 45, 100 days.
    assert [i.due_date for i in inv] == [today + timedelta(days=30 - a) for a in (0, 40, 75, 130)]
    data = aging(finance_user, as_of=today)
    [row] = data["rows"]
    assert (row["current"], row["d1_30"], row["d31_60"], row["d61_90"], row["d90_plus"], row["total"]) == (
        D("100.00"), D("200.00"), D("400.00"), D("0.00"), D("800.00"), D("1500.00"))
    by_rep = aging(finance_user, as_of=today, by="sales_rep")
    assert by_rep["rows"][0]["name"] == str(sales_rep) and by_rep["total"]["total"] == D("1500.00")


def test_p3_6_aging_in_the_database_matches_the_rule_at_every_bucket_boundary(approved, finance_user):
    """The report sums the buckets in SQL (finance/selectors.py:aging); the pure rule
    (rules.aging_totals) is the oracle, on invoices due exactly at each boundary, one partly paid."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ordertaking.finance import rules

    today = timezone.localdate()
    overdue_days = (-5, 0, 1, 30, 31, 60, 61, 90, 91, 400)
    invoices = [invoice_issue(order=approved(total=f"{100 + k}.00"), actor=finance_user,
                              issue_date=today - timedelta(days=30 + d)) for k, d in enumerate(overdue_days)]
    payment_record(customer=invoices[3].customer, actor=finance_user, amount="40",
                   allocations=[{"invoice": invoices[3], "amount": "40"}])
    items = [(i.due_date, i.amount - (D("40.00") if i.pk == invoices[3].pk else D("0.00"))) for i in invoices]
    expected = rules.aging_totals(items, today)
    assert all(expected[b] > 0 for b in rules.BUCKETS)  # every bucket is exercised
    data = aging(finance_user, as_of=today)
    assert data["total"] == expected
    assert sum(r["total"] for r in data["rows"]) == expected["total"]
    with CaptureQueriesContext(connection) as few:
        aging(finance_user, as_of=today)
    invoice_issue(order=approved(total="5.00"), actor=finance_user, issue_date=today)
    with CaptureQueriesContext(connection) as more:
        aging(finance_user, as_of=today)
    assert len(more.captured_queries) == len(few.captured_queries) <= 3


def test_p3_6_the_aging_is_hidden_from_roles_without_finance_view(sales_rep):
    from ordertaking.common.errors import NotFound

    with pytest.raises(NotFound):
        aging(sales_rep, as_of=timezone.localdate())


def test_p3_6_an_invoice_line_rounds_like_its_order_line_and_leaves_no_fen_in_the_exposure(approved, finance_user):
    """1.5 × ¥3.31 = ¥4.965: ¥4.97 on the order, so ¥4.97 on the invoice too (common.money, half-up)."""
    order = approved(total="4.97", qty="1.5")
    assert order.lines.get().unit_price == D("3.31")
    inv = invoice_issue(order=order, actor=finance_user)
    assert inv.amount == D("4.97")
    assert inv.lines.get().amount == D("4.97")
    credit = CustomerCredit.objects.get(customer=order.customer)
    assert (credit.approved_uninvoiced, credit.invoiced_unpaid) == (D("0.00"), D("4.97"))
