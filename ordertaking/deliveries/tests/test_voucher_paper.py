"""P2.5.b: a delivery voucher signed on paper on site — the sales rep uploads its scan; the voucher is then
final, its hash (content + scan) on the audit chain, the scan can't be removed, and the order is delivered
once every voucher is signed, on paper or online."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ordertaking.attachments.models import Attachment
from ordertaking.attachments.services import attachment_remove
from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.deliveries.models import DeliveryVoucher
from ordertaking.deliveries.voucher_rules import content_hash
from ordertaking.deliveries.voucher_services import voucher_paper_record, voucher_sign

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _scan(name: str = "交付凭证.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_p2_5_b_the_rep_records_the_paper_voucher_and_its_hash_is_on_the_audit_chain(shipped, sales_rep):
    order, first, _second = shipped
    voucher_paper_record(voucher=first, actor=sales_rep, file=_scan(), signer_name=" 徐建平 ")
    first.refresh_from_db()
    assert first.state == DeliveryVoucher.State.SIGNED_ON_PAPER
    assert first.signer_name == "徐建平" and first.recorded_by == sales_rep
    assert first.scan is not None and first.scan.kind == Attachment.Kind.VOUCHER_SCAN
    with first.scan.file.open("rb") as f:
        assert f.read() == PDF
    [event] = AuditEvent.objects.filter(subject_type="orders.order", subject_id=str(order.pk),
                                       action="delivery_voucher.signed_on_paper")
    assert event.after is not None and event.after["sha256"] == first.content_hash and len(first.content_hash) == 64
    # The hash covers the scan's bytes: another scan would not give it.
    assert content_hash(b"x", PDF) != first.content_hash


def test_p2_5_b_a_signed_paper_voucher_is_final_and_its_scan_stays(shipped, sales_rep, signature):
    _order, first, _second = shipped
    voucher_paper_record(voucher=first, actor=sales_rep, file=_scan(), signer_name="徐建平")
    first.refresh_from_db()
    with pytest.raises(InvalidTransition):
        voucher_paper_record(voucher=first, actor=sales_rep, file=_scan(), signer_name="别人")
    with pytest.raises(InvalidTransition):
        voucher_sign(voucher=first, signer_name="别人", signature=signature)
    with pytest.raises(Conflict):
        attachment_remove(actor=sales_rep, attachment=first.scan, reason="传错了")
    assert Attachment.objects.filter(kind=Attachment.Kind.VOUCHER_SCAN, removed_at__isnull=True).count() == 1


def test_p2_5_b_paper_and_online_together_deliver_the_order(shipped, sales_rep, signature):
    order, first, second = shipped
    voucher_paper_record(voucher=first, actor=sales_rep, file=_scan(), signer_name="徐建平")
    order.refresh_from_db()
    assert order.state != "delivered"
    voucher_sign(voucher=second, signer_name="徐建平", signature=signature)
    order.refresh_from_db()
    assert order.state == "delivered"


def test_p2_5_b_only_the_orders_rep_or_the_order_center_records_it(shipped, sales_rep2):
    _order, first, _second = shipped
    with pytest.raises(PermissionDenied):
        voucher_paper_record(voucher=first, actor=sales_rep2, file=_scan(), signer_name="徐建平")
    first.refresh_from_db()
    assert first.state == "open" and not Attachment.objects.exists()


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"signer_name": "  "}, "signer_name"),
    ({"file": None}, "file"),
    ({"file": SimpleUploadedFile("v.html", b"<html><script>alert(1)</script></html>", content_type="text/html")},
     "file"),
])
def test_p2_5_b_bad_input_is_refused_by_field_and_nothing_is_written(shipped, sales_rep, kwargs, field):
    _order, first, _second = shipped
    args = {"signer_name": "徐建平", "file": _scan(), **kwargs}
    with pytest.raises(ValidationFailed) as e:
        voucher_paper_record(voucher=first, actor=sales_rep, **args)
    assert e.value.field == field
    first.refresh_from_db()
    assert first.state == "open" and not Attachment.objects.exists()


def test_p2_5_b_the_page_form_records_it_and_bad_input_reshows_the_form(client, shipped, sales_rep):
    _order, first, _second = shipped
    client.force_login(sales_rep)
    page = client.get(f"/deliveries/vouchers/{first.number}/")
    assert 'data-testid="paper-voucher"' in page.content.decode()
    bad = client.post(f"/deliveries/vouchers/{first.number}/paper/", {"signer_name": "徐建平"})
    assert bad.status_code == 422 and 'is-invalid' in bad.content.decode()
    ok = client.post(f"/deliveries/vouchers/{first.number}/paper/",
                     {"signer_name": "徐建平", "signed_at": "", "file": _scan()})
    assert ok.status_code == 302
    first.refresh_from_db()
    assert first.state == "signed_on_paper"
    page = client.get(f"/deliveries/vouchers/{first.number}/").content.decode()
    assert 'data-testid="voucher-scan"' in page and 'data-testid="paper-voucher"' not in page


def test_p2_5_b_the_api_records_it_with_a_multipart_upload(client, shipped, sales_rep):
    _order, first, _second = shipped
    client.force_login(sales_rep)
    r = client.post(f"/api/v1/deliveries/vouchers/{first.number}/paper", {"signer_name": "徐建平", "file": _scan()})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "signed_on_paper" and r.json()["signed_online"] is False
    again = client.post(f"/api/v1/deliveries/vouchers/{first.number}/paper", {"signer_name": "徐", "file": _scan()})
    assert again.status_code == 409
