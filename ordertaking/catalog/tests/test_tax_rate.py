"""Every product and service carries its VAT rate (issue 11, P2.3.b prices are tax-inclusive)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from ordertaking.audit.selectors import timeline_for
from ordertaking.catalog.models import Product
from ordertaking.catalog.services import product_create

pytestmark = pytest.mark.django_db


def patch(client, user, code, body):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client.patch(f"/api/v1/catalog/products/{code}", data=json.dumps(body), content_type="application/json")


def test_a_new_item_gets_13_percent_as_goods_and_6_as_a_service_unless_told(catalog, admin_user_role):
    cat = catalog["categories"]["motor"]
    goods = product_create(actor=admin_user_role, code="G-1", name="电缆", category=cat,
                           list_price=Decimal("10"), floor_price=Decimal("9"))
    service = product_create(actor=admin_user_role, code="S-1", name="维保", category=cat, kind="service",
                             list_price=Decimal("10"), floor_price=Decimal("9"))
    transport = product_create(actor=admin_user_role, code="S-2", name="运输", category=cat, kind="service",
                               tax_rate=9, list_price=Decimal("10"), floor_price=Decimal("9"))
    assert (goods.tax_rate, service.tax_rate, transport.tax_rate) == (13, 6, 9)
    assert (timeline_for(transport).get().after or {})["tax_rate"] == 9


def test_the_api_changes_a_rate_with_an_audit_event(client, catalog, admin_user_role):
    r = patch(client, admin_user_role, "MOT-001", {"tax_rate": 9})
    assert r.status_code == 200, r.content
    assert r.json()["tax_rate"] == 9 and r.json()["tax_rate_label"].startswith("9%")
    ev = timeline_for(catalog["products"]["motor"]).get()
    assert ev.action == "product.updated" and ev.before == {"tax_rate": 13} and ev.after == {"tax_rate": 9}


@pytest.mark.parametrize("rate", [12, 100, -6, "13%", None, 6.5])
def test_the_api_refuses_a_bad_rate_with_422(client, catalog, admin_user_role, rate):
    r = patch(client, admin_user_role, "MOT-001", {"tax_rate": rate})
    assert r.status_code == 422, r.content
    assert r.json()["field"].endswith("tax_rate")
    assert Product.objects.get(code="MOT-001").tax_rate == 13


def test_only_the_catalog_maintainer_changes_a_rate(client, catalog, sales_rep, finance_user):
    for user in (sales_rep, finance_user):
        assert patch(client, user, "MOT-001", {"tax_rate": 6}).status_code == 403
    assert Product.objects.get(code="MOT-001").tax_rate == 13


def test_the_catalog_page_and_api_show_the_rate(client, catalog, sales_rep):
    client.force_login(sales_rep)
    page = client.get("/catalog/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "税率" in page and '<td class="num" data-field="tax_rate">6%</td>' in page
    items = client.get("/api/v1/catalog/products").json()["items"]
    assert {p["code"]: p["tax_rate"] for p in items}["SVC-INST"] == 6


def test_the_timeline_reads_a_rate_as_a_percentage(catalog, admin_user_role):
    from ordertaking.audit.labels import show_value
    from ordertaking.catalog.services import product_update

    product_update(product=catalog["products"]["motor"], actor=admin_user_role, fields={"tax_rate": 9})
    assert show_value(9, "tax_rate") == "9%"
