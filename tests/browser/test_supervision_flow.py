"""A supervision inspection through the real pages, in Chinese (P6.1.a): the auditor opens an inspection,
draws its sample, runs the automatic checks and sees each order's outcomes, records a finding and assigns
its rectification to sales; the sales rep answers with the measures taken; a second auditor verifies and
closes it, and the inspection is closed."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from ordertaking.accounts.roles import Role

from .conftest import sign_in, sign_out


def test_p6_1_a_an_inspection_from_sample_to_closed_rectification_in_chinese(
        page: Any, live_server: Any, make_order: Any, customer: Any, auditor: Any, sales_rep: Any,
        finance_user: Any, make_user: Any) -> None:
    from ordertaking.supervision.models import Inspection, RectificationTask
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=finance_user)
    orders = [make_order(state="submitted") for _ in range(3)]
    make_user("auditor2", Role.AUDITOR, display_name="钱审计")
    base = live_server.url
    today = timezone.localdate()

    # --- the auditor opens the inspection (a bad period is re-shown), draws the sample, runs the checks ---
    sign_in(page, base, "auditor1")
    page.goto(f"{base}/supervision/new/")
    page.locator("#id_title").fill("接单流程监督检查")
    page.locator("#id_period_from").fill(today.isoformat())
    page.locator("#id_period_to").fill("2000-01-01")
    page.locator("[data-testid=inspection-form] button[type=submit]").click()
    expect(page.locator("[data-testid=inspection-form]")).to_contain_text("截止日期早于起始日期")
    page.locator("#id_period_from").fill(today.replace(day=1).isoformat())
    page.locator("#id_period_to").fill(today.isoformat())
    page.locator("#id_sample_size").fill("2")
    page.locator("[data-testid=inspection-form] button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("草稿")
    page.locator("[data-testid=sample]").click()
    expect(page.locator("[data-testid=sample-row]")).to_have_count(2)
    page.locator("[data-testid=run-checks]").click()
    expect(page.locator("h1")).to_contain_text("已检查")
    row = page.locator("[data-testid=sample-row]").first
    row.locator("summary").click()
    expect(row.locator("[data-testid=checks] li").first).to_be_visible()
    expect(row.locator("[data-testid=checks]")).to_contain_text("P2.3.c")

    # --- a finding by hand on the first sampled order, rectification for sales ---
    insp = Inspection.objects.get()
    first = insp.samples.order_by("position")[0].order
    assert first in orders
    form = page.locator("[data-testid=finding-form]")
    form.locator("#id_order").select_option(value=str(first.pk))
    form.locator("#id_severity").select_option(value="major")
    form.locator("#id_clause").fill("P2.2.a")
    form.locator("#id_description").fill("订单附件中缺少客户盖章的采购合同。")
    form.locator("button[type=submit]").click()
    finding = page.locator("[data-testid=finding]").first
    expect(finding).to_contain_text("订单附件中缺少客户盖章的采购合同。")
    finding.locator("summary").click()
    finding.locator("select[name=department]").select_option(value="sales")
    finding.locator("textarea[name=instructions]").fill("补齐合同扫描件。")
    finding.locator("[data-testid=assign-form] button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("整改中")
    task = RectificationTask.objects.get()
    sign_out(page)

    # --- the sales department answers from its queue ---
    sign_in(page, base, "sales1")
    page.goto(f"{base}/supervision/rectification/")
    page.locator(f"a[href='/supervision/rectification/{task.number}/']").click()
    expect(page.locator("[data-testid=task-card]")).to_contain_text("补齐合同扫描件。")
    page.locator("#id_measures").fill("已补传客户盖章合同，并提醒团队录入时上传。")
    page.locator("[data-testid=respond] button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("待验证")
    sign_out(page)

    # --- another auditor verifies and closes; the inspection closes ---
    sign_in(page, base, "auditor2")
    page.goto(f"{base}/supervision/rectification/{task.number}/")
    page.locator("[data-testid=verify] button[formaction$='/close/']").click()
    expect(page.locator("h1")).to_contain_text("已关闭")
    page.goto(f"{base}/supervision/{insp.number}/")
    page.locator("#id_conclusion").fill("本次抽查发现的问题已整改完毕。")
    page.locator("[data-testid=close] button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("已结案")
    insp.refresh_from_db()
    task.refresh_from_db()
    assert insp.state == "closed" and task.state == "closed"
    assert task.verified_by is not None and task.verified_by.username == "auditor2"
