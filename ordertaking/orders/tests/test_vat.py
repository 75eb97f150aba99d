"""VAT on orders (issue 11; P2.3.b prices): each line copies its product's rate at entry and stores
its amount without tax and its tax (common.money.vat_split); the order stores their sums; the
tax-inclusive total is what it was, so credit and exposure do not move. Page, API, form, migration."""

from __future__ import annotations

import importlib
import json
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.utils import translation

from ordertaking.catalog.services import product_update
from ordertaking.orders.models import Order, OrderLine
from ordertaking.orders.services import order_create, order_update

pytestmark = pytest.mark.django_db
D = Decimal


def call(client, method: str, url: str, user=None, body: Any = None):  # type: ignore[no-untyped-def]
    if user is not None:
        client.force_login(user)
    kwargs: dict[str, Any] = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    return getattr(client, method)(url, **kwargs)


@pytest.fixture
def vat_order(sales_rep, customer, catalog):  # type: ignore[no-untyped-def]
    p = catalog["products"]
    return order_create(actor=sales_rep, customer=customer, lines=[
        {"product": p["motor"], "quantity": D("3"), "unit_price": D("1.00")},       # 13%: 3.00 → 2.65 + 0.35
        {"product": p["install"], "quantity": D("1"), "unit_price": D("750.00")},  # 6%: 750 → 707.55 + 42.45
        {"name": "培训", "unit": "次", "quantity": D("1"), "unit_price": D("1.00"), "tax_rate": 6},  # 0.94 + 0.06
        {"name": "包装", "unit": "件", "quantity": D("1"), "unit_price": D("1.00")},  # free line: 13% by default
    ])


def test_lines_copy_the_catalog_rate_and_store_net_and_tax_the_order_their_sums(vat_order):
    lines = list(vat_order.lines.order_by("position"))
    assert [(ln.tax_rate, ln.net_amount, ln.tax_amount, ln.amount) for ln in lines] == [
        (13, D("2.65"), D("0.35"), D("3.00")),
        (6, D("707.55"), D("42.45"), D("750.00")),
        (6, D("0.94"), D("0.06"), D("1.00")),
        (13, D("0.88"), D("0.12"), D("1.00")),
    ]
    vat_order.refresh_from_db()
    assert vat_order.total_amount == D("755.00")  # tax-inclusive, as before: credit counts this
    assert vat_order.net_total == D("712.02") and vat_order.tax_total == D("42.98")
    assert vat_order.net_total + vat_order.tax_total == vat_order.total_amount


def test_a_later_catalog_rate_change_never_rewrites_an_entered_order(vat_order, catalog, admin_user_role):
    product_update(product=catalog["products"]["motor"], actor=admin_user_role, fields={"tax_rate": 9})
    line = vat_order.lines.get(position=1)
    assert line.tax_rate == 13 and line.tax_amount == D("0.35")


def test_a_product_line_cannot_take_another_rate_than_the_catalogs(sales_rep, customer, catalog):
    from ordertaking.common.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as e:
        order_create(actor=sales_rep, customer=customer,
                     lines=[{"product": catalog["products"]["motor"], "quantity": D("1"), "tax_rate": 6}])
    assert e.value.code == "tax_rate_from_catalog" and e.value.field == "lines.1.tax_rate"
    assert Order.objects.count() == 0


def test_an_edit_recomputes_the_split_and_a_rate_change_is_on_the_timeline(vat_order, sales_rep):
    lines = [{"name": "培训", "unit": "次", "quantity": D("1"), "unit_price": D("1.00"), "tax_rate": 9}]
    order_update(order=vat_order, actor=sales_rep, lines=lines)
    vat_order.refresh_from_db()
    assert (vat_order.net_total, vat_order.tax_total, vat_order.total_amount) == (D("0.92"), D("0.08"), D("1.00"))


# --- the API ------------------------------------------------------------------------------------------

def test_the_api_shows_rate_net_and_tax_per_line_and_in_sum(client, vat_order, sales_rep):
    data = call(client, "get", f"/api/v1/orders/{vat_order.number}", sales_rep).json()
    assert (data["net_total"], data["tax_total"], data["total_amount"]) == ("712.02", "42.98", "755.00")
    assert [(ln["tax_rate"], ln["net_amount"], ln["tax_amount"], ln["amount"]) for ln in data["lines"]][:2] == [
        (13, "2.65", "0.35", "3.00"), (6, "707.55", "42.45", "750.00")]
    listed = call(client, "get", "/api/v1/orders").json()["items"][0]
    assert (listed["net_total"], listed["tax_total"]) == ("712.02", "42.98")


@pytest.mark.parametrize(("rate", "field", "code"), [
    (12, "lines.1.tax_rate", "invalid_tax_rate"),     # not one of the rates
    (-13, "lines.1.tax_rate", "invalid_tax_rate"),
    ("abc", "lines.0.tax_rate", None),                 # not a number: the schema refuses it
    (13.5, "lines.0.tax_rate", None),
])
def test_the_api_refuses_a_bad_rate_with_422_and_its_field(client, customer, sales_rep, rate, field, code):
    body = {"customer": customer.pk, "lines": [{"name": "培训", "unit": "次", "quantity": "1",
                                                 "unit_price": "100.00", "tax_rate": rate}]}
    r = call(client, "post", "/api/v1/orders", sales_rep, body)
    assert r.status_code == 422, r.content
    assert r.json()["field"] == field
    if code:
        assert r.json()["code"] == code
    assert Order.objects.count() == 0


def test_the_api_refuses_a_product_line_with_another_rate(client, customer, sales_rep, catalog):
    body = {"customer": customer.pk, "lines": [{"product": "MOT-001", "quantity": "1", "tax_rate": 6}]}
    r = call(client, "post", "/api/v1/orders", sales_rep, body)
    assert r.status_code == 422 and r.json()["code"] == "tax_rate_from_catalog"


def test_a_free_line_takes_the_rate_given(client, customer, sales_rep):
    body = {"customer": customer.pk, "lines": [{"name": "运输", "unit": "次", "quantity": "1",
                                                 "unit_price": "109.00", "tax_rate": 9}]}
    data = call(client, "post", "/api/v1/orders", sales_rep, body).json()
    assert (data["lines"][0]["tax_rate"], data["net_total"], data["tax_total"]) == (9, "100.00", "9.00")


# --- the pages ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "words"), [
    ("zh-hans", ["税率", "不含税金额", "税额", "价税合计"]),
    ("en", ["VAT rate", "Amount without tax", "Tax", "Total incl. VAT"]),
])
def test_the_order_page_shows_rate_net_tax_and_total_per_line_and_in_sum(client, vat_order, sales_rep, lang,
                                                                         words):
    client.force_login(sales_rep)
    with translation.override(lang):
        page = client.get(f"/orders/{vat_order.number}/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    for w in words:
        assert w in page
    assert 'id="order-net">¥712.02' in page and 'id="order-tax">¥42.98' in page
    assert 'id="order-total">¥755.00' in page
    assert '<td class="money" data-field="tax_amount">¥42.45</td>' in page


def test_the_order_list_shows_the_tax_in_each_total(client, vat_order, sales_rep):
    client.force_login(sales_rep)
    page = client.get("/orders/").content.decode()
    assert "¥42.98" in page


def test_the_edit_form_keeps_a_free_lines_rate(client, vat_order, sales_rep):
    client.force_login(sales_rep)
    page = client.get(f"/orders/{vat_order.number}/edit/").content.decode()
    # line 3 (index 2) is a free line at 6%: the select shows it; line 1 is a catalog item: "Catalog rate"
    assert '<option value="6" selected>6%</option>' in page.split('name="lines-2-tax_rate"')[1].split("</select>")[0]
    assert "selected" not in page.split('name="lines-0-tax_rate"')[1].split("</select>")[0].split("<option")[2]


# --- the migration ------------------------------------------------------------------------------------

def test_existing_orders_migrate_at_the_documented_13_percent(vat_order):
    """orders/migrations/0005: every existing line gets 13% (whatever its product's rate today) and the
    split by the one rule; the order's sums follow; the tax-inclusive total is untouched."""
    OrderLine.objects.update(tax_rate=0, net_amount=D("0.00"), tax_amount=D("0.00"))  # as before issue 11
    Order.objects.update(net_total=D("0.00"), tax_total=D("0.00"))
    migration = importlib.import_module("ordertaking.orders.migrations.0005_vat")
    assert migration.MIGRATION_RATE == 13
    migration.split_existing(django_apps, None)
    lines = list(vat_order.lines.order_by("position"))
    assert {ln.tax_rate for ln in lines} == {13}
    assert [(ln.net_amount, ln.tax_amount) for ln in lines] == [
        (D("2.65"), D("0.35")), (D("663.72"), D("86.28")), (D("0.88"), D("0.12")), (D("0.88"), D("0.12"))]
    vat_order.refresh_from_db()
    assert (vat_order.net_total, vat_order.tax_total, vat_order.total_amount) == (
        D("668.13"), D("86.87"), D("755.00"))
