"""Demo tracking (P2.4.d, P5.2.a), through tracking.services: the reps' leader set (the administrator
keeps it), the daily at-risk check over the demo company — the task that fell behind and the shipment
delayed in transit put their orders at risk — a contingency plan recorded by the rep for one of them,
and one left without a plan: its at-risk period dated back three days (as the finance demo dates an
invoice back), so the escalation to the rep's leader has happened.

Idempotent: the run records nothing new when nothing changed; the plan and the dating back are done
only while no plan exists."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from ordertaking.accounts.models import User
from ordertaking.orders.models import Order
from ordertaking.orders.states import EXECUTION_STATES
from ordertaking.tracking.models import ContingencyPlan, OrderRisk, RiskEpisode
from ordertaking.tracking.services import (
    contingency_plan_record,
    escalations_due,
    order_risk_refresh,
    risk_escalate,
)

if TYPE_CHECKING:
    from .loader import DemoContext


def load(ctx: DemoContext) -> None:
    leader = ctx.users["leader1"]
    for username in ("sales1", "sales2"):
        User.objects.filter(username=username, leader__isnull=True).update(leader=leader)
    now = timezone.now()
    # what the daily job does (without its run record: a second load adds nothing)
    for order in Order.objects.filter(state__in=EXECUTION_STATES).order_by("pk"):
        order_risk_refresh(order=order, now=now)
    if ContingencyPlan.objects.exists():
        return
    episodes = list(RiskEpisode.objects.filter(ended_at__isnull=True).select_related("order", "order__sales_rep")
                    .order_by("order__number"))
    if not episodes:
        return
    # The order with a shipping exception gets its plan; the other waits (and is escalated).
    with_exception = [e for e in episodes if e.risks.filter(reason="shipping_exception").exists()]
    planned = with_exception[0] if with_exception else episodes[0]
    order = planned.order
    if with_exception:
        cause, measures, loss, told = (
            ContingencyPlan.Cause.LOGISTICS, "协调承运商改派车辆，剩余货物改走铁路运输；每日跟踪到货情况并报客户。",
            "已到货部分先行安装调试，减少客户停工时间；运输延误费用由承运商按合同承担。",
            "电话告知运输延误原因和补救措施，交期顺延三天，客户表示理解并同意。")
    else:
        cause, measures, loss, told = (
            ContingencyPlan.Cause.PRODUCTION, "生产部周末加班两天追回进度，外协加工机座；每日报告完成比例。",
            "先交付已完工的部分设备，余量随后发货，避免客户整线停工。",
            "电话说明生产进度落后的原因和追赶计划，交期顺延三天，客户同意分批交货。")
    with transaction.atomic():
        contingency_plan_record(
            order=order, actor=order.sales_rep, cause=cause, measures=measures, loss_reduction=loss,
            new_delivery_date=(order.delivery_date + timedelta(days=3)) if order.delivery_date else None,
            notified_person=order.contact_name or "客户联系人", notified_at=now - timedelta(hours=2),
            notified_via=ContingencyPlan.Channel.PHONE, notified_text=told)
    ctx.count("contingency plans")
    waiting = [e for e in episodes if e.pk != planned.pk]
    if waiting:
        back = now - timedelta(days=3)
        RiskEpisode.objects.filter(pk=waiting[0].pk).update(started_at=back)
        OrderRisk.objects.filter(episode=waiting[0]).update(since=back)
        for pk in escalations_due(now=now):
            with transaction.atomic():
                risk_escalate(episode=RiskEpisode.objects.get(pk=pk), now=now)
