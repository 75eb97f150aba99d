"""One check and one message per field (P2.1.c accurate information, P2.3.a genuine customer): a wrong
unified social credit code or phone number reads the same on the customer page, the inquiry page, the
API and the model, because all of them use customers/validators.py."""

from __future__ import annotations

import html
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from ordertaking.customers.models import Contact, Customer
from ordertaking.customers.rules import credit_code_check_char
from ordertaking.customers.validators import credit_code_error, phone_error
from ordertaking.inquiries.models import Inquiry

pytestmark = pytest.mark.django_db

BAD_CODE = "91320500MA1N7R8P6Q"  # wrong check character
BAD_PHONE = "12345"


def good_code() -> str:
    return "91320500MA1N7R8P6" + credit_code_check_char("91320500MA1N7R8P6")


def customer_form(**over: str) -> dict[str, str]:
    data = {"name": "苏州精工机械有限公司", "credit_code": good_code(), "status": "prospect",
            "contacts-TOTAL_FORMS": "1", "contacts-INITIAL_FORMS": "0",
            "contacts-0-name": "黄工", "contacts-0-phone": "13911112222",
            "addresses-TOTAL_FORMS": "0", "addresses-INITIAL_FORMS": "0"}
    data.update(over)
    return data


def api_post(client, url: str, body: dict) -> dict:  # type: ignore[type-arg]
    r = client.post(url, data=json.dumps(body), content_type="application/json")
    assert r.status_code == 422, r.content
    return r.json()  # type: ignore[no-any-return]


def test_p2_3_a_a_wrong_credit_code_reads_the_same_on_page_api_and_model(client, cs_agent, catalog):
    with translation.override("zh-hans"):  # the language the pages and the API answer in here
        message = credit_code_error(BAD_CODE)
    assert message
    client.force_login(cs_agent)
    page = client.post("/customers/new/", customer_form(credit_code=BAD_CODE))
    assert page.status_code == 422
    assert message in html.unescape(page.content.decode())
    body = api_post(client, "/api/v1/customers", {"name": "上海新达贸易有限公司", "credit_code": BAD_CODE})
    assert body["field"] == "credit_code" and body["message"] == message
    with pytest.raises(ValidationError) as exc, translation.override("zh-hans"):
        Customer(name="x", credit_code=BAD_CODE, created_by=cs_agent).full_clean()
    assert exc.value.message_dict["credit_code"] == [message]
    assert not Customer.objects.exists()


def test_p2_1_c_a_wrong_phone_reads_the_same_for_contacts_and_inquiries_on_pages_and_api(client, cs_agent,
                                                                                        catalog):
    with translation.override("zh-hans"):
        message = phone_error(BAD_PHONE)
    assert message
    client.force_login(cs_agent)
    page = client.post("/customers/new/", customer_form(**{"contacts-0-phone": BAD_PHONE}))
    assert page.status_code == 422 and message in html.unescape(page.content.decode())
    page = client.post("/inquiries/new/", {"channel": "phone", "company_name": "某公司", "contact_name": "王",
                                           "contact_phone": BAD_PHONE, "specification": "Y2 电机"})
    assert page.status_code == 422 and message in html.unescape(page.content.decode())
    body = api_post(client, "/api/v1/customers", {"name": "上海新达贸易有限公司",
                                                  "contacts": [{"name": "孙经理", "phone": BAD_PHONE}]})
    assert body["field"] == "contacts.0.phone" and body["message"] == message
    body = api_post(client, "/api/v1/inquiries", {"channel": "phone", "company_name": "某公司",
                                                  "contact_name": "王", "contact_phone": BAD_PHONE,
                                                  "specification": "Y2 电机"})
    assert body["field"] == "contact_phone" and body["message"] == message
    with pytest.raises(ValidationError) as exc, translation.override("zh-hans"):
        Contact(name="王", phone=BAD_PHONE).clean_fields(exclude=["customer"])
    assert exc.value.message_dict["phone"] == [message]
    assert not Customer.objects.exists() and not Inquiry.objects.exists()
