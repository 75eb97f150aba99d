"""Reads of order execution (P2.4.a task queues, P3.3 progress): one query per list, counts in SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ordertaking.common.links import order_url
from ordertaking.common.queues import Queue
from ordertaking.orders.models import Order

from .models import DEPARTMENT_CHOICES, Task
from .states import LIVE_STATES

TASK_RELATED = ("order", "order__customer", "assignee")


def order_tasks(order: Order) -> list[Task]:
    """An order's tasks, in the order they run (P2.4.a), cancelled ones last."""
    tasks = list(Task.objects.filter(order=order).select_related("assignee").order_by("due_date", "id"))
    return sorted(tasks, key=lambda t: (t.state == Task.State.CANCELLED, t.due_date, t.pk))


def user_departments(user: Any) -> list[str]:
    """The departments whose tasks the user works (their roles among the task departments)."""
    departments = {code for code, _label in DEPARTMENT_CHOICES}
    return [r for r in user.role_names if r in departments]


def may_see_all(user: Any) -> bool:
    return bool(user.has_perm("accounts.task_view_all"))


def tasks_visible(user: Any) -> QuerySet[Task]:
    """Every task for the order center, leadership and audit (P3.3); a department's tasks for its
    members; one's own tasks for anyone else."""
    qs = Task.objects.select_related(*TASK_RELATED)
    if may_see_all(user):
        return qs
    return qs.filter(Q(department__in=user_departments(user)) | Q(assignee=user))


def tasks_for(user: Any) -> QuerySet[Task]:
    """One's own live tasks (P2.4.a: every person has a task queue), the earliest due first."""
    return (Task.objects.filter(assignee=user, state__in=LIVE_STATES).select_related(*TASK_RELATED)
            .order_by("due_date", "id"))


def department_queue(department: str) -> QuerySet[Task]:
    """A department's live tasks (P2.4.a: every department has a task queue)."""
    return (Task.objects.filter(department=department, state__in=LIVE_STATES).select_related(*TASK_RELATED)
            .order_by("due_date", "id"))


def task_filter(qs: QuerySet[Task], *, state: str = "", due: str = "", kind: str = "", department: str = "",
                mine: bool = False, user: Any = None, today: date | None = None, order: str = "") -> QuerySet[Task]:
    """The board's and the API's filters: state (a task state, "live" for to do + in progress), due
    ("overdue", "today", "week"), kind, department, mine, order number."""
    day = today or timezone.localdate()
    if state == "live" or not state:
        qs = qs.filter(state__in=LIVE_STATES) if state == "live" else qs
    elif state in Task.State.values:
        qs = qs.filter(state=state)
    if due == "overdue":
        qs = qs.filter(state__in=LIVE_STATES, due_date__lt=day)
    elif due == "today":
        qs = qs.filter(due_date=day)
    elif due == "week":
        qs = qs.filter(due_date__gte=day, due_date__lte=day + timedelta(days=7))
    if kind in Task.Kind.values:
        qs = qs.filter(kind=kind)
    if department in {c for c, _l in DEPARTMENT_CHOICES}:
        qs = qs.filter(department=department)
    if mine and user is not None:
        qs = qs.filter(assignee=user)
    if order:
        qs = qs.filter(order__number__icontains=order.strip())
    return qs


@dataclass
class DepartmentProgress:
    department: str
    label: Any
    open: int = 0
    in_progress: int = 0
    due_soon: int = 0
    overdue: int = 0
    done: int = 0


def department_progress(*, today: date | None = None) -> list[DepartmentProgress]:
    """P3.3 进度汇总: per department, tasks to do, in progress, due within 3 days, overdue, done —
    one aggregate query."""
    day = today or timezone.localdate()
    soon = day + timedelta(days=3)
    live = Q(state__in=LIVE_STATES)
    rows: dict[str, dict[str, Any]] = {r["department"]: dict(r) for r in Task.objects.values("department").annotate(
        open=Count("id", filter=Q(state=Task.State.OPEN)),
        in_progress=Count("id", filter=Q(state=Task.State.IN_PROGRESS)),
        due_soon=Count("id", filter=live & Q(due_date__gte=day, due_date__lte=soon)),
        overdue=Count("id", filter=live & Q(due_date__lt=day)),
        done=Count("id", filter=Q(state=Task.State.DONE)))}
    out = []
    for code, label in DEPARTMENT_CHOICES:
        r = rows.get(code, {})
        out.append(DepartmentProgress(code, label, r.get("open", 0), r.get("in_progress", 0), r.get("due_soon", 0),
                                      r.get("overdue", 0), r.get("done", 0)))
    return out


@dataclass
class OrderProgress:
    order: Order
    total: int
    done: int
    overdue: int
    next_due: date | None
    kinds: dict[str, str] = field(default_factory=dict)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def orders_progress(*, today: date | None = None) -> QuerySet[Order]:
    """P3.3: the orders in execution with their task counts (annotated in the one query)."""
    day = today or timezone.localdate()
    live = Q(tasks__state__in=LIVE_STATES)
    return (Order.objects.filter(tasks__isnull=False).select_related("customer", "sales_rep")
            .annotate(task_total=Count("tasks", filter=~Q(tasks__state=Task.State.CANCELLED), distinct=True),
                      task_done=Count("tasks", filter=Q(tasks__state=Task.State.DONE), distinct=True),
                      task_overdue=Count("tasks", filter=live & Q(tasks__due_date__lt=day), distinct=True),
                      task_live=Count("tasks", filter=live, distinct=True))
            .order_by("delivery_date", "id"))


def home_queues(user: Any) -> list[Queue]:
    """Home cards (P2.4.a): "my tasks" for everyone who has or works tasks, and their department's
    unassigned ones; the order center sees the overdue tasks of all departments (P3.3)."""
    queues: list[Queue] = []
    today = timezone.localdate()
    departments = user_departments(user)
    works = bool(user.has_perm("accounts.task_work"))
    mine = tasks_for(user)
    if works or mine.exists():
        queues.append(Queue(key="my_tasks", title=_("My tasks"), count=mine.count(),
                            items=[_item(t, today) for t in mine[:5]],
                            url=reverse("fulfilment:board") + "?mine=1", empty_text=_("No tasks for you.")))
    if works and departments:
        pool = (Task.objects.filter(department__in=departments, assignee__isnull=True, state__in=LIVE_STATES)
                .select_related(*TASK_RELATED).order_by("due_date", "id"))
        queues.append(Queue(key="department_tasks", title=_("Unassigned in my department"), count=pool.count(),
                            items=[_item(t, today) for t in pool[:5]], url=reverse("fulfilment:board"),
                            empty_text=_("Every task has its person.")))
    if may_see_all(user) and user.has_perm("accounts.task_assign"):
        late = (Task.objects.filter(state__in=LIVE_STATES, due_date__lt=today).select_related(*TASK_RELATED)
                .order_by("due_date", "id"))
        queues.append(Queue(key="overdue_tasks", title=_("Overdue tasks"), count=late.count(),
                            items=[_item(t, today) for t in late[:5]], url=reverse("fulfilment:progress"),
                            empty_text=_("No task is overdue.")))
    return queues


def _item(task: Task, today: date) -> dict[str, Any]:
    late = task.due_date < today
    return {"label": task.order.number, "url": order_url(task.order.number), "is_order": True,
            "meta": f"{task.get_kind_display()} · {task.due_date.isoformat()}" + (" ⚠" if late else "")}
