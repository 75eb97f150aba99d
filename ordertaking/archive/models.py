"""The classification thresholds (P4.1.b): one row, maintained by leadership (`customer_tier_manage`).

The computed classes and tiers live on the customer (`customers.Customer.purchase_frequency`,
`value_tier`), where the customer list filters them; how they are computed is `rules.py`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .rules import DEFAULT_THRESHOLDS, Thresholds

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}
D = DEFAULT_THRESHOLDS


class TierThresholds(models.Model):
    """The figures that turn a customer's order history into a frequency class and a value tier.
    A single row (pk 1); each change is an audit event on it, so its timeline is the history."""

    period_months = models.PositiveSmallIntegerField(
        _("classification period (months)"), default=D.period_months,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Purchase frequency counts the orders approved in this many months up to today."))
    frequent_orders = models.PositiveIntegerField(_("frequent buyer from (orders)"), default=D.frequent_orders)
    regular_orders = models.PositiveIntegerField(_("regular buyer from (orders)"), default=D.regular_orders)
    active_days = models.PositiveIntegerField(
        _("recent order within (days)"), default=D.active_days,
        help_text=_("Key and growing customers ordered within this many days."))
    dormant_days = models.PositiveIntegerField(
        _("dormant after (days)"), default=D.dormant_days,
        help_text=_("A customer whose last order is older than this is dormant."))
    key_orders = models.PositiveIntegerField(_("key customer from (orders in the period)"), default=D.key_orders)
    key_amount = models.DecimalField(_("key customer from (amount in the period)"), default=D.key_amount,
                                     **MONEY)
    growing_orders = models.PositiveIntegerField(_("growing customer from (orders in the period)"),
                                                 default=D.growing_orders)
    growing_amount = models.DecimalField(_("growing customer from (amount in the period)"),
                                         default=D.growing_amount, **MONEY)
    updated_at = models.DateTimeField(_("updated"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("updated by"))

    class Meta:
        verbose_name = _("classification thresholds")
        verbose_name_plural = _("classification thresholds")
        constraints = [
            models.CheckConstraint(condition=Q(key_amount__gte=Decimal("0")) & Q(growing_amount__gte=Decimal("0")),
                                   name="tier_amounts_not_negative"),
        ]

    def __str__(self) -> str:
        return str(_("Classification thresholds"))

    def as_rule(self) -> Thresholds:
        return Thresholds(**{f: getattr(self, f) for f in Thresholds.FIELDS})
