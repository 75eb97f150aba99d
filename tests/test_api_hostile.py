"""Hostile input over the whole API (issue 8): for every operation the published schema declares (not a
hand-written list), hypothesis sends bodies and path values a careless or hostile client would — lone
UTF-16 surrogates, invalid UTF-8, bodies that are not a JSON object, numbers far beyond any column,
negative numbers, nulls, wrong types — as a user whose role reaches that operation's service.

Every answer must be below 500, and every error must be JSON in the one shape {code, message, field}."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ordertaking.api import api

SCHEMA = json.loads(json.dumps(api.get_openapi_schema(), default=str))
OPERATIONS = [(method.upper(), path, op) for path, item in SCHEMA["paths"].items()
              for method, op in item.items()]

HOSTILE_VALUES = [
    "\ud800", "a\udfffb", "\udc80" * 3, "1" + "0" * 40, "-1", "-0.01", -1, -(10**30), 10**30, 2**63,
    "9" * 20 + ".999", "1e400", "NaN", "Infinity", None, [], {}, "", "   ", "x" * 3000, True, 1.5e308,
    "0.001", "2026-02-30", "'; DROP TABLE x; --", "=HYPERLINK(\"x\")",
]
RAW_BODIES = [b'{"x": "\xff"}', b'{"reason": "\xed\xa0\x80"}', b"\xc3", b"[]", b"null", b'"text"', b"123",
              b"{", b'{"a": 1}' * 2]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    for key in ("allOf", "anyOf"):
        if key in schema:
            for part in schema[key]:
                if "$ref" in part or part.get("properties"):
                    return _resolve(part)
    return schema


def _body_properties(op: dict[str, Any]) -> list[str]:
    content = op.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return []
    return sorted(_resolve(content["schema"]).get("properties", {}))


def _user_for(path: str) -> str:
    if path.startswith("/api/v1/credit") or path.startswith("/api/v1/finance"):
        return "finance_user"
    if path.startswith("/api/v1/audit") or path.startswith("/api/v1/supervision"):
        return "auditor"
    if path.startswith("/api/v1/legal/threshold") or path.startswith("/api/v1/assessment"):
        return "leader"
    if path.startswith("/api/v1/legal"):
        return "hostile_legal_adviser"
    if path.startswith("/api/v1/whistleblowing"):
        return "hostile_investigator"
    if path.startswith("/api/v1/inquiries"):
        return "cs_agent"
    if re.search(r"/(approve|return|findings)$|special-approvals/", path):
        return "reviewer"
    return "sales_rep"


def assert_answer(resp: Any, what: str) -> None:
    assert resp.status_code < 500, (what, resp.status_code, resp.content[:300])
    if resp.status_code >= 400:
        assert resp["Content-Type"].startswith("application/json"), (what, resp["Content-Type"])
        body = resp.json()
        assert isinstance(body, dict) and {"code", "message", "field"} <= set(body), (what, body)
        assert isinstance(body["code"], str) and body["code"], (what, body)


@pytest.fixture
def hostile_legal_adviser(make_user):  # type: ignore[no-untyped-def]
    return make_user("legal-hostile", "legal", display_name="林法务")


@pytest.fixture
def hostile_investigator(make_user):  # type: ignore[no-untyped-def]
    return make_user("investigator-hostile", "investigator", display_name="何调查")


@pytest.fixture
def world(customer, sales_rep, make_order):  # type: ignore[no-untyped-def]
    """Real objects for the path parameters, so the hostile bodies reach the services."""
    order = make_order(customer)
    contact = customer.contacts.first()
    address = customer.addresses.first()
    return {"customer_id": customer.pk, "number": order.number, "contact_id": contact.pk if contact else 1,
            "address_id": address.pk if address else 1}


def _url(path: str, values: dict[str, Any], hostile: Any = None) -> str:
    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        if hostile is not None:
            return str(hostile)
        return str(values.get(name, 1))
    return re.sub(r"\{([^}]+)\}", fill, path)


@pytest.mark.django_db
@pytest.mark.parametrize("method,path,op", OPERATIONS, ids=[op["operationId"] for _m, _p, op in OPERATIONS])
@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_hostile_input_to_every_operation_is_never_a_5xx_and_always_the_error_shape(
        client, request, world, method, path, op, data):
    user = request.getfixturevalue(_user_for(path))
    client.force_login(user)
    props = _body_properties(op)
    call = getattr(client, method.lower())
    kind = data.draw(st.sampled_from(["body", "raw", "path", "query"] if props else ["path", "query"]))
    url = _url(path, world)
    if kind == "path" and "{" in path:
        url = _url(path, world, data.draw(st.sampled_from(["0", "-1", "9" * 40, "%ED%A0%80", "x y", "1.5"])))
    if kind == "query":
        params = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"] or ["page"]
        name = data.draw(st.sampled_from(params))
        value = data.draw(st.sampled_from(["-1", "9" * 40, "%ED%A0%80", "%FF", "", "null", "1e400"]))
        url = f"{url}?{name}={value}"
    if method in ("GET", "DELETE") and kind in ("body", "raw"):
        kind = "path"
    if kind == "raw":
        raw: bytes = data.draw(st.sampled_from(RAW_BODIES))
        resp = call(url, data=raw, content_type="application/json")
    elif kind == "body":
        body = data.draw(st.dictionaries(st.sampled_from(props), st.sampled_from(HOSTILE_VALUES), min_size=1))
        resp = call(url, data=json.dumps(body), content_type="application/json")
    elif method in ("GET", "DELETE"):
        resp = call(url)
    else:
        resp = call(url, data="{}", content_type="application/json")
    assert_answer(resp, f"{method} {url} ({kind})")
