"""P6.2 in the API: the same figures and the same rule of who sees what as the pages."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
BASE = "/api/v1/assessment"


def test_p6_2_api_scorecard_trend_records_and_targets(client, leader, sales_rep, finance_user):
    client.force_login(leader)
    r = client.get(f"{BASE}/scorecard", {"department": "sales", "period": "2026-Q4"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert [k["kpi"] for k in body["kpis"]] == ["received", "timeliness", "accuracy", "satisfaction", "risk"]
    assert body["kpis"][0]["definition"] and body["kpis"][0]["status"] == "unset"
    r = client.get(f"{BASE}/kpis/received/trend", {"department": "sales", "period": "2026-11"})
    assert r.status_code == 200 and len(r.json()) == 12
    r = client.get(f"{BASE}/records/entered_right", {"department": "sales", "period": "2026", "met": "true"})
    assert r.status_code == 200 and r.json()["count"] == 0
    assert client.get(f"{BASE}/records/entered_right", {"department": "finance"}).status_code == 404
    r = client.put(f"{BASE}/targets", {"kpi": "risk", "department": "finance", "period_kind": "quarter",
                                       "value": "85"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["shown"] == "85.0%"
    r = client.put(f"{BASE}/targets", {"kpi": "risk", "department": "finance", "period_kind": "quarter",
                                       "value": "185"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "value"
    assert client.get(f"{BASE}/scorecard", {"department": "sales", "period": "2026-13"}).status_code == 422


def test_p6_2_api_a_sales_rep_sees_sales_only(client, sales_rep, sales_rep2):
    client.force_login(sales_rep)
    assert client.get(f"{BASE}/scorecard", {"department": "sales"}).status_code == 200
    assert client.get(f"{BASE}/scorecard", {"department": "sales", "person": "sales1"}).status_code == 200
    assert client.get(f"{BASE}/scorecard", {"department": "sales", "person": "sales2"}).status_code == 403
    assert client.get(f"{BASE}/scorecard", {"department": "finance"}).status_code == 403
    assert client.get(f"{BASE}/targets").status_code == 403
    r = client.put(f"{BASE}/targets", {"kpi": "risk", "department": "sales", "period_kind": "month", "value": "85"},
                   content_type="application/json")
    assert r.status_code == 403
