"""Supervision fixtures: orders taken through the real services to each step of the regulation, and
the way to break them behind the application's back (what an inspection must catch, P6.1.a)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction

from ordertaking.deliveries.tests import conftest as deliveries_fixtures
from ordertaking.logistics.tests import conftest as logistics_fixtures

from .fakes import auditor2, engine, orders  # noqa: F401  (the inspection workflow's fixtures)

# Logistics' and deliveries' fixtures, shared: the approved order whose motors production made, a
# carrier, ship(), a drawn signature.
unproduced_order = logistics_fixtures.unproduced_order
approved_order = logistics_fixtures.approved_order
carrier = logistics_fixtures.carrier
ship = logistics_fixtures.ship
signature = deliveries_fixtures.signature
_media = deliveries_fixtures._media


def accept_all(order: Any, actor: Any) -> None:
    from ordertaking.deliveries.acceptance.services import acceptance_record

    entries = [(ln, deliveries_fixtures.verdicts()) for ln in order.lines.order_by("position")]
    acceptance_record(order=order, entries=entries, actor=actor, customer_name="刘经理")


def invoice_and_pay(order: Any, actor: Any) -> None:
    from ordertaking.finance.services import invoice_issue, payment_record

    invoice = invoice_issue(order=order, actor=actor)
    payment_record(customer=order.customer, actor=actor, amount=invoice.amount,
                   allocations=[{"invoice": invoice, "amount": invoice.amount}])


@pytest.fixture
def closed_order(approved_order, ship, signature, sales_rep, finance_user):  # type: ignore[no-untyped-def]
    """The whole way, as the regulation wants it: approved, produced and inspected, shipped after the
    readiness checklist, the voucher signed with the inspection report and manual handed over, accepted,
    invoiced, paid and closed."""
    from ordertaking.deliveries.voucher_services import voucher_documents_set, voucher_sign

    shipment = ship(approved_order, {1: "10", 2: "4"}, dispatch=True)
    voucher_documents_set(voucher=shipment.voucher, actor=sales_rep,
                          documents=["inspection_report", "product_manual"])
    voucher_sign(voucher=shipment.voucher, signer_name="刘经理", signature=signature)
    approved_order.refresh_from_db()
    accept_all(approved_order, sales_rep)
    invoice_and_pay(approved_order, finance_user)
    approved_order.refresh_from_db()
    assert approved_order.state == "closed"
    return approved_order


def record_around(order: Any, actor: Any, action: str, **fields: Any) -> Any:
    """An event written as a service that skipped its checks would write it (through the audit trail,
    so the chain stays intact: what is wrong is the process, not the record)."""
    from ordertaking.audit.services import event_record

    with transaction.atomic():
        return event_record(actor=actor, action=action, subject=order, **fields)


def attack(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
    """What someone with the application's database login can do: lower the guard and rewrite."""
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_guard SET enabled = 0")
        cur.execute(sql, list(params))
        cur.execute("UPDATE audit_guard SET enabled = 1")
