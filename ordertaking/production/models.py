"""Production (P2.4.b, P3.4) and quality control (P5.2.b): a production order per order line that needs
production, its progress reports, the three quality inspections with their attachments, and rework."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ordertaking.orders.models import Order, OrderLine

QTY: dict[str, Any] = {"max_digits": 12, "decimal_places": 3}


class Workshop(models.Model):
    """A workshop or production line 车间/产线 (master data kept by production in the admin site):
    the planner puts each production order on one."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProductionOrder(models.Model):
    """生产计划 for one order line (P2.4.b): created when the order is approved, from its production task."""

    class State(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("production", "Planned")
        IN_PROGRESS = "in_progress", pgettext_lazy("production", "In production")
        FINISHED = "finished", pgettext_lazy("production", "Finished")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("production order number"), max_length=40, unique=True)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="production_orders")
    # A change after approval rewrites the order's lines: the production order keeps the line's position.
    line = models.ForeignKey(OrderLine, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="production_orders")
    line_position = models.PositiveIntegerField(_("line"))
    task = models.ForeignKey("fulfilment.Task", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="production_orders")
    workshop = models.ForeignKey(Workshop, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="production_orders", verbose_name=_("workshop"))
    quantity = models.DecimalField(_("quantity"), **QTY)
    planned_start = models.DateField(_("planned start"))
    planned_finish = models.DateField(_("planned finish"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PLANNED,
                             editable=False)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0, editable=False)
    requirements = models.TextField(_("requirements"), blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True, editable=False)
    cancel_reason = models.TextField(_("cancellation reason"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("production order")
        verbose_name_plural = _("production orders")
        ordering = ["planned_finish", "id"]
        indexes = [
            models.Index(fields=["state", "planned_finish"], name="prodorder_state_finish"),
            models.Index(fields=["workshop", "state"], name="prodorder_workshop_state"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="prodorder_percent_max_100"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="prodorder_quantity_positive"),
            models.CheckConstraint(condition=Q(planned_finish__gte=models.F("planned_start")),
                                   name="prodorder_finish_after_start"),
        ]

    def __str__(self) -> str:
        return self.number


class ProgressReport(models.Model):
    """进度报告 (P3.4: progress reports to sales): the percentage done, a note, who and when."""

    production_order = models.ForeignKey(ProductionOrder, on_delete=models.CASCADE, related_name="reports")
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    note = models.TextField(_("note"), blank=True)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("reported by"))
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["production_order", "reported_at"], name="progress_po_time")]
        constraints = [models.CheckConstraint(condition=Q(percent__lte=100), name="progress_percent_max_100")]


class QualityInspection(models.Model):
    """质量检验 at one of P5.2.b's three checkpoints; the record is the quality inspection report."""

    class Checkpoint(models.TextChoices):
        RAW_MATERIAL = "raw_material", _("Raw material inspection")
        IN_PROCESS = "in_process", _("In-process inspection")
        FINISHED = "finished", _("Finished product inspection")

    class Result(models.TextChoices):
        PASS = "pass", pgettext_lazy("inspection", "Pass")
        FAIL = "fail", pgettext_lazy("inspection", "Fail")

    number = models.CharField(_("report number"), max_length=50, unique=True)
    production_order = models.ForeignKey(ProductionOrder, on_delete=models.PROTECT, related_name="inspections")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="quality_inspections")
    checkpoint = models.CharField(_("checkpoint"), max_length=12, choices=Checkpoint.choices)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("inspector"))
    inspected_at = models.DateTimeField(_("inspected at"))
    sample_size = models.PositiveIntegerField(_("sample size"))
    inspected_quantity = models.DecimalField(_("inspected quantity"), **QTY)
    result = models.CharField(_("result"), max_length=4, choices=Result.choices)
    defect_count = models.PositiveIntegerField(_("defects found"), default=0)
    defects = models.TextField(_("defects"), blank=True)
    note = models.TextField(_("note"), blank=True)
    # A re-inspection names the failed inspection it repeats; one re-inspection per failure.
    reinspection_of = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="reinspection", verbose_name=_("re-inspection of"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("quality inspection")
        verbose_name_plural = _("quality inspections")
        ordering = ["-inspected_at", "-id"]
        indexes = [
            models.Index(fields=["order", "result"], name="inspection_order_result"),
            models.Index(fields=["production_order", "checkpoint"], name="inspection_po_checkpoint"),
            models.Index(fields=["result", "inspected_at"], name="inspection_result_time"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(inspected_quantity__gt=0), name="inspection_quantity_positive"),
            models.CheckConstraint(condition=Q(sample_size__gt=0), name="inspection_sample_positive"),
            models.CheckConstraint(condition=Q(result="pass") | Q(defect_count__gt=0) | ~Q(defects=""),
                                   name="inspection_fail_has_defects"),
        ]

    def __str__(self) -> str:
        return self.number


def attachment_path(instance: InspectionAttachment, filename: str) -> str:
    """Stored under a name we choose (the inspection and a counter), never the uploader's path."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"inspections/{instance.inspection_id}/{instance.sha256[:16]}.{ext}"


class InspectionAttachment(models.Model):
    """A photo or report attached to an inspection (jpg, png, pdf), kept in the default storage (var/)."""

    inspection = models.ForeignKey(QualityInspection, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]


class Rework(models.Model):
    """返工: what was done about a failed inspection, before the re-inspection (P5.2.b)."""

    inspection = models.ForeignKey(QualityInspection, on_delete=models.PROTECT, related_name="reworks")
    production_order = models.ForeignKey(ProductionOrder, on_delete=models.PROTECT, related_name="reworks")
    note = models.TextField(_("rework done"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rework")
        verbose_name_plural = _("reworks")
        ordering = ["recorded_at", "id"]
