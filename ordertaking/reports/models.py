"""Monthly revenue rollups for the dashboard (P4.2.c).

Revenue of a month that is over does not change (approved_at is set once, and an approved order has
no way back in the order state table), so the dashboard reads closed months from these small
tables and only the current month live. `services.revenue_rollup_refresh` rebuilds them (nightly
job and `manage.py reports_refresh`); a month without a `RevenueMonth` row is read live, so a
missing refresh costs speed, never correctness.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from ordertaking.catalog.models import Category, Region
from ordertaking.customers.models import Customer


class RevenueMonth(models.Model):
    """A closed month whose rollup rows are complete."""

    month = models.DateField(_("month"), unique=True)
    amount = models.DecimalField(_("revenue"), default=Decimal("0.00"), max_digits=14, decimal_places=2)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed"))

    class Meta:
        verbose_name = _("revenue month")
        verbose_name_plural = _("revenue months")
        ordering = ["month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class RevenueByCategory(models.Model):
    month = models.DateField(_("month"))
    category = models.ForeignKey(Category, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    category_name = models.CharField(max_length=100, blank=True)
    amount = models.DecimalField(_("revenue"), max_digits=14, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "category"], name="rev_cat_month_unique")]


class RevenueByRegion(models.Model):
    month = models.DateField(_("month"))
    region = models.ForeignKey(Region, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    region_name = models.CharField(max_length=50, blank=True)
    amount = models.DecimalField(_("revenue"), max_digits=14, decimal_places=2)
    orders = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "region"], name="rev_region_month_unique")]


class RevenueByCustomer(models.Model):
    month = models.DateField(_("month"))
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    amount = models.DecimalField(_("revenue"), max_digits=14, decimal_places=2)
    orders = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "customer"], name="rev_customer_month_unique")]
