"""The shell in a real browser, in Chinese: sign in, language switch, home queues, API token, audit log."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .conftest import sign_in, sign_out


def test_p3_a_user_signs_in_in_chinese_and_out_again(page: Any, live_server: Any, sales_rep: Any) -> None:
    page.goto(f"{live_server.url}/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    page.fill("#id_username", "sales1")
    page.fill("#id_password", "wrong-password")
    page.click("#login-form button[type=submit]")
    expect(page.locator(".alert-danger")).to_be_visible()
    expect(page.locator("#id_username")).to_have_value("sales1")
    sign_in(page, live_server.url, "sales1")
    expect(page.locator("h1")).to_contain_text("王销售，您好")
    expect(page.locator("nav.sidebar")).to_contain_text("我的工作")
    sign_out(page)
    expect(page.get_by_role("button", name="登录")).to_be_visible()


def test_p3_the_language_switch_changes_the_whole_shell_and_back(page: Any, live_server: Any, auditor: Any) -> None:
    sign_in(page, live_server.url, "auditor1")
    expect(page.locator("nav.sidebar")).to_contain_text("审计日志")
    page.click("#lang-form button[data-lang=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("nav.sidebar")).to_contain_text("Audit log")
    expect(page.locator("h1")).to_contain_text("Good day")
    page.click("#lang-form button[data-lang=zh-hans]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h1")).to_contain_text("您好")


def test_p3_the_home_page_shows_the_roles_queues_as_cards(page: Any, live_server: Any, reviewer: Any) -> None:
    sign_in(page, live_server.url, "center1")
    # whatever queues the apps provide today: each is a card with a count, or the page says there are none
    cards = page.locator(".queue-card")
    if cards.count():
        expect(cards.first.locator(".queue-count")).to_have_text(re.compile(r"^\d+$"))
    else:
        expect(page.locator(".queue-none")).to_be_visible()
    expect(page.locator(".role-badge")).to_contain_text("订单处理中心")


def test_p3_a_new_api_token_is_shown_once_then_only_its_hint(page: Any, live_server: Any, sales_rep: Any) -> None:
    sign_in(page, live_server.url, "sales1")
    page.goto(f"{live_server.url}/profile/")
    page.click("button:has-text('创建令牌')")
    expect(page.locator("#token-name-error")).to_have_text("请填写令牌名称。")
    page.fill("#token-name", "ERP 导入")
    page.click("button:has-text('创建令牌')")
    raw = page.locator("#new-token").inner_text().strip()
    assert raw.startswith("ot_") and len(raw) > 30
    expect(page.locator("[data-testid=token-table]")).to_contain_text("ERP 导入")
    page.goto(f"{live_server.url}/profile/")
    expect(page.locator("#new-token")).to_have_count(0)
    expect(page.locator("[data-testid=token-table]")).to_contain_text(raw[:10])
    page.click("button:has-text('吊销')")
    expect(page.locator("[data-testid=token-table]")).to_contain_text("已吊销")


def test_p6_1_a_the_auditor_filters_the_audit_log_with_htmx(page: Any, live_server: Any, auditor: Any,
                                                            sales_rep: Any) -> None:
    from tests.browser.factories import audit_events

    audit_events(sales_rep)
    sign_in(page, live_server.url, "auditor1")
    page.click("nav.sidebar >> text=审计日志")
    expect(page.locator("h1")).to_contain_text("审计日志")
    expect(page.locator("[data-testid=audit-table]")).to_contain_text("SO-BROWSER-0001")
    page.fill("#id_q", "0002")
    expect(page.locator("[data-testid=audit-table] tbody tr")).to_have_count(1)
    expect(page.locator("[data-testid=audit-table]")).to_contain_text("SO-BROWSER-0002")
    assert "q=0002" in page.url  # the filter is in the address, so the page can be bookmarked and shared
    page.select_option("#id_action", "user.created")
    expect(page.locator("[data-testid=audit-table]")).to_contain_text("没有符合筛选条件的记录")
    expect(page.locator("button:has-text('删除'), button:has-text('修改')")).to_have_count(0)
