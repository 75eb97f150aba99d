"""Catalog and price policy (P2.3.b): read API, the catalog page, the product picker selector,
and who sees the floor price."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from ordertaking.catalog import selectors
from ordertaking.catalog.models import Product

pytestmark = pytest.mark.django_db


def test_p2_3_b_product_search_finds_by_code_name_or_spec_active_only(catalog):
    assert [p.code for p in selectors.product_search("MOT")] == ["MOT-001"]
    assert [p.code for p in selectors.product_search("减速")] == ["RED-001"]
    assert [p.code for p in selectors.product_search("R87")] == ["RED-001"]
    assert selectors.product_search("停产") == []  # inactive products are not offered
    assert len(selectors.product_search("", limit=2)) == 2


def test_p2_3_b_product_search_puts_code_prefix_matches_first(catalog):
    cat = catalog["categories"]["motor"]
    Product.objects.create(code="XYZ-1", name="配件 SVC 用", category=cat, list_price=Decimal("1"),
                           floor_price=Decimal("1"))
    codes = [p.code for p in selectors.product_search("svc")]
    assert codes[0] == "SVC-INST" and "XYZ-1" in codes


def test_p2_3_b_payment_methods_for_a_customer_are_open_ones_plus_granted(customer, catalog):
    assert {p.code for p in selectors.payment_methods_for(customer)} == {"PREPAY", "COD"}
    customer.allowed_payment_methods.add(catalog["payments"]["net30"])
    assert {p.code for p in selectors.payment_methods_for(customer)} == {"PREPAY", "COD", "NET30"}
    assert {p.code for p in selectors.payment_methods_for(None)} == {"PREPAY", "COD"}


@pytest.mark.parametrize("fixture,sees", [("sales_rep", False), ("cs_agent", False), ("reviewer", True),
                                          ("finance_user", True), ("leader", True), ("admin_user_role", True),
                                          ("production_user", False)])
def test_p2_3_b_floor_price_only_for_order_center_finance_leadership_admin(request, catalog, fixture, sees):
    user = request.getfixturevalue(fixture)
    assert selectors.sees_floor_price(user) is sees


def test_p2_3_b_api_products_search_filter_paginate(client, sales_rep, catalog):
    client.force_login(sales_rep)
    body = client.get("/api/v1/catalog/products").json()
    assert body["count"] == 3 and {p["code"] for p in body["items"]} == {"MOT-001", "RED-001", "SVC-INST"}
    assert all(p["floor_price"] is None for p in body["items"])  # sales see the list price only
    assert client.get("/api/v1/catalog/products", {"category": "SVC"}).json()["count"] == 1
    assert client.get("/api/v1/catalog/products", {"q": "电机"}).json()["count"] == 1
    assert client.get("/api/v1/catalog/products", {"active": "false"}).json()["items"][0]["code"] == "OLD-001"
    page = client.get("/api/v1/catalog/products", {"page_size": 2, "page": 2}).json()
    assert page["count"] == 3 and len(page["items"]) == 1
    assert client.get("/api/v1/catalog/products", {"page_size": 500}).status_code == 422


def test_p2_3_b_api_product_detail_shows_floor_price_to_the_order_center(client, reviewer, catalog):
    client.force_login(reviewer)
    body = client.get("/api/v1/catalog/products/MOT-001").json()
    assert Decimal(body["floor_price"]) == Decimal("2800.00") and Decimal(body["list_price"]) == Decimal("3200.00")
    assert client.get("/api/v1/catalog/products/NOPE").status_code == 404


def test_p2_3_b_api_regions_and_payment_methods(client, cs_agent, catalog):
    client.force_login(cs_agent)
    regions = client.get("/api/v1/catalog/regions").json()
    assert {r["code"]: r["transit_days"] for r in regions} == {"SH": 1, "GD": 3, "XZ": 10}
    assert [r["code"] for r in client.get("/api/v1/catalog/regions", {"served": "true"}).json()] == ["GD", "SH"]
    pms = client.get("/api/v1/catalog/payment-methods").json()
    assert {p["code"]: p["open_to_all"] for p in pms} == {"PREPAY": True, "COD": True, "NET30": False}


def test_api_catalog_requires_authentication(client, catalog):
    assert client.get("/api/v1/catalog/products").status_code == 401


def test_p2_3_b_catalog_page_hides_floor_price_from_sales(client, sales_rep, catalog, django_assert_max_num_queries):
    client.force_login(sales_rep)
    with django_assert_max_num_queries(10):
        r = client.get("/catalog/")
    html = r.content.decode()
    assert r.status_code == 200 and "¥3,200.00" in html and "¥2,800.00" not in html
    assert "OLD-001" not in html


def test_p2_3_b_catalog_page_shows_floor_price_to_finance_and_filters(client, finance_user, catalog):
    client.force_login(finance_user)
    html = client.get("/catalog/", {"category": "MOT", "inactive": "1", "sort": "-list_price"}).content.decode()
    assert "¥2,800.00" in html and "OLD-001" in html and "SVC-INST" not in html
    assert html.index("RED-001") < html.index("MOT-001")


def test_p2_3_b_catalog_page_htmx_returns_the_table_only(client, sales_rep, catalog):
    client.force_login(sales_rep)
    html = client.get("/catalog/", {"q": "安装"}, HTTP_HX_REQUEST="true").content.decode()
    assert "SVC-INST" in html and "MOT-001" not in html and "<html" not in html


def test_catalog_page_query_count_does_not_grow_with_products(client, sales_rep, catalog,
                                                              django_assert_max_num_queries):
    cat = catalog["categories"]["motor"]
    Product.objects.bulk_create([Product(code=f"P-{i:03d}", name=f"产品{i}", category=cat, list_price=Decimal("10"),
                                         floor_price=Decimal("5")) for i in range(60)])
    client.force_login(sales_rep)
    with django_assert_max_num_queries(10):
        assert client.get("/catalog/", {"page": 2}).status_code == 200


def test_p2_3_b_admin_pages_for_catalog_and_customer_payment_methods_work(client, admin_user_role, customer,
                                                                         catalog, django_user_model):
    from ordertaking.audit.selectors import timeline_for

    superuser = django_user_model.objects.create_superuser("root", "root@example.cn", "x-Pass-2026!")
    superuser.groups.add(Group.objects.get(name="admin"))  # catalog_manage is the admin role's, not superuser's
    client.force_login(superuser)
    for url in ["/admin/catalog/product/", "/admin/catalog/product/add/", "/admin/catalog/region/",
                "/admin/catalog/paymentmethod/", f"/admin/catalog/product/{catalog['products']['motor'].pk}/history/",
                "/admin/customers/customer/", f"/admin/customers/customer/{customer.pk}/change/"]:
        assert client.get(url).status_code == 200, url
    through = "allowed_payment_methods"
    prefix = f"Customer_{through}"
    r = client.post(f"/admin/customers/customer/{customer.pk}/change/", {
        f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-paymentmethod": str(catalog["payments"]["net30"].pk), f"{prefix}-0-customer": str(customer.pk),
        "contacts-TOTAL_FORMS": "1", "contacts-INITIAL_FORMS": "1",
        "contacts-0-id": str(customer.contacts.get().pk), "contacts-0-customer": str(customer.pk),
        "addresses-TOTAL_FORMS": "1", "addresses-INITIAL_FORMS": "1",
        "addresses-0-id": str(customer.addresses.get().pk), "addresses-0-customer": str(customer.pk),
    })
    assert r.status_code == 302, r.content.decode()[:3000]
    assert list(customer.allowed_payment_methods.values_list("code", flat=True)) == ["NET30"]
    ev = timeline_for(customer).get()
    assert ev.action == "customer.payment_methods_changed" and ev.after == {"allowed_payment_methods": ["NET30"]}
