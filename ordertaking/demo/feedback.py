"""Demo customer feedback (P6.1.c, P3.2), through feedback.services: complaints and disputes at each step
of their handling — the Ningbo port's delay complaint resolved and confirmed, a Wuhan cable billing
dispute under investigation by the order center, a Pujiang service complaint waiting for a handler, a
Hangzhou complaint the customer reopened — and the satisfaction survey of every accepted order, some
answered. Customer service's leader is set so an escalation has someone to go to. Idempotent: each
complaint is found again by its description; a survey is offered once per order.
"""

# Scenario text in Chinese: ruff counts each CJK character as two columns.
# ruff: noqa: E501

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from ordertaking.feedback.models import Complaint, Survey
from ordertaking.feedback.services import (
    complaint_assign,
    complaint_confirm,
    complaint_investigate,
    complaint_note_add,
    complaint_record,
    complaint_reopen,
    complaint_resolve,
    survey_answer,
    survey_invite,
)
from ordertaking.orders.models import Order

if TYPE_CHECKING:
    from .loader import DemoContext

# Answers of the first accepted orders (overall, product, delivery, service, comment); the rest stay invited.
ANSWERS = [
    (5, 5, 4, 5, "电机运行平稳，安装调试很专业。"),
    (4, 5, 3, 4, "产品质量好，但第二批到货晚了两天。"),
    (3, 4, 2, 3, "交货期一再推迟，希望改进物流。"),
]


def _order(ctx: DemoContext, customer: str, reference: str = "") -> Order | None:
    qs = Order.objects.filter(customer=ctx.customers[customer])
    if reference:
        qs = qs.filter(customer_reference=reference)
    return qs.order_by("id").first()


def load(ctx: DemoContext) -> None:
    cs = ctx.users["cs1"]
    center = ctx.users["center1"]
    if cs.leader_id is None:  # the administrator's setting: customer service reports to leader1
        cs.leader = ctx.users["leader1"]
        cs.save(update_fields=["leader"])
    _complaints(ctx, cs, center)
    _surveys(ctx, cs)


def _complaints(ctx: DemoContext, cs, center) -> None:  # type: ignore[no-untyped-def]
    text = "第二批底座和联轴器比约定到货晚了三天，影响了港机安装进度，要求说明原因并保证后续交期。"
    if not Complaint.objects.filter(description=text).exists():
        with transaction.atomic():
            c = complaint_record(actor=cs, order=_order(ctx, "ningbo_port", "BLGJ-2026-3307"), kind="complaint",
                                 category="delivery", source="phone", contact_name="徐建平", contact="13858012376",
                                 description=text)
            complaint_assign(complaint=c, actor=cs, handler=cs, note="物流延误，客服跟进。")
            complaint_investigate(complaint=c, actor=cs, note="已与物流部门核实：高速封路导致延误，货物完好。")
            complaint_note_add(complaint=c, actor=cs, text="物流部门确认改走国道，预计明日送达。", public=True)
            complaint_resolve(complaint=c, actor=cs, resolution="货物已于次日送达并签收；后续批次改由顺丰速运承运，并提前一天发运。")
            complaint_confirm(complaint=c, actor=ctx.users["sales1"], how="phone", note="徐经理电话确认接受处理结果。")
            ctx.count("complaints")

    text = "发票金额与合同约定的含税单价不一致，多开了运费，客户暂缓付款并要求重新开票。"
    wuhan = _order(ctx, "wuhan_cable", "JC-WZ-2026-1188")
    if not Complaint.objects.filter(description=text).exists():
        with transaction.atomic():
            c = complaint_record(actor=cs, order=wuhan, customer=ctx.customers["wuhan_cable"], kind="dispute",
                                 category="billing", source="email", contact_name="胡建华", contact="hujh@jc-cable.cn",
                                 description=text)
            complaint_assign(complaint=c, actor=cs, handler=center, note="涉及合同条款，请订单处理中心核对。")
            complaint_investigate(complaint=c, actor=center, note="正在与财务核对合同运费条款。")
            ctx.count("complaints")

    text = "上次上门维修的技术人员未按约定时间到场，且未留下服务记录。"
    if not Complaint.objects.filter(description=text).exists():
        with transaction.atomic():
            complaint_record(actor=ctx.users["sales1"], customer=ctx.customers["pujiang"], kind="complaint",
                             category="service", source="visit", contact_name="刘伟", description=text)
            ctx.count("complaints")

    text = "减速机运行时异响，怀疑齿轮装配问题。"
    qiantang = _order(ctx, "qiantang")
    if not Complaint.objects.filter(description=text).exists():
        with transaction.atomic():
            c = complaint_record(actor=cs, order=qiantang, customer=ctx.customers["qiantang"], kind="complaint",
                                 category="quality", source="online", contact_name="王丽华", description=text)
            complaint_assign(complaint=c, actor=center, handler=cs)
            complaint_investigate(complaint=c, actor=cs)
            complaint_resolve(complaint=c, actor=cs, resolution="远程指导客户重新加注润滑脂，异响消失。")
            complaint_reopen(complaint=c, actor=ctx.users["sales1"], reason="客户反映运行一周后异响再次出现，要求上门检查。")
            ctx.count("complaints")


def _surveys(ctx: DemoContext, cs) -> None:  # type: ignore[no-untyped-def]
    accepted = list(Order.objects.filter(state__in=["accepted", "closed"]).order_by("id"))
    for i, order in enumerate(accepted):
        with transaction.atomic():
            survey = survey_invite(order=order, actor=None)
            if survey.state == Survey.State.INVITED and i < len(ANSWERS):
                overall, product, delivery, service, comment = ANSWERS[i]
                survey_answer(survey=survey, actor=cs if i == 1 else None, via_portal=i != 1, overall=overall,
                              product=product, delivery=delivery, service=service, comment=comment)
                ctx.count("satisfaction surveys answered")
