"""Attachments (P2.5.b): files checked by their bytes, stored through Django's storage (for real, in a
temporary MEDIA_ROOT), never served inline, each upload and removal on the order's timeline."""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ordertaking.attachments import rules, services
from ordertaking.attachments.models import Attachment
from ordertaking.attachments.selectors import attachments_of
from ordertaking.attachments.targets import REMOVE_CHECKS, attachment_remove_check_add
from ordertaking.common.errors import Conflict, PermissionDenied, ValidationFailed
from tests.factories import events_since_built

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def docx(*, macro: bool = False, inner: str = "word/document.xml") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(inner, "<w:document/>")
        if macro:
            z.writestr("word/vbaProject.bin", b"\x00")
    return buf.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def order(make_order):  # type: ignore[no-untyped-def]
    return make_order(state="draft")


def up(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")  # the client's word is ignored


# --- the rule, without a database ------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "data", "kind"), [
    ("说明书.pdf", PDF, "pdf"), ("a.PNG", PNG, "png"), ("a.jpeg", JPG, "jpeg"),
    ("w.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 ", "webp"), ("记录.txt", "服务记录：已上门调试。".encode(), "txt"),
])
def test_P2_5_b_allowed_types_are_read_from_the_bytes(name, data, kind):
    assert rules.file_check(name=name, size=len(data), head=data[:4096], max_bytes=10_000).key == kind


@pytest.mark.parametrize(("name", "data", "zip_names", "code"), [
    ("page.html", b"<html><script>alert(1)</script>", None, "attachment_type"),
    ("logo.svg", b"<svg onload=alert(1)>", None, "attachment_type"),
    ("setup.exe", b"MZ\x90\x00", None, "attachment_type"),
    ("photo.jpg", b"<html><script>alert(1)</script>", None, "attachment_content"),
    ("notes.txt", b"<!DOCTYPE html><html>", None, "attachment_content"),
    ("notes.txt", b"MZ\x90\x00\x03\x00\x00\x00", None, "attachment_content"),
    ("report.pdf", PNG, None, "attachment_content"),
    ("macro.docx", docx(macro=True), ["[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"],
     "attachment_content"),
    ("sheet.xlsx", docx(), ["[Content_Types].xml", "word/document.xml"], "attachment_content"),
    ("empty.pdf", b"", None, "attachment_empty"),
    ("big.pdf", PDF + b"0" * 20_000, None, "attachment_too_large"),
])
def test_P2_5_b_refused_files(name, data, zip_names, code):
    with pytest.raises(ValidationFailed) as e:
        rules.file_check(name=name, size=len(data), head=data[:4096], max_bytes=10_000, zip_names=zip_names)
    assert (e.value.code, e.value.field) == (code, "file")


def test_P2_5_b_a_word_file_is_told_from_an_excel_file_by_its_entries():
    names = ["[Content_Types].xml", "xl/workbook.xml"]
    ftype = rules.file_check(name="报价.xlsx", size=100, head=b"PK\x03\x04", max_bytes=1000, zip_names=names)
    assert ftype.key == "xlsx"


def test_P5_2_b_production_uses_the_same_rule_for_its_inspection_photos():
    from ordertaking.production import rules as production_rules

    with pytest.raises(ValidationFailed) as e:
        production_rules.attachment_check(name="manual.docx", size=100, head=b"PK\x03\x04")
    assert e.value.code == "attachment_type" and e.value.field == "attachments"


# --- the service, the real storage ---------------------------------------------------------------------

def test_P2_5_b_a_file_on_an_order_is_stored_checked_and_on_its_timeline(order, sales_rep, media):
    att = services.attachment_add(actor=sales_rep, target=order, file=up("../../etc/说明书.pdf", PDF), kind="manual")
    att.refresh_from_db()
    assert (att.original_name, att.content_type, att.size) == ("说明书.pdf", "application/pdf", len(PDF))
    assert att.sha256 == hashlib.sha256(PDF).hexdigest() and att.order == order
    stored = att.file.name or ""
    assert stored.startswith("attachments/") and "说明书" not in stored  # our name, not theirs
    assert (media / att.file.name).read_bytes() == PDF  # really stored, under MEDIA_ROOT
    (ev,) = events_since_built(order, "attachment.added")
    assert ev.after == {"file_name": "说明书.pdf", "attachment_kind": "manual"} and ev.clause == "P2.5.b"
    assert list(attachments_of(order)) == [att]


def test_P2_5_b_a_refused_file_writes_nothing(order, sales_rep, media):
    with pytest.raises(ValidationFailed):
        services.attachment_add(actor=sales_rep, target=order, file=up("photo.jpg", b"<html>x</html>"), kind="photo")
    with pytest.raises(ValidationFailed):  # a photo must be an image
        services.attachment_add(actor=sales_rep, target=order, file=up("a.pdf", PDF), kind="photo")
    with pytest.raises(ValidationFailed):
        services.attachment_add(actor=sales_rep, target=order, file=up("a.pdf", PDF), kind="nonsense")
    assert not Attachment.objects.exists() and not events_since_built(order, "attachment.added")
    assert not (media / "attachments").exists() or not any((media / "attachments").rglob("*.*"))


def test_P2_5_b_who_may_attach_to_an_order(order, sales_rep, sales_rep2, finance_user, production_user):
    for outsider in (sales_rep2, finance_user):  # not their order; finance only reads
        with pytest.raises(PermissionDenied):
            services.attachment_add(actor=outsider, target=order, file=up("a.pdf", PDF), kind="other")
    services.attachment_add(actor=production_user, target=order, file=up("a.pdf", PDF), kind="manual")


def test_P2_5_b_only_the_uploader_removes_with_a_reason_and_the_bytes_go(order, sales_rep, make_user, media,
                                                                         django_capture_on_commit_callbacks):
    from ordertaking.accounts.roles import Role

    att = services.attachment_add(actor=sales_rep, target=order, file=up("a.pdf", PDF), kind="other")
    with pytest.raises(PermissionDenied):
        services.attachment_remove(actor=make_user("oc7", Role.ORDER_CENTER), attachment=att, reason="不需要")
    with pytest.raises(ValidationFailed):
        services.attachment_remove(actor=sales_rep, attachment=att, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_remove(actor=sales_rep, attachment=att, reason="传错了文件")
    att.refresh_from_db()
    assert att.removed and att.remove_reason == "传错了文件" and not default_storage.exists(att.file.name or "")
    (ev,) = events_since_built(order, "attachment.removed")
    assert ev.message == "传错了文件" and ev.before["file_name"] == "a.pdf"
    with pytest.raises(Conflict):
        services.attachment_remove(actor=sales_rep, attachment=att, reason="again")


def test_P2_5_b_a_rule_handed_down_keeps_a_file(order, sales_rep):
    att = services.attachment_add(actor=sales_rep, target=order, file=up("凭证.pdf", PDF), kind="voucher_scan")

    def signed_voucher_stays(a: Any) -> str | None:
        return "The voucher counts as signed: its scan stays." if a.kind == "voucher_scan" else None

    attachment_remove_check_add(signed_voucher_stays)
    try:
        with pytest.raises(Conflict) as e:
            services.attachment_remove(actor=sales_rep, attachment=att, reason="x")
        assert e.value.code == "must_stay"
    finally:
        REMOVE_CHECKS.remove(signed_voucher_stays)


# --- pages and API -------------------------------------------------------------------------------------

def test_P2_5_b_the_download_is_never_inline(client, order, sales_rep, sales_rep2):
    att = services.attachment_add(actor=sales_rep, target=order, file=up("说明书.pdf", PDF), kind="manual")
    client.force_login(sales_rep)
    r = client.get(reverse("attachments:download", args=[att.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert r["Content-Disposition"].startswith("attachment;") and r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Type"] == "application/pdf" and "sandbox" in r["Content-Security-Policy"]
    client.force_login(sales_rep2)  # not their order: as if it did not exist
    assert client.get(reverse("attachments:download", args=[att.pk])).status_code == 404


def test_P2_5_b_the_order_page_card_uploads_and_refuses_beside_the_form(client, order, sales_rep):
    client.force_login(sales_rep)
    assert reverse("attachments:card", args=["order", order.number]) in client.get(
        reverse("orders:detail", args=[order.number])).content.decode()
    url = reverse("attachments:upload", args=["order", order.number])
    r = client.post(url, {"kind": "manual", "file": up("说明书.pdf", PDF)}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "说明书.pdf" in r.content.decode()
    r = client.post(url, {"kind": "photo", "file": up("photo.jpg", b"<html><script>")}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422 and 'data-field="file"' in r.content.decode()
    r = client.post(url, {"kind": "manual"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422
    assert Attachment.objects.count() == 1


def test_P2_5_b_the_customer_page_card(client, customer, sales_rep):
    client.force_login(sales_rep)
    r = client.post(reverse("attachments:upload", args=["customer", customer.pk]),
                    {"kind": "contract", "file": up("框架合同.pdf", PDF)})
    assert r.status_code == 200
    att = Attachment.objects.get()
    assert att.order is None and att.target == customer
    body = client.get(reverse("attachments:card", args=["customer", customer.pk])).content.decode()
    assert "框架合同.pdf" in body


def test_P2_5_b_the_api_lists_uploads_downloads_and_removes(client, order, sales_rep):
    client.force_login(sales_rep)
    r = client.post(f"/api/v1/attachments/order/{order.number}", {"kind": "manual", "file": up("说明书.pdf", PDF)})
    assert r.status_code == 201, r.content
    att_id = r.json()["id"]
    assert r.json()["content_type"] == "application/pdf" and r.json()["kind_label"]
    r = client.post(f"/api/v1/attachments/order/{order.number}", {"kind": "manual", "file": up("x.html", b"<html>")})
    assert (r.status_code, r.json()["code"]) == (422, "attachment_type")
    r = client.get(f"/api/v1/attachments/order/{order.number}")
    assert r.json()["count"] == 1
    r = client.get(f"/api/v1/attachments/files/{att_id}/content")
    assert r["Content-Disposition"].startswith("attachment;")
    r = client.post(f"/api/v1/attachments/files/{att_id}/remove", {"reason": "重复"}, content_type="application/json")
    assert r.status_code == 200
    assert client.get(f"/api/v1/attachments/files/{att_id}").status_code == 404
    assert client.get("/api/v1/attachments/nothing/1").status_code == 404


def test_P2_5_b_the_order_card_keeps_its_query_count(client, order, sales_rep, django_assert_max_num_queries):
    client.force_login(sales_rep)
    url = reverse("attachments:card", args=["order", order.number])
    services.attachment_add(actor=sales_rep, target=order, file=up("a.pdf", PDF), kind="manual")
    with django_assert_max_num_queries(30) as first:
        client.get(url)
    for i in range(5):
        services.attachment_add(actor=sales_rep, target=order, file=up(f"a{i}.pdf", PDF), kind="manual")
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(url).status_code == 200


# --- where the files live ----------------------------------------------------------------------------------

def test_P2_5_b_uploads_go_to_the_file_system_unless_an_s3_bucket_is_set():
    from ordertaking.settings import uploads_storage

    assert uploads_storage({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    s3 = uploads_storage({"ORDERTAKING_S3_BUCKET": " ot-files ", "ORDERTAKING_S3_ENDPOINT_URL": "https://oss.example.cn",
                          "ORDERTAKING_S3_REGION": "cn-east-2", "ORDERTAKING_S3_PREFIX": "/prod/"})
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"]["bucket_name"] == "ot-files" and s3["OPTIONS"]["location"] == "prod"
    assert s3["OPTIONS"]["endpoint_url"] == "https://oss.example.cn" and "access_key" not in s3["OPTIONS"]
    from django.utils.module_loading import import_string

    storage = import_string(s3["BACKEND"])(**s3["OPTIONS"])  # the options are the backend's own (no network)
    assert storage.bucket_name == "ot-files" and storage.location == "prod"
