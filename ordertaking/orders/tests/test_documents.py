"""The sales contract 销售合同 as PDF (P2.2, P2.3, P2.5 documents): read back with pdftotext, Chinese
included; the font embedded; the same visibility as the order page (P4.2.a) and the same masking of the
buyer's phone (P4.1.c); the reader's language; a 50-line contract; the documents card of the order page."""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.urls import reverse

from ordertaking.orders import documents
from ordertaking.orders.services import order_create, order_update
from tests.credit_grant import customer_credit_grant
from tests.pdftext import pdf_fonts, pdf_text, pdf_words

pytestmark = pytest.mark.django_db

FULL, MASKED = "13812345678", "138****5678"


@pytest.fixture
def order(make_order, customer, finance_user):  # type: ignore[no-untyped-def]
    customer_credit_grant(customer, by=finance_user)
    o = make_order(customer, state="approved", lines=[
        {"product": "motor", "quantity": "2", "unit_price": "3150.00"},
        {"product": "install", "quantity": "1"}])
    return o


def contract_url(order) -> str:  # type: ignore[no-untyped-def]
    return reverse("orders:contract_pdf", args=[order.number])


def test_P2_2_the_sales_contract_reads_back_in_chinese_with_parties_lines_amounts_and_terms(client, sales_rep,
                                                                                           order, customer):
    client.force_login(sales_rep)
    r = client.get(contract_url(order), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    words = pdf_words(r.content)
    for expected in ("销售合同", order.number, customer.name, "华东精工机电有限公司", "买方", "卖方",
                     "三相异步电机", "Y2-132M-4", "现场安装调试",
                     "¥3,150.00", "¥6,300.00", "¥800.00", "¥7,100.00",  # unit price, amounts, total
                     # VAT per line (13% goods, 6% service) and the sums of the lines
                     "13%", "¥5,575.22", "¥724.78", "6%", "¥754.72", "¥45.28", "¥6,329.94", "¥770.06",
                     "不含税金额", "税额", "价税合计",
                     "人民币柒仟壹佰元整", "预付款（发货前付清全款）", "上海市浦东新区张江路100号",
                     "数量、规格、质量、性能", "买方（盖章）", "卖方（盖章）", "第1页/共1页"):
        assert expected in words, expected
    # words, not codes: no state values, ids or Python literals
    assert not re.search(r"\b(approved|prepayment|True|False|None)\b", pdf_text(r.content))
    assert "未经审核" not in words  # an approved order is a contract, not a draft for checking


def test_P2_2_the_contract_is_english_for_an_english_reader(client, sales_rep, order, customer):
    client.force_login(sales_rep)
    r = client.get(contract_url(order), HTTP_ACCEPT_LANGUAGE="en")
    text = pdf_text(r.content)
    words = pdf_words(r.content)
    for expected in ("Sales contract", "Buyer (seal)", "Seller (seal)", "Products and services",
                     "VAT rate", "¥770.06", "¥7,100.00", "payment in full before delivery", customer.name):
        assert expected.replace(" ", "") in words, expected
    assert re.search(r"Page 1 of \d", text)
    assert "销售合同" not in words and "第1页" not in words


def test_P2_2_the_chinese_font_is_embedded_and_no_other_font_is_used(client, sales_rep, order):
    client.force_login(sales_rep)
    for lang in ("zh-hans", "en"):
        fonts = pdf_fonts(client.get(contract_url(order), HTTP_ACCEPT_LANGUAGE=lang).content)
        assert fonts and all(f["emb"] == "yes" for f in fonts), fonts
        assert all("WenQuanYi" in f["name"] for f in fonts), fonts  # no Helvetica left to the reader's machine


def test_P2_2_the_download_is_an_attachment_with_the_chinese_name_in_rfc_5987_form(client, sales_rep, order):
    client.force_login(sales_rep)
    r = client.get(contract_url(order), HTTP_ACCEPT_LANGUAGE="zh-hans")
    cd = r["Content-Disposition"]
    assert cd.startswith("attachment; ")
    assert f'filename="sales-contract-{order.number}.pdf"' in cd
    assert f"filename*=UTF-8''{quote(f'销售合同-{order.number}.pdf')}" in cd


def test_P2_3_a_draft_contract_says_it_is_not_approved(client, sales_rep, make_order, customer):
    draft = make_order(customer, state="draft")
    client.force_login(sales_rep)
    words = pdf_words(client.get(contract_url(draft), HTTP_ACCEPT_LANGUAGE="zh-hans").content)
    assert "未经审核，仅供核对" in words and draft.number in words


def test_P4_2_a_another_sales_rep_gets_404_and_the_api_asks_for_authentication(client, sales_rep2, order):
    client.force_login(sales_rep2)
    assert client.get(contract_url(order)).status_code == 404
    r = client.get(f"/api/v1/orders/{order.number}/contract.pdf")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    client.logout()
    r = client.get(f"/api/v1/orders/{order.number}/contract.pdf")
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"
    page = client.get(contract_url(order))
    assert page.status_code == 302 and "/login" in page["Location"]


def test_P2_2_the_api_serves_the_same_contract_in_the_language_asked(client, sales_rep, order):
    client.force_login(sales_rep)
    r = client.get(f"/api/v1/orders/{order.number}/contract.pdf", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert "销售合同" in pdf_words(r.content) and r["Content-Disposition"].startswith("attachment; ")
    r = client.get(f"/api/v1/orders/{order.number.lower()}x/contract.pdf")
    assert r.status_code == 404


@pytest.fixture
def phone_order(sales_rep, customer, catalog):  # type: ignore[no-untyped-def]
    o = order_create(actor=sales_rep, customer=customer, contact_name="刘经理", contact_phone="13800000000",
                     lines=[{"product": catalog["products"]["motor"], "quantity": Decimal("1")}])
    return order_update(order=o, actor=sales_rep, changes={"contact_phone": FULL})


@pytest.mark.parametrize(("who", "visible"), [("sales_rep", True), ("finance_user", False),
                                              ("production_user", False), ("logistics_user", False)])
def test_P4_1_c_the_contract_masks_the_buyer_phone_as_the_order_page_does(request, client, phone_order, who,
                                                                         visible):
    client.force_login(request.getfixturevalue(who))
    words = pdf_words(client.get(contract_url(phone_order)).content)
    assert (FULL in words) is visible
    assert (MASKED in words) is not visible


def test_P2_2_a_fifty_line_contract_runs_over_pages_with_the_same_number_of_queries(
        client, sales_rep, make_order, customer, django_assert_num_queries):
    small = make_order(customer, state="draft", lines=[{"product": "motor", "quantity": "1"}])
    big = make_order(customer, state="draft", lines=[
        {"name": f"定制零件 {i:02d}", "unit": "件", "quantity": str(i), "unit_price": "12.50"} for i in range(1, 51)])
    client.force_login(sales_rep)
    client.get(contract_url(small))  # warm the session and caches
    with django_assert_num_queries(6) as small_q:
        client.get(contract_url(small))
    with django_assert_num_queries(len(small_q.captured_queries)):
        r = client.get(contract_url(big))
    text = pdf_text(r.content)
    words = pdf_words(r.content)
    pages = int(re.search(r"共(\d+)页", words).group(1))  # type: ignore[union-attr]
    assert pages >= 2 and f"第{pages}页/共{pages}页" in words
    assert "定制零件50" in words and "¥625.00" in words  # the last line: 50 × ¥12.50
    total = sum(Decimal(i) * Decimal("12.50") for i in range(1, 51))
    assert f"¥{total:,.2f}" in text
    sheets = text.split("\f")
    assert "定制零件" in sheets[1] and "产品或服务" in sheets[1]  # the lines' header repeats on the next page


def test_P2_5_the_order_page_lists_the_documents_that_exist_and_only_those(client, sales_rep, order):
    client.force_login(sales_rep)
    html = client.get(reverse("orders:detail", args=[order.number]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "下载销售合同 PDF" in html and contract_url(order) in html
    # A later chapter's document registers itself; while its data does not exist it is not offered.
    documents.order_document_add(documents.OrderDocument(
        key="test_voucher", label="Download delivery voucher PDF", url=lambda o: "/nowhere/",
        available=lambda o, user: False))
    try:
        html = client.get(reverse("orders:detail", args=[order.number])).content.decode()
        assert "/nowhere/" not in html and contract_url(order) in html
    finally:
        documents.ORDER_DOCUMENTS.pop("test_voucher")
