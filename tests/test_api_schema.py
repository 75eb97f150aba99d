"""The OpenAPI schema is one a generated client can trust (issue 8): unique component names, short
unique operation ids, the one error schema declared on every operation, no unused components, decimals
as decimal strings, the Idempotency-Key header declared, an optional approval body, and live answers
that validate against the schemas the operations declare."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel

from ordertaking.api import api

ERRORS = ("400", "401", "403", "404", "409", "422")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(json.dumps(api.get_openapi_schema(), default=str))


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, item in schema["paths"].items() for method, op in item.items()]


def _models(tp: Any, seen: set[type]) -> None:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if tp in seen:
            return
        seen.add(tp)
        for f in tp.model_fields.values():
            _models(f.annotation, seen)
        return
    for arg in getattr(tp, "__args__", ()) or ():
        _models(arg, seen)


def test_every_schema_class_the_api_uses_has_a_name_of_its_own():
    """Two classes with one name collapse into one component: the timeline was documented with the
    audit log's EventOut and the typed client crashed reading it."""
    seen: set[type] = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for op in path_view.operations:
                for model in list(op.response_models.values()) + list(op.models):
                    _models(model, seen)
    by_name: dict[str, list[str]] = {}
    for cls in seen:
        if cls.__module__.startswith("ordertaking."):
            by_name.setdefault(cls.__name__, []).append(cls.__module__)
    clashes = {name: mods for name, mods in by_name.items() if len(mods) > 1}
    assert clashes == {}


def test_operation_ids_are_short_stable_and_unique(schema):
    ids = [op["operationId"] for _m, _p, op in operations(schema)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z_]{2,40}", i) for i in ids), ids
    assert {"order_create", "order_approve", "order_timeline", "order_submit"} <= set(ids)


def test_every_operation_declares_the_one_error_schema_for_each_4xx(schema):
    assert set(schema["components"]["schemas"]["ErrorOut"]["required"]) == {"code", "message"}
    for method, path, op in operations(schema):
        for status in ERRORS:
            declared = op["responses"].get(status) or op["responses"].get(int(status))
            assert declared, (method, path, status)
            assert declared["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}


def test_no_component_is_unused_and_filter_models_are_not_published(schema):
    text = json.dumps(schema["paths"])
    comps = schema["components"]["schemas"]
    assert not {"OrderFilters", "EventFilters", "Input"} & set(comps)
    whole = json.dumps(schema)
    for name in comps:
        assert f'"#/components/schemas/{name}"' in whole, name
    assert "#/components/schemas/" in text


def test_decimals_are_decimal_strings_not_a_number_or_any_string(schema):
    whole = json.dumps(schema)
    assert '{"type": "number"}, {"type": "string"}' not in whole
    line_in = schema["components"]["schemas"]["LineIn"]["properties"]["quantity"]
    assert {"type": "string", "format": "decimal"}.items() <= next(
        s for s in line_in["anyOf"] if s.get("type") == "string").items()


def test_idempotency_key_is_a_declared_header_of_order_create(schema):
    params = schema["paths"]["/api/v1/orders"]["post"]["parameters"]
    assert [p["name"] for p in params if p["in"] == "header"] == ["Idempotency-Key"]


def test_approve_takes_an_optional_object_body_never_null_and_documents_a_hold(schema):
    op = schema["paths"]["/api/v1/orders/{number}/approve"]["post"]
    assert op["requestBody"]["required"] is False
    assert '"null"' not in json.dumps(op["requestBody"])
    out = schema["components"]["schemas"]["OrderStateOut"]
    assert "credit_hold" in out["description"] and "NOT approved" in out["description"]
    assert "approved" in out["required"] and "credit_hold" in out["properties"]["state"]["enum"]


def test_choice_fields_and_required_text_are_as_strict_as_the_server(schema):
    comps = schema["components"]["schemas"]
    assert comps["GuaranteeIn"]["properties"]["kind"]["enum"] == ["deposit", "guarantor", "lc"]
    for name, prop in [("HoldReleaseIn", "reason"), ("ReturnIn", "opinion"), ("SpecialApprovalRequestIn", "reason"),
                       ("CreditNoteIn", "reason")]:
        assert comps[name]["properties"][prop]["minLength"] == 1, name


def test_lists_page_one_way_with_a_total(schema):
    for path in ("/api/v1/credit/holds", "/api/v1/finance/invoices", "/api/v1/finance/dunning",
                 "/api/v1/orders/special-approvals", "/api/v1/audit/events", "/api/v1/credit/reconciliation",
                 "/api/v1/customers", "/api/v1/inquiries", "/api/v1/catalog/products", "/api/v1/orders"):
        op = schema["paths"][path]["get"]
        names = {p["name"] for p in op["parameters"]}
        assert {"page", "page_size"} <= names, path
        ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        assert set(schema["components"]["schemas"][ref]["required"]) >= {"items", "count", "page", "page_size"}


def test_statement_reconciliation_and_the_xlsx_download_are_typed(schema):
    st = schema["paths"]["/api/v1/finance/customers/{customer_id}/statement"]["get"]["responses"]["200"]
    assert st["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/StatementOut"}
    xlsx = schema["paths"]["/api/v1/finance/aging.xlsx"]["get"]["responses"]["200"]["content"]
    assert list(xlsx) == ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
    assert "ReconciliationRowOut" in schema["components"]["schemas"]


# --- live answers validate against their declared schemas --------------------------------------------

def _operation(schema: dict[str, Any], method: str, url: str) -> dict[str, Any]:
    path = url.split("?", 1)[0]
    for template, item in schema["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in item:
            return item[method.lower()]
    raise AssertionError(f"no operation for {method} {url}")


def _validate(schema: dict[str, Any], method: str, url: str, resp: Any) -> None:
    op = _operation(schema, method, url)
    declared = op["responses"].get(str(resp.status_code))
    assert declared, (method, url, resp.status_code, resp.content[:200])
    body_schema = declared["content"]["application/json"]["schema"]
    jsonschema.Draft202012Validator({**body_schema, "components": schema["components"]}).validate(resp.json())


@pytest.mark.django_db
def test_live_answers_of_the_main_operations_validate_against_their_declared_schemas(
        client, schema, customer, sales_rep, reviewer, finance_user, auditor, far_date):
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=customer.created_by)
    checked = 0

    def call(user: Any, method: str, url: str, body: Any = None, expect: int | None = None) -> Any:
        nonlocal checked
        client.force_login(user)
        kwargs: dict[str, Any] = {"content_type": "application/json"}
        if body is not None:
            kwargs["data"] = json.dumps(body)
        resp = getattr(client, method.lower())(url, **kwargs)
        if expect is not None:
            assert resp.status_code == expect, resp.content[:300]
        _validate(schema, method, url, resp)
        checked += 1
        return resp.json()

    order = call(sales_rep, "POST", "/api/v1/orders", {
        "customer": customer.pk, "delivery_date": far_date.isoformat(), "delivery_region": "SH",
        "delivery_city": "上海市", "delivery_address": "浦东新区张江路100号", "payment_method": "PREPAY",
        "lines": [{"product": "MOT-001", "quantity": "2"}]}, 201)
    n = order["number"]
    call(sales_rep, "GET", f"/api/v1/orders/{n}", expect=200)
    call(sales_rep, "GET", "/api/v1/orders", expect=200)
    call(sales_rep, "PATCH", f"/api/v1/orders/{n}", {"notes": "by the gate"}, 200)
    call(sales_rep, "POST", f"/api/v1/orders/{n}/submit", expect=200)
    call(reviewer, "GET", f"/api/v1/orders/{n}/findings", expect=200)
    call(sales_rep, "POST", f"/api/v1/orders/{n}/approve", expect=403)
    call(reviewer, "POST", f"/api/v1/orders/{n}/approve", expect=200)
    call(reviewer, "POST", f"/api/v1/orders/{n}/approve", expect=409)
    call(sales_rep, "GET", f"/api/v1/orders/{n}/timeline", expect=200)
    call(sales_rep, "GET", "/api/v1/orders/SO20990101-9999", expect=404)
    call(sales_rep, "POST", "/api/v1/orders", {"customer": "x"}, 422)
    call(sales_rep, "GET", "/api/v1/customers", expect=200)
    call(sales_rep, "GET", f"/api/v1/customers/{customer.pk}", expect=200)
    call(sales_rep, "GET", "/api/v1/catalog/products", expect=200)
    call(sales_rep, "GET", "/api/v1/catalog/regions", expect=200)
    call(sales_rep, "GET", "/api/v1/catalog/payment-methods", expect=200)
    call(sales_rep, "GET", "/api/v1/inquiries", expect=200)
    call(finance_user, "GET", f"/api/v1/credit/customers/{customer.pk}", expect=200)
    call(finance_user, "GET", "/api/v1/credit/holds", expect=200)
    call(finance_user, "GET", "/api/v1/credit/policy", expect=200)
    call(finance_user, "GET", "/api/v1/credit/reconciliation", expect=200)
    call(finance_user, "POST", f"/api/v1/finance/orders/{n}/invoices", {}, 201)
    call(finance_user, "GET", "/api/v1/finance/invoices", expect=200)
    call(finance_user, "GET", f"/api/v1/finance/customers/{customer.pk}/statement", expect=200)
    call(finance_user, "GET", "/api/v1/finance/aging", expect=200)
    call(finance_user, "GET", "/api/v1/finance/dunning", expect=200)
    call(auditor, "GET", "/api/v1/audit/events", expect=200)
    assert checked == 28


# --- PATCH fields: may be left out, never null -------------------------------------------------------

NEVER_NULL = {
    "CustomerPatch": ["name", "industry", "size", "city", "status", "preferences", "notes"],
    "ContactPatch": ["name", "phone", "title", "email", "is_primary"],
    "AddressPatch": ["region", "city", "detail", "label", "is_default"],
    "InquiryPatch": ["channel", "company_name", "contact_name", "contact_phone", "contact_email", "address", "city",
                     "specification", "service_requirements", "notes", "needs_analysis", "special_needs"],
    "OrderPatch": ["customer"],
}
# null is a value of these (it clears the link or the date), so the schema says so.
MAY_BE_NULL = {"CustomerPatch": ["credit_code", "region", "sales_rep_id"],
               "InquiryPatch": ["customer_id", "region", "product", "quantity", "wanted_delivery_date"]}


def _allows_null(prop: dict[str, Any]) -> bool:
    return (prop.get("type") == "null" or {"type": "null"} in prop.get("anyOf", [])
            or ("default" in prop and prop["default"] is None))


@pytest.mark.parametrize("component", sorted(NEVER_NULL))
def test_patch_fields_the_server_never_stores_as_null_are_not_nullable_in_the_schema(schema, component):
    """A generated client must not be told it may send null where the server refuses it (issue 8)."""
    props = schema["components"]["schemas"][component]["properties"]
    assert [f for f in NEVER_NULL[component] if _allows_null(props[f])] == []
    assert all(_allows_null(props[f]) for f in MAY_BE_NULL.get(component, []))
    assert "required" not in schema["components"]["schemas"][component]  # every field may still be left out


@pytest.fixture
def patch_targets(client, sales_rep, cs_agent, customer):  # type: ignore[no-untyped-def]
    from tests.test_api_inputs import send

    body = {"channel": "phone", "company_name": "甲", "contact_name": "王", "contact_phone": "13800000000",
            "specification": "电机"}
    created = send(client, "post", "/api/v1/inquiries", cs_agent, json.dumps(body))
    assert created.status_code == 201, created.content
    contact, address = customer.contacts.first(), customer.addresses.first()
    detail = f"/api/v1/customers/{customer.pk}"  # shows the customer with its contacts and addresses
    inquiry = f"/api/v1/inquiries/{created.json()['id']}"
    rep, agent = bearer_of(sales_rep), bearer_of(cs_agent)  # one token each (issuing one is an event)
    return {"CustomerPatch": (detail, detail, rep),
            "ContactPatch": (f"{detail}/contacts/{contact.pk}", detail, rep),
            "AddressPatch": (f"{detail}/addresses/{address.pk}", detail, rep),
            "InquiryPatch": (inquiry, inquiry, agent)}


@pytest.mark.django_db
@pytest.mark.parametrize("component,field", [("CustomerPatch", "industry"), ("CustomerPatch", "notes"),
                                             ("ContactPatch", "title"), ("ContactPatch", "is_primary"),
                                             ("AddressPatch", "label"), ("InquiryPatch", "notes"),
                                             ("InquiryPatch", "special_needs"), ("ContactPatch", "name")])
def test_an_explicit_null_in_a_patch_is_a_422_naming_the_field_and_writes_nothing(client, patch_targets,
                                                                                   component, field):
    """Today's main took `{"title": null}` as "clear the title" (200) although the schema's promise is
    the stored value's type; now it is refused in the one error shape, and nothing is written."""
    from ordertaking.audit.models import AuditEvent
    from tests.test_api_inputs import assert_error

    url, read, auth = patch_targets[component]
    before, events = client.get(read, **auth).json(), AuditEvent.objects.count()
    resp = client.patch(url, json.dumps({field: None}), content_type="application/json", **auth)
    assert_error(resp, 422, field=field)
    assert client.get(read, **auth).json() == before
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_fields_left_out_of_a_patch_stay_unchanged(client, patch_targets):
    url, read, auth = patch_targets["ContactPatch"]
    before = client.get(read, **auth).json()["contacts"][0]
    resp = client.patch(url, json.dumps({"title": "采购经理"}), content_type="application/json", **auth)
    assert resp.status_code == 200, resp.content
    assert resp.json() == {**before, "title": "采购经理"}


def bearer_of(user: Any) -> dict[str, str]:
    from tests.test_api_inputs import bearer

    return bearer(user)
