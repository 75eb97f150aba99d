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
