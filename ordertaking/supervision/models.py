"""Supervision inspections 监督检查 (P6.1.a): an auditor's inspection of a period's orders — its scope, its
sampling method with the seed that makes it reproducible, the sampled orders with the results of the
automatic process checks, the findings, and the rectification tasks 整改 the findings give departments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ordertaking.orders.models import Order


class Department(models.TextChoices):
    """The departments a rectification task goes to: the business roles of P3 (a user's department is
    their business role). The same words as the roles."""

    SALES = "sales", pgettext_lazy("role", "Sales")
    CUSTOMER_SERVICE = "customer_service", pgettext_lazy("role", "Customer service")
    ORDER_CENTER = "order_center", pgettext_lazy("role", "Order processing center")
    PRODUCTION = "production", pgettext_lazy("role", "Production")
    LOGISTICS = "logistics", pgettext_lazy("role", "Logistics")
    FINANCE = "finance", pgettext_lazy("role", "Finance")


class Inspection(models.Model):
    """P6.1.a 监督检查: one inspection of the orders of a period, opened by an auditor."""

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("inspection", "Draft")  # 草稿
        SAMPLED = "sampled", _("Sampled")  # 已抽样
        CHECKED = "checked", _("Checked")  # 已检查
        RECTIFYING = "rectifying", _("In rectification")  # 整改中
        CLOSED = "closed", pgettext_lazy("inspection", "Closed")  # 已结案

    class Method(models.TextChoices):
        RANDOM = "random", _("Simple random sample")  # 简单随机抽样
        STRATIFIED = "stratified", _("Stratified sample")  # 分层抽样

    class Strata(models.TextChoices):
        REGION = "region", _("Sales rep's region")  # 销售区域
        AMOUNT = "amount", _("Amount band")  # 金额区间
        SPECIAL = "special", _("Special approval")  # 特批
        RETURNED = "returned", _("Returned in review")  # 审核退回
        CREDIT_HOLD = "credit_hold", _("Credit hold")  # 信用冻结

    number = models.CharField(_("inspection number"), max_length=30, unique=True)
    title = models.CharField(_("inspection title"), max_length=200)
    period_from = models.DateField(_("orders from"))
    period_to = models.DateField(_("orders to"))
    # Scope: which orders of the period are candidates (blank / null: no restriction).
    scope_region = models.CharField(_("sales rep's region"), max_length=50, blank=True)
    amount_min = models.DecimalField(_("amount from"), null=True, blank=True, max_digits=14,
                                     decimal_places=2)
    amount_max = models.DecimalField(_("amount up to"), null=True, blank=True, max_digits=14,
                                     decimal_places=2)
    only_special = models.BooleanField(_("only orders with a special approval"), default=False)
    only_returned = models.BooleanField(_("only orders returned in review"), default=False)
    only_credit_hold = models.BooleanField(_("only orders put on credit hold"), default=False)
    method = models.CharField(_("sampling method"), max_length=12, choices=Method.choices, default=Method.RANDOM)
    stratify_by = models.CharField(_("strata"), max_length=12, choices=Strata.choices, blank=True)
    # Amount band limits for Strata.AMOUNT, ascending: [100000, 500000] = below 100k, 100k-500k, 500k and above.
    amount_bands = models.JSONField(_("amount bands"), default=list, blank=True)
    sample_size = models.PositiveIntegerField(_("sample size"))
    # The seed of random.Random: recorded, so the same period, scope and seed give the same orders.
    seed = models.BigIntegerField(_("seed"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT, editable=False)
    candidates = models.PositiveIntegerField(_("orders in scope"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("opened by"))
    created_at = models.DateTimeField(_("opened on"), auto_now_add=True)
    sampled_at = models.DateTimeField(_("sampled"), null=True, blank=True, editable=False)
    checked_at = models.DateTimeField(_("checks run"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    conclusion = models.TextField(_("conclusion"), blank=True)

    class Meta:
        verbose_name = _("supervision inspection")
        verbose_name_plural = _("supervision inspections")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "-created_at"], name="inspection_state_created"),
            models.Index(fields=["-period_to"], name="inspection_period"),
            models.Index(fields=["-created_at"], name="inspection_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(period_from__lte=models.F("period_to")), name="inspection_period_order"),
            models.CheckConstraint(condition=Q(sample_size__gte=1), name="inspection_sample_size_positive"),
        ]

    def __str__(self) -> str:
        return self.number


class InspectionSample(models.Model):
    """One sampled order, its stratum, and the automatic checks' results (CheckResult.as_json each)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="samples")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="inspection_samples",
                              verbose_name=_("order"))
    position = models.PositiveIntegerField()  # the order in which the seed drew it
    stratum = models.CharField(max_length=60, blank=True)  # a code: "region:华东", "amount:1", "special:yes"
    results = models.JSONField(default=list, blank=True, editable=False)
    failed = models.PositiveSmallIntegerField(default=0, editable=False)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["inspection", "position"]
        constraints = [models.UniqueConstraint(fields=["inspection", "order"], name="sample_once_per_inspection")]
        indexes = [models.Index(fields=["order"], name="sample_order")]


class Finding(models.Model):
    """An auditor's finding 检查发现: on a sampled order or on the inspection as a whole; from a failed
    automatic check (its code and the evidence as it was) or written by hand."""

    class Severity(models.TextChoices):
        MINOR = "minor", _("Minor")  # 一般
        MAJOR = "major", _("Major")  # 较重
        SERIOUS = "serious", _("Serious")  # 严重

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("order"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    clause = models.CharField(_("clause"), max_length=20)
    description = models.TextField(_("description"), blank=True)
    check_code = models.CharField(max_length=60, blank=True)  # the automatic check it came from, if any
    evidence = models.JSONField(default=dict, blank=True)  # that check's result when the finding was made
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")
        ordering = ["inspection", "created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(check_code="") | ~Q(description=""),
                                              name="finding_says_what")]


class RectificationTask(models.Model):
    """整改: what a department must put right after a finding, by a deadline; its response, and the
    auditor's verification (closed, or sent back)."""

    class State(models.TextChoices):
        ASSIGNED = "assigned", _("To rectify")  # 待整改
        RESPONDED = "responded", _("Awaiting verification")  # 待验证
        RETURNED = "returned", _("Sent back")  # 退回重改
        CLOSED = "closed", pgettext_lazy("rectification", "Closed")  # 已关闭

    number = models.CharField(_("task number"), max_length=30, unique=True)
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("finding"))
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="tasks")
    department = models.CharField(_("department"), max_length=20, choices=Department.choices)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="rectification_tasks", verbose_name=_("responsible person"))
    instructions = models.TextField(_("what to put right"), blank=True)
    deadline = models.DateField(_("rectify by"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ASSIGNED,
                             editable=False)
    measures = models.TextField(_("measures taken"), blank=True, editable=False)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", editable=False, verbose_name=_("responded by"))
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True, editable=False)
    verification = models.TextField(_("verification"), blank=True, editable=False)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", editable=False, verbose_name=_("verified by"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    overdue_noticed_on = models.DateField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("assigned by"))
    created_at = models.DateTimeField(_("assigned on"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rectification task")
        verbose_name_plural = _("rectification tasks")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["department", "state", "deadline"], name="rectify_dept_state_due"),
            models.Index(fields=["state", "deadline"], name="rectify_state_due"),
            models.Index(fields=["inspection", "state"], name="rectify_inspection_state"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state != self.State.CLOSED
