"""Issue 14, W1 through the JSON API: an order entered, submitted and approved by three calls, as the benchmark
makes them (bench/http.py: `order_body`; bench/profile.py: `step_profile_api`). Each call costs the statements of
the service it calls (pinned by review/tests/test_statement_budget.py) plus the API's own, pinned here so that a
change that reads something twice in the API layer shows up:

- every call: the bearer token with its user, the user's permissions and roles (one read, accounts/services.py);
- create: what the body names, in one read (orders/api.py `_named`): the customer as the actor may see it
  (P4.1.c) and the catalog rows by code (region, payment method, products); the order and its lines are answered
  from the objects the service saved (it leaves the lines in the order's cache), not read back;
- submit, approve: the order by its number as the actor may see it (404 otherwise, P4.2.a).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ordertaking.orders import services as order_services
from ordertaking.review import services as review_services
from ordertaking.review.tests.test_statement_budget import BUDGET, EVENTS

pytestmark = pytest.mark.django_db

CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT")
# The API's own statements per call (transaction control not counted), and what each of them reads first.
API_OWN = {"create": 2, "submit": 2, "approve": 2}
READS = {"create": ["accounts_apitoken", "customers_customer"],
         "submit": ["accounts_apitoken", "orders_order"],
         "approve": ["accounts_apitoken", "orders_order"]}
SERVICES = {"create": (order_services, "order_create"), "submit": (review_services, "order_submit"),
            "approve": (review_services, "order_approve")}


def _statements(sqls: list[str]) -> list[str]:
    return [s for s in sqls if not s.startswith(CONTROL)]


def _first_table(sql: str) -> str:
    """The table of the first column a statement selects."""
    found = re.search(r'"(\w+)"\."', sql)
    return found.group(1) if found else sql


class Split:
    """The statements of one call, told apart: those its service ran, and the API's own."""

    def __init__(self, monkeypatch: Any) -> None:
        self.spans: list[tuple[int, int]] = []
        for module, name in SERVICES.values():
            real = getattr(module, name)
            monkeypatch.setattr(module, name, self._counted(real))

    def _counted(self, real: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            start = len(connection.queries_log)
            try:
                return real(*args, **kwargs)
            finally:
                self.spans.append((start, len(connection.queries_log)))
        return counted

    def call(self, client: Any, path: str, token: str, body: Any = None) -> tuple[Any, list[str], list[str]]:
        """(response, all statements, the API's own statements), transaction control left out."""
        self.spans.clear()
        with CaptureQueriesContext(connection) as q:
            r = client.post(path, data=json.dumps(body) if body is not None else "", content_type="application/json",
                            HTTP_AUTHORIZATION=f"Bearer {token}")
        assert r.status_code in (200, 201), r.content
        (start, end), = self.spans
        sqls = [x["sql"] for x in q.captured_queries]
        own = sqls[:start - q.initial_queries] + sqls[end - q.initial_queries:]
        return r, _statements(sqls), _statements(own)


def w1_body(customer: Any, far_date: Any) -> dict[str, Any]:
    """The order make_order builds for the services' budget, as bench/http.py's order_body names it."""
    return {"customer": customer.pk, "delivery_date": far_date.isoformat(), "delivery_region": "SH",
            "delivery_city": "上海市", "delivery_address": "浦东新区张江路100号", "payment_method": "PREPAY",
            "contact_name": "刘经理", "contact_phone": "13812345678",
            "lines": [{"product": "MOT-001", "quantity": "2"}]}


def test_w1_through_the_api_each_call_costs_its_service_and_at_most_the_apis_own_statements(
        client, monkeypatch, make_order, customer, sales_rep, reviewer, far_date, settings):
    from ordertaking.accounts.services import api_token_issue
    from tests.credit_grant import customer_credit_grant

    # The reference data cache's self-check (test settings) reads afresh at every hit: off, to count what runs.
    settings.ORDERTAKING_REFDATA_CHECK = False
    customer_credit_grant(customer, by=sales_rep)
    make_order(state="approved")  # warm: content types, the first stream heads, the counter row
    sales = api_token_issue(user=sales_rep, name="erp", actor=sales_rep)[1]
    review = api_token_issue(user=reviewer, name="erp", actor=reviewer)[1]
    split = Split(monkeypatch)
    extra = {k: 0 if connection.vendor == "postgresql" else n for k, n in EVENTS.items()}
    for _ in range(2):  # the second order: every prepared read compiled, the token's last use just written
        r, create, create_own = split.call(client, "/api/v1/orders", sales, w1_body(customer, far_date))
        number = r.json()["number"]
        _r, submit, submit_own = split.call(client, f"/api/v1/orders/{number}/submit", sales)
        r, approve, approve_own = split.call(client, f"/api/v1/orders/{number}/approve", review, {})
    assert r.json()["state"] == "approved"
    for step, total, own in (("create", create, create_own), ("submit", submit, submit_own),
                             ("approve", approve, approve_own)):
        assert len(own) <= API_OWN[step], (step, own)
        assert [_first_table(s) for s in own] == READS[step], (step, own)
        assert len(total) <= BUDGET[step] + extra[step] + API_OWN[step], (step, total)


def test_a_created_order_is_answered_as_reading_it_back_answers(client, customer, sales_rep, far_date):
    """The answer to a create is built from what the service saved (the order, its lines left in its cache): it
    is the answer a GET of the order gives, decimals to their places included (a quantity sent as "2" is 2.000)."""
    from ordertaking.accounts.services import api_token_issue

    token = api_token_issue(user=sales_rep, name="erp", actor=sales_rep)[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = w1_body(customer, far_date)
    body["lines"] += [{"name": "安装调试", "unit": "次", "quantity": "1.5", "unit_price": "10", "tax_rate": 6},
                      {"product": "MOT-001", "quantity": 3, "unit_price": 0.1}]
    r = client.post("/api/v1/orders", data=json.dumps(body), content_type="application/json", **auth)
    assert r.status_code == 201, r.content
    created = r.json()
    assert [line["quantity"] for line in created["lines"]] == ["2.000", "1.500", "3.000"]
    assert created == client.get(f"/api/v1/orders/{created['number']}", **auth).json()
