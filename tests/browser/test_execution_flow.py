"""The execution chapter through the real pages, in Chinese, each role signed in as itself (P2.4, P5.2):

an approved order is produced — production started, progress reported, finished — and its finished
product inspected (合格); logistics ships it in two parts and records a transport delay 运输延误 on the
second; the sales rep finds the order at risk on the home page, with the reason, opens its progress
against plan and records a contingency plan 应急预案 (cause, measures, loss reduction, new promised
date, who at the customer was told, when, how and what). The order's timeline and the at-risk list
show it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from .conftest import sign_in, sign_out


def _carrier(catalog: Any, logistics_user: Any) -> Any:
    from ordertaking.logistics.services import carrier_create

    today = timezone.localdate()
    return carrier_create(actor=logistics_user, code="sf-freight", name="顺丰快运", contract_number="HT-2026-018",
                          contract_valid_from=today - timedelta(days=200),
                          contract_valid_to=today + timedelta(days=165),
                          regions=[catalog["regions"]["sh"]], methods=["freight", "express"], contact="王调度")


def test_p2_4_d_p5_2_a_an_approved_order_is_produced_inspected_shipped_in_two_parts_delayed_and_the_rep_plans(
        page: Any, live_server: Any, make_order: Any, customer: Any, sales_rep: Any, production_user: Any,
        logistics_user: Any, catalog: Any) -> None:
    from ordertaking.fulfilment.models import Task
    from ordertaking.logistics.models import Shipment, ShippingException
    from ordertaking.production.models import ProductionOrder, QualityInspection
    from ordertaking.tracking.models import ContingencyPlan, OrderRisk
    from tests.credit_grant import customer_credit_grant
    from tests.readiness import readiness_sign_all

    customer_credit_grant(customer, by=sales_rep)  # P5.1.b: evaluated by finance beforehand
    _carrier(catalog, logistics_user)
    delivery = timezone.localdate() + timedelta(days=40)
    order = make_order(state="approved", delivery_date=delivery,
                       lines=[{"product": "motor", "quantity": "4", "unit_price": "3200.00"}])
    assert Task.objects.filter(order=order).count() >= 3  # production, inspection, shipping (P2.4.a)
    po = ProductionOrder.objects.get(order=order)
    base = live_server.url

    # --- P2.4.b production: started, progress reported, finished -------------------------------
    sign_in(page, base, "prod1")
    page.goto(f"{base}/production/{po.number}/")
    page.locator("[data-testid=start]").click()
    form = page.locator("[data-testid=progress-form]")
    form.locator("input[name=percent]").fill("60")
    form.locator("textarea[name=note], input[name=note]").first.fill("定子绕线完成，转子加工中。")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=percent]")).to_contain_text("60%")
    page.locator("[data-testid=finish]").click()
    expect(page.locator("[data-testid=finish]")).to_have_count(0)

    # --- P5.2.b the finished product inspection passes -------------------------------------------
    page.goto(f"{base}/production/{po.number}/inspect/")
    insp = page.locator("[data-testid=inspection-form]")
    insp.locator("label[for$='checkpoint_2']").click()  # 成品检验, the third checkpoint
    insp.locator("input[name=sample_size]").fill("2")
    insp.locator("input[name=inspected_quantity]").fill("4")
    insp.locator("label[for$='result_0']").click()  # 合格
    insp.locator("button[type=submit]").click()
    expect(page.get_by_text("成品检验").first).to_be_visible()
    po.refresh_from_db()
    assert po.state == "finished" and po.reports.filter(percent=60).exists()
    assert list(QualityInspection.objects.filter(order=order).values_list("checkpoint", "result")) == [
        ("finished", "pass")]
    sign_out(page)

    # --- P2.4.c logistics ships in two parts; the second is delayed in transit ---------------------
    sign_in(page, base, "logi1")
    line = order.lines.get()
    for qty in ("1", "3"):
        page.goto(f"{base}/logistics/orders/{order.number}/ship/")
        page.fill(f"input[name=qty_{line.pk}]", qty)
        page.select_option("#id_method", "freight")
        page.select_option("#id_carrier", label="顺丰快运")
        page.fill("#id_waybill_number", f"SF{qty}0001")
        page.fill("#id_planned_ship_date", timezone.localdate().isoformat())
        page.fill("#id_planned_arrival", (timezone.localdate() + timedelta(days=2)).isoformat())
        page.locator("form button[type=submit]").last.click()
        page.wait_for_url(re.compile(r"/logistics/shipments/[^/]+/$"))
        # P2.5.a: it leaves only once production, logistics and sales have signed its readiness checklist
        # (their pages are proven in the deliveries tests); then logistics dispatches it on its page.
        shipment = Shipment.objects.get(number=page.url.rstrip("/").rsplit("/", 1)[-1])
        readiness_sign_all(shipment)
        page.reload()
        page.locator("form[action$='/dispatch/'] button[type=submit]").click()  # 发运
        expect(page.locator("a[href$='/exceptions/new/']")).to_be_visible()  # the dispatched shipment's action
        shipment.refresh_from_db()
        assert shipment.state == "dispatched"
    page.locator("a[href$='/exceptions/new/']").click()  # 登记异常
    page.select_option("#id_kind", "delay")
    page.fill("#id_cause", "高速公路因大雾封闭，车辆滞留嘉兴服务区。")
    page.fill("#id_new_arrival", (timezone.localdate() + timedelta(days=4)).isoformat())
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("[data-testid=exceptions]")).to_be_visible()
    sign_out(page)
    order.refresh_from_db()
    assert order.state == "shipped"
    assert sorted(Shipment.objects.filter(order=order).values_list("lines__quantity", flat=True)) == [1, 3]
    assert ShippingException.objects.get(order=order).kind == "delay"
    # the exception put the order at risk when it was recorded, in the same transaction (P2.4.d)
    assert OrderRisk.objects.filter(order=order, reason="shipping_exception", cleared_at__isnull=True).exists()

    # --- P2.4.d the rep sees it at risk on the home page, with the reason ------------------------
    sign_in(page, base, "sales1")
    card = page.locator("[data-queue=at_risk]")
    expect(card).to_contain_text(order.number)
    expect(card).to_contain_text("运输异常")
    card.get_by_role("link", name=order.number).click()
    panel = page.locator("[data-testid=progress-panel]")
    expect(panel.locator("[data-testid=risk-reasons]")).to_contain_text("运输延误")
    expect(panel.locator("[data-testid=gantt] [data-group=shipment]")).to_have_count(2)

    # --- P5.2.a the rep records the contingency plan -------------------------------------------------
    panel.locator("#action-plan").click()
    new_date: date = delivery + timedelta(days=3)
    page.select_option("#id_cause", "logistics")
    page.fill("#id_measures", "协调承运商改派车辆绕行，第二批货物到达后优先安装。")
    page.fill("#id_loss_reduction", "第一批已到货设备先行安装调试，减少客户停工。")
    page.fill("#id_new_delivery_date", new_date.isoformat())
    page.fill("#id_notified_person", "刘经理")
    page.select_option("#id_notified_via", "phone")
    page.fill("#id_notified_text", "电话告知大雾封路导致延误，预计晚两天到货，客户同意。")
    page.locator("#plan-submit").click()
    page.wait_for_url(re.compile(rf"/orders/{order.number}/"))
    plan = page.locator("[data-testid=plan]")
    expect(plan).to_contain_text("物流")
    expect(plan.locator("[data-testid=plan-new-date]")).to_have_text(new_date.isoformat())
    expect(page.locator("#timeline-title")).to_be_visible()
    expect(page.locator("body")).to_contain_text("记录应急预案")
    saved = ContingencyPlan.objects.get(order=order)
    assert (saved.cause, saved.notified_via, saved.recorded_by_id) == ("logistics", "phone", sales_rep.pk)
    sign_out(page)
