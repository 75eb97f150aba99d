"""Every clause badge in the UI links to its clause on the regulation page."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .conftest import sign_in


def test_a_clause_badge_opens_its_clause_on_the_regulation_page(page: Any, live_server: Any, leader: Any) -> None:
    sign_in(page, live_server.url, "leader1")
    page.goto(f"{live_server.url}/review/special/")
    badge = page.locator("h1 a.clause")
    expect(badge).to_have_text("P2.3.c")
    expect(badge).to_have_attribute("href", "/regulation/#P2.3.c")
    badge.click()
    page.wait_for_url(re.compile(r"/regulation/#P2\.3\.c$"))
    clause = page.locator("[id='P2.3.c']")
    expect(clause).to_be_in_viewport()
    expect(clause).to_contain_text("审核结果处理")
    expect(clause).to_contain_text("特批")
