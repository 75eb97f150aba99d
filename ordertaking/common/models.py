"""The one table every app may use: the counters of numbered documents."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentCounter(models.Model):
    """The last number issued in a series (`CN-00042` for a customer's credit notes, `INV-SO…` for an
    order's invoices), bumped by one atomic upsert in the transaction that saves the document
    (common/numbering.py): concurrent writers queue on the row, a rollback gives the number back."""

    series = models.CharField(_("series"), max_length=80, unique=True)
    last = models.PositiveBigIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("document counter")
        verbose_name_plural = _("document counters")

    def __str__(self) -> str:
        return f"{self.series}: {self.last}"


class RefDataVersion(models.Model):
    """The version of the reference data read at every order (the working calendar, the assignment rules, who
    is in a department): one row, moved by database triggers on the tables that data comes from, so a process
    may keep what it read until the row moves (common/refdata.py). Never written by the application."""

    key = models.CharField(max_length=20, primary_key=True)
    n = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("reference data version")
        verbose_name_plural = _("reference data versions")

    def __str__(self) -> str:
        return f"{self.key}: {self.n}"
