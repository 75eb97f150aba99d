"""/api/v1/customers (P2.1.c, P4.1): allowed and refused roles, bad input is 4xx with a field, never 500."""

from __future__ import annotations

import json

import pytest

from ordertaking.accounts.services import api_token_issue
from ordertaking.audit.selectors import timeline_for
from ordertaking.customers.models import Customer
from ordertaking.customers.rules import credit_code_check_char

pytestmark = pytest.mark.django_db
URL = "/api/v1/customers"


def code(first17: str = "91310000MA1K8Q2X7") -> str:
    return first17 + credit_code_check_char(first17)


def post(client, url, body):  # type: ignore[no-untyped-def]
    return client.post(url, data=json.dumps(body), content_type="application/json")


def patch(client, url, body):  # type: ignore[no-untyped-def]
    return client.patch(url, data=json.dumps(body), content_type="application/json")


def test_p2_1_c_api_create_customer_with_contacts_and_addresses(client, cs_agent, catalog):
    client.force_login(cs_agent)
    r = post(client, URL, {"name": "上海新达贸易有限公司", "credit_code": code(), "region": "sh", "city": "上海市",
                           "size": "small", "industry": "贸易",
                           "contacts": [{"name": "孙经理", "phone": "13900001111"}],
                           "addresses": [{"region": "SH", "city": "上海市", "detail": "徐汇区1号"}]})
    assert r.status_code == 201, r.content
    body = r.json()
    # P4.1.c: customer service holds no duty for a customer without an inquiry: its answer is masked
    assert body["credit_code"] == code()[:2] + "****" + code()[-4:] and body["region"] == "SH"
    assert body["contacts"][0]["phone"] == "139****1111"
    assert body["contacts"][0]["is_primary"] is True
    assert body["addresses"][0]["region"] == "SH"
    assert timeline_for(Customer.objects.get(pk=body["id"])).get().action == "customer.created"


def test_p2_1_c_api_with_a_bearer_token(client, sales_rep, customer):
    _t, raw = api_token_issue(user=sales_rep, name="script", actor=sales_rep)
    r = client.get(f"{URL}/{customer.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 200
    assert r.json()["contacts"][0]["phone"] == "13812345678"


def test_api_requires_authentication(client, customer):
    assert client.get(URL).status_code == 401


def test_p2_1_c_api_duplicate_customer_is_409_naming_the_existing_one(client, cs_agent, customer):
    client.force_login(cs_agent)
    r = post(client, URL, {"name": "重复", "credit_code": customer.credit_code})
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "duplicate_customer" and body["field"] == "credit_code"
    assert customer.name in body["message"]


@pytest.mark.parametrize("body,field", [
    ({"name": "x", "credit_code": "123"}, "credit_code"),
    ({"name": "x", "contacts": [{"name": "a", "phone": "555"}]}, "contacts.0.phone"),
    ({"name": "x", "contacts": [{"name": "a", "phone": "13800138000", "email": "nope"}]}, "contacts.0.email"),
    ({"name": "x", "region": "ZZ"}, "region"),
    ({"name": "x", "size": "huge"}, "size"),
    ({"name": "x", "addresses": [{"region": "SH", "city": "", "detail": "d"}]}, "addresses.0.city"),
    ({"credit_code": code()}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"name": "x", "sales_rep_id": 999999}, "sales_rep_id"),
    ({"name": "a\x00b"}, "name"),
    ({"name": "x", "contacts": [{"name": "a\x00", "phone": "13800138000"}]}, "contacts.0.name"),
    ({"name": "x", "notes": "\x00"}, "notes"),
])
def test_p2_1_c_api_bad_input_is_422_with_field(client, cs_agent, catalog, body, field):
    client.force_login(cs_agent)
    r = post(client, URL, body)
    assert r.status_code == 422, r.content
    assert r.json()["field"] == field
    assert not Customer.objects.exists()


def test_api_malformed_json_is_4xx_not_500(client, cs_agent):
    client.force_login(cs_agent)
    r = client.post(URL, data="{not json", content_type="application/json")
    assert 400 <= r.status_code < 500


def test_p4_1_api_create_refused_for_role_without_customer_manage(client, auditor):
    client.force_login(auditor)
    r = post(client, URL, {"name": "x"})
    assert r.status_code == 403
    assert r.json()["code"] == "permission_denied"


def test_p4_1_c_api_sales_rep_lists_own_and_unowned_customers_only(client, sales_rep, sales_rep2, customer,
                                                                   cs_agent):
    from ordertaking.customers.services import customer_create

    customer_create(actor=cs_agent, name="无主客户")
    customer_create(actor=sales_rep2, name="别人的客户")
    client.force_login(sales_rep)
    names = {c["name"] for c in client.get(URL).json()["items"]}
    assert names == {customer.name, "无主客户"}
    client.force_login(cs_agent)
    assert client.get(URL).json()["count"] == 3


def test_p4_1_c_api_customer_of_another_rep_is_404(client, sales_rep2, customer):
    client.force_login(sales_rep2)
    assert client.get(f"{URL}/{customer.pk}").status_code == 404
    assert patch(client, f"{URL}/{customer.pk}", {"notes": "x"}).status_code == 404


def test_p4_1_api_roles_without_customer_view_get_nothing(client, production_user, customer):
    client.force_login(production_user)
    assert client.get(URL).json()["count"] == 0
    assert client.get(f"{URL}/{customer.pk}").status_code == 404


def test_api_list_filters_search_and_pagination(client, reviewer, customer, cs_agent, catalog):
    from ordertaking.customers.services import customer_create

    customer_create(actor=cs_agent, name="广州电机厂", region=catalog["regions"]["gd"], industry="电气")
    client.force_login(reviewer)
    assert [c["name"] for c in client.get(URL, {"q": "广州"}).json()["items"]] == ["广州电机厂"]
    assert [c["name"] for c in client.get(URL, {"q": customer.credit_code[:10].lower()}).json()["items"]] == [
        customer.name]
    assert client.get(URL, {"region": "GD"}).json()["count"] == 1
    page = client.get(URL, {"page_size": 1, "page": 2, "sort": "-name"}).json()
    assert page["count"] == 2 and len(page["items"]) == 1
    assert client.get(URL, {"page_size": 0}).status_code == 422


def test_p4_1_a_api_patch_changes_only_given_fields(client, sales_rep, customer):
    client.force_login(sales_rep)
    r = patch(client, f"{URL}/{customer.pk}", {"industry": "电气", "region": "GD"})
    assert r.status_code == 200, r.content
    assert r.json()["industry"] == "电气" and r.json()["region"] == "GD" and r.json()["name"] == customer.name
    ev = timeline_for(customer).last()
    assert ev is not None and ev.after == {"industry": "电气", "region": "广东省"}


def test_api_patch_bad_credit_code_is_422(client, sales_rep, customer):
    client.force_login(sales_rep)
    r = patch(client, f"{URL}/{customer.pk}", {"credit_code": "91310000MA1K8Q2X7Z"})
    assert r.status_code == 422 and r.json()["field"] == "credit_code"


def test_p2_1_c_api_contacts_endpoints(client, sales_rep, customer, auditor):
    client.force_login(sales_rep)
    r = post(client, f"{URL}/{customer.pk}/contacts", {"name": "周工", "phone": "020-87654321"})
    assert r.status_code == 201, r.content
    cid = r.json()["id"]
    assert patch(client, f"{URL}/{customer.pk}/contacts/{cid}", {"phone": "abc"}).json()["field"] == "phone"
    assert patch(client, f"{URL}/{customer.pk}/contacts/{cid}", {"title": "总工"}).json()["title"] == "总工"
    assert len(client.get(f"{URL}/{customer.pk}/contacts").json()) == 2
    client.force_login(auditor)
    assert client.delete(f"{URL}/{customer.pk}/contacts/{cid}").status_code == 403
    client.force_login(sales_rep)
    assert client.delete(f"{URL}/{customer.pk}/contacts/{cid}").status_code == 204
    assert client.delete(f"{URL}/{customer.pk}/contacts/{cid}").status_code == 404


def test_p2_1_c_api_addresses_endpoints(client, sales_rep, customer):
    client.force_login(sales_rep)
    r = post(client, f"{URL}/{customer.pk}/addresses", {"region": "GD", "city": "广州市", "detail": "天河路9号"})
    assert r.status_code == 201, r.content
    aid = r.json()["id"]
    assert post(client, f"{URL}/{customer.pk}/addresses", {"region": "QQ", "city": "a", "detail": "b"}
                ).json()["field"] == "region"
    r = patch(client, f"{URL}/{customer.pk}/addresses/{aid}", {"is_default": True})
    assert r.status_code == 200 and r.json()["is_default"] is True
    assert [a["is_default"] for a in client.get(f"{URL}/{customer.pk}/addresses").json()] == [True, False]
    assert client.delete(f"{URL}/{customer.pk}/addresses/{aid}").status_code == 204


@pytest.mark.parametrize("body,field", [({"status": None}, "status"), ({"name": None}, "name"),
                                        ({"status": "gone"}, "status"), ({"name": "a\x00"}, "name")])
def test_api_patch_nulls_and_bad_values_are_422_not_500(client, sales_rep, customer, body, field):
    client.force_login(sales_rep)
    r = patch(client, f"{URL}/{customer.pk}", body)
    assert r.status_code == 422 and r.json()["field"] == field


def test_api_patch_empty_text_clears_a_text_field_and_null_clears_the_credit_code(client, sales_rep, customer):
    """A text field is cleared with "" (null is refused: the schema says string, tests/test_api_schema.py);
    the credit code is nullable, so null clears it."""
    client.force_login(sales_rep)
    r = patch(client, f"{URL}/{customer.pk}", {"industry": "", "size": "", "city": "", "credit_code": None})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["industry"], body["size"], body["city"], body["credit_code"]) == ("", "", "", None)
