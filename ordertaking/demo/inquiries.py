"""Demo inquiries by every channel of P2.1.a, through inquiries.services.

Recorded by customer service or a sales rep, then handed over (P2.1.b), converted into a draft
order (P2.1 → P2.2), closed, or left open. Each is keyed by the text of the need
(specification), so loading twice adds nothing; each runs in its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from ordertaking.inquiries.models import Inquiry
from ordertaking.inquiries.services import inquiry_close, inquiry_convert, inquiry_handover, inquiry_record

if TYPE_CHECKING:
    from .loader import DemoContext


@dataclass(frozen=True)
class DemoInquiry:
    channel: str
    received_by: str
    specification: str  # the key
    customer: str | None = None  # key of a demo customer, or None for a prospect
    prospect: dict[str, Any] = field(default_factory=dict)  # company_name, contact_*, region, city, address
    product: str | None = None
    quantity: str | None = None
    service_requirements: str = ""
    wanted_in_days: int | None = None
    needs_analysis: str = ""
    special_needs: bool = False
    then: tuple[Any, ...] = ()  # ("handover", who, to, note) | ("convert", who) | ("close", who, reason)


INQUIRIES: list[DemoInquiry] = [
    DemoInquiry("phone", "cs1", "YE3-180L-4 22kW 高效电机，询价及交期", product="MOT-YE3-200L4", quantity="10",
                prospect={"company_name": "无锡华达纺织机械有限公司", "contact_name": "顾建明",
                          "contact_phone": "13915302218", "region": "JS", "city": "无锡市",
                          "address": "新吴区长江路21号"},
                wanted_in_days=40, needs_analysis="新客户，纺机配套，年需求约80台；需先做信用审查（P5.1.b）。"),
    DemoInquiry("email", "cs1", "隔爆电机 YB3-132M-4，轴伸按图加长 40mm", customer="qiantang", product="MOT-YB3-132M4",
                quantity="6", service_requirements="需提供防爆合格证及出厂检验报告；现场安装指导。",
                wanted_in_days=50, special_needs=True,
                needs_analysis="非标轴伸，需技术部确认图纸及加工周期。",
                then=("handover", "cs1", "sales1", "非标定制，请王经理与客户技术部确认图纸。")),
    DemoInquiry("online", "cs1", "伺服电机 750W 配驱动器，批量 50 套", customer="shenzhen_auto", product="MOT-SM80-750",
                quantity="50", wanted_in_days=30, needs_analysis="老客户扩产，价格敏感，可能要求月结。",
                then=("handover", "cs1", "sales2", "批量较大，客户希望本周内报价。")),
    DemoInquiry("visit", "sales1", "R87 减速机更换，含拆装服务", customer="gusu", product="RED-R87", quantity="2",
                service_requirements="旧机拆除及新机安装调试，周末停产期间施工。", wanted_in_days=45,
                needs_analysis="上门拜访确认：现用减速机漏油，需整机更换。",
                then=("convert", "sales1")),
    DemoInquiry("phone", "cs1", "电机年度维保服务咨询，约 30 台",
                service_requirements="每年两次巡检，故障 24 小时响应。",
                prospect={"company_name": "昆山德利包装材料有限公司", "contact_name": "沈丽",
                          "contact_phone": "0512-57712345", "region": "JS", "city": "苏州市",
                          "address": "昆山市开发区前进东路88号"},
                then=("close", "cs1", "客户仅比价，已选择本地服务商，暂无需求。")),
    DemoInquiry("email", "cs1", "变频器 15kW 替换进口品牌，询技术参数", customer="wuhan_cable", product="CTL-VFD-15",
                quantity="8", needs_analysis="需提供与现用进口品牌的参数对照表。"),
]


def load(ctx: DemoContext) -> None:
    for d in INQUIRIES:
        if Inquiry.objects.filter(specification=d.specification).exists():
            continue
        with transaction.atomic():
            _play(d, ctx)
        ctx.count("inquiries")


def _play(d: DemoInquiry, ctx: DemoContext) -> None:
    fields: dict[str, Any] = {
        "specification": d.specification, "service_requirements": d.service_requirements,
        "needs_analysis": d.needs_analysis, "special_needs": d.special_needs,
    }
    if d.customer:
        fields["customer"] = ctx.customers[d.customer]
    for key, value in d.prospect.items():
        fields[key] = ctx.regions[value] if key == "region" else value
    if d.product:
        fields["product"] = ctx.products[d.product]
    if d.quantity:
        fields["quantity"] = Decimal(d.quantity)
    if d.wanted_in_days is not None:
        fields["wanted_delivery_date"] = timezone.localdate() + timedelta(days=d.wanted_in_days)
    inquiry = inquiry_record(actor=ctx.users[d.received_by], channel=d.channel, **fields)
    if not d.then:
        return
    verb, who, *rest = d.then
    actor = ctx.users[who]
    if verb == "handover":
        inquiry_handover(
            inquiry=inquiry, actor=actor, to=ctx.users[rest[0]], note=rest[1])
    elif verb == "convert":
        inquiry_convert(inquiry=inquiry, actor=actor)
    elif verb == "close":
        inquiry_close(inquiry=inquiry, actor=actor, reason=rest[0])
    else:
        raise ValueError(f"unknown demo step {verb!r}")
