"""VAT on invoices and the fapiao (发票) finance records against each invoice (issue 11, P3.6):
net, tax and total from the invoiced lines by the one rule; the fapiao's number, date, type and
status through services with their audit events; a number unique per type; a special VAT invoice
only with the customer's complete invoicing details; the red-letter reversal; page and API."""

from __future__ import annotations

import importlib
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.utils import timezone, translation

from ordertaking.audit.labels import describe_events
from ordertaking.audit.selectors import timeline
from ordertaking.common.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.customers.services import customer_invoicing_update
from ordertaking.finance.models import Invoice, InvoiceLine
from ordertaking.finance.services import fapiao_record, fapiao_reverse, invoice_issue

pytestmark = pytest.mark.django_db
D = Decimal
FULL = {"invoice_address": "上海市浦东新区张江路100号", "invoice_phone": "021-58881234",
        "invoice_bank": "中国工商银行上海张江支行", "invoice_bank_account": "1001234567890123456"}


@pytest.fixture
def order(customer, make_order, approve, evaluate):  # type: ignore[no-untyped-def]
    evaluate(customer, limit="1000000")
    made = make_order(customer, payment="net30", lines=[
        {"product": "motor", "quantity": "3", "unit_price": "1.00"},       # 13%
        {"product": "install", "quantity": "2", "unit_price": "375.00"},   # 6%
    ])
    approved, _hold = approve(made)
    return approved


@pytest.fixture
def invoice(order, finance_user):  # type: ignore[no-untyped-def]
    return invoice_issue(order=order, actor=finance_user)


def test_an_invoice_carries_net_tax_and_total_from_its_lines_by_the_one_rule(invoice):
    lines = list(InvoiceLine.objects.filter(invoice=invoice).order_by("order_line__position"))
    assert [(ln.tax_rate, ln.net_amount, ln.tax_amount, ln.amount) for ln in lines] == [
        (13, D("2.65"), D("0.35"), D("3.00")), (6, D("707.55"), D("42.45"), D("750.00"))]
    assert (invoice.net_amount, invoice.tax_amount, invoice.amount) == (D("710.20"), D("42.80"), D("753.00"))


def test_a_partial_invoice_splits_what_it_bills(order, finance_user):
    motor = order.lines.get(position=1)
    inv = invoice_issue(order=order, actor=finance_user, lines=[{"order_line": motor, "quantity": D("1")}])
    assert (inv.net_amount, inv.tax_amount, inv.amount) == (D("0.88"), D("0.12"), D("1.00"))


def test_p3_6_finance_records_a_general_fapiao_with_its_event(invoice, finance_user):
    assert invoice.fapiao_status == "not_issued"
    inv = fapiao_record(invoice=invoice, actor=finance_user, number="0123 4567", fapiao_type="normal")
    assert (inv.fapiao_status, inv.fapiao_number, inv.fapiao_type, inv.fapiao_date) == (
        "issued", "01234567", "normal", timezone.localdate())
    (ev,) = [e for e in timeline(inv) if e.action == "invoice.fapiao_issued"]
    assert ev.clause == "P3.6" and (ev.after or {})["fapiao_number"] == "01234567"
    with translation.override("zh-hans"):
        (d,) = describe_events([ev])
        words = " ".join(f"{r['field']} {r['after']}" for r in d.changes)
    assert "增值税发票状态 已开具" in words and "增值税发票种类 增值税普通发票" in words


def test_p3_6_a_special_fapiao_needs_the_customers_complete_invoicing_details(invoice, finance_user, customer):
    with pytest.raises(ValidationFailed) as e:
        fapiao_record(invoice=invoice, actor=finance_user, number="12345678", fapiao_type="special")
    assert e.value.code == "special_invoice_incomplete" and e.value.field == "fapiao_type"
    assert e.value.details == {"missing": ["invoice_address", "invoice_phone", "invoice_bank",
                                           "invoice_bank_account"]}
    assert Invoice.objects.get(pk=invoice.pk).fapiao_status == "not_issued"
    customer_invoicing_update(customer=customer, actor=finance_user, **FULL)
    inv = fapiao_record(invoice=invoice, actor=finance_user, number="12345678", fapiao_type="special")
    assert inv.fapiao_status == "issued" and inv.fapiao_type == "special"


def test_a_fapiao_number_is_unique_within_its_type(order, invoice, finance_user, customer):
    order2_invoice = Invoice.objects.create(number="INV-X-01", customer=customer, order=order,
                                            issue_date=invoice.issue_date, due_date=invoice.due_date,
                                            amount=D("1.00"), issued_by=finance_user)
    fapiao_record(invoice=invoice, actor=finance_user, number="12345678", fapiao_type="normal")
    with pytest.raises(Conflict) as e:
        fapiao_record(invoice=order2_invoice, actor=finance_user, number="12345678", fapiao_type="normal")
    assert e.value.code == "fapiao_number_taken" and "INV-" in str(e.value.message)
    customer_invoicing_update(customer=customer, actor=finance_user, **FULL)
    inv = fapiao_record(invoice=order2_invoice, actor=finance_user, number="12345678", fapiao_type="special")
    assert inv.fapiao_number == "12345678"  # the same number in the other type's series


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"number": "1234"}, "number"),
    ({"number": "1234567A"}, "number"),
    ({"number": "12345678", "fapiao_type": "vat"}, "fapiao_type"),
    ({"number": "12345678", "fapiao_date": "future"}, "fapiao_date"),
    ({"number": "12345678", "fapiao_date": "before"}, "fapiao_date"),
])
def test_bad_fapiao_input_is_refused_with_its_field(invoice, finance_user, kwargs, field):
    args = {"fapiao_type": "normal", **kwargs}
    if args.get("fapiao_date") == "future":
        args["fapiao_date"] = timezone.localdate() + timedelta(days=1)
    elif args.get("fapiao_date") == "before":
        args["fapiao_date"] = invoice.issue_date - timedelta(days=1)
    with pytest.raises(ValidationFailed) as e:
        fapiao_record(invoice=invoice, actor=finance_user, **args)
    assert e.value.field == field


def test_only_finance_records_a_fapiao(invoice, sales_rep, leader):
    for user in (sales_rep, leader):
        with pytest.raises(PermissionDenied):
            fapiao_record(invoice=invoice, actor=user, number="12345678", fapiao_type="normal")


def test_a_red_letter_reversal_needs_a_reason_and_the_invoice_may_then_get_a_new_fapiao(invoice, finance_user):
    with pytest.raises(InvalidTransition):
        fapiao_reverse(invoice=invoice, actor=finance_user, reason="开错")  # nothing issued yet
    fapiao_record(invoice=invoice, actor=finance_user, number="12345678", fapiao_type="normal")
    with pytest.raises(ValidationFailed):
        fapiao_reverse(invoice=invoice, actor=finance_user, reason=" ")
    inv = fapiao_reverse(invoice=invoice, actor=finance_user, reason="购买方名称有误")
    assert inv.fapiao_status == "reversed" and inv.fapiao_number == "12345678"
    ev = next(e for e in timeline(inv) if e.action == "invoice.fapiao_reversed")
    assert ev.message == "购买方名称有误"
    with pytest.raises(InvalidTransition):
        fapiao_reverse(invoice=inv, actor=finance_user, reason="again")
    inv = fapiao_record(invoice=inv, actor=finance_user, number="87654321", fapiao_type="normal")
    assert (inv.fapiao_status, inv.fapiao_number) == ("issued", "87654321")


# --- page and API -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "words"), [
    ("zh-hans", ["增值税发票", "不含税金额", "税额", "价税合计", "税率", "未开票", "开票信息"]),
    ("en", ["Fapiao", "Amount without tax", "Tax", "Total incl. VAT", "VAT rate", "Not issued",
            "Invoicing details"]),
])
def test_the_invoice_page_shows_lines_with_tax_and_the_fapiao(client, invoice, finance_user, lang, words):
    client.force_login(finance_user)
    page = client.get(f"/finance/invoices/{invoice.number}/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    for w in words:
        assert w in page, w
    assert 'id="invoice-net">¥710.20' in page and 'id="invoice-tax">¥42.80' in page
    assert 'id="fapiao-form"' in page


def test_the_page_records_and_reverses_a_fapiao_and_shows_refusals_beside_the_field(client, invoice,
                                                                                     finance_user):
    client.force_login(finance_user)
    url = f"/finance/invoices/{invoice.number}/fapiao/"
    today = timezone.localdate().isoformat()
    r = client.post(url, {"fapiao_type": "special", "number": "12345678", "fapiao_date": today})
    assert r.status_code == 422 and "增值税专用发票" in r.content.decode()
    r = client.post(url, {"fapiao_type": "normal", "number": "12", "fapiao_date": today})
    assert r.status_code == 422
    r = client.post(url, {"fapiao_type": "normal", "number": "12345678", "fapiao_date": today})
    assert r.status_code == 302
    page = client.get(f"/finance/invoices/{invoice.number}/").content.decode()
    assert "12345678" in page and 'id="fapiao-reverse-form"' in page and 'id="fapiao-form"' not in page
    r = client.post(url + "reverse/", {"reason": "金额有误"})
    assert r.status_code == 302
    assert Invoice.objects.get(pk=invoice.pk).fapiao_status == "reversed"
    listing = client.get("/finance/invoices/").content.decode()
    assert "已红冲" in listing and f'href="/finance/invoices/{invoice.number}/"' in listing


def test_the_page_forms_are_finances(client, invoice, leader):
    client.force_login(leader)  # sees finance's pages, does not record fapiao
    page = client.get(f"/finance/invoices/{invoice.number}/")
    assert page.status_code == 200 and 'id="fapiao-form"' not in page.content.decode()
    r = client.post(f"/finance/invoices/{invoice.number}/fapiao/",
                    {"fapiao_type": "normal", "number": "12345678", "fapiao_date": timezone.localdate().isoformat()})
    assert r.status_code == 403


def test_the_api_shows_tax_and_records_the_fapiao(client, invoice, finance_user):
    client.force_login(finance_user)
    data = client.get(f"/api/v1/finance/invoices/{invoice.number}").json()
    assert (data["net_amount"], data["tax_amount"], data["amount"]) == ("710.20", "42.80", "753.00")
    assert [ln["tax_rate"] for ln in data["lines"]] == [13, 6] and data["fapiao_status"] == "not_issued"
    url = f"/api/v1/finance/invoices/{invoice.number}/fapiao"
    r = client.post(url, data=json.dumps({"fapiao_type": "special", "number": "12345678"}),
                    content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "special_invoice_incomplete"
    r = client.post(url, data=json.dumps({"fapiao_type": "normal", "number": "12345678"}),
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["fapiao_status"] == "issued"
    r = client.post(url, data=json.dumps({"fapiao_type": "normal", "number": "12345678"}),
                    content_type="application/json")
    assert r.status_code == 409  # already issued: reverse it first
    r = client.post(url + "/reverse", data=json.dumps({"reason": "开错"}), content_type="application/json")
    assert r.status_code == 200 and r.json()["fapiao_status"] == "reversed"
    listed = client.get("/api/v1/finance/invoices").json()["items"][0]
    assert listed["fapiao_status_label"] in ("Reversed (red-letter)", "已红冲")


def test_existing_invoices_migrate_with_their_order_lines_rate(invoice):
    """finance/migrations/0004: lines take their order line's rate (13% for orders migrated by
    orders/0005), split by the one rule; the invoice's figures are the sums; no fapiao yet."""
    InvoiceLine.objects.update(tax_rate=0, net_amount=D("0"), tax_amount=D("0"))
    Invoice.objects.update(net_amount=D("0"), tax_amount=D("0"))
    migration = importlib.import_module("ordertaking.finance.migrations.0004_vat_and_fapiao")
    migration.split_existing(django_apps, None)
    invoice.refresh_from_db()
    assert (invoice.net_amount, invoice.tax_amount, invoice.amount) == (D("710.20"), D("42.80"), D("753.00"))
    assert invoice.fapiao_status == "not_issued"
