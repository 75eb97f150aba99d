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


def _job_runs() -> None:
    """Every registered job ran: some failed with a long error, one is running: the widest page there is."""
    from datetime import date, timedelta

    from django.utils import timezone

    from ordertaking.ops import jobs
    from ordertaking.ops.models import JobRun

    now = timezone.now()
    for i, name in enumerate(sorted(jobs.JOBS)):
        failed = i % 4 == 1
        JobRun.objects.create(job=name, day=date(2026, 11, 30), succeeded=not failed, done=12 + i, failed=int(failed),
                              started_at=now - timedelta(hours=i), finished_at=now - timedelta(hours=i, minutes=-2),
                              error=("customer 7: RuntimeError('database is locked while the credit row was read by "
                                     "another worker')\ncustomer 9: ValueError(\"/srv/ordertaking/app/ordertaking/"
                                     "finance/monitoring.py line 123 in customer_monitor\")") if failed else "")
    JobRun.objects.create(job="credit_monitor", day=date(2026, 12, 1), succeeded=None, started_at=now)


def _sideways(page: Any) -> dict[str, Any]:
    """How far the page, and each table in its box, would scroll sideways (0 when it fits)."""
    return page.evaluate("""() => ({
        page: document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth,
        tables: [...document.querySelectorAll('main .table-responsive')].map(b => b.scrollWidth - b.clientWidth)})""")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_p4_2_b_the_jobs_page_fits_a_phone_without_scrolling_sideways(
        phone: Any, live_server: Any, admin_user_role: Any, language: str) -> None:
    """The administrator checks the scheduled jobs on a phone: each job's name, its result and its times fit the
    390 px screen; the page does not scroll sideways, nor does a table inside its box, even with every error's
    technical details open. From md on, the times and counts are columns again."""
    _job_runs()
    phone.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    sign_in(phone, live_server.url, "admin1")
    phone.goto(f"{live_server.url}/ops/jobs/")
    expect(phone.locator("[data-testid=jobs]")).to_be_visible()
    assert _sideways(phone) == {"page": 0, "tables": [0, 0]}
    phone.evaluate("document.querySelectorAll('main details').forEach(d => d.open = true)")
    assert _sideways(phone) == {"page": 0, "tables": [0, 0]}
    row = phone.locator("[data-testid=jobs] tr[data-job=credit_monitor]")
    badge = row.locator(".badge")
    expect(badge).to_be_visible()
    assert badge.bounding_box()["x"] + badge.bounding_box()["width"] <= PHONE["width"]
    expect(row.locator("[data-testid=last-success]")).to_be_hidden()  # a column on a wide screen …
    expect(row.locator("td").first.locator(".d-md-none")).to_be_visible()  # … beside the name on a phone
    phone.set_viewport_size({"width": 1280, "height": 800})
    expect(row.locator("[data-testid=last-success]")).to_be_visible()
    expect(row.locator("td").first.locator(".d-md-none")).to_be_hidden()
    assert _sideways(phone)["page"] == 0
