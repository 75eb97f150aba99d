"""PostgreSQL proofs (P2.5.b): two signings of one voucher at the same moment sign it once; the two last
vouchers of an order signed at the same moment deliver the order once. The order row lock, taken first by
every voucher write, serialises them."""

from __future__ import annotations

import pytest

from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import InvalidTransition
from ordertaking.deliveries.models import DeliveryVoucher
from ordertaking.deliveries.voucher_services import voucher_content_hash, voucher_sign
from tests.concurrency import errors_of, race

from .conftest import drawn_signature


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_P2_5_b_two_signings_of_one_voucher_at_once_sign_it_once(shipped):
    order, first, _second = shipped
    sigs = [drawn_signature(600, 200), drawn_signature(500, 200)]
    results = race(*[lambda i=i: voucher_sign(voucher=first, signer_name=f"签收人{i}", signature=sigs[i])
                     for i in range(2)])
    errors = errors_of(results)
    assert len(errors) == 1 and isinstance(errors[0], InvalidTransition)
    first.refresh_from_db()
    winner = next(i for i, r in enumerate(results) if not isinstance(r, BaseException))
    assert first.signer_name == f"签收人{winner}"
    assert voucher_content_hash(first, sigs[winner]) == first.content_hash
    assert AuditEvent.objects.filter(subject_id=str(order.pk), action="delivery_voucher.signed").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_P2_5_b_the_last_two_vouchers_signed_at_once_deliver_the_order_once(shipped, signature):
    order, first, second = shipped
    results = race(lambda: voucher_sign(voucher=first, signer_name="王五", signature=signature),
                   lambda: voucher_sign(voucher=second, signer_name="王五", signature=signature))
    assert not errors_of(results)
    order.refresh_from_db()
    assert order.state == "delivered"
    assert set(DeliveryVoucher.objects.filter(order=order).values_list("state", flat=True)) == {"signed"}
    moves = [e for e in AuditEvent.objects.filter(subject_id=str(order.pk), action="delivery_voucher.signed")
             if (e.after or {}).get("state") == "delivered"]
    assert len(moves) == 1
