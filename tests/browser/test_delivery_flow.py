"""The issue's end-to-end test on a phone (390 × 844), through the real pages: the customer opens the
private link of their order, signs the delivery voucher with their finger (typed name + drawn
signature), inspects the delivered lines and rejects one by a criterion, and follows the acceptance
issue it opened as the sales staff report progress (P2.5.b, P2.5.c, P2.5.d)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.credit_grant import customer_credit_grant

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def shipped_order(make_order: Any, customer: Any, finance_user: Any, logistics_user: Any) -> Any:
    """Approved and shipped in full in one shipment (reducers and couplings from stock: no production),
    its readiness checklist signed by the three departments before it left (P2.5.a)."""
    from tests.readiness import shipment_create_dispatched

    customer_credit_grant(customer, by=finance_user)
    order = make_order(state="approved", lines=[{"product": "reducer", "quantity": "4"},
                                                {"product": "reducer", "quantity": "2"}])
    lines = list(order.lines.order_by("position"))
    shipment_create_dispatched(order=order, actor=logistics_user, method="own_fleet", carrier=None,
                               planned_ship_date=timezone.localdate(),
                               lines=[{"order_line": ln, "quantity": ln.quantity or Decimal("1")} for ln in lines])
    order.refresh_from_db()
    assert order.state == "shipped"
    return order


def _draw(page: Any, canvas: Any) -> None:
    box = canvas.bounding_box()
    assert box is not None
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.6)
    page.mouse.down()
    for i in range(1, 13):  # a signature-like zigzag across the pad
        page.mouse.move(x + w * (0.1 + 0.065 * i), y + h * (0.3 if i % 2 else 0.7), steps=3)
    page.mouse.up()


def _sign_the_voucher(page: Any, order: Any) -> None:
    """Signs the delivery voucher on its page: typed name, signature drawn with the finger."""
    from ordertaking.deliveries.models import DeliveryVoucher

    page.locator("[data-testid=portal-sections] a[data-section=voucher]").click()
    form = page.locator("[data-testid=portal-sign-form]")
    expect(form).to_be_visible()
    form.locator("#signer-name").fill("刘经理")
    _draw(page, form.locator("canvas[data-signature-pad]"))
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=portal-voucher-signed]")).to_be_visible()
    expect(page.locator("[data-testid=portal-voucher-signed]")).to_contain_text("刘经理")
    voucher = DeliveryVoucher.objects.get(order=order)
    assert voucher.is_signed and voucher.signature is not None and voucher.content_hash
    assert bytes(voucher.signature).startswith(b"\x89PNG")
    order.refresh_from_db()
    assert order.state == "delivered"


def test_p2_5_the_customer_signs_rejects_one_line_and_follows_the_issue_on_a_phone(
        page: Any, live_server: Any, shipped_order: Any, sales_rep: Any) -> None:
    from ordertaking.deliveries.models import AcceptanceIssue
    from ordertaking.portal.selectors import link_url
    from ordertaking.portal.services import portal_link_issue

    order = shipped_order
    link = portal_link_issue(actor=sales_rep, order=order, email="liu@pujiang.example.cn", send=False)
    path = link_url(link)[len(link_url(link).split("/p/")[0]):]
    page.set_viewport_size(PHONE)

    # 1. the customer opens the link: the order shipped, the voucher waiting for their signature
    page.goto(f"{live_server.url}{path}")
    expect(page.locator("[data-testid=portal-order]")).to_contain_text(order.number)
    expect(page.locator("[data-testid=portal-status]")).to_contain_text("您的订单已全部发货")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _sign_the_voucher(page, order)

    # 2. signs the delivery voucher: typed name and a signature drawn with the finger
    # 3. (signed) inspects the delivered lines: line 2's quality is not OK, with what is wrong
    page.locator("[data-testid=portal-tabs] a[data-section=acceptance]").click()
    line2 = page.locator("[data-testid=portal-acceptance-line][data-line='2']")
    expect(line2).to_be_visible()
    line2.locator("label[for$='-quality-r']").click()
    line2.locator("input[name$='-quality-note']").fill("减速机外壳有裂纹，漏油")
    page.locator("#customer_name").fill("刘经理")
    page.locator("#portal-acceptance-submit").click()

    # 4. the issue it opened is on their page; the sales staff report progress; the customer sees it
    page.wait_for_url(re.compile(r".*/acceptance/.*"))
    issue_card = page.locator("[data-testid=portal-issue]").first
    expect(issue_card).to_be_visible()
    issue = AcceptanceIssue.objects.get(order=order)
    assert issue.line.position == 2
    expect(issue_card).to_contain_text(issue.number)
    order.refresh_from_db()
    assert order.state == "delivered"  # partly accepted: line 1 accepted, line 2 waits for its issue

    from ordertaking.deliveries.acceptance.services import issue_progress_add

    issue_progress_add(issue=issue, actor=sales_rep, text="已安排售后工程师明天上门检查减速机外壳。")
    page.reload()
    expect(page.locator("[data-testid=portal-issue-progress]")).to_contain_text("已安排售后工程师明天上门")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
