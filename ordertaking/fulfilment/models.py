"""Order execution (P2.4.a 任务分配, P3.3 进度汇总): the tasks an approved order becomes, who gets them
(assignment rules), and the working-day calendar their time nodes are counted in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ordertaking.accounts.roles import ROLE_LABELS, Role
from ordertaking.catalog.models import Category, Region
from ordertaking.orders.models import Order, OrderLine

# The departments that take tasks (P3.2, P3.4, P3.5); the order center collects their progress (P3.3).
DEPARTMENT_CHOICES = [(r.value, ROLE_LABELS[r]) for r in
                      (Role.PRODUCTION, Role.LOGISTICS, Role.CUSTOMER_SERVICE, Role.ORDER_CENTER)]


class Holiday(models.Model):
    """One day of the working-day calendar that differs from "Monday to Friday": a public holiday
    法定节假日 (off even on a weekday) or a make-up working day 调休上班 (on even on a weekend).
    China's calendar changes every year (State Council notice); the administrator maintains it."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")  # 法定节假日
        WORKDAY = "workday", _("Make-up working day")  # 调休上班

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.HOLIDAY)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("working-day calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Task(models.Model):
    """One piece of an approved order's execution (P2.4.a): its responsible party 责任主体 (a
    department, and a person when assigned), its requirements 执行要求 and its time nodes 时间节点."""

    class Kind(models.TextChoices):
        PRODUCTION = "production", pgettext_lazy("task kind", "Production")  # 生产
        INSPECTION = "inspection", _("Quality inspection")  # 质检
        SHIPPING = "shipping", _("Shipping")  # 发货
        SERVICE = "service", _("Installation / service")  # 安装/服务

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("task", "To do")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", pgettext_lazy("task", "Done")
        CANCELLED = "cancelled", pgettext_lazy("task", "Cancelled")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("order"))
    # A change after approval rewrites the order's lines; the task keeps the line's position (below).
    line = models.ForeignKey(OrderLine, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks",
                             verbose_name=_("order line"))
    line_position = models.PositiveIntegerField(_("line"), null=True, blank=True, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    department = models.CharField(_("department"), max_length=20, choices=DEPARTMENT_CHOICES)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="tasks", verbose_name=_("assignee"))
    requirements = models.TextField(_("requirements"), blank=True)  # 执行要求
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, null=True, blank=True)
    planned_start = models.DateField(_("planned start"))
    due_date = models.DateField(_("due date"))
    # The backward plan fell before today and was clamped to today: the promised date is tight.
    date_clamped = models.BooleanField(_("planned later than the promise allows"), default=False)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN,
                             editable=False)
    note = models.TextField(_("completion note"), blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True, editable=False)
    done_at = models.DateTimeField(_("done"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The overdue job tells the assignee at most once a day (P2.4.a).
    overdue_notified_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["department", "state", "due_date"], name="task_dept_state_due"),
            models.Index(fields=["assignee", "state", "due_date"], name="task_assignee_state_due"),
            models.Index(fields=["order", "kind"], name="task_order_kind"),
            models.Index(fields=["state", "due_date"], name="task_state_due"),
        ]
        constraints = [models.CheckConstraint(condition=Q(planned_start__lte=models.F("due_date")),
                                              name="task_start_not_after_due")]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.kind}/{self.line_position or '-'}"

    @property
    def is_live(self) -> bool:
        return self.state in (self.State.OPEN, self.State.IN_PROGRESS)


class AssignmentRule(models.Model):
    """Who gets a task (P2.4.a), maintained by the order center: a rule matches the task's kind, the
    line's catalog category or product kind, and the delivery province (and city); it names the
    department and either a default person or a strategy within the department. The most specific
    matching rule wins (`rules.rule_specificity`)."""

    class Strategy(models.TextChoices):
        FIXED = "fixed", _("Default assignee")
        ROUND_ROBIN = "round_robin", _("Round robin in the department")
        LEAST_LOADED = "least_loaded", _("Least loaded in the department")
        NONE = "none", _("Department only (nobody in person)")

    name = models.CharField(_("name"), max_length=100)
    task_kind = models.CharField(_("task kind"), max_length=12, choices=Task.Kind.choices, blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("category"))
    product_kind = models.CharField(_("product kind"), max_length=10, blank=True,
                                    choices=[("product", _("Product")), ("service", _("Service"))])
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("delivery province"))
    city = models.CharField(_("delivery city"), max_length=50, blank=True)
    department = models.CharField(_("department"), max_length=20, choices=DEPARTMENT_CHOICES)
    strategy = models.CharField(_("strategy"), max_length=12, choices=Strategy.choices, default=Strategy.NONE)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("default assignee"))
    active = models.BooleanField(_("active"), default=True)
    # Round robin: who got the last task by this rule.
    last_assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")
        ordering = ["task_kind", "department", "id"]
        indexes = [models.Index(fields=["active", "task_kind"], name="rule_active_kind")]
        constraints = [models.CheckConstraint(condition=Q(city="") | Q(region__isnull=False),
                                              name="rule_city_needs_region")]

    def __str__(self) -> str:
        return self.name
