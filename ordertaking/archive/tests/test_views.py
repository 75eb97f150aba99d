"""P4.1.a/b pages: the customer's page is the archive (tabs, pinned queries), verification form and
queue, thresholds page, the customer list's class and tier filters; and the API."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from ordertaking.archive import services
from ordertaking.customers.models import Customer

pytestmark = pytest.mark.django_db


def test_p4_1_a_the_customer_page_is_the_archive_with_every_section(client, customer, sales_rep, bought,
                                                                   django_assert_max_num_queries):
    orders = [bought("6400.00", d) for d in (3, 40)]
    services.classification_refresh()
    client.force_login(sales_rep)
    with django_assert_max_num_queries(25):
        html = client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'id="archive-tabs"' in html and 'id="contacts"' in html and 'id="invoicing"' in html
    assert f'href="/customers/{customer.pk}/edit/"' in html  # the customers app's edit stays reachable
    assert 'data-field="value_tier"' in html and 'id="verification"' in html
    for tab in ("purchases", "preferences", "inquiries"):
        assert f'href="?tab={tab}"' in html
    assert 'href="?tab=credit"' not in html  # credit is finance's (finance_view)
    with django_assert_max_num_queries(12):
        tab = client.get(f"/customers/{customer.pk}/?tab=purchases", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in tab and 'id="purchase-summary"' in tab
    for o in orders:
        assert f'href="/orders/{o.number}/"' in tab
    assert "¥12,800.00" in tab
    with django_assert_max_num_queries(12):
        tab = client.get(f"/customers/{customer.pk}/?tab=preferences", HTTP_HX_REQUEST="true").content.decode()
    assert "MOT-001" in tab and "¥12,800.00" in tab and "上海市" in tab
    # a plain link to a tab gives the whole page with that tab open
    html = client.get(f"/customers/{customer.pk}/?tab=inquiries").content.decode()
    assert "<html" in html and 'id="inquiries"' in html


def test_p4_1_a_tab_queries_do_not_grow_with_the_orders(client, customer, sales_rep, bought,
                                                        django_assert_max_num_queries):
    for d in range(1, 9):
        bought("3200.00", d)
    client.force_login(sales_rep)
    for tab in ("overview", "purchases", "preferences", "inquiries"):
        with django_assert_max_num_queries(12):
            assert client.get(f"/customers/{customer.pk}/?tab={tab}", HTTP_HX_REQUEST="true").status_code == 200


def test_p4_1_a_finance_sees_the_credit_history_tab(client, customer, finance_user):
    client.force_login(finance_user)
    html = client.get(f"/customers/{customer.pk}/?tab=credit").content.decode()
    assert 'id="evaluations"' in html and 'id="holds"' in html


def test_p4_1_a_another_reps_customer_page_is_404(client, customer, sales_rep2):
    client.force_login(sales_rep2)
    assert client.get(f"/customers/{customer.pk}/").status_code == 404
    assert client.get(f"/archive/customers/{customer.pk}/verify/").status_code == 404


def test_p4_1_a_verify_form_records_and_refuses_an_empty_tick(client, customer, sales_rep, finance_user):
    client.force_login(sales_rep)
    r = client.post(f"/archive/customers/{customer.pk}/verify/", {"note": "x"})
    body = r.content.decode()
    assert r.status_code == 422 and ("Tick at least one" in body or "至少勾选" in body)
    r = client.post(f"/archive/customers/{customer.pk}/verify/",
                    {"confirmed": ["basic", "contacts"], "note": "电话确认"})
    assert r.status_code == 302
    customer.refresh_from_db()
    assert customer.verified_items == ["basic", "contacts"]
    html = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "电话确认" in html  # the note on the timeline
    client.force_login(finance_user)
    assert client.get(f"/archive/customers/{customer.pk}/verify/").status_code == 403


def test_p4_1_a_verification_queue_page(client, customer, sales_rep, django_assert_max_num_queries):
    Customer.objects.filter(pk=customer.pk).update(created_at=timezone.now() - timedelta(days=400))
    for i in range(5):
        Customer.objects.create(name=f"旧客户{i}", sales_rep=sales_rep, created_by=sales_rep)
    Customer.objects.update(created_at=timezone.now() - timedelta(days=400))
    client.force_login(sales_rep)
    with django_assert_max_num_queries(15):
        html = client.get("/archive/verification/").content.decode()
    assert customer.name in html and "旧客户4" in html
    home = client.get("/").content.decode()
    assert 'data-queue="verification_due"' in home


def test_p4_1_b_thresholds_page_leadership_saves_others_read(client, leader, sales_rep, customer):
    client.force_login(sales_rep)
    assert client.get("/archive/thresholds/").status_code == 200
    assert client.post("/archive/thresholds/", {"period_months": 6}).status_code == 403
    assert client.post("/archive/thresholds/refresh/").status_code == 403
    client.force_login(leader)
    data = {"period_months": 6, "frequent_orders": 6, "regular_orders": 2, "active_days": 90, "dormant_days": 365,
            "key_orders": 4, "key_amount": "500000", "growing_orders": 2, "growing_amount": "100000"}
    r = client.post("/archive/thresholds/", {**data, "regular_orders": 9})
    assert r.status_code == 422 and 'id="id_regular_orders-errors"' in r.content.decode()
    assert client.post("/archive/thresholds/", data).status_code == 302
    html = client.get("/archive/thresholds/").content.decode()
    assert 'value="90"' in html and 'id="class-counts"' in html
    assert client.post("/archive/thresholds/refresh/").status_code == 302


def test_p4_1_b_customer_list_filters_by_tier_and_frequency(client, customer, sales_rep, bought,
                                                            django_assert_max_num_queries):
    other = Customer.objects.create(name="北京客户", sales_rep=sales_rep, created_by=sales_rep)
    bought("3200.00", 400)
    services.classification_refresh()
    client.force_login(sales_rep)
    with django_assert_max_num_queries(15):
        html = client.get("/customers/?tier=dormant").content.decode()
    assert customer.name in html and other.name not in html
    html = client.get("/customers/?tier=unclassified").content.decode()
    assert other.name in html and customer.name not in html
    html = client.get("/customers/?frequency=none").content.decode()
    assert other.name in html and customer.name in html
    r = client.get("/api/v1/customers?tier=dormant")
    assert [c["id"] for c in r.json()["items"]] == [customer.pk]
    assert r.json()["items"][0]["value_tier"] == "dormant"
    r = client.get("/api/v1/customers?tier=golden")
    assert r.status_code == 422 and r.json()["field"] == "tier"


def test_p4_1_a_api_archive_verify_and_due(client, customer, sales_rep, bought, sales_rep2):
    bought("6400.00", 3)
    client.force_login(sales_rep)
    r = client.get(f"/api/v1/archive/customers/{customer.pk}")
    body = r.json()
    assert r.status_code == 200 and body["orders_bought"] == 1 and body["amount_bought"] == "6400.00"
    assert body["products_bought_most"][0]["product_code"] == "MOT-001"
    assert body["usual_payment_methods"][0]["orders"] == 1
    r = client.post(f"/api/v1/archive/customers/{customer.pk}/verify", json.dumps({"confirmed": []}),
                    content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "confirmed"
    r = client.post(f"/api/v1/archive/customers/{customer.pk}/verify",
                    json.dumps({"confirmed": ["basic"], "note": "ok"}), content_type="application/json")
    assert r.status_code == 200 and r.json()["verified_items"] == ["basic"] and r.json()["verification_due"] is False
    Customer.objects.filter(pk=customer.pk).update(last_verified_at=timezone.now() - timedelta(days=400))
    r = client.get("/api/v1/archive/verification-due")
    assert [c["customer_id"] for c in r.json()["items"]] == [customer.pk]
    client.force_login(sales_rep2)
    assert client.get(f"/api/v1/archive/customers/{customer.pk}").status_code == 404
    r = client.post(f"/api/v1/archive/customers/{customer.pk}/verify", json.dumps({"confirmed": ["basic"]}),
                    content_type="application/json")
    assert r.status_code == 404


def test_p4_1_b_api_thresholds_leadership_only(client, leader, sales_rep):
    client.force_login(sales_rep)
    assert client.get("/api/v1/archive/thresholds").json()["key_orders"] == 4
    r = client.patch("/api/v1/archive/thresholds", json.dumps({"key_orders": 5}), content_type="application/json")
    assert r.status_code == 403
    assert client.post("/api/v1/archive/classification/refresh").status_code == 403
    client.force_login(leader)
    r = client.patch("/api/v1/archive/thresholds", json.dumps({"key_orders": 5}), content_type="application/json")
    assert r.status_code == 200 and r.json()["key_orders"] == 5 and r.json()["updated_by"]
    r = client.patch("/api/v1/archive/thresholds", json.dumps({"regular_orders": 50}), content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "regular_orders"
    r = client.patch("/api/v1/archive/thresholds", json.dumps({"key_amount": "1e40"}), content_type="application/json")
    assert r.status_code == 422
    assert client.post("/api/v1/archive/classification/refresh").json()["customers"] >= 0
