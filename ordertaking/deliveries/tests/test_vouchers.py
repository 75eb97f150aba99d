"""The delivery voucher 交付凭证 (P2.5.b): issued with each dispatch, signed once by the customer (drawn
signature and typed name, time, IP, browser), its hash on the audit chain, immutable once signed; the
order is delivered when everything shipped and every voucher is signed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.deliveries import voucher_selectors as selectors
from ordertaking.deliveries.models import DeliveryVoucher, VoucherImmutable, VoucherLine
from ordertaking.deliveries.voucher_services import voucher_content_hash, voucher_documents_set, voucher_sign

from .conftest import drawn_signature

pytestmark = pytest.mark.django_db


def _events(order, action):  # type: ignore[no-untyped-def]
    return list(AuditEvent.objects.filter(subject_type="orders.order", subject_id=str(order.pk), action=action)
                .order_by("seq"))


def test_p2_5_b_each_dispatched_shipment_gets_its_open_voucher_with_the_shipments_lines(shipped):
    order, first, second = shipped
    assert first.number == first.shipment.number.replace("SHP-", "JF-")
    assert first.state == "open" and second.state == "open"
    assert [(ln.position, ln.quantity) for ln in first.lines.all()] == [(1, Decimal("10"))]
    assert [(ln.position, ln.name) for ln in second.lines.all()] == [(2, order.lines.get(position=2).name)]
    issued = _events(order, "delivery_voucher.issued")
    assert [e.after["voucher"] for e in issued] == [first.number, second.number]


def test_p2_5_b_a_planned_shipment_has_no_voucher_yet(approved_order, ship):
    shipment = ship(approved_order, {1: "5"})
    assert not DeliveryVoucher.objects.filter(shipment=shipment).exists()


def test_p2_5_b_the_customer_signs_and_the_hash_of_content_and_signature_is_on_the_audit_chain(shipped, signature):
    order, first, _second = shipped
    voucher_sign(voucher=first, signer_name=" 王五 ", signature=signature, ip="203.0.113.9",
                 user_agent="Mozilla/5.0 (iPhone)")
    first.refresh_from_db()
    assert first.state == "signed" and first.signer_name == "王五"
    assert bytes(first.signature) == signature
    assert first.signer_ip == "203.0.113.9" and first.signer_agent == "Mozilla/5.0 (iPhone)"
    assert first.signed_at is not None
    assert len(first.content_hash) == 64
    assert voucher_content_hash(first, signature) == first.content_hash
    [event] = _events(order, "delivery_voucher.signed")
    assert event.after["sha256"] == first.content_hash
    assert event.after["signer_name"] == "王五" and event.clause == "P2.5.b"
    assert event.actor_id is None
    # Another signature would not give this hash.
    assert voucher_content_hash(first, drawn_signature(500, 200)) != first.content_hash


def test_p2_5_b_a_voucher_is_signed_only_once(shipped, signature):
    _order, first, _second = shipped
    voucher_sign(voucher=first, signer_name="王五", signature=signature)
    with pytest.raises(InvalidTransition):
        voucher_sign(voucher=first, signer_name="李四", signature=drawn_signature(500, 180))
    first.refresh_from_db()
    assert first.signer_name == "王五" and bytes(first.signature) == signature


@pytest.mark.parametrize(("name", "sig", "field"), [
    ("", None, "signer_name"),
    ("王五", b"", "signature"),
    ("王五", b"GIF89a....", "signature"),
    ("王五", "blank", "signature"),
])
def test_p2_5_b_a_signing_without_name_or_a_real_drawn_signature_is_refused_and_nothing_written(
        shipped, signature, name, sig, field):  # type: ignore[no-untyped-def]
    order, first, _second = shipped
    given = signature if sig is None else drawn_signature(blank=True) if sig == "blank" else sig
    with pytest.raises(ValidationFailed) as e:
        voucher_sign(voucher=first, signer_name=name, signature=given)
    assert e.value.field == field
    first.refresh_from_db()
    assert first.state == "open" and not _events(order, "delivery_voucher.signed")


def test_p2_5_b_the_order_is_delivered_once_every_voucher_is_signed(shipped, signature):
    order, first, second = shipped
    assert order.state == "shipped"
    voucher_sign(voucher=first, signer_name="王五", signature=signature)
    order.refresh_from_db()
    assert order.state == "shipped"
    voucher_sign(voucher=second, signer_name="王五", signature=signature)
    order.refresh_from_db()
    assert order.state == "delivered"
    last = _events(order, "delivery_voucher.signed")[-1]
    assert last.before["state"] == "shipped" and last.after["state"] == "delivered"


def test_p2_5_b_a_partly_shipped_order_stays_partly_shipped_when_its_voucher_is_signed(approved_order, ship,
                                                                                       signature):
    shipment = ship(approved_order, {1: "4"}, dispatch=True)
    voucher_sign(voucher=shipment.voucher, signer_name="王五", signature=signature)
    approved_order.refresh_from_db()
    assert approved_order.state == "partly_shipped"
    assert selectors.delivered_quantities(approved_order) == {approved_order.lines.get(position=1).pk: Decimal("4")}


def test_p2_5_b_the_rep_ticks_the_documents_handed_over_while_open(shipped, sales_rep, signature):
    order, first, _second = shipped
    voucher_documents_set(voucher=first, actor=sales_rep, documents=["service_record", "product_manual"])
    first.refresh_from_db()
    assert first.documents == ["product_manual", "service_record"]  # the list's own order
    [event] = _events(order, "delivery_voucher.documents_set")
    assert event.after["documents"] == ["product_manual", "service_record"]
    with pytest.raises(ValidationFailed):
        voucher_documents_set(voucher=first, actor=sales_rep, documents=["passport"])
    voucher_sign(voucher=first, signer_name="王五", signature=signature)
    with pytest.raises(InvalidTransition):
        voucher_documents_set(voucher=first, actor=sales_rep, documents=[])


def test_p2_5_b_only_the_orders_rep_or_the_order_center_records_the_delivery(shipped, sales_rep2, logistics_user,
                                                                              reviewer):
    _order, first, _second = shipped
    for outsider in (sales_rep2, logistics_user):
        with pytest.raises(PermissionDenied):
            voucher_documents_set(voucher=first, actor=outsider, documents=["product_manual"])
    voucher_documents_set(voucher=first, actor=reviewer, documents=["product_manual"])  # order center


def test_p2_5_b_a_signed_voucher_cannot_be_saved_or_deleted_through_the_model(shipped, signature):
    _order, first, _second = shipped
    voucher_sign(voucher=first, signer_name="王五", signature=signature)
    voucher = DeliveryVoucher.objects.get(pk=first.pk)
    voucher.signer_name = "伪造"
    with pytest.raises(VoucherImmutable):
        voucher.save()
    with pytest.raises(VoucherImmutable):
        voucher.delete()
    assert DeliveryVoucher.objects.get(pk=first.pk).signer_name == "王五"


@pytest.mark.parametrize("sql", [
    "UPDATE deliveries_deliveryvoucher SET signer_name = 'forged' WHERE id = %s",
    "UPDATE deliveries_deliveryvoucher SET state = 'open' WHERE id = %s",
    "DELETE FROM deliveries_deliveryvoucher WHERE id = %s",
    "UPDATE deliveries_voucherline SET quantity = 1 WHERE voucher_id = %s",
    "DELETE FROM deliveries_voucherline WHERE voucher_id = %s",
])
def test_p2_5_b_the_database_refuses_to_change_a_signed_voucher(shipped, signature, sql):
    _order, first, second = shipped
    voucher_sign(voucher=first, signer_name="王五", signature=signature)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, [first.pk])
    first.refresh_from_db()
    assert first.signer_name == "王五" and first.state == "signed"
    # An open voucher is an ordinary row.
    with connection.cursor() as cur:
        cur.execute("UPDATE deliveries_voucherline SET unit = 'x' WHERE voucher_id = %s", [second.pk])
    assert VoucherLine.objects.get(voucher=second).unit == "x"


def test_p2_5_b_a_bulk_update_through_the_orm_is_refused_too(shipped, signature):
    _order, first, _second = shipped
    voucher_sign(voucher=first, signer_name="王五", signature=signature)
    with pytest.raises(IntegrityError), transaction.atomic():
        DeliveryVoucher.objects.filter(pk=first.pk).update(signer_name="forged")
