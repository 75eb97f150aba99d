"""THE flow of the regulation, in Chinese, through the real pages (P2.2 → P2.3.c):

a sales rep enters an order with HTMX lines and submits it; a reviewer returns it with a review
opinion (审核意见); the sales rep corrects it and resubmits; a reviewer approves it (审核通过).
The order's own trail (P4.2.a) and the audit log (P6.1.a) show every step.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from playwright.sync_api import expect

from .conftest import sign_in, sign_out

OPINION = "第1行单价 ¥2,700.00 低于底价（P2.3.b），请与客户确认按目录价 ¥3,200.00 执行。"


def _open_order(page: Any, base: str, number: str) -> None:
    page.goto(f"{base}/orders/{number}/")
    expect(page.locator("h1 .order-no")).to_have_text(number)


def test_p2_3_c_in_chinese_an_order_is_entered_returned_with_an_opinion_corrected_and_approved(
        page: Any, live_server: Any, sales_rep: Any, reviewer: Any, auditor: Any, customer: Any, catalog: Any,
        far_date: Any) -> None:
    from ordertaking.audit.models import AuditEvent
    from ordertaking.orders.models import Order
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=sales_rep)  # P5.1.b: finance evaluated this customer beforehand
    base = live_server.url

    # --- P2.2.b the sales rep enters the order; lines come from the product picker (HTMX) ---
    sign_in(page, base, "sales1")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.goto(f"{base}/orders/new/")
    page.select_option("#id_customer", value=str(customer.pk))
    page.fill("#id_delivery_date", far_date.isoformat())
    page.select_option("#id_delivery_region", value=str(catalog["regions"]["sh"].pk))
    page.fill("#id_delivery_city", "上海市")
    page.fill("#id_delivery_address", "浦东新区张江路100号")
    page.fill("#id_contact_name", "刘经理")
    page.fill("#id_contact_phone", "13812345678")
    page.select_option("#id_payment_method", value=str(catalog["payments"]["prepay"].pk))
    page.fill("#product-search", "MOT")
    page.locator("#product-results [data-code='MOT-001']").click()
    row = page.locator("#line-rows tr.line-row").last
    expect(row.locator("select[name$='-product']")).to_have_value(str(catalog["products"]["motor"].pk))
    row.locator("input[name$='-quantity']").fill("2")
    row.locator("input[name$='-unit_price']").fill("2700")
    row.locator("input[name$='-unit_price']").press("Tab")
    expect(page.locator("#order-total")).to_have_text("¥5,400.00")  # recalculated by HTMX, before saving
    page.locator("#order-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/orders/[^/]+/$"))
    number = page.locator("h1 .order-no").inner_text().strip()
    order = Order.objects.get(number=number)  # P2.2.c the number the page shows is the order's
    expect(page.locator("h1 .badge")).to_have_text("草稿")
    # What was saved is the one line entered (a submit refused as incomplete would only show as the badge below).
    assert [(ln.product_code, ln.quantity, ln.unit_price) for ln in order.lines.all()] == [
        ("MOT-001", Decimal("2.000"), Decimal("2700.00"))]
    assert (order.delivery_date, order.payment_method_id, order.delivery_region_id) == (
        far_date, catalog["payments"]["prepay"].pk, catalog["regions"]["sh"].pk)  # and the header as typed

    # --- P2.2.a submit: complete, so it goes to review ---
    page.locator("#action-submit").click()
    expect(page.locator("h1 .badge")).to_have_text("待审核")
    sign_out(page)

    # --- P2.3.c the reviewer finds the price below the floor and returns it with an opinion ---
    sign_in(page, base, "center1")
    page.goto(f"{base}/review/")
    page.locator(f"a.order-no:text-is('{number}')").first.click()
    panel = page.locator("[data-testid=review-panel]")
    expect(panel.locator("[data-code='price_below_floor']")).to_be_visible()
    expect(panel.locator("[data-testid=approve-form]")).to_have_count(0)  # blocked: a finding is open
    panel.locator("#id_opinion").fill(OPINION)
    panel.locator("[data-testid=return-form] button[type=submit]").click()
    expect(page.locator("[data-testid=decisions]")).to_contain_text(OPINION)
    page.reload()
    expect(page.locator("h1 .badge")).to_have_text("已退回")
    sign_out(page)

    # --- the sales rep reads the opinion, corrects the price and resubmits ---
    sign_in(page, base, "sales1")
    _open_order(page, base, number)
    expect(page.locator("h1 .badge")).to_have_text("已退回")
    expect(page.locator("[data-testid=decisions]")).to_contain_text(OPINION)
    expect(page.locator("#timeline")).to_contain_text("订单退回销售")
    page.locator("#action-edit").click()
    price = page.locator("#line-rows tr.line-row").first.locator("input[name$='-unit_price']")
    price.fill("3200")
    price.press("Tab")
    expect(page.locator("#order-total")).to_have_text("¥6,400.00")
    page.locator("#order-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/orders/{number}/$"))
    expect(page.locator("#order-total")).to_have_text("¥6,400.00")
    page.locator("#action-submit").click()
    expect(page.locator("h1 .badge")).to_have_text("待审核")
    sign_out(page)

    # --- P2.3.c a reviewer approves the corrected order ---
    sign_in(page, base, "center1")
    page.goto(f"{base}/review/")
    page.locator(f"a.order-no:text-is('{number}')").first.click()
    panel = page.locator("[data-testid=review-panel]")
    expect(panel.locator("[data-testid=no-findings]")).to_be_visible()
    panel.locator("[data-testid=approve-form] button[type=submit]").click()
    expect(page.locator("[data-testid=decisions]")).to_contain_text("已通过")
    page.reload()
    expect(page.locator("h1 .badge")).to_have_text("已通过")
    sign_out(page)

    # --- P4.2.a / P6.1.a every step is on the record, in order, and the auditor can read it ---
    order.refresh_from_db()
    assert order.state == "approved" and order.approved_by == reviewer
    actions = list(AuditEvent.objects.filter(subject_type="orders.order", subject_id=str(order.pk))
                   .order_by("at", "id").values_list("action", flat=True))
    core = [a for a in actions if a in {"order.created", "order.submitted", "order.returned", "order.updated",
                                         "order.approved"}]
    assert core == ["order.created", "order.submitted", "order.returned", "order.updated", "order.submitted",
                    "order.approved"]
    returned = AuditEvent.objects.get(subject_id=str(order.pk), action="order.returned")
    assert OPINION in (returned.message or "") + str(returned.after)
    sign_in(page, base, "auditor1")
    page.goto(f"{base}/audit/?q={number}")
    table = page.locator("[data-testid=audit-table]")
    expect(table).to_contain_text("审核通过")
    expect(table).to_contain_text("订单退回销售")
    expect(table.locator(f"a.order-no:text-is('{number}')").first).to_have_attribute("href", f"/orders/{number}/")
