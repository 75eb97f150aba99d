"""The customer statement 对账单 as PDF (P3.6): the period's invoices, payments and credit notes with the
balance brought forward and the balance due, read back with pdftotext; finance's visibility (sales get
404, the API asks for authentication); bad periods refused with the field; queries do not grow."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ordertaking.finance.services import credit_note_issue, invoice_issue, payment_record
from tests.pdftext import pdf_fonts, pdf_words

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(customer, make_order, approve, evaluate, finance_user):  # type: ignore[no-untyped-def]
    """An invoice last year (brought forward), and this period: an invoice, a payment, a credit note."""
    evaluate(customer, limit="1000000")
    today = timezone.localdate()
    old, _h = approve(make_order(customer, total="1000.00", payment="net30"))
    new, _h = approve(make_order(customer, total="4000.00", payment="net30"))
    inv_old = invoice_issue(order=old, actor=finance_user, issue_date=date(today.year - 1, 12, 20))
    inv_new = invoice_issue(order=new, actor=finance_user, issue_date=today - timedelta(days=1))
    payment_record(customer=customer, actor=finance_user, amount="1500.00", received_on=today,
                   reference="电汇 ICBC-778899", allocations=[{"invoice": inv_old.pk, "amount": "1000.00"},
                                                              {"invoice": inv_new.pk, "amount": "500.00"}])
    credit_note_issue(customer=customer, actor=finance_user, amount="200.00", reason="包装破损补偿", order=new,
                      issue_date=today)
    return {"old": inv_old, "new": inv_new, "today": today}


def url(customer, **params):  # type: ignore[no-untyped-def]
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("finance:statement_pdf", args=[customer.pk]) + (f"?{query}" if query else "")


def test_P3_6_the_statement_reads_back_with_brought_forward_entries_and_balance_due(client, finance_user, customer,
                                                                                    history):
    client.force_login(finance_user)
    start = date(history["today"].year, 1, 1)
    r = client.get(url(customer, **{"from": start.isoformat(), "to": history["today"].isoformat()}),
                   HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    words = pdf_words(r.content)
    for expected in ("对账单", customer.name, "华东精工机电有限公司", f"{start:%Y-%m-%d}至{history['today']:%Y-%m-%d}",
                     "期初余额", "¥1,000.00",  # last year's invoice, brought forward, not listed
                     history["new"].number, history["new"].order.number, "¥4,000.00",
                     "收款", "电汇ICBC-778899", "¥1,500.00", "贷项通知单", "¥200.00",
                     "期末应收余额", "¥3,300.00",  # 1,000 + 4,000 − 1,500 − 200
                     "客户确认（盖章）", "第1页/共1页"):
        assert expected in words, expected
    assert history["old"].number not in words
    assert r["Content-Disposition"].startswith("attachment; filename=\"statement-")
    assert "filename*=UTF-8''" in r["Content-Disposition"]
    assert all(f["emb"] == "yes" for f in pdf_fonts(r.content))


def test_P3_6_the_statement_is_english_for_an_english_reader_through_the_api(client, leader, customer, history):
    client.force_login(leader)
    r = client.get(f"/api/v1/customers/{customer.pk}/statement.pdf", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    words = pdf_words(r.content)
    for expected in ("Customerstatement", "Balancebroughtforward", "Balancedue", "¥3,300.00", "Creditnote",
                     "Payment", "Confirmedbythecustomer(seal)", "Page1of1"):
        assert expected in words, expected
    assert "对账单" not in words


def test_P3_6_sales_get_404_and_the_api_asks_for_authentication(client, sales_rep, customer, history):
    client.force_login(sales_rep)
    assert client.get(url(customer)).status_code == 404
    r = client.get(f"/api/v1/customers/{customer.pk}/statement.pdf")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    client.logout()
    r = client.get(f"/api/v1/customers/{customer.pk}/statement.pdf")
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(("params", "field"), [({"from": "2026-13-01"}, "from"), ({"to": "yesterday"}, "to"),
                                               ({"from": "2026-06-01", "to": "2026-05-31"}, "from")])
def test_P3_6_a_bad_period_is_refused_with_its_field(client, finance_user, customer, params, field):
    client.force_login(finance_user)
    query = "&".join(f"{k}={v}" for k, v in params.items())
    r = client.get(f"/api/v1/customers/{customer.pk}/statement.pdf?{query}")
    assert r.status_code == 422 and r.json()["field"] == field, r.content
    page = client.get(url(customer, **params))
    assert page.status_code == 422 and f'data-field="{field}"' in page.content.decode()


def test_P3_6_an_unknown_customer_is_404(client, finance_user, customer):
    client.force_login(finance_user)
    assert client.get(f"/api/v1/customers/{customer.pk + 999}/statement.pdf").status_code == 404
    assert client.get(url(customer).replace(str(customer.pk), str(customer.pk + 999))).status_code == 404


def test_P3_6_the_statement_costs_the_same_queries_with_more_entries(client, finance_user, customer, history,
                                                                     django_assert_num_queries):
    client.force_login(finance_user)
    client.get(url(customer))
    with django_assert_num_queries(12) as before:
        client.get(url(customer))
    for i in range(5):
        payment_record(customer=customer, actor=finance_user, amount=Decimal("10.00"), reference=f"R{i}")
    with django_assert_num_queries(len(before.captured_queries)):
        r = client.get(url(customer))
    assert "R4" in pdf_words(r.content)


def test_P3_6_the_statement_page_offers_the_pdf_for_a_period(client, finance_user, customer, history):
    client.force_login(finance_user)
    html = client.get(reverse("finance:statement", args=[customer.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "下载对账单 PDF" in html and reverse("finance:statement_pdf", args=[customer.pk]) in html
