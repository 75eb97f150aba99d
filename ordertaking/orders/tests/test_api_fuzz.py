"""Odd input never gives a 500 (brief: negative quantities, huge numbers, bad dates, unknown codes,
wrong types): arbitrary JSON in every field of POST, PATCH and cancel must be answered with 2xx/4xx."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

SCALARS = (st.none() | st.booleans() | st.integers(min_value=-10**30, max_value=10**30)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30)
           | st.sampled_from(["MOT-001", "SH", "PREPAY", "2026-02-30", "2099-12-31", "-1", "1e400", "NaN", "0.0001",
                              "SO20261127-0001", "\x00", "Infinity", "9" * 40]))
JSON: Any = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                         | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)
HEADER = ["customer", "sales_rep", "delivery_date", "delivery_region", "delivery_city", "delivery_address",
          "payment_method", "customer_reference", "contact_name", "contact_phone", "notes", "state"]
LINE = ["product", "name", "specification", "description", "unit", "quantity", "unit_price"]
LINES = st.lists(st.fixed_dictionaries({}, optional=dict.fromkeys(LINE, JSON)), max_size=3) | JSON
BODY = st.fixed_dictionaries({}, optional={**dict.fromkeys(HEADER, JSON), "lines": LINES}) | JSON
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])


def _send(client, method: str, url: str, body: Any) -> int:  # type: ignore[no-untyped-def]
    r = getattr(client, method)(url, data=json.dumps(body), content_type="application/json")
    return r.status_code


@FUZZ
@given(body=BODY)
def test_create_never_answers_500(client, sales_rep, customer, body):  # type: ignore[no-untyped-def]
    client.force_login(sales_rep)
    if isinstance(body, dict) and "customer" not in body:
        body["customer"] = customer.pk
    assert _send(client, "post", "/api/v1/orders", body) < 500


@FUZZ
@given(body=BODY)
def test_patch_never_answers_500_and_never_moves_the_state(client, sales_rep, draft, body):  # type: ignore[no-untyped-def]
    client.force_login(sales_rep)
    assert _send(client, "patch", f"/api/v1/orders/{draft.number}", body) < 500
    draft.refresh_from_db()
    assert draft.state == "draft"


@FUZZ
@given(body=st.fixed_dictionaries({}, optional={"reason": JSON}) | JSON)
def test_cancel_never_answers_500(client, sales_rep, customer, body):  # type: ignore[no-untyped-def]
    from ordertaking.orders.services import order_create

    order = order_create(actor=sales_rep, customer=customer)
    client.force_login(sales_rep)
    assert _send(client, "post", f"/api/v1/orders/{order.number}/cancel", body) < 500
