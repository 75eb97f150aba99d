"""A customer's invoicing details 开票信息 (issue 11, P3.6): kept through one service with its event,
the taxpayer number is the credit code (not a copy), the special-invoice completeness rule, and the
masking of phone and bank account for those who do not see contact details (P4.1.c)."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from ordertaking.audit.labels import describe_events
from ordertaking.audit.selectors import timeline
from ordertaking.common.errors import PermissionDenied, ValidationFailed
from ordertaking.common.masking import mask_record
from ordertaking.customers.models import Customer
from ordertaking.customers.rules import special_invoice_gaps
from ordertaking.customers.selectors import invoicing_details, special_invoice_facts
from ordertaking.customers.services import customer_invoicing_update

pytestmark = pytest.mark.django_db

DETAILS = {"invoice_title": "上海浦江机械有限公司", "invoice_address": "上海市浦东新区张江路100号",
           "invoice_phone": "021-58881234", "invoice_bank": "中国工商银行上海张江支行",
           "invoice_bank_account": "1001 2345 6789 0123 456", "invoice_type": "special"}


def test_the_service_keeps_the_details_and_writes_one_event(customer, sales_rep):
    customer_invoicing_update(customer=customer, actor=sales_rep, **DETAILS)
    customer.refresh_from_db()
    assert customer.invoice_bank_account == "1001 2345 6789 0123 456" and customer.invoice_type == "special"
    (ev,) = [e for e in timeline(customer) if e.action == "customer.invoicing_updated"]
    assert ev.clause == "P3.6" and (ev.after or {})["invoice_type"] == "special"
    # nothing changed: no second event
    customer_invoicing_update(customer=customer, actor=sales_rep, **DETAILS)
    assert sum(e.action == "customer.invoicing_updated" for e in timeline(customer)) == 1


def test_the_taxpayer_number_is_the_credit_code_not_a_copy(customer, sales_rep):
    assert not hasattr(Customer, "taxpayer_number")
    assert invoicing_details(customer, user=sales_rep)["taxpayer_number"] == customer.credit_code
    assert invoicing_details(customer, user=sales_rep)["invoice_title"] == customer.name  # title defaults


@pytest.mark.parametrize(("field", "value", "code"), [
    ("invoice_phone", "12345", "invalid_phone"),
    ("invoice_bank_account", "abc-123", "invalid_bank_account"),
    ("invoice_type", "red", "invalid_choice"),
    ("invoice_title", "x" * 201, "too_long"),
    ("taxpayer_number", "91310115MA1K3YJ20X", "unknown_field"),  # changed with the basic information only
])
def test_bad_details_are_refused_with_their_field(customer, sales_rep, field, value, code):
    with pytest.raises(ValidationFailed) as e:
        customer_invoicing_update(customer=customer, actor=sales_rep, **{field: value})
    assert (e.value.field, e.value.code) == (field, code)


def test_finance_keeps_them_too_and_others_may_not(customer, finance_user, production_user, sales_rep2):
    customer_invoicing_update(customer=customer, actor=finance_user, invoice_bank="招商银行")
    for user in (production_user, sales_rep2):
        with pytest.raises(PermissionDenied):
            customer_invoicing_update(customer=customer, actor=user, invoice_bank="x")


def test_p3_6_a_special_invoice_needs_the_complete_details():
    full = {"invoice_title": "甲公司", "credit_code": "91310115MA1K3YJ20X", "invoice_address": "上海",
            "invoice_phone": "021-58881234", "invoice_bank": "工行", "invoice_bank_account": "100123456789"}
    from ordertaking.customers.rules import credit_code_check_char

    full["credit_code"] = full["credit_code"][:17] + credit_code_check_char(full["credit_code"][:17])
    assert special_invoice_gaps(full) == []
    assert special_invoice_gaps({**full, "invoice_bank_account": " "}) == ["invoice_bank_account"]
    assert special_invoice_gaps({**full, "credit_code": None, "invoice_phone": ""}) == ["credit_code", "invoice_phone"]
    assert special_invoice_gaps({**full, "credit_code": "91310115MA1K3YJ200"}) == ["credit_code"]  # check char


def test_the_facts_use_the_company_name_when_no_title_was_given(customer):
    assert special_invoice_facts(customer)["invoice_title"] == customer.name


# --- masking (P4.1.c) -----------------------------------------------------------------------------

def test_phone_and_account_are_masked_for_whoever_does_not_see_contact_details(customer, sales_rep, sales_rep2,
                                                                                 production_user, finance_user):
    customer_invoicing_update(customer=customer, actor=sales_rep, **DETAILS)
    customer.refresh_from_db()
    for user in (sales_rep, finance_user):  # the customer's rep; a role that sees every customer
        d = invoicing_details(customer, user=user)
        assert (d["invoice_phone"], d["invoice_bank_account"], d["masked"]) == (
            "021-58881234", "1001 2345 6789 0123 456", False)
    for user in (sales_rep2, production_user):  # another rep; a role that does not work with customers
        d = invoicing_details(customer, user=user)
        assert (d["invoice_phone"], d["invoice_bank_account"], d["masked"]) == ("021****1234", "1001****3456", True)
        assert d["invoice_bank"] == "中国工商银行上海张江支行"  # the bank's name is not confidential


def test_the_timeline_masks_them_like_a_contacts_phone(customer, sales_rep):
    customer_invoicing_update(customer=customer, actor=sales_rep, **DETAILS)
    ev = next(e for e in timeline(customer) if e.action == "customer.invoicing_updated")
    masked = mask_record(ev.after or {})
    assert masked["invoice_phone"] == "021****1234" and masked["invoice_bank_account"] == "1001****3456"
    with translation.override("zh-hans"):
        (described,) = describe_events([ev])
        words = " ".join(f"{row['field']} {row['after']}" for row in described.changes)
    assert "所需发票类型 增值税专用发票" in words and "银行账号" in words


# --- page and API ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "words"), [
    ("zh-hans", ["开票信息", "纳税人识别号", "开户行及账号", "增值税专用发票"]),
    ("en", ["Invoicing details", "Taxpayer number", "Bank and account", "Special VAT invoice"]),
])
def test_the_customer_page_shows_the_details(client, customer, sales_rep, lang, words):
    customer_invoicing_update(customer=customer, actor=sales_rep, **DETAILS)
    client.force_login(sales_rep)
    page = client.get(f"/customers/{customer.pk}/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    for w in words:
        assert w in page
    assert "1001 2345 6789 0123 456" in page and customer.credit_code in page


def test_the_page_form_saves_and_shows_a_refusal_beside_its_field(client, customer, sales_rep):
    client.force_login(sales_rep)
    url = f"/customers/{customer.pk}/invoicing/"
    assert client.get(url).status_code == 200
    r = client.post(url, {**DETAILS, "invoice_bank_account": "abc"})
    assert r.status_code == 422 and "8 至 40 位数字" in r.content.decode()  # beside the field, in Chinese
    r = client.post(url, DETAILS)
    assert r.status_code == 302
    customer.refresh_from_db()
    assert customer.invoice_type == "special"


def test_the_page_form_is_refused_to_who_may_not_edit(client, customer, production_user):
    client.force_login(production_user)
    assert client.get(f"/customers/{customer.pk}/invoicing/").status_code in (403, 404)


def test_the_api_reads_and_changes_the_details(client, customer, sales_rep):
    client.force_login(sales_rep)
    url = f"/api/v1/customers/{customer.pk}/invoicing"
    data = client.get(url).json()
    assert data["taxpayer_number"] == customer.credit_code and data["invoice_type"] == "normal"
    assert "invoice_bank_account" in data["special_invoice_gaps"]
    r = client.patch(url, data=json.dumps(DETAILS), content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["special_invoice_gaps"] == [] and r.json()["invoice_phone"] == "021-58881234"
    r = client.patch(url, data=json.dumps({"invoice_phone": "123"}), content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "invoice_phone"
    r = client.patch(url, data=json.dumps({"invoice_type": "red"}), content_type="application/json")
    assert r.status_code == 422
    r = client.patch(url, data=json.dumps({"credit_code": "x"}), content_type="application/json")
    assert r.status_code == 422
