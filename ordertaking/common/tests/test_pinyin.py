"""Customer dropdowns in pinyin order and searchable (what a new user met: 上海, 佛山, 南京 … by code point)."""

from __future__ import annotations

import pytest

from ordertaking.common.pinyin import sorted_by_pinyin


def test_chinese_names_sort_by_pinyin_not_by_code_point():
    names = ["上海浦江机械", "佛山南庄陶瓷", "南京江宁", "北京中关村", "长沙湘江矿山", "ABB 中国"]
    assert sorted_by_pinyin(names) == ["ABB 中国", "北京中关村", "长沙湘江矿山", "佛山南庄陶瓷", "南京江宁",
                                       "上海浦江机械"]


@pytest.mark.django_db
def test_the_order_forms_customer_select_is_in_pinyin_order_and_searchable(client, sales_rep, customer, catalog):
    from ordertaking.customers.models import Customer
    from ordertaking.orders.forms import OrderForm

    for name, code in [("佛山南庄陶瓷机械有限公司", "91440604MA4UK7DP3"),
                       ("北京中关村电气有限公司", "91110108MA01ABCD1")]:
        Customer.objects.create(name=name, credit_code=code, region=customer.region, city="市",
                                status=Customer.Status.ACTIVE, sales_rep=sales_rep, created_by=sales_rep)
    form = OrderForm(user=sales_rep)
    labels = [label for value, label in form.fields["customer"].choices if value != ""]  # type: ignore[attr-defined]
    assert labels == ["北京中关村电气有限公司", "佛山南庄陶瓷机械有限公司", "上海浦江机械有限公司"]
    assert form.fields["customer"].widget.attrs["data-ot-search"] == "1"
    client.force_login(sales_rep)
    html = client.get("/orders/new/").content.decode()
    assert "tom-select.complete.min.js" in html and "data-ot-search" in html
