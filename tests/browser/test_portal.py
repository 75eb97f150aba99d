"""The customer's pages on a phone (P2.5.b): the rep issues the link on the order page and copies it;
the customer opens it on a 390 × 844 screen without an account, reads the status and progress in
Chinese, switches to English, downloads the contract; a revoked link shows the "not valid" page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.credit_grant import customer_credit_grant

from .conftest import sign_in, sign_out

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def approved(make_order: Any, customer: Any, finance_user: Any) -> Any:
    customer_credit_grant(customer, by=finance_user)
    return make_order(state="approved", lines=[{"product": "motor", "quantity": "4"},
                                               {"product": "reducer", "quantity": "2"}])


def test_p2_5_b_the_rep_issues_the_link_and_the_customer_reads_the_order_on_a_phone(
        page: Any, live_server: Any, approved: Any, sales_rep: Any) -> None:
    sign_in(page, live_server.url, "sales1")
    page.goto(f"{live_server.url}/orders/{approved.number}/")
    card = page.locator("[data-testid=portal-card]")
    expect(card).to_be_visible()
    expect(card.locator("#id_email")).to_have_value("liu@pujiang.example.cn")
    card.locator("#id_send").uncheck()
    card.locator("button[type=submit]", has_text="生成链接").click()
    expect(page.locator("[data-testid=portal-issued]")).to_be_visible()
    url = page.locator("[data-testid=portal-url]").first.input_value()
    assert "/p/" in url
    path = url[url.index("/p/"):]
    sign_out(page)

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{path}")
    expect(page.locator("[data-testid=portal-order]")).to_contain_text(approved.number)
    expect(page.locator("[data-testid=portal-status]")).to_contain_text("您的订单已确认")
    expect(page.locator("[data-step=approved]")).to_have_class(re.compile(r"\bdone\b"))
    # phone first: nothing wider than the screen, the order's status in the first screen
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = page.locator("[data-testid=portal-status]").bounding_box()
    assert box is not None and box["y"] < PHONE["height"] / 2
    expect(page.locator("[data-testid=sidebar]")).to_have_count(0)
    with page.expect_download() as download:
        page.locator("[data-document=contract]").click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.locator("[data-testid=portal-lang] a[data-lang=en]").click()
    expect(page.locator("[data-testid=portal-status]")).to_contain_text("Your order is confirmed")
    page.goto(f"{live_server.url}{path}")  # the choice is remembered
    expect(page.locator("[data-testid=portal-status]")).to_contain_text("Your order is confirmed")

    from ordertaking.portal.models import PortalLink
    from ordertaking.portal.services import portal_link_revoke

    portal_link_revoke(actor=sales_rep, link=PortalLink.objects.get(order=approved), reason="发错人")
    page.goto(f"{live_server.url}{path}")
    expect(page.locator("[data-testid=portal-invalid]")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(approved.number)
