"""特批 through the real pages, in Chinese (P2.3.c): an order priced below the floor is asked for
special approval by its sales rep, granted by a leader in the special approval queue, then approved
by a reviewer. Each refused step shows its error beside the field (HTMX keeps what was typed)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from playwright.sync_api import expect

from .conftest import sign_in, sign_out

REASON = "战略客户首单，竞争对手报价更低，申请按 ¥2,700.00 成交。"


def test_p2_3_c_in_chinese_special_approval_is_asked_granted_by_a_leader_and_the_order_approved(
        page: Any, live_server: Any, sales_rep: Any, reviewer: Any, leader: Any, customer: Any, catalog: Any,
        far_date: Any) -> None:
    from ordertaking.orders.services import order_create
    from ordertaking.review.models import SpecialApproval
    from ordertaking.review.services import order_submit
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=sales_rep)  # P5.1.b evaluated beforehand: only the price is at issue
    order = order_submit(order=order_create(
        actor=sales_rep, customer=customer, delivery_date=far_date, delivery_region=catalog["regions"]["sh"],
        delivery_city="上海市", delivery_address="浦东新区张江路100号", payment_method=catalog["payments"]["prepay"],
        contact_name="刘经理", contact_phone="13812345678",
        lines=[{"product": catalog["products"]["motor"], "name": "", "specification": "", "description": "",
                "unit": "", "quantity": Decimal("2"), "unit_price": Decimal("2700.00")}]), actor=sales_rep)
    base = live_server.url

    # --- the sales rep asks for 特批; a blank reason is refused beside the field ---
    sign_in(page, base, "sales1")
    page.goto(f"{base}/orders/{order.number}/")
    panel = page.locator("[data-testid=review-panel]")
    expect(panel.locator("[data-code='price_below_floor']")).to_contain_text("低于底价")
    panel.locator("[data-testid=special-form] button[type=submit]").click()
    expect(page.locator("#reason-error")).to_be_visible()
    page.locator("#id_reason").fill(REASON)
    page.locator("[data-testid=special-form] button[type=submit]").click()
    expect(page.locator("[data-testid=special-approvals]")).to_contain_text(REASON)
    expect(page.locator("[data-testid=special-approvals]")).to_contain_text("待领导审批")
    sign_out(page)

    # --- the leader refuses without a comment (refused), then grants with one ---
    sa = SpecialApproval.objects.get(order=order)
    sign_in(page, base, "leader1")
    page.goto(f"{base}/review/special/")
    card = page.locator(f"#sa-{sa.pk}")
    expect(card).to_contain_text(REASON)
    expect(card.locator("[data-code='price_below_floor']")).to_be_visible()
    card.locator("button[formaction$='/refuse/']").click()
    expect(page.locator(f"#sa-{sa.pk} .invalid-feedback")).to_be_visible()
    page.locator(f"#sa-{sa.pk} textarea[name=comment]").fill("同意，仅限本单。")
    page.locator(f"#sa-{sa.pk} button[hx-post$='/grant/']").click()
    # the list refreshes at once: the granted request leaves the waiting list, the count drops (no reload)
    expect(page.locator("[data-testid=special-done]")).to_be_visible()
    expect(page.locator(f"#sa-{sa.pk}")).to_have_count(0)
    expect(page.locator("[data-testid=special-count]")).to_contain_text("0")
    page.select_option("#id_state", value="granted")
    expect(page.locator(f"#sa-{sa.pk} .state-granted")).to_be_visible()
    sign_out(page)

    # --- a reviewer now sees the finding covered and approves ---
    sign_in(page, base, "center1")
    page.goto(f"{base}/orders/{order.number}/")
    panel = page.locator("[data-testid=review-panel]")
    expect(panel.locator("[data-code='price_below_floor'].finding-covered")).to_be_visible()
    panel.locator("[data-testid=approve-form] button[type=submit]").click()
    expect(page.locator("[data-testid=decisions]")).to_contain_text("已通过")
    # the panel came back by HTMX: its clause badges are links to the regulation too (app.js)
    expect(page.locator("[data-testid=review-panel] a.clause").first).to_have_attribute(
        "href", re.compile(r"^/regulation/#P2\.3"))
    page.reload()
    expect(page.locator("h1 .badge")).to_have_text("已通过")
    order.refresh_from_db()
    sa.refresh_from_db()
    assert (order.state, sa.state, sa.decided_by_id) == ("approved", "granted", leader.pk)
