"""Demo acceptance (P2.5.c), acceptance issues and compensation (P2.5.d), and orders closed when paid (P3.6),
through the real services end to end: three stock orders are entered and approved, their shipments signed
ready by production, logistics and the rep (P2.5.a), dispatched and delivered, their vouchers signed by the
customer on the phone (P2.5.b); then

- 上海浦江机械 accepts every line on their page; finance invoices and the payment arrives: the order is closed;
- 合肥新桥汽车零部件 accepts the couplings but rejects the reducers' quality (a general issue raised four
  working days ago, past its deadline: the daily job escalated it to the rep's leader; a progress report; a
  compensation the order center asked for, approved by leadership with its credit note);
- 苏州姑苏精密模具 accepts every line, recorded by their rep on site on their behalf; finance invoiced, the
  payment has not arrived: the order stays accepted until it does;
- 深圳华南智能装备 rejects a reducer's performance: a major quality issue with production's analysis, the
  solution, two progress reports and the result waiting for the customer; a compensation waits for leadership.

Idempotent: a scenario whose order exists is skipped. The satisfaction surveys of the accepted orders are
feedback's step, which runs after this one (P6.1.c).
"""

# Scenario text in Chinese: ruff counts each CJK character as two columns.
# ruff: noqa: E501

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from ordertaking.deliveries.acceptance.jobs import acceptance_issue_run
from ordertaking.deliveries.acceptance.services import (
    acceptance_record,
    compensation_approve,
    compensation_request,
    issue_analyse,
    issue_classify,
    issue_progress_add,
    issue_resolve,
    issue_solve,
)
from ordertaking.deliveries.models import DeliveryVoucher
from ordertaking.deliveries.services import readiness_sign
from ordertaking.deliveries.voucher_services import voucher_sign
from ordertaking.finance.services import invoice_issue, payment_record
from ordertaking.fulfilment.services import calendar_load
from ordertaking.logistics.models import Carrier
from ordertaking.logistics.services import shipment_create, shipment_dispatch, tracking_event_record
from ordertaking.orders.models import Order
from ordertaking.portal.services import portal_link_issue

from .orders import Scenario, _order_for, _play
from .vouchers import PHONE, drawn_signature

if TYPE_CHECKING:
    from .loader import DemoContext

CRITERIA = ("quantity", "specification", "quality", "performance")

SCENARIOS = [
    Scenario("PJ-BJ-2026-1120", "pujiang", "sales1", (("RED-K77", "2", None), ("ACC-CPL-L100", "4", None)),
             delivery_days=20, steps=(("submit", "sales1"), ("approve", "center1", "")), story="accepted and paid: closed"),
    Scenario("XQ-BJ-2026-1121", "hefei_auto", "sales1", (("RED-WPA100", "6", None), ("ACC-CPL-L100", "6", None)),
             delivery_days=20, steps=(("submit", "sales1"), ("approve", "center2", "")),
             story="a general acceptance issue past its deadline, escalated; compensation approved"),
    Scenario("GS-2026-0342", "gusu", "sales1", (("MOT-SM80-750", "4", None), ("CTL-SD-750", "4", None)),
             delivery_days=20, steps=(("submit", "sales1"), ("approve", "center2", "")),
             story="accepted on site through the rep; invoiced, payment not yet arrived: accepted"),
    Scenario("HN-BJ-2026-1122", "shenzhen_auto", "sales2", (("RED-R87", "3", None), ("ACC-BASE-132", "3", None)),
             delivery_days=20, steps=(("submit", "sales2"), ("approve", "center1", "")),
             story="a major quality issue: analysis, solution, progress, result waiting; compensation waiting"),
]


def ok() -> dict[str, Any]:
    return {c: {"accepted": True, "note": ""} for c in CRITERIA}


def rejected(criterion: str, note: str) -> dict[str, Any]:
    out = ok()
    out[criterion] = {"accepted": False, "note": note}
    return out


def _deliver(ctx: DemoContext, order: Order, signer: str, place: str) -> Any:
    """Ready (P2.5.a), dispatched, delivered, the voucher signed on the customer's phone through their link
    (P2.5.b): the order is delivered."""
    logi, now, today = ctx.users["logi1"], timezone.now(), timezone.localdate()
    sf = Carrier.objects.get(code="sf")
    shipment = shipment_create(order=order, actor=logi, method="express", carrier=sf,
                               waybill_number=f"SF14{order.pk:08d}", packages=order.lines.count(),
                               planned_ship_date=today, planned_arrival=today + timedelta(days=1),
                               lines=[{"order_line": ln, "quantity": ln.quantity} for ln in order.lines.all()])
    readiness_sign(actor=ctx.users["prod1"], shipment=shipment, part="production", packaging_intact=True,
                   inspection_passed=True)
    readiness_sign(actor=logi, shipment=shipment, part="logistics", vehicle_ready=True, packing_materials_ready=True)
    readiness_sign(actor=order.sales_rep, shipment=shipment, part="sales", agreed_time=now + timedelta(hours=2),
                   agreed_place=place, agreed_with=signer, agreed_on=today)
    shipment_dispatch(shipment=shipment, actor=logi)
    tracking_event_record(shipment=shipment, actor=logi, kind="delivered", occurred_at=now,
                          place=place, note=f"{signer} 本人签收")
    link = portal_link_issue(actor=order.sales_rep, order=order, send=False)
    for voucher in DeliveryVoucher.objects.filter(order=order, state=DeliveryVoucher.State.OPEN):
        voucher_sign(voucher=voucher, signer_name=signer, signature=drawn_signature(order.pk), ip="223.104.3.71",
                     user_agent=PHONE)
    order.refresh_from_db()
    return link


def _working_days_ago(n: int) -> datetime:
    day = calendar_load().before(timezone.localdate(), n)
    return timezone.make_aware(datetime.combine(day, time(15, 20)))


def load(ctx: DemoContext) -> None:
    for scenario in SCENARIOS:
        if Order.objects.filter(customer=ctx.customers[scenario.customer], customer_reference=scenario.ref).exists():
            continue
        with transaction.atomic():
            order = _order_for(scenario, ctx)
            for step in scenario.steps:
                order = _play(order, step, ctx)
            STORIES[scenario.ref](ctx, order)
        ctx.count("orders")


def _closed(ctx: DemoContext, order: Order) -> None:
    link = _deliver(ctx, order, "刘伟", "上海市浦东新区张江路1388号 一号厂房")
    acceptance_record(order=order, entries=[(ln, ok()) for ln in order.lines.all()], portal_link=link,
                      customer_name="刘伟")
    fin = ctx.users["finance1"]
    inv = invoice_issue(order=order, actor=fin)
    payment_record(customer=order.customer, actor=fin, amount=inv.amount, reference="招商银行 电汇 20261130-0318",
                   allocations=[{"invoice": inv, "amount": inv.amount}])
    ctx.count("orders closed")


def _accepted(ctx: DemoContext, order: Order) -> None:
    _deliver(ctx, order, "陈晓东", "苏州市吴中区木渎镇金枫南路1288号")
    acceptance_record(order=order, entries=[(ln, ok()) for ln in order.lines.all()], actor=order.sales_rep,
                      customer_name="陈晓东")
    invoice_issue(order=order, actor=ctx.users["finance1"])
    ctx.count("orders accepted")


def _general(ctx: DemoContext, order: Order) -> None:
    link = _deliver(ctx, order, "张磊", "合肥市经济技术开发区紫云路266号 二号仓库")
    worm, coupling = order.lines.order_by("position")
    acceptance_record(order=order, entries=[(coupling, ok())], portal_link=link, customer_name="张磊")
    issue = acceptance_record(order=order, entries=[(worm, rejected("quality", "6台中有2台空载运行异响明显，箱体漏油。"))],
                              portal_link=link, customer_name="张磊", now=_working_days_ago(4))[0]
    issue_progress_add(issue=issue, actor=ctx.users["sales1"], text="已与张科长电话确认，售后工程师明天上午到现场检查。")
    acceptance_issue_run(today=timezone.localdate())  # past its deadline: escalated to the rep's leader
    comp = compensation_request(issue=issue, actor=ctx.users["center1"], amount="1600.00",
                                basis="合同第9.2条：质量问题导致客户产线停机，按停机损失赔偿（半天）。")
    compensation_approve(compensation=comp, actor=ctx.users["leader1"], comment="同意按合同赔偿，财务开具贷项通知单。")
    ctx.count("acceptance issues")


def _major(ctx: DemoContext, order: Order) -> None:
    link = _deliver(ctx, order, "黄俊", "深圳市南山区西丽街道留仙大道3370号")
    reducer, base = order.lines.order_by("position")
    acceptance_record(order=order, entries=[(base, ok())], portal_link=link, customer_name="黄俊")
    issue = acceptance_record(order=order, entries=[(reducer, rejected("performance", "满载试车时输出轴温升超过70K，超出合同技术协议规定的55K。"))],
                              portal_link=link, customer_name="黄俊")[0]
    rep = ctx.users["sales2"]
    issue_classify(issue=issue, actor=rep, issue_class="major")
    issue_analyse(issue=issue, actor=ctx.users["prod1"], responsible_department="production",
                  cause="同批次轴承游隙偏小，装配时未复测；润滑脂牌号与技术协议不符。")
    issue_solve(issue=issue, actor=ctx.users["prod1"],
                solution="更换3台减速机的输出轴轴承并按协议更换润滑脂，出厂前逐台满载温升试验，报告随货交付。")
    issue_progress_add(issue=issue, actor=rep, text="轴承与润滑脂已到货，生产部安排本周返修。")
    issue_progress_add(issue=issue, actor=ctx.users["prod1"], text="3台返修完成，满载温升试验均低于50K，试验报告已上传。")
    issue_resolve(issue=issue, actor=ctx.users["prod1"], result="已更换轴承和润滑脂，逐台满载温升试验合格（≤50K），已重新发货。")
    compensation_request(issue=issue, actor=rep, amount="3000.00",
                         basis="合同第9.2条：因性能不达标延误客户设备调试5天，按合同约定赔偿调试人员差旅费用。")
    ctx.count("acceptance issues")


STORIES = {"PJ-BJ-2026-1120": _closed, "XQ-BJ-2026-1121": _general, "GS-2026-0342": _accepted, "HN-BJ-2026-1122": _major}
