"""The customer signs the delivery voucher on their phone through the order's private link (P2.5.b): the
section, the page, the signing with the drawn signature (time, IP, browser recorded), the PDF with the
QR code of the customer's page; a wrong, revoked or another order's token reaches nothing."""

from __future__ import annotations

import base64

import pytest
from django.urls import reverse

from ordertaking.audit.models import AuditEvent
from ordertaking.deliveries.models import DeliveryVoucher
from ordertaking.portal.selectors import link_token
from ordertaking.portal.services import portal_link_issue, portal_link_revoke
from tests.pdftext import pdf_words

from .conftest import drawn_signature

pytestmark = pytest.mark.django_db
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Mobile/15E148"


@pytest.fixture
def link(shipped, sales_rep):  # type: ignore[no-untyped-def]
    order, _first, _second = shipped
    return portal_link_issue(actor=sales_rep, order=order, send=False)


def _url(link, voucher, name="voucher"):  # type: ignore[no-untyped-def]
    return reverse(f"deliveries_portal:{name}", args=[link_token(link), voucher.number])


def _data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def test_p2_5_b_the_customer_sees_the_voucher_section_and_its_lines(client, shipped, link):
    order, first, second = shipped
    token = link_token(link)
    overview = client.get(reverse("portal:overview", args=[token])).content.decode()
    assert reverse("deliveries_portal:vouchers", args=[token]) in overview
    listing = client.get(reverse("deliveries_portal:vouchers", args=[token]))
    assert listing.status_code == 200
    assert first.number in listing.content.decode() and second.number in listing.content.decode()
    page = client.get(_url(link, first)).content.decode()
    assert order.lines.get(position=1).name in page and 'data-testid="portal-sign-form"' in page
    assert "signature.js" in page


def test_p2_5_b_the_customer_signs_with_name_and_drawing_and_time_ip_browser_are_kept(client, shipped, link,
                                                                                         settings):
    order, first, _second = shipped
    settings.ORDERTAKING_TRUSTED_PROXIES = ["127.0.0.1"]
    png = drawn_signature()
    r = client.post(_url(link, first), {"signer_name": "徐建平", "signature": _data_url(png)},
                    HTTP_USER_AGENT=IPHONE, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="117.136.12.48")
    assert r.status_code == 302
    first.refresh_from_db()
    assert first.state == "signed" and first.signer_name == "徐建平" and bytes(first.signature) == png
    assert first.signer_ip == "117.136.12.48" and first.signer_agent == IPHONE
    event = AuditEvent.objects.get(subject_id=str(order.pk), action="delivery_voucher.signed")
    assert event.actor_name == "customer" and (event.after or {})["sha256"] == first.content_hash
    page = client.get(_url(link, first)).content.decode()
    assert 'data-testid="portal-voucher-signed"' in page and 'portal-sign-form' not in page
    img = client.get(_url(link, first, "voucher_signature"))
    assert img.status_code == 200 and img.content == png


def test_p2_5_b_signing_twice_through_the_link_is_refused_and_the_first_signature_stays(client, shipped, link):
    _order, first, _second = shipped
    client.post(_url(link, first), {"signer_name": "徐建平", "signature": _data_url(drawn_signature())})
    r = client.post(_url(link, first), {"signer_name": "别人", "signature": _data_url(drawn_signature(500, 200))})
    assert r.status_code == 422
    first.refresh_from_db()
    assert first.signer_name == "徐建平"


def test_p2_5_b_a_blank_drawing_or_no_name_re_shows_the_form_with_the_error(client, shipped, link):
    _order, first, _second = shipped
    r = client.post(_url(link, first), {"signer_name": "徐建平", "signature": _data_url(drawn_signature(blank=True))})
    assert r.status_code == 422 and 'data-field="signature"' in r.content.decode()
    r = client.post(_url(link, first), {"signer_name": "", "signature": _data_url(drawn_signature())})
    assert r.status_code == 422 and 'data-field="signer_name"' in r.content.decode()
    r = client.post(_url(link, first), {"signer_name": "徐建平", "signature": "data:text/html;base64,PGgxPg=="})
    assert r.status_code == 422
    first.refresh_from_db()
    assert first.state == "open"


def test_p2_5_b_a_wrong_or_revoked_token_signs_nothing(client, shipped, link, sales_rep):
    _order, first, _second = shipped
    bad = reverse("deliveries_portal:voucher", args=[link_token(link) + "x", first.number])
    r = client.post(bad, {"signer_name": "徐建平", "signature": _data_url(drawn_signature())})
    assert r.status_code == 404 and first.number not in r.content.decode()
    portal_link_revoke(actor=sales_rep, link=link, reason="发错人了")
    r = client.post(_url(link, first), {"signer_name": "徐建平", "signature": _data_url(drawn_signature())})
    assert r.status_code == 404
    first.refresh_from_db()
    assert first.state == "open"


def test_p2_5_b_another_orders_link_reaches_none_of_this_orders_vouchers(client, shipped, make_order, customer,
                                                                         sales_rep):
    _order, first, _second = shipped
    other = make_order(customer, state="approved")
    other_link = portal_link_issue(actor=sales_rep, order=other, send=False)
    url = reverse("deliveries_portal:voucher", args=[link_token(other_link), first.number])
    assert client.get(url).status_code == 404
    r = client.post(url, {"signer_name": "徐建平", "signature": _data_url(drawn_signature())})
    assert r.status_code == 404
    assert DeliveryVoucher.objects.get(pk=first.pk).state == "open"


def test_p2_5_b_the_unsigned_pdf_carries_the_qr_code_address_of_the_customers_voucher_page(client, shipped, link,
                                                                                           sales_rep):
    _order, first, _second = shipped
    client.force_login(sales_rep)
    words = pdf_words(client.get(reverse("deliveries:voucher_pdf", args=[first.number]),
                                 HTTP_ACCEPT_LANGUAGE="zh-hans").content)
    # A token is signed anew each time it is written: the address is the link's, to this voucher's page.
    assert f"/voucher/{first.number}/" in words and "/p/" in words and "扫描此二维码" in words
    customer_pdf = client.get(_url(link, first, "voucher_pdf"))
    assert customer_pdf.status_code == 200 and customer_pdf.content.startswith(b"%PDF-")


def test_p2_5_b_the_customer_signs_through_the_api_with_the_token(client, shipped, link):
    order, first, _second = shipped
    base = f"/api/v1/deliveries/portal/{link_token(link)}/vouchers"
    r = client.get(base)
    assert r.status_code == 200 and [v["number"] for v in r.json()] == [first.number, _second.number]
    r = client.post(f"{base}/{first.number}/sign", {"signer_name": "徐建平", "signature": ""},
                    content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "signature"
    r = client.post(f"{base}/{first.number}/sign", {"signer_name": "徐建平",
                                                     "signature": _data_url(drawn_signature())},
                    content_type="application/json", HTTP_USER_AGENT=IPHONE)
    assert r.status_code == 200 and r.json()["state"] == "signed" and len(r.json()["sha256"]) == 64
    r = client.post(f"{base}/{first.number}/sign", {"signer_name": "徐建平",
                                                     "signature": _data_url(drawn_signature())},
                    content_type="application/json")
    assert r.status_code == 409
    assert client.get(f"/api/v1/deliveries/portal/{link_token(link)}x/vouchers").status_code == 404
    assert client.get(f"/api/v1/deliveries/vouchers/{first.number}").status_code == 401
