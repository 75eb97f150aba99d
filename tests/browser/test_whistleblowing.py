"""Whistleblowing in the browser (P6.1.b): an anonymous visitor on a phone reports a violation with a file,
keeps the receipt code and password shown once, an investigator asks a question on the report page, and
the reporter signs in with code and password, reads "the investigator"'s question and answers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from ordertaking.accounts.roles import Role

from .conftest import sign_in, sign_out

PHONE = {"width": 390, "height": 844}
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_p6_1_b_an_anonymous_reporter_reports_and_follows_up_in_the_browser(
        page: Any, live_server: Any, make_user: Any, tmp_path: Path) -> None:
    make_user("inv1", Role.INVESTIGATOR, display_name="赵调查")
    evidence = tmp_path / "聊天截图.pdf"
    evidence.write_bytes(PDF)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/whistleblowing/report/")
    expect(page.locator("[data-testid=wb-mailbox]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.fill("#id_what", "销售把一张超信用额度的订单拆成两张提交，避开了特别审批。")
    page.fill("#id_order_numbers", "SO-2026-0001")
    page.set_input_files("#id_evidence", str(evidence))
    page.click("[data-testid=wb-submit]")
    expect(page.locator("[data-testid=wb-receipt]")).to_be_visible()
    code = page.locator("[data-testid=wb-code]").inner_text().strip()
    password = page.locator("[data-testid=wb-password]").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    page.reload()
    expect(page.locator("[data-testid=wb-receipt-gone]")).to_be_visible()

    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server.url, "inv1")
    page.goto(f"{live_server.url}/whistleblowing/")
    page.locator("[data-testid=wb-table] a", has_text=code).click()
    expect(page.locator("[data-testid=wb-what]")).to_contain_text("拆成两张")
    expect(page.locator("[data-testid=wb-files]")).to_contain_text("聊天截图.pdf")
    page.fill("#id_text", "两张订单的提交时间分别是几点？")
    page.locator("[data-testid=wb-thread] button[type=submit]").click()
    expect(page.locator("[data-testid=wb-thread]")).to_contain_text("两张订单的提交时间")
    sign_out(page)

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/whistleblowing/follow-up/")
    page.fill("#id_code", code)
    page.fill("#id_password", "WRONG")
    page.click("[data-testid=wb-login]")
    expect(page.locator("[data-testid=wb-login-error]")).to_be_visible()
    page.fill("#id_code", code.lower())
    page.fill("#id_password", password)
    page.click("[data-testid=wb-login]")
    thread = page.locator("[data-testid=wb-thread]")
    expect(thread).to_contain_text("两张订单的提交时间")
    expect(thread).to_contain_text("调查员")
    expect(thread).not_to_contain_text("赵调查")
    page.fill("#id_text", "上午9:02和9:05。")
    page.click("[data-testid=wb-reply]")
    expect(thread).to_contain_text("上午9:02和9:05。")
    assert code not in page.url and "/follow-up/report/" in page.url
