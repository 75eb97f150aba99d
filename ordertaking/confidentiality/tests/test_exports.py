"""P4.1.c exports of the lists (orders, products, invoices; customers in test_views): the user's filters, the
one masking rule unless a duty or grant covers a value (then logged), text cells never formulas."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ordertaking.confidentiality import services
from ordertaking.confidentiality.models import RevealLog

pytestmark = pytest.mark.django_db


def _sheet(client, url):  # type: ignore[no-untyped-def]
    r = client.get(url)
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    ws = load_workbook(BytesIO(r.content)).active
    return ws, [[c.value for c in row] for row in ws.iter_rows(min_row=2)]


def test_p4_1_c_the_order_export_masks_the_contact_for_leadership_until_a_grant_and_logs_it(
        client, make_order, customer, leader, leader2, sales_rep):
    order = make_order(state="submitted")
    client.force_login(leader)
    _ws, rows = _sheet(client, reverse("orders:export"))
    assert [r[0] for r in rows] == [order.number] and rows[0][9] == "138****5678" and rows[0][8] == "刘**"
    assert _sheet(client, reverse("orders:export") + "?state=draft")[1] == []  # the list's filters
    req = services.access_request_create(actor=leader, customer=customer, reason="核对")
    services.access_request_decide(actor=leader2, request=req, grant=True)
    _ws, rows = _sheet(client, reverse("orders:export"))
    assert rows[0][9] == "13812345678"
    assert set(RevealLog.objects.filter(user=leader, channel="export").values_list("field", flat=True)) == {
        "contact_name", "phone", "address"}
    client.force_login(sales_rep)  # the rep: in full by duty, logged under the duty
    assert _sheet(client, reverse("orders:export"))[1][0][9] == "13812345678"
    assert RevealLog.objects.filter(user=sales_rep, basis="duty").exists()


def test_p2_3_b_the_catalog_export_keeps_the_floor_price_for_who_sees_it_and_neutralises_formulas(
        client, catalog, sales_rep, finance_user):
    p = catalog["products"]["motor"]
    p.specification = "=1+2"
    p.save(update_fields=["specification"])
    client.force_login(sales_rep)
    ws, rows = _sheet(client, reverse("catalog:export") + "?q=MOT")
    assert [r[0] for r in rows] == ["MOT-001"] and "Floor price" not in [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=3)
    assert cell.value == "=1+2" and cell.data_type == "s" and cell.quotePrefix
    client.force_login(finance_user)
    ws, rows = _sheet(client, reverse("catalog:export") + "?q=MOT")
    assert 2800.0 in rows[0]


def test_p4_1_c_the_invoice_export_shows_finance_the_taxpayer_number_by_duty(client, make_order, customer,
                                                                              finance_user, leader):

    from ordertaking.finance.services import invoice_issue
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=finance_user, approver=leader)
    order = make_order(state="approved")
    invoice_issue(order=order, actor=finance_user)
    client.force_login(finance_user)
    _ws, rows = _sheet(client, reverse("finance:invoice_export"))
    assert rows[0][3] == customer.credit_code
    assert RevealLog.objects.filter(user=finance_user, field="credit_code", basis="duty").count() == 1
    client.force_login(leader)
    _ws, rows = _sheet(client, reverse("finance:invoice_export"))
    assert rows[0][3] != customer.credit_code and "****" in rows[0][3]
