"""P2.5.b: the customer's overview and documents through the link, the language choice, the
sections handed down by the chapters above, and the staff's card on the order page."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils.translation import gettext_lazy

from ordertaking.portal.models import PortalLink
from ordertaking.portal.pages import portal_view
from ordertaking.portal.sections import PORTAL_SECTIONS, PortalSection, portal_section_add

from .conftest import page

pytestmark = pytest.mark.django_db


def test_the_overview_shows_status_progress_lines_and_documents_in_chinese(client, order, token) -> None:  # type: ignore[no-untyped-def]
    body = page(client, token).content.decode()
    assert "您的订单已确认" in body  # the status in words
    assert 'data-step="approved"' in body and 'data-step="accepted"' in body
    assert "订单确认" in body and "已验收" in body
    assert "上海浦江机械有限公司" in body
    assert f"/p/{token}/documents/contract/" in body
    assert 'lang="zh-CN"' in body
    # no staff navigation, no staff links
    assert 'data-testid="sidebar"' not in body and "/orders/" not in body


def test_english_when_asked_and_remembered(client, order, token) -> None:  # type: ignore[no-untyped-def]
    r = page(client, token, data={"lang": "en"})
    assert "Your order is confirmed" in r.content.decode()
    assert r.cookies["django_language"].value == "en"
    again = page(client, token)
    assert "Your order is confirmed" in again.content.decode()


def test_chinese_by_default_whatever_the_browser_asks(client, order, token) -> None:  # type: ignore[no-untyped-def]
    r = page(client, token, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "您的订单已确认" in r.content.decode()


def test_the_contract_is_downloadable_through_the_link(client, order, token) -> None:  # type: ignore[no-untyped-def]
    from tests.pdftext import pdf_text

    r = client.get(f"/p/{token}/documents/contract/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("attachment")
    text = pdf_text(r.content)
    assert "销售合同" in text and order.number in text
    assert "13812345678" not in text  # the anonymous reader sees contact phones masked (P4.1.c)


def test_an_unknown_or_staff_only_document_is_404(client, order, token) -> None:  # type: ignore[no-untyped-def]
    from ordertaking.orders.documents import ORDER_DOCUMENTS, OrderDocument, order_document_add

    order_document_add(OrderDocument(key="staff-only", label="x", url=lambda o: "/", available=lambda o, u: True))
    try:
        assert client.get(f"/p/{token}/documents/staff-only/").status_code == 404
        assert client.get(f"/p/{token}/documents/nothing/").status_code == 404
    finally:
        ORDER_DOCUMENTS.pop("staff-only")


def test_the_overview_reads_a_fixed_number_of_queries(client, order, token, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    page(client, token)
    with django_assert_max_num_queries(25):
        assert page(client, token).status_code == 200


def test_a_section_handed_down_appears_as_a_tab_and_on_the_overview(client, order, token) -> None:  # type: ignore[no-untyped-def]
    portal_section_add(PortalSection(key="test-voucher", label=gettext_lazy("Documents"), url_name="portal:overview",
                                     available=lambda o: o.pk == order.pk, icon="bi-pen", badge=lambda o: "待签"))
    portal_section_add(PortalSection(key="test-hidden", label="hidden", url_name="portal:overview",
                                     available=lambda o: False))
    try:
        body = page(client, token).content.decode()
        assert 'data-section="test-voucher"' in body and "待签" in body
        assert 'data-section="test-hidden"' not in body
    finally:
        PORTAL_SECTIONS.pop("test-voucher")
        PORTAL_SECTIONS.pop("test-hidden")


def test_portal_view_hands_the_link_and_order_to_a_sections_view(rf, order, link, token) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.http import HttpResponse

    seen: dict[str, Any] = {}

    @portal_view
    def section(request, token):  # type: ignore[no-untyped-def]
        seen.update(link=request.portal_link, order=request.portal_order)
        return HttpResponse("ok")

    request = rf.get("/p/x/voucher/")
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    assert section(request, token).status_code == 200
    assert seen == {"link": link, "order": order}
    refused = section(rf.get("/p/x/voucher/"), token + "x")
    assert refused.status_code == 404 and seen["order"] == order  # the view did not run again


# --- the staff's card --------------------------------------------------------------------------------

def test_the_rep_sees_the_card_with_the_address_prefilled(client, order, sales_rep) -> None:  # type: ignore[no-untyped-def]
    client.force_login(sales_rep)
    assert 'id="portal-card"' in client.get(f"/orders/{order.number}/").content.decode()
    body = client.get(f"/p/staff/orders/{order.number}/card/").content.decode()
    assert 'data-testid="portal-card"' in body and "liu@pujiang.example.cn" in body


def test_the_card_is_empty_for_those_who_may_not_send_links(client, order, production_user) -> None:  # type: ignore[no-untyped-def]
    client.force_login(production_user)
    r = client.get(f"/p/staff/orders/{order.number}/card/")
    assert r.status_code in (200, 404) and b"portal-card" not in r.content


def test_issue_copy_qr_and_revoke_from_the_card(client, order, sales_rep) -> None:  # type: ignore[no-untyped-def]
    client.force_login(sales_rep)
    r = client.post(f"/p/staff/orders/{order.number}/issue/", {"email": "liu@pujiang.example.cn", "send": "on",
                                                               "language": "zh-hans", "days": ""},
                    HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    link = PortalLink.objects.get(order=order)
    assert link.sent_to == "liu@pujiang.example.cn"
    body = r.content.decode()
    assert 'data-testid="portal-issued"' in body and 'data-testid="portal-url"' in body and "/p/" in body
    qr = client.get(f"/p/staff/orders/{order.number}/links/{link.pk}/qr.png")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/png" and qr.content.startswith(b"\x89PNG")
    r = client.post(f"/p/staff/orders/{order.number}/links/{link.pk}/revoke/", {"reason": "发错人"})
    assert r.status_code == 302
    link.refresh_from_db()
    assert link.state == "revoked"
    assert client.get(f"/p/staff/orders/{order.number}/links/{link.pk}/qr.png").status_code == 404


def test_a_bad_address_is_shown_beside_its_field(client, order, sales_rep) -> None:  # type: ignore[no-untyped-def]
    client.force_login(sales_rep)
    r = client.post(f"/p/staff/orders/{order.number}/issue/", {"email": "", "send": "on", "language": "zh-hans"})
    assert r.status_code == 422 and "请输入客户的邮箱地址" in r.content.decode()
    assert not PortalLink.objects.exists()


def test_another_reps_order_and_links_are_not_reachable(client, order, link, sales_rep2) -> None:  # type: ignore[no-untyped-def]
    client.force_login(sales_rep2)
    assert client.post(f"/p/staff/orders/{order.number}/issue/", {"email": "a@b.cn"}).status_code == 404
    assert client.post(f"/p/staff/orders/{order.number}/links/{link.pk}/revoke/",
                       {"reason": "x"}).status_code == 404
    assert client.get(f"/p/staff/orders/{order.number}/links/{link.pk}/qr.png").status_code == 404


def test_a_link_of_another_order_cannot_be_revoked_through_this_one(client, order, other_order, sales_rep) -> None:  # type: ignore[no-untyped-def]
    from ordertaking.portal.services import portal_link_issue

    theirs = portal_link_issue(actor=sales_rep, order=other_order, send=False)
    client.force_login(sales_rep)
    r = client.post(f"/p/staff/orders/{order.number}/links/{theirs.pk}/revoke/", {"reason": "x"})
    assert r.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "active"


def test_the_qr_png_decodes_to_the_right_size() -> None:
    import struct

    from ordertaking.portal.qr import portal_qr_png, qr_modules

    png = portal_qr_png("https://orders.example.cn/p/abc:def/", scale=4)
    width, height = struct.unpack(">II", png[16:24])
    n = len(qr_modules("https://orders.example.cn/p/abc:def/")) + 8
    assert width == height == n * 4
