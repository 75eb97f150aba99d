"""Master data the review checks orders against (P2.3.b): the product catalog, the price
policy (list and floor price), regions served with their transit days, payment methods.

Maintained by the administrator in the Django admin, through catalog/services.py: each change
is an audit event, so a reviewer can see which rule was in force when an order was checked.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class Category(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class TaxRate(models.IntegerChoices):
    """The VAT (增值税) rates a product or service can carry, in percent. Prices are entered
    tax-inclusive (含税); the tax in a price is split out by `common.money.vat_split`."""

    GOODS = 13, _("13% (goods)")
    NINE = 9, _("9% (transport, construction, some goods)")
    SERVICES = 6, _("6% (modern services)")
    SMALL = 3, _("3% (small-scale taxpayer)")
    ZERO = 0, _("0% (zero-rated)")


DEFAULT_TAX_RATE = TaxRate.GOODS  # and the rate existing orders were migrated with (docs/conventions.md)


class Product(models.Model):
    class Kind(models.TextChoices):
        PRODUCT = "product", _("Product")
        SERVICE = "service", _("Service")

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=20, default="件")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PRODUCT)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products",
                                 verbose_name=_("category"))
    list_price = models.DecimalField(_("list price"), validators=[MinValueValidator(Decimal("0"))], **MONEY)
    floor_price = models.DecimalField(
        _("floor price"), validators=[MinValueValidator(Decimal("0"))],
        help_text=_("The lowest unit price allowed without special approval (P2.3.b)."), **MONEY)
    tax_rate = models.PositiveSmallIntegerField(
        _("VAT rate"), choices=TaxRate.choices, default=DEFAULT_TAX_RATE, db_default=DEFAULT_TAX_RATE,
        help_text=_("增值税税率: the list and floor prices include this VAT (含税)."))
    needs_production = models.BooleanField(_("needs production"), default=False)
    # P5.3 知识产权: an order with such an item goes to the legal adviser before approval.
    involves_ip = models.BooleanField(_("involves intellectual property"), default=False, db_default=False)
    production_lead_days = models.PositiveIntegerField(_("production lead days"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product or service")
        verbose_name_plural = _("products and services")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(floor_price__lte=F("list_price")),
                                   name="product_floor_not_above_list"),
            models.CheckConstraint(condition=Q(floor_price__gte=0), name="product_floor_not_negative"),
        ]
        indexes = [models.Index(fields=["active", "category"], name="product_active_cat")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Region(models.Model):
    """A province-level delivery region and how long transport there takes (P2.3.a, P2.4.c)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    transit_days = models.PositiveIntegerField(_("transit days"), default=3)
    served = models.BooleanField(_("served"), default=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PaymentMethod(models.Model):
    """How a customer pays (P2.2.a, P2.3.a). `open_to_all` ones any customer may use;
    the others only customers who were granted them (Customer.allowed_payment_methods)."""

    class Kind(models.TextChoices):
        PREPAYMENT = "prepayment", _("Prepayment")
        CASH_ON_DELIVERY = "cod", _("Cash on delivery")
        CREDIT = "credit", _("Credit terms")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    term_days = models.PositiveIntegerField(_("payment term (days)"), default=0)
    open_to_all = models.BooleanField(_("open to all customers"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("payment method")
        verbose_name_plural = _("payment methods")
        ordering = ["term_days", "code"]

    def __str__(self) -> str:
        return self.name
