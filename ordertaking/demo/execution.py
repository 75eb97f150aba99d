"""Demo execution (P2.4.a, P3.3), through fulfilment.services: assignment rules the order center
keeps (set before the demo orders are approved, so their tasks follow them), then some work done on
the approved orders' tasks, so the task board, the progress view and the order pages' Tasks cards
have something true to show. The working-day calendar comes from fulfilment's data migration.

Idempotent: rules are found by name; the work step runs only while no task has been started."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from ordertaking.catalog.models import Category
from ordertaking.fulfilment.models import AssignmentRule, Task
from ordertaking.fulfilment.services import rule_save, task_complete, task_reassign, task_start

if TYPE_CHECKING:
    from .loader import DemoContext


def load_rules(ctx: DemoContext) -> None:
    center = ctx.users["center1"]
    motors = Category.objects.filter(code="MOT").first()
    rules: list[dict[str, Any]] = [
        {"name": "电机生产 → 冯海涛", "task_kind": "production", "category": motors, "department": "production",
         "strategy": "fixed", "assignee": ctx.users["prod1"]},
        {"name": "成品检验：生产部轮流", "task_kind": "inspection", "department": "production",
         "strategy": "round_robin"},
        {"name": "浙江发货：物流部负荷最少者", "task_kind": "shipping", "region": ctx.regions.get("ZJ"),
         "department": "logistics", "strategy": "least_loaded"},
        {"name": "发货（其他地区）→ 陈志强", "task_kind": "shipping", "department": "logistics", "strategy": "fixed",
         "assignee": ctx.users["logi1"]},
        {"name": "安装调试 → 客服部赵静", "task_kind": "service", "department": "customer_service", "strategy": "fixed",
         "assignee": ctx.users["cs1"]},
    ]
    for values in rules:
        if values.get("region", True) is None or AssignmentRule.objects.filter(name=values["name"]).exists():
            continue
        with transaction.atomic():
            rule_save(actor=center, values=values)
        ctx.count("assignment rules")


def load_work(ctx: DemoContext) -> None:
    """Production starts on the approved orders; one order's first production task is done, one
    shipping task is reassigned with its reason; one task stands for work that fell behind (its due
    date set back, as the finance demo dates an invoice back) so the board shows an overdue task."""
    if Task.objects.exclude(state=Task.State.OPEN).exists():
        return
    prod, logi = ctx.users["prod1"], ctx.users["logi1"]
    center = ctx.users["center1"]
    production = list(Task.objects.filter(kind=Task.Kind.PRODUCTION, state=Task.State.OPEN)
                      .select_related("order").order_by("order__number", "id"))
    for i, task in enumerate(production[:3]):
        with transaction.atomic():
            task_start(task=task, actor=prod)
            if i == 0:
                task_complete(task=task, actor=prod, note="已完工入库，等待成品检验。")
    shipping = Task.objects.filter(kind=Task.Kind.SHIPPING, state=Task.State.OPEN).order_by("id").first()
    if shipping is not None and shipping.assignee_id != logi.pk:
        with transaction.atomic():
            task_reassign(task=shipping, actor=center, assignee=logi, reason="原负责人出差，由陈志强接手。")
    late = production[1] if len(production) > 1 else None
    if late is not None:
        today = timezone.localdate()
        Task.objects.filter(pk=late.pk).update(planned_start=today - timedelta(days=12),
                                               due_date=today - timedelta(days=2))
    ctx.count("tasks worked")
