"""Both languages complete: the orders catalogue has every string translated, and pages speak Chinese."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import translation

from ordertaking.orders.states import OrderState

PO = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_the_orders_catalogue_is_complete_and_compiled():
    po = polib.pofile(str(PO))
    assert po.untranslated_entries() == [] and po.fuzzy_entries() == []
    assert PO.with_suffix(".mo").exists()
    assert polib.mofile(str(PO.with_suffix(".mo"))).percent_translated() == 100


def test_the_states_use_the_policys_chinese_terms():
    with translation.override("zh-hans"):
        assert [str(OrderState(s).label) for s in ("draft", "submitted", "returned", "approved")] == [
            "草稿", "待审核", "已退回", "已通过"]


@pytest.mark.django_db
def test_the_order_pages_render_in_chinese(client, sales_rep, draft):
    client.force_login(sales_rep)
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("orders:detail", args=[draft.number])).content.decode()
    assert "订单信息" in html and "交货时间" in html and "付款方式" in html
    html = client.get(reverse("orders:list")).content.decode()
    assert "订单编号" in html and "录入订单" in html and "Order number" not in html
