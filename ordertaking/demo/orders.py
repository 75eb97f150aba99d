"""Demo orders in every state, each made by replaying what the people would have done.

Every step calls the real service of the orders and review apps, as the named demo user,
so the order timeline, revisions, findings, opinions and special approvals are all true.
Each scenario is keyed by the customer's purchase-order number (customer_reference) and runs
in one transaction: a scenario is loaded whole or not at all, and never twice.
"""

# Scenario tables with Chinese text: ruff counts each CJK character as two columns.
# ruff: noqa: E501

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from ordertaking.orders.models import Order
from ordertaking.orders.services import order_cancel, order_create, order_update
from ordertaking.review.models import SpecialApproval
from ordertaking.review.services import (
    order_approve,
    order_return,
    order_submit,
    special_approval_grant,
    special_approval_refuse,
    special_approval_request,
)

if TYPE_CHECKING:
    from .loader import DemoContext


@dataclass(frozen=True)
class Scenario:
    ref: str  # the customer's PO number: the key that makes loading idempotent
    customer: str
    rep: str
    lines: tuple[tuple[str, str, str | None], ...]  # product code, quantity, unit price (None: list price)
    payment: str | None = "PREPAY"
    delivery_days: int | None = 45  # None: not agreed yet (an incomplete draft)
    steps: tuple[tuple[Any, ...], ...] = ()
    story: str = ""  # what the scenario shows, for whoever reads the demo


# Steps: ("submit", who) ("return", reviewer, opinion) ("approve", reviewer, opinion)
# ("request", who, reason) ("grant", leader, comment) ("refuse", leader, comment)
# ("update", who, {header changes}) ("cancel", who, reason)
SCENARIOS: list[Scenario] = [
    Scenario("PO-2026-1101", "pujiang", "sales1", (("MOT-Y2-132M4", "6", None), ("SVC-INST", "6", None)),
             delivery_days=None, story="draft, delivery date not agreed yet (P2.2.b incomplete)"),
    Scenario("SZHN-PO-26-0877", "shenzhen_auto", "sales2",
             (("MOT-SM80-750", "20", "2250.00"), ("CTL-SD-750", "20", "2500.00")), delivery_days=30, payment="NET30",
             story="draft, complete, not submitted yet"),
    Scenario("GS-2026-0315", "gusu", "sales1", (("RED-PL90", "8", None), ("MOT-SM130-2K", "8", None)),
             delivery_days=28, steps=(("submit", "sales1"),), story="pending review, no findings"),
    Scenario("NZ-CG-20261104", "foshan_ceramic", "sales2",
             (("RED-R87", "4", "4800.00"), ("MOT-Y2-160L4", "4", None)),
             delivery_days=40, steps=(("submit", "sales2"),), story="pending review, price below the floor (P2.3.b)"),
    Scenario("GY-2026-017", "lhasa_hydro", "sales2", (("MOT-Y2-90L4", "10", None), ("RED-WPA100", "10", None)),
             delivery_days=35, steps=(("submit", "sales2"),), story="pending review, delivery region not served (P2.3.a)"),
    Scenario("XQ-PUR-261106", "hefei_auto", "sales1",
             (("CTL-VFD-15", "6", None), ("MOT-Y2-160L4", "6", None), ("SVC-INST", "6", None)), delivery_days=38, payment="NET60",
             steps=(("submit", "sales1"),
                    ("return", "center1", "客户未获批月结60天付款方式（P2.3.a）。请与客户确认改为预付款或货到付款；"
                                          "如客户坚持账期，请先提交信用评估申请，获批后再提交订单。")),
             story="returned with a review opinion (P2.3.c)"),
    Scenario("LZ-GJG-2026-088", "jinan_steel", "sales1", (("RED-K77", "5", "5900.00"), ("RED-ZQ350", "2", None)),
             delivery_days=50, payment="COD",
             steps=(("submit", "sales1"),
                    ("request", "sales1", "济南鲁中为今年重点开发客户，本单为首单；竞品报价低于我方底价约3%，"
                                          "建议特批以争取长期合作，后续维保合同按标准价执行。")),
             story="special approval requested, waiting for a leader (P2.3.c)"),
    Scenario("XJKJ-2026-112", "changsha_mining", "sales2",
             (("MOT-YE3-200L4", "12", "10200.00"), ("RED-ZQ350", "12", "9000.00"), ("SVC-INST", "12", None)),
             delivery_days=60, steps=(("submit", "sales2"),
                    ("request", "sales2", "年度框架协议首批订单，总量12套，客户要求整体价格下浮；"
                                          "数量较大，按公司批量政策申请特批。"),
                    ("grant", "leader1", "同意按此价格执行，仅限本批次；后续批次按价格政策重新报价。")),
             story="special approval granted, back with the reviewer (P2.3.c)"),
    Scenario("HCGW-CG-2026-0452", "xiamen_port", "sales2",
             (("MOT-YB3-132M4", "10", "6000.00"), ("CTL-SS-30", "10", None)), delivery_days=55, payment="NET60",
             steps=(("submit", "sales2"),
                    ("request", "sales2", "港口防爆改造项目，客户为长期战略客户，本单防爆电机需让价以保住后续二期工程。"),
                    ("grant", "leader1", "同意。"),
                    ("approve", "center2", "特批已同意，其余审核项符合要求，审核通过。")),
             story="approved after special approval (P2.3.c)"),
    Scenario("QT-DL-2026-0931", "qiantang", "sales1",
             (("MOT-YE3-200L4", "6", None), ("CTL-VFD-15", "6", None), ("SVC-MAINT", "6", None)), delivery_days=42, payment="NET60",
             steps=(("submit", "sales1"), ("approve", "center1", "")), story="approved, no findings"),
    Scenario("BLGJ-2026-3307", "ningbo_port", "sales1",
             (("RED-K77", "8", None), ("ACC-CPL-L100", "16", None), ("ACC-BASE-132", "8", None)), delivery_days=33, payment="NET30",
             steps=(("submit", "sales1"), ("approve", "center2", "")), story="approved, no findings"),
    Scenario("JC-WZ-2026-1188", "wuhan_cable", "sales2", (("MOT-Y2-160L4", "15", None), ("CTL-VFD-15", "15", None)),
             delivery_days=47, payment="NET30", steps=(("submit", "sales2"), ("approve", "center1", "")),
             story="approved, no findings"),
    Scenario("TF-SB-2026-064", "chengdu_pharma", "sales2",
             (("MOT-YE3-200L4", "2", None), ("CTL-PLC-32", "1", None), ("SVC-TRAIN", "2", None)),
             delivery_days=10,
             steps=(("submit", "sales2"),
                    ("return", "center1", "交货期过短：高效电机与PLC控制柜需排产20天，加上到成都的运输4天，"
                                          "最早交货约在24天后（P2.3.b）。请与客户重新确认交货时间。"),
                    ("update", "sales2", {"delivery_date": 35}),
                    ("submit", "sales2"),
                    ("approve", "center2", "交货时间已与客户重新确认，审核通过。")),
             story="returned, corrected by the rep (revision 2), then approved"),
    Scenario("HR-2026-1114", "qingdao_food", "sales1", (("MOT-86BYG", "40", None), ("ACC-ENC-2500", "40", None)),
             delivery_days=25, steps=(("cancel", "sales1", "客户新产线项目延期至明年，本次采购取消。"),), story="cancelled draft"),
    Scenario("THBZ-2026-0219", "guangzhou_pack", "sales2", (("RED-WPA100", "30", "1000.00"),),
             delivery_days=21, steps=(("submit", "sales2"),
                    ("request", "sales2", "客户称竞品报价更低，希望按1000元成交。"),
                    ("refuse", "leader1", "低于底价幅度过大（约13%），且客户为新客户，不予特批。"),
                    ("return", "center1", "特批未获同意：单价低于底价，请按价格政策重新报价后再提交。")),
             story="special approval refused, then returned"),
    Scenario("THBZ-2026-0301", "guangzhou_pack", "sales2", (("CTL-PLC-32", "30", None),),
             delivery_days=48, steps=(("submit", "sales2"), ("approve-if-pending", "center1", "")),
             story="credit hold: the order passes the customer's credit limit (P5.1), at submission "
                   "or at the latest at approval"),
    Scenario("PJ-SB-2026-1116", "pujiang", "sales1",
             (("SVC-MAINT", "10", None), ("SVC-ENERGY", "1", None)), delivery_days=26, payment="NET30",
             steps=(("submit", "sales1"),), story="pending review, services only, on credit terms"),
]


def _order_for(scenario: Scenario, ctx: DemoContext) -> Order:
    customer = ctx.customers[scenario.customer]
    primary = customer.contacts.order_by("-is_primary", "id").first()
    address = customer.addresses.order_by("-is_default", "id").first()
    return order_create(
        actor=ctx.users[scenario.rep], customer=customer, sales_rep=ctx.users[scenario.rep],
        delivery_date=(timezone.localdate() + timedelta(days=scenario.delivery_days)
                       if scenario.delivery_days is not None else None),
        delivery_region=address.region if address else customer.region,
        delivery_city=address.city if address else customer.city,
        delivery_address=address.detail if address else "",
        payment_method=ctx.payments[scenario.payment] if scenario.payment else None,
        customer_reference=scenario.ref,
        contact_name=primary.name if primary else "", contact_phone=primary.phone if primary else "",
        lines=[{"product": ctx.products[code], "quantity": Decimal(qty),
                "unit_price": Decimal(price) if price is not None else None}
               for code, qty, price in scenario.lines])


def _open_approval(order: Order) -> SpecialApproval:
    return SpecialApproval.objects.filter(order=order, state=SpecialApproval.State.REQUESTED).latest("requested_at")


def _play(order: Order, step: tuple[Any, ...], ctx: DemoContext) -> Order:
    verb, who, *rest = step
    actor = ctx.users[who]
    if verb == "submit":
        return order_submit(order=order, actor=actor)
    if verb == "update":
        changes = dict(rest[0])
        if "delivery_date" in changes:
            changes["delivery_date"] = timezone.localdate() + timedelta(days=changes["delivery_date"])
        return order_update(order=order, actor=actor, changes=changes)
    if verb == "cancel":
        return order_cancel(order=order, actor=actor, reason=rest[0])
    if verb == "approve-if-pending":
        # Where the credit check holds an order (at submission or at approval) is the credit app's call.
        verb = "approve" if order.state == "submitted" else "skip"
    if verb == "skip":
        return order
    if verb == "approve":
        return order_approve(order=order, actor=actor, opinion=rest[0])
    if verb == "return":
        return order_return(order=order, actor=actor, opinion=rest[0])
    if verb == "request":
        special_approval_request(order=order, actor=actor, reason=rest[0])
        return order
    if verb in ("grant", "refuse"):
        decide = special_approval_grant if verb == "grant" else special_approval_refuse
        decide(approval=_open_approval(order), actor=actor, comment=rest[0])
        return order
    raise ValueError(f"unknown demo step {verb!r}")


def load(ctx: DemoContext) -> None:
    for scenario in SCENARIOS:
        if Order.objects.filter(customer=ctx.customers[scenario.customer], customer_reference=scenario.ref).exists():
            continue
        with transaction.atomic():
            order = _order_for(scenario, ctx)
            for step in scenario.steps:
                order = _play(order, step, ctx)
        ctx.count("orders")
