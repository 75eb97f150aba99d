"""A typed client generated from /api/v1/openapi.json (openapi-python-client) runs an order's life
(issue 8: the client crashed reading the timeline and before sending an approval without a body).

The client is generated into a temporary directory from the schema the live server publishes, imported,
and driven against `live_server` (SQLite is enough): create an order, submit it, approve it as another
user with no body, read its timeline. No mock: the generated code parses the real answers."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from ordertaking.accounts.services import api_token_issue

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _generate(schema_url: str, where: Path) -> Any:
    schema = where / "openapi.json"
    with urllib.request.urlopen(schema_url, timeout=30) as resp:  # noqa: S310 - the local live server
        schema.write_text(resp.read().decode())
    config = where / "config.json"
    config.write_text(json.dumps({"project_name_override": "otc", "package_name_override": "otc",
                                  "content_type_overrides": {XLSX: "application/octet-stream",
                                                             "application/pdf": "application/octet-stream"},
                                  "post_hooks": []}))
    run = subprocess.run([str(GENERATOR), "generate", "--path", str(schema), "--config", str(config),
                          "--meta", "none", "--output-path", str(where / "otc")],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "Warning" not in run.stdout + run.stderr, run.stdout[-3000:] + run.stderr[-3000:]
    sys.path.insert(0, str(where))
    try:
        return importlib.import_module("otc")
    finally:
        sys.path.remove(str(where))


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_runs_an_orders_life_create_submit_approve_without_body_timeline(
        live_server, tmp_path, customer, sales_rep, reviewer, far_date):
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=customer.created_by)
    otc = _generate(f"{live_server.url}/api/v1/openapi.json", tmp_path)
    from otc import AuthenticatedClient  # type: ignore[import-not-found]
    from otc.api.orders import order_create, order_submit, order_timeline  # type: ignore[import-not-found]
    from otc.api.review import order_approve  # type: ignore[import-not-found]
    from otc.models import ErrorOut, LineIn, OrderIn, OrderOut, OrderStateOut  # type: ignore[import-not-found]

    assert otc is not None
    _t, rep_token = api_token_issue(user=sales_rep, name="client", actor=sales_rep)
    _t, rev_token = api_token_issue(user=reviewer, name="client", actor=reviewer)
    rep = AuthenticatedClient(base_url=live_server.url, token=rep_token, raise_on_unexpected_status=True)
    rev = AuthenticatedClient(base_url=live_server.url, token=rev_token, raise_on_unexpected_status=True)

    body = OrderIn(customer=customer.pk, delivery_date=far_date, delivery_region="SH", delivery_city="上海市",
                   delivery_address="浦东新区张江路100号", payment_method="PREPAY", customer_reference="PO-1",
                   lines=[LineIn(product="MOT-001", quantity="2")])
    created = order_create.sync_detailed(client=rep, body=body, idempotency_key="client-test-1")
    assert created.status_code == 201, created.content
    order = created.parsed
    assert isinstance(order, OrderOut) and order.state == "draft" and order.lines[0].quantity == "2.000"

    again = order_create.sync_detailed(client=rep, body=body, idempotency_key="client-test-1")
    assert again.status_code == 200 and again.parsed.number == order.number

    submitted = order_submit.sync(order.number, client=rep)
    assert isinstance(submitted, OrderOut) and submitted.state == "submitted"

    refused = order_approve.sync_detailed(order.number, client=rep)  # the author may not approve
    assert refused.status_code == 403 and isinstance(refused.parsed, ErrorOut) and refused.parsed.code

    approved = order_approve.sync_detailed(order.number, client=rev)  # no body at all
    assert approved.status_code == 200, approved.content
    assert isinstance(approved.parsed, OrderStateOut)
    assert (approved.parsed.state, approved.parsed.approved) == ("approved", True)

    timeline = order_timeline.sync(order.number, client=rep)
    actions = [ev.action for ev in timeline]
    assert {"order.created", "order.submitted", "order.approved"} <= set(actions), actions
