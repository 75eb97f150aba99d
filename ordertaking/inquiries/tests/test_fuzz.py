"""Bad input never gives a 500 (CONVENTIONS.md): arbitrary JSON thrown at the customers and inquiries
write endpoints is answered 2xx or 4xx with the error shape."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**20, max_value=10**20),
                    st.floats(allow_nan=False), st.text(max_size=40),
                    st.sampled_from(["SH", "MOT-001", "13800138000", "2026-13-01", "1e999", "NaN", "\x00", "-1"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                           max_size=3), max_leaves=6)


def body(keys: list[str]):  # type: ignore[no-untyped-def]
    return st.dictionaries(st.sampled_from(keys), values, max_size=len(keys))


CUSTOMER_KEYS = ["name", "credit_code", "industry", "size", "region", "city", "status", "sales_rep_id", "contacts",
                 "addresses", "notes"]
INQUIRY_KEYS = ["channel", "customer_id", "company_name", "contact_name", "contact_phone", "contact_email",
                "region", "product", "specification", "quantity", "wanted_delivery_date", "special_needs"]
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])


def check(r) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code < 500, r.content
    if r.status_code >= 400:
        assert "code" in r.json() and "message" in r.json()


@FUZZ
@given(payload=body(CUSTOMER_KEYS))
def test_customer_create_never_500(client, cs_agent, catalog, payload):
    client.force_login(cs_agent)
    check(client.post("/api/v1/customers", data=json.dumps(payload), content_type="application/json"))


@FUZZ
@given(payload=body(CUSTOMER_KEYS[:7]))
def test_customer_patch_never_500(client, sales_rep, customer, payload):
    client.force_login(sales_rep)
    check(client.patch(f"/api/v1/customers/{customer.pk}", data=json.dumps(payload),
                       content_type="application/json"))


@FUZZ
@given(payload=body(INQUIRY_KEYS))
def test_inquiry_record_never_500(client, cs_agent, catalog, payload):
    client.force_login(cs_agent)
    check(client.post("/api/v1/inquiries", data=json.dumps(payload), content_type="application/json"))


@FUZZ
@given(payload=body(["to", "note", "special_needs", "reason"]))
def test_inquiry_handover_and_close_never_500(client, cs_agent, catalog, payload):
    from ordertaking.inquiries.services import inquiry_record

    client.force_login(cs_agent)
    inq = inquiry_record(actor=cs_agent, channel="phone", company_name="模糊测试", contact_name="甲",
                         contact_phone="13800138000", specification="x")
    for action in ("handover", "close"):
        check(client.post(f"/api/v1/inquiries/{inq.pk}/{action}", data=json.dumps(payload),
                          content_type="application/json"))


@FUZZ
@given(payload=body(["name", "phone", "title", "email", "is_primary", "region", "city", "detail", "label",
                     "is_default"]))
def test_contact_and_address_writes_never_500(client, sales_rep, customer, payload):
    client.force_login(sales_rep)
    contact, address = customer.contacts.first(), customer.addresses.first()
    base = f"/api/v1/customers/{customer.pk}"
    for method, url in [("post", f"{base}/contacts"), ("post", f"{base}/addresses"),
                        ("patch", f"{base}/contacts/{contact.pk}"), ("patch", f"{base}/addresses/{address.pk}")]:
        check(getattr(client, method)(url, data=json.dumps(payload), content_type="application/json"))
