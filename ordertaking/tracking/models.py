"""Order tracking (P2.4.d) and contingency (P5.2.a): why an order is at risk, the period it is at risk,
and the contingency plans 应急预案 recorded for it.

Reasons are stored as codes + params and rendered in the reader's language (tracking/reasons.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ordertaking.orders.models import Order

from . import rules


class RiskEpisode(models.Model):
    """One period an order is at risk, from its first reason to the moment none is left. The at-risk
    list, the "at risk since" and the escalation (once per period) read it."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="risk_episodes")
    started_at = models.DateTimeField(_("at risk since"))
    ended_at = models.DateTimeField(_("back on track"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    escalated_to = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                          verbose_name=_("escalated to"))

    class Meta:
        verbose_name = _("at-risk period")
        verbose_name_plural = _("at-risk periods")
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["order"], condition=Q(ended_at__isnull=True),
                                               name="riskepisode_one_open_per_order")]
        indexes = [
            # the at-risk list (open periods, oldest first) and the escalation scan
            models.Index(fields=["started_at"], condition=Q(ended_at__isnull=True), name="riskepisode_open"),
            models.Index(fields=["order", "-started_at"], name="riskepisode_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.started_at:%Y-%m-%d}"


class OrderRisk(models.Model):
    """One reason an order is at risk (P2.4.d), open until the refresh no longer finds it."""

    class Reason(models.TextChoices):
        TASK_OVERDUE = rules.TASK_OVERDUE, _("Time node missed")
        PRODUCTION_LATE = rules.PRODUCTION_LATE, _("Production forecast late")
        SHIPPING_EXCEPTION = rules.SHIPPING_EXCEPTION, _("Shipping exception")
        INSPECTION_FAILED = rules.INSPECTION_FAILED, _("Failed inspection")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="risks")
    episode = models.ForeignKey(RiskEpisode, on_delete=models.CASCADE, related_name="risks")
    reason = models.CharField(_("risk reason"), max_length=30, choices=Reason.choices)
    key = models.CharField(max_length=40)  # which task, exception or inspection: not shown
    params = models.JSONField(default=dict)
    clause = models.CharField(_("clause"), max_length=12)
    since = models.DateTimeField(_("since"))
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["since", "id"]
        constraints = [models.UniqueConstraint(fields=["order", "reason", "key"], condition=Q(cleared_at__isnull=True),
                                               name="orderrisk_one_open_per_key")]
        indexes = [
            models.Index(fields=["order", "since"], condition=Q(cleared_at__isnull=True), name="orderrisk_open"),
            models.Index(fields=["reason"], condition=Q(cleared_at__isnull=True), name="orderrisk_open_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.reason}"


class ContingencyPlan(models.Model):
    """应急预案 (P5.2.a): what threatens the order, what is done about it, how losses are kept down,
    the new promised date if any, and how the customer was told."""

    class Cause(models.TextChoices):
        FORCE_MAJEURE = "force_majeure", _("Force majeure")  # 不可抗力
        SUPPLIER = "supplier", _("Supplier")
        PRODUCTION = "production", pgettext_lazy("risk cause", "Production")
        QUALITY = "quality", _("Quality")
        LOGISTICS = "logistics", pgettext_lazy("risk cause", "Logistics")
        CUSTOMER = "customer", pgettext_lazy("risk cause", "Customer")
        OTHER = "other", _("Other")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", pgettext_lazy("inquiry channel", "Email")
        VISIT = "visit", _("On-site visit")
        MESSAGE = "message", _("Message")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="contingency_plans")
    episode = models.ForeignKey(RiskEpisode, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="plans")
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices)
    measures = models.TextField(_("measures"))
    loss_reduction = models.TextField(_("loss reduction"), blank=True)
    # The date the customer is now promised. The order's own delivery date changes only through a
    # change request (amendments, back through review P2.3): the plan keeps the date it promised.
    new_delivery_date = models.DateField(_("new promised date"), null=True, blank=True)
    notified_person = models.CharField(_("customer person told"), max_length=100)
    notified_at = models.DateTimeField(_("told at"))
    notified_via = models.CharField(_("contact method"), max_length=10, choices=Channel.choices)
    notified_text = models.TextField(_("what was said"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("contingency plan")
        verbose_name_plural = _("contingency plans")
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["order", "-recorded_at"], name="plan_order_recorded")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.cause}"
