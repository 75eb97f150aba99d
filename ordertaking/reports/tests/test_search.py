"""P4.2.c one search box for orders: number, customer, product, state, sales rep, province and dates, in
either language, scoped to what the user may see; the page, the API, and a fixed number of queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from ordertaking.customers.models import Customer
from ordertaking.orders.models import Order
from ordertaking.reports.search import order_search, search_parse


def _line(p, q="1", price="3200.00"):  # type: ignore[no-untyped-def]
    return {"product": p, "quantity": q, "unit_price": price}


@pytest.fixture
def orders(catalog, customer, sales_rep, sales_rep2, make_order):  # type: ignore[no-untyped-def]
    other = Customer.objects.create(name="广州南方设备有限公司", credit_code="91440101MA59PJ2K38",
                                    region=catalog["regions"]["gd"], city="广州市", status="active",
                                    sales_rep=sales_rep2, created_by=sales_rep2)
    a = make_order(customer, rep=sales_rep, state="submitted", region="sh", lines=[_line("motor")])
    b = make_order(customer, rep=sales_rep, state="draft", region="sh", lines=[_line("reducer", price="5600.00")])
    c = make_order(other, rep=sales_rep2, state="draft", region="gd", lines=[_line("install", price="800.00")])
    Order.objects.filter(pk=c.pk).update(created_at=timezone.now() - timedelta(days=40))
    return {"a": a, "b": b, "c": c, "other": other}


def _numbers(user, **kw):  # type: ignore[no-untyped-def]
    qs, _c = order_search(user=user, **kw)
    return {o.number for o in qs}


def test_p4_2_c_search_by_number_whole_start_or_tail(orders, reviewer):  # type: ignore[no-untyped-def]
    a = orders["a"].number
    assert _numbers(reviewer, q=a) == {a}
    assert _numbers(reviewer, q=a.lower()) == {a}
    assert _numbers(reviewer, q=a[:10]) >= {a}
    assert _numbers(reviewer, q=a[-9:]) == {a}  # as read off a voucher: 1126-0001


def test_p4_2_c_search_by_customer_name_or_product_name_or_code(orders, reviewer):  # type: ignore[no-untyped-def]
    o = orders
    assert _numbers(reviewer, q="浦江") == {o["a"].number, o["b"].number}
    assert _numbers(reviewer, q="减速机") == {o["b"].number}
    assert _numbers(reviewer, q="SVC-INST") == {o["c"].number}
    assert _numbers(reviewer, q="浦江 电机") == {o["a"].number}  # each word narrows
    assert _numbers(reviewer, q="没有这个客户") == set()


def test_p4_2_c_search_by_state_rep_and_province_words_in_either_language(orders, reviewer, sales_rep2):  # type: ignore[no-untyped-def]
    o = orders
    with translation.override("zh-hans"):
        assert _numbers(reviewer, q="草稿") == {o["b"].number, o["c"].number}
        assert _numbers(reviewer, q="广东") == {o["c"].number}
    assert _numbers(reviewer, q="draft 广东省") == {o["c"].number}
    assert _numbers(reviewer, q="Guangdong") == {o["c"].number}
    assert _numbers(reviewer, q="李销售") == {o["c"].number}
    assert _numbers(reviewer, q="sales2") == {o["c"].number}
    c = search_parse("sales2 草稿 广东 电机")
    assert (c.rep_ids, c.states, c.words) == ([sales_rep2.pk], ["draft"], ["电机"])


def test_p4_2_c_search_by_dates_and_filters(orders, reviewer, catalog):  # type: ignore[no-untyped-def]
    o = orders
    today = timezone.localdate()
    assert _numbers(reviewer, q=today.isoformat()) == {o["a"].number, o["b"].number}
    old = (today - timedelta(days=40)).isoformat()
    assert _numbers(reviewer, q=f"{old}..{old}") == {o["c"].number}
    assert _numbers(reviewer, q=f"{today:%Y-%m}") >= {o["a"].number, o["b"].number}
    assert _numbers(reviewer, q=f"{today:%Y}") >= {o["a"].number, o["b"].number}  # a year
    assert search_parse("2026").date_from == date(2026, 1, 1) and search_parse("2026").numbers == []
    assert _numbers(reviewer, state="submitted") == {o["a"].number}
    assert _numbers(reviewer, product_id=catalog["products"]["motor"].pk) == {o["a"].number}
    assert _numbers(reviewer, region_id=catalog["regions"]["gd"].pk) == {o["c"].number}
    assert _numbers(reviewer, date_from=today) == {o["a"].number, o["b"].number}
    assert _numbers(reviewer, q="2026-13-45") == set()  # not a date: a customer or product word, none matches


def test_p4_2_c_a_sales_rep_finds_only_their_own_orders(orders, sales_rep, sales_rep2, make_user):  # type: ignore[no-untyped-def]
    o = orders
    assert _numbers(sales_rep, q="广州") == set()
    assert _numbers(sales_rep, q=o["c"].number) == set()
    assert _numbers(sales_rep2, q="广州") == {o["c"].number}
    assert _numbers(make_user("nobody"), q="浦江") == set()


def test_p4_2_c_search_page_shows_how_the_box_was_understood(client, orders, reviewer):  # type: ignore[no-untyped-def]
    client.force_login(reviewer)
    r = client.get("/reports/search/", {"q": "广东 草稿"}, HTTP_ACCEPT_LANGUAGE="en")
    html = r.content.decode()
    assert r.status_code == 200 and orders["c"].number in html and orders["a"].number not in html
    assert "Understood as:" in html and "Delivery province" in html
    r = client.get("/reports/search/", {"q": "广东"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "<html" not in r.content.decode()
    assert client.get("/reports/search/").status_code == 200


def test_p4_2_c_search_page_queries_are_fixed(client, orders, reviewer, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    client.force_login(reviewer)
    client.get("/reports/search/", {"q": "浦江"})
    with django_assert_max_num_queries(22):
        r = client.get("/reports/search/", {"q": "浦江 电机"})
    assert r.status_code == 200


def test_p4_2_c_search_api_matches_and_refuses_unknown_filters(client, orders, reviewer):  # type: ignore[no-untyped-def]
    client.force_login(reviewer)
    r = client.get("/api/v1/reports/search", {"q": "广东", "state": "draft"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["count"] == 1 and body["items"][0]["number"] == orders["c"].number
    assert body["items"][0]["delivery_region"] == "广东省"
    r = client.get("/api/v1/reports/search", {"q": "广\x00东", "rep": "a\x00"})
    assert r.status_code == 422 and r.json()["field"] == "rep"  # not a 500 on PostgreSQL
    for bad in ({"state": "nope"}, {"rep": "ghost"}, {"region": "ZZ"}, {"product": "NOPE-1"}):
        r = client.get("/api/v1/reports/search", bad)
        assert r.status_code == 422, (bad, r.content)
        assert r.json()["field"] in ("state", "rep", "region", "product")
