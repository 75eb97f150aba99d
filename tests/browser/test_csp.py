"""The strict Content-Security-Policy (common/middleware.py) breaks nothing: the pages that use
htmx, Bootstrap's scripts, our own behaviours and the Swagger UI run without one violation."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .conftest import sign_in


def _violations(page: Any) -> list[str]:
    seen: list[str] = []
    page.on("console", lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text else None)
    return seen


def test_p4_1_c_pages_and_the_api_docs_run_under_the_csp_without_violations(
        page: Any, live_server: Any, sales_rep: Any, catalog: Any) -> None:
    seen = _violations(page)
    sign_in(page, live_server.url, "sales1")
    page.goto(f"{live_server.url}/orders/new/")
    # the product search is htmx; picking a product adds a line and recalculates (data-ot-recalc)
    rows = page.locator("#line-rows tr")
    before = rows.count()
    page.fill("#product-search", "电机")
    # Focusing the box and typing both search; pick only once the last answer is in, or a late one
    # would fill the list again after the click cleared it.
    page.wait_for_load_state("networkidle")
    page.locator("#product-results button").first.click()
    expect(rows).to_have_count(before + 1)
    expect(page.locator("#product-results button")).to_have_count(0)  # data-ot-clear emptied the results
    rows.last.locator("[data-ot-remove-row]").click()
    expect(rows).to_have_count(before)
    page.goto(f"{live_server.url}/inquiries/new/")
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator("#swagger-ui .info")).to_be_visible()
    assert seen == []
