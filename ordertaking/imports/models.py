"""Excel import (issue 12, "Excel in and out"; P4.1.a the archive kept accurate, P2.3.b the price
policy): one uploaded workbook is a batch, each of its data rows a row with the cells as the user
typed them and its problems stored as codes and parameters (rendered in the reader's language)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportBatch(models.Model):
    class Kind(models.TextChoices):
        CUSTOMERS = "customers", _("Customers")
        CONTACTS = "contacts", _("Contacts of customers")
        PRODUCTS = "products", _("Products and services")
        PRICES = "prices", _("Price policy (list and floor prices)")

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Checking the rows")
        READY = "ready", _("Ready to import")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    class Mode(models.TextChoices):
        ALL = "all", _("All rows or nothing")
        VALID = "valid", _("Only the valid rows")

    kind = models.CharField(_("what is imported"), max_length=10, choices=Kind.choices)
    file_name = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(_("file"), editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.UPLOADED)
    mode = models.CharField(_("import mode"), max_length=5, choices=Mode.choices, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_invalid = models.PositiveIntegerField(_("rows with errors"), default=0)
    rows_imported = models.PositiveIntegerField(_("rows imported"), default=0)
    # Why a run stopped with nothing written (a code, shown in words): "rows_refused" when a row became
    # invalid at import time in all-or-nothing mode, "error" when the import broke off.
    outcome = models.CharField(_("outcome"), max_length=20, blank=True)
    committed_at = models.DateTimeField(_("imported"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="import_batch_user"),
            models.Index(fields=["kind", "-created_at"], name="import_batch_kind"),
        ]

    def __str__(self) -> str:
        return self.file_name

    @property
    def rows_valid(self) -> int:
        return self.rows_total - self.rows_invalid

    @property
    def percent(self) -> int:
        if self.state in (self.State.DONE, self.State.READY):
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0


class ImportRow(models.Model):
    class Outcome(models.TextChoices):
        NONE = "", _("Not imported")
        CREATED = "created", pgettext_lazy("import outcome", "Created")
        UPDATED = "updated", pgettext_lazy("import outcome", "Updated")
        UNCHANGED = "unchanged", _("Unchanged")
        SKIPPED = "skipped", _("Skipped (has errors)")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(_("row"))  # the row number in the sheet, as Excel shows it
    cells = models.JSONField(_("cells"), default=dict)  # column key -> text as typed
    # [{"col": column key or "", "code": ..., "params": {...}}]: problems found while reading the cell
    # (formula) and while checking the row; shown in words by imports.errors.
    parse_errors = models.JSONField(default=list)
    errors = models.JSONField(default=list)
    valid = models.BooleanField(default=True)
    outcome = models.CharField(_("result"), max_length=10, choices=Outcome.choices, blank=True)
    record = models.CharField(_("record"), max_length=200, blank=True)  # what the row created or updated

    class Meta:
        ordering = ["batch", "number"]
        constraints = [models.UniqueConstraint(fields=["batch", "number"], name="import_row_unique")]
        indexes = [models.Index(fields=["batch", "valid", "number"], name="import_row_valid")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.number}"
