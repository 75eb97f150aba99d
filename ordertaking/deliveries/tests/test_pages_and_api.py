"""The voucher's staff pages, PDF and API (P2.5.b): the order page's card, the voucher page with the
documents handed over, the drawn signature, the PDF in Chinese and English, the same through /api/v1."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ordertaking.accounts.services import api_token_issue
from ordertaking.deliveries.voucher_services import voucher_sign
from tests.pdftext import pdf_words

pytestmark = pytest.mark.django_db
BASE = "/api/v1/deliveries/vouchers"


def bearer(user):  # type: ignore[no-untyped-def]
    _t, raw = api_token_issue(user=user, name="test", actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_p2_5_b_the_order_page_loads_the_voucher_card_listing_each_voucher(client, shipped, sales_rep):
    order, first, second = shipped
    client.force_login(sales_rep)
    page = client.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert reverse("deliveries:order_vouchers", args=[order.number]) in page
    assert reverse("deliveries:order_vouchers_pdf", args=[order.number]) in page  # Documents card
    card = client.get(reverse("deliveries:order_vouchers", args=[order.number])).content.decode()
    assert first.number in card and second.number in card


def test_p2_5_b_another_reps_voucher_is_not_found(client, shipped, sales_rep2):
    order, first, _second = shipped
    client.force_login(sales_rep2)
    assert client.get(reverse("deliveries:voucher", args=[first.number])).status_code == 404
    assert client.get(reverse("deliveries:order_vouchers", args=[order.number])).status_code == 404
    assert client.get(reverse("deliveries:voucher_pdf", args=[first.number])).status_code == 404


def test_p2_5_b_the_rep_ticks_the_documents_on_the_voucher_page(client, shipped, sales_rep):
    _order, first, _second = shipped
    client.force_login(sales_rep)
    page = client.get(reverse("deliveries:voucher", args=[first.number])).content.decode()
    assert 'data-testid="documents-form"' in page and 'data-testid="awaiting"' in page
    r = client.post(reverse("deliveries:voucher_documents", args=[first.number]),
                    {"documents": ["product_manual", "inspection_report"]})
    assert r.status_code == 302
    first.refresh_from_db()
    assert first.documents == ["product_manual", "inspection_report"]


def test_p2_5_b_the_signed_voucher_page_shows_the_signature_name_and_hash_and_no_form(client, shipped, sales_rep,
                                                                                       signature):
    _order, first, _second = shipped
    voucher_sign(voucher=first, signer_name="王五", signature=signature, ip="203.0.113.9")
    first.refresh_from_db()
    client.force_login(sales_rep)
    page = client.get(reverse("deliveries:voucher", args=[first.number])).content.decode()
    assert "王五" in page and first.content_hash in page and "203.0.113.9" in page
    assert 'data-testid="documents-form"' not in page
    img = client.get(reverse("deliveries:voucher_signature", args=[first.number]))
    assert img.status_code == 200 and img["Content-Type"] == "image/png" and img.content == signature
    assert img["X-Content-Type-Options"] == "nosniff"
    r = client.post(reverse("deliveries:voucher_documents", args=[first.number]), {"documents": []})
    assert r.status_code == 302  # the refusal shown on the page
    first.refresh_from_db()
    assert first.state == "signed"


def test_p2_5_b_the_open_voucher_pdf_has_the_lines_documents_and_an_empty_signature_block(client, shipped,
                                                                                           sales_rep):
    order, first, _second = shipped
    client.force_login(sales_rep)
    r = client.get(reverse("deliveries:voucher_pdf", args=[first.number]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    words = pdf_words(r.content)
    line = order.lines.get(position=1)
    for text in ("交付凭证", first.number, order.number, order.customer.name, line.name, "产品说明书",
                 "质量检验报告", "服务记录", "收货人签字"):
        assert text.replace(" ", "") in words, text


def test_p2_5_b_the_signed_voucher_pdf_shows_the_signer_time_and_hash_in_english_too(client, shipped, sales_rep,
                                                                                      signature):
    order, first, second = shipped
    voucher_sign(voucher=first, signer_name="Wang Wu", signature=signature)
    first.refresh_from_db()
    client.force_login(sales_rep)
    words = pdf_words(client.get(reverse("deliveries:voucher_pdf", args=[first.number]),
                                 HTTP_ACCEPT_LANGUAGE="en").content)
    assert "Deliveryvoucher" in words and "WangWu" in words and first.content_hash in words
    assert "Signedonline" in words
    both = pdf_words(client.get(reverse("deliveries:order_vouchers_pdf", args=[order.number]),
                                HTTP_ACCEPT_LANGUAGE="en").content)
    assert first.number in both and second.number in both


def test_p2_5_b_vouchers_through_the_api(client, shipped, sales_rep, sales_rep2, signature):
    order, first, _second = shipped
    h = bearer(sales_rep)
    r = client.get(BASE, {"order_number": order.number}, **h)
    assert r.status_code == 200 and r.json()["count"] == 2
    r = client.get(f"{BASE}/{first.number}", **h)
    assert r.json()["state"] == "open" and r.json()["lines"][0]["position"] == 1
    r = client.put(f"{BASE}/{first.number}/documents", {"documents": ["service_record"]},
                   content_type="application/json", **h)
    assert r.status_code == 200 and r.json()["documents"] == ["service_record"]
    r = client.put(f"{BASE}/{first.number}/documents", {"documents": ["passport"]},
                   content_type="application/json", **h)
    assert r.status_code == 422 and r.json()["field"] == "documents"
    assert client.get(f"{BASE}/{first.number}", **bearer(sales_rep2)).status_code == 404
    voucher_sign(voucher=first, signer_name="王五", signature=signature)
    r = client.put(f"{BASE}/{first.number}/documents", {"documents": []}, content_type="application/json", **h)
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    r = client.get(f"{BASE}/{first.number}", **h)
    assert r.json()["signed_online"] is True and len(r.json()["sha256"]) == 64
    pdf = client.get(f"{BASE}/{first.number}/voucher.pdf", **h)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
