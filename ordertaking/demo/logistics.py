"""Demo logistics (P2.4.c, P5.2.c), through logistics.services: three carriers (one whose contract has
expired), the Ningbo port order shipped in two parts — the first signed for, the second held up by a
road closure recorded as a delay exception — and the Wuhan cable order partly shipped, so the board, the shipment and carrier pages and the
order's shipments card have something true to show. Every shipment that left was ready first: its delivery
readiness checklist 交付准备 signed by production, logistics and the sales rep (P2.5.a); the Xiamen port's
motors, re-inspected and passed, wait planned for the sales rep to agree the delivery time with the customer.
Idempotent: a second run finds the carriers.

The demo's orders are approved on the day it is loaded, so everything here happens today.
"""

# Scenario text in Chinese: ruff counts each CJK character as two columns.
# ruff: noqa: E501

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from ordertaking.deliveries.services import readiness_sign
from ordertaking.logistics.models import Carrier, Shipment
from ordertaking.logistics.services import (
    carrier_create,
    exception_record,
    shipment_create,
    shipment_dispatch,
    tracking_event_record,
)
from ordertaking.orders.models import Order

if TYPE_CHECKING:
    from .loader import DemoContext

EAST = ["SH", "JS", "ZJ", "AH", "SD", "FJ"]
SOUTH = ["GD", "GX", "HI", "HN", "HB", "FJ"]


def ready(ctx: DemoContext, shipment: Shipment, *, agreed: tuple[str, str], hours: int = 20,
          parts: tuple[str, ...] = ("production", "logistics", "sales"), notes: dict[str, str] | None = None) -> None:
    """P2.5.a: production, logistics and the order's sales rep sign the shipment's readiness checklist."""
    notes = notes or {}
    order = shipment.order
    if "production" in parts:
        readiness_sign(actor=ctx.users["prod1"], shipment=shipment, part="production", packaging_intact=True,
                       inspection_passed=True, note=notes.get("production", ""))
    if "logistics" in parts:
        readiness_sign(actor=ctx.users["logi1"], shipment=shipment, part="logistics", vehicle_ready=True,
                       packing_materials_ready=True, note=notes.get("logistics", ""))
    if "sales" in parts:
        place, who = agreed
        readiness_sign(actor=order.sales_rep, shipment=shipment, part="sales",
                       agreed_time=timezone.now() + timedelta(hours=hours), agreed_place=place, agreed_with=who,
                       agreed_on=timezone.localdate(), note=notes.get("sales", ""))


def load(ctx: DemoContext) -> None:
    if Carrier.objects.exists():
        return
    logi = ctx.users["logi1"]
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        regions = ctx.regions
        sf = carrier_create(actor=logi, code="sf", name="顺丰速运", contract_number="WL-2026-SF-018",
                            contract_valid_from=today - timedelta(days=240), contract_valid_to=today + timedelta(days=125),
                            methods=["express", "freight"], contact="华东大客户部 400-811-1111",
                            regions=[r for r in regions.values() if r.served])
        carrier_create(actor=logi, code="deppon", name="德邦物流", contract_number="WL-2026-DB-007",
                       contract_valid_from=today - timedelta(days=100), contract_valid_to=today + timedelta(days=265),
                       methods=["freight"], contact="上海青浦营业部 021-59876543",
                       regions=[regions[c] for c in EAST + SOUTH if c in regions])
        carrier_create(actor=logi, code="zto", name="中通快运", contract_number="WL-2025-ZT-031",
                       contract_valid_from=today - timedelta(days=400), contract_valid_to=today - timedelta(days=30),
                       methods=["freight"], contact="合同续签中",
                       regions=[regions[c] for c in EAST if c in regions])
        ctx.count("carriers", 3)

        # 宁波北仑港口 (BLGJ-2026-3307): reducers and couplings first, the bases and the rest later.
        ningbo = (Order.objects.filter(customer=ctx.customers["ningbo_port"], customer_reference="BLGJ-2026-3307")
                  .exclude(approved_at__isnull=True).first())
        if ningbo is None:
            return
        lines = {ln.product_code: ln for ln in ningbo.lines.all()}
        reducer, coupling, base = lines["RED-K77"], lines["ACC-CPL-L100"], lines["ACC-BASE-132"]
        first = shipment_create(order=ningbo, actor=logi, method="freight", carrier=sf, waybill_number="SF1420398870",
                                packages=9, planned_ship_date=today, planned_arrival=today + timedelta(days=1),
                                lines=[{"order_line": reducer, "quantity": reducer.quantity},
                                       {"order_line": coupling, "quantity": 8}])
        ready(ctx, first, agreed=("宁波市北仑区明州路188号 港区设备仓库", "徐建平（采购部经理）"),
              notes={"logistics": "9.6米厢式货车，减速机木箱加固。", "sales": "客户要求工作日上午到货，卸货由港区叉车配合。"})
        shipment_dispatch(shipment=first, actor=logi)
        for kind, hours, place, note in (("picked_up", 7, "上海市青浦区 顺丰华新集散中心", "已揽收，9件"),
                                         ("in_transit", 5, "杭州湾跨海大桥", ""),
                                         ("arrived", 2, "宁波市北仑区 顺丰北仑营业部", ""),
                                         ("delivered", 1, "宁波市北仑区明州路188号", "徐建平 本人签收")):
            tracking_event_record(shipment=first, actor=logi, kind=kind, occurred_at=now - timedelta(hours=hours),
                                  place=place, note=note)
        second = shipment_create(order=ningbo, actor=logi, method="freight", carrier=sf, waybill_number="SF1420399125",
                                 packages=3, planned_ship_date=today, planned_arrival=today + timedelta(days=1),
                                 lines=[{"order_line": coupling, "quantity": (coupling.quantity or 8) - 8},
                                        {"order_line": base, "quantity": base.quantity}])
        ready(ctx, second, agreed=("宁波市北仑区明州路188号 港区设备仓库", "徐建平（采购部经理）"), hours=26)
        shipment_dispatch(shipment=second, actor=logi)
        tracking_event_record(shipment=second, actor=logi, kind="picked_up", occurred_at=now - timedelta(hours=3),
                              place="上海市青浦区 顺丰华新集散中心", note="已揽收，3件")
        tracking_event_record(shipment=second, actor=logi, kind="in_transit", occurred_at=now - timedelta(hours=1),
                              place="G92杭州湾环线 慈溪段", note="因大雾高速临时封闭，车辆停靠服务区")
        exception_record(shipment=second, actor=logi, kind="delay", cause="G92杭州湾环线高速因大雾封闭，车辆滞留慈溪服务区。",
                         handling="顺丰调度改走G228国道，预计晚一天送达；已请北仑营业部优先派送。",
                         told_departments=["sales", "customer_service"], told_contact="电话告知徐建平（采购部经理）",
                         new_arrival=today + timedelta(days=2))
        ctx.count("shipments", 2)

        # 武汉江城电缆 (JC-WZ-2026-1188): the inverters leave by Deppon freight; the motors are still being made.
        wuhan = (Order.objects.filter(customer=ctx.customers["wuhan_cable"], customer_reference="JC-WZ-2026-1188")
                 .exclude(approved_at__isnull=True).first())
        if wuhan is None:
            return
        vfd = wuhan.lines.get(product_code="CTL-VFD-15")
        deppon = Carrier.objects.get(code="deppon")
        third = shipment_create(order=wuhan, actor=logi, method="freight", carrier=deppon, waybill_number="DPK6605128841",
                                packages=15, planned_ship_date=today, planned_arrival=today + timedelta(days=3),
                                lines=[{"order_line": vfd, "quantity": vfd.quantity}])
        ready(ctx, third, agreed=("武汉市东西湖区 江城电缆三号厂房", "周工（设备科）"), hours=72)
        shipment_dispatch(shipment=third, actor=logi)
        tracking_event_record(shipment=third, actor=logi, kind="picked_up", occurred_at=now - timedelta(minutes=40),
                              place="上海市青浦区 德邦华新分拨中心", note="已揽收，15件（木箱）")
        ctx.count("shipments", 1)

        # 厦门港 explosion-proof motors: re-inspected and passed (production's demo). Planned by freight;
        # production and logistics have signed, the sales rep has yet to agree the time with the customer.
        xiamen = (Order.objects.filter(customer=ctx.customers["xiamen_port"], customer_reference="HCGW-CG-2026-0452")
                  .exclude(approved_at__isnull=True).first())
        motors = xiamen.lines.filter(product_code="MOT-YB3-132M4").first() if xiamen else None
        if xiamen is not None and motors is not None and xiamen.state in ("in_execution", "partly_shipped"):
            fourth = shipment_create(order=xiamen, actor=logi, method="freight", carrier=deppon,
                                     waybill_number="DPK6605130072", packages=4, planned_ship_date=today + timedelta(days=1),
                                     lines=[{"order_line": motors, "quantity": motors.quantity}])
            ready(ctx, fourth, agreed=("", ""), parts=("production", "logistics"),
                  notes={"production": "返工后全数复检合格，防爆合格证随货。"})
            ctx.count("shipments", 1)
