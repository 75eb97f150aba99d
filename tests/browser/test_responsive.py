"""The staff pages on a phone (390 × 844): the page starts with its content, not with the navigation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import sign_in

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(page: Any) -> Any:
    page.set_viewport_size(PHONE)
    return page


def _in_first_viewport(locator: Any) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= PHONE["height"]


def test_p3_on_a_phone_the_navigation_is_collapsed_and_the_content_comes_first(
        phone: Any, live_server: Any, sales_rep: Any) -> None:
    sign_in(phone, live_server.url, "sales1")
    expect(phone.locator("[data-testid=sidebar]")).to_be_hidden()
    expect(phone.locator("[data-testid=menu-toggle]")).to_be_visible()
    assert _in_first_viewport(phone.locator("main h1"))
    # the header keeps each language name on one line: one line of text is about 20 px high
    for btn in phone.locator("#lang-form button").all():
        assert btn.bounding_box()["height"] < 30, btn.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # the menu opens from the button and leads to a page
    phone.locator("[data-testid=menu-toggle]").click()
    nav = phone.locator("[data-testid=sidebar]")
    expect(nav).to_be_visible()
    nav.locator("a[href$='/orders/']").click()
    phone.wait_for_url("**/orders/")
    expect(phone.locator("[data-testid=sidebar]")).to_be_hidden()
    assert _in_first_viewport(phone.locator("main h1"))


def test_p3_on_a_phone_a_flash_message_is_in_the_first_screen_and_tables_scroll_in_their_box(
        phone: Any, live_server: Any, sales_rep: Any, customer: Any, catalog: Any, far_date: Any) -> None:
    from ordertaking.orders.services import order_create

    order = order_create(actor=sales_rep, customer=customer, delivery_date=far_date,
                         delivery_region=catalog["regions"]["sh"], delivery_city="上海市",
                         delivery_address="浦东新区张江路100号", payment_method=catalog["payments"]["prepay"],
                         lines=[{"product": catalog["products"]["motor"], "quantity": Decimal("2")}])
    sign_in(phone, live_server.url, "sales1")
    phone.goto(f"{live_server.url}/orders/{order.number}/")
    phone.locator("#action-cancel").click()
    phone.locator("#cancel-box textarea, #cancel-box input[name=reason]").first.fill("客户取消采购计划。")
    phone.locator("#cancel-box button[type=submit]").click()
    flash = phone.locator("main .alert-success")
    expect(flash).to_be_visible()
    assert _in_first_viewport(flash)
    # the lines table scrolls inside its own box; the page itself never scrolls sideways
    expect(phone.locator("main table").first.locator("xpath=..")).to_have_class("table-responsive")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
