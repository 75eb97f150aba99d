"""Orders and their lines (P2.2, P4.2.a)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ordertaking.catalog.models import DEFAULT_TAX_RATE, PaymentMethod, Product, Region, TaxRate
from ordertaking.customers.models import Customer

from .states import OrderState

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class ContractTerms(models.TextChoices):
    """P5.3: an order on the company's standard contract, or with terms negotiated away from it (those
    go to the legal adviser before approval)."""

    STANDARD = "standard", _("Standard contract terms")
    NON_STANDARD = "non_standard", _("Non-standard contract terms")


class Order(models.Model):
    # P2.2.c: assigned once, when the order is first saved; never changed.
    number = models.CharField(_("order number"), max_length=24, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders",
                                 verbose_name=_("customer"))
    sales_rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders",
                                  verbose_name=_("sales rep"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("entered by"))
    state = models.CharField(_("state"), max_length=20, choices=OrderState.choices, default=OrderState.DRAFT,
                             editable=False)
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    delivery_region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("delivery province"))
    delivery_city = models.CharField(_("delivery city"), max_length=50, blank=True)
    delivery_address = models.CharField(_("delivery address"), max_length=255, blank=True)
    payment_method = models.ForeignKey(PaymentMethod, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("payment method"))
    customer_reference = models.CharField(_("customer reference"), max_length=60, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY", editable=False)
    # total_amount is tax-inclusive (价税合计): credit and exposure count it. net_total and tax_total
    # are the sums of the lines' figures (common.money.vat_split, docs/conventions.md "VAT").
    total_amount = models.DecimalField(_("total amount"), default=Decimal("0.00"), editable=False, **MONEY)
    net_total = models.DecimalField(_("amount without tax"), default=Decimal("0.00"), db_default=Decimal("0.00"),
                                    editable=False, **MONEY)
    tax_total = models.DecimalField(_("tax"), default=Decimal("0.00"), db_default=Decimal("0.00"), editable=False,
                                    **MONEY)
    notes = models.TextField(_("notes"), blank=True)
    contract_terms = models.CharField(_("contract terms"), max_length=12, choices=ContractTerms.choices,
                                      default=ContractTerms.STANDARD, db_default=ContractTerms.STANDARD)
    contract_terms_text = models.TextField(_("non-standard terms"), blank=True, default="", db_default="",
                                           help_text=_("What departs from the standard contract (P5.3)."))
    cancel_reason = models.TextField(_("cancellation reason"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", editable=False, verbose_name=_("approved by"))
    # P5.1: what this order added to its customer's approved exposure at its last approval. Set only by
    # the credit gate (approval adds the difference to the total), released by a cancellation after
    # approval; an order under a change after approval keeps holding it while the change is reviewed.
    approved_total = models.DecimalField(_("approved amount"), default=Decimal("0.00"), db_default=Decimal("0.00"),
                                         editable=False, **MONEY)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "-created_at"], name="order_state_created"),
            models.Index(fields=["customer", "-created_at"], name="order_customer_created"),
            models.Index(fields=["sales_rep", "state", "-created_at"], name="order_rep_state_created"),
            models.Index(fields=["-created_at"], name="order_created"),
            # The list page's other sorts and the "entered by me" half of a sales rep's scope.
            models.Index(fields=["entered_by", "-created_at"], name="order_entered_created"),
            models.Index(fields=["delivery_date"], name="order_delivery_date"),
            models.Index(fields=["total_amount"], name="order_total"),
        ]
        constraints = [models.CheckConstraint(condition=Q(total_amount__gte=0), name="order_total_not_negative"),
                       models.CheckConstraint(condition=Q(approved_total__gte=0), name="order_approved_not_negative")]

    def __str__(self) -> str:
        return self.number

    @property
    def exposure_delta(self) -> Decimal:
        """What approving the current content adds to the customer's exposure (negative: releases)."""
        return self.total_amount - self.approved_total

    @property
    def is_editable(self) -> bool:
        from .states import EDITABLE_STATES

        return self.state in EDITABLE_STATES


class OrderLine(models.Model):
    """One line. Product data is copied at entry so a later catalog change never rewrites it."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("line"))
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("product or service"))
    product_code = models.CharField(_("code"), max_length=30, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, null=True, blank=True)
    unit_price = models.DecimalField(_("unit price"), null=True, blank=True, **MONEY)
    list_price = models.DecimalField(_("list price at entry"), null=True, blank=True, **MONEY)
    amount = models.DecimalField(_("amount"), default=Decimal("0.00"), **MONEY)  # tax-inclusive (含税)
    # The VAT rate copied at entry (like list_price) and the line's split of `amount` by it.
    tax_rate = models.PositiveSmallIntegerField(_("VAT rate"), choices=TaxRate.choices, default=DEFAULT_TAX_RATE,
                                                db_default=DEFAULT_TAX_RATE)
    net_amount = models.DecimalField(_("amount without tax"), default=Decimal("0.00"), db_default=Decimal("0.00"),
                                     **MONEY)
    tax_amount = models.DecimalField(_("tax"), default=Decimal("0.00"), db_default=Decimal("0.00"), **MONEY)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(fields=["order", "position"], name="orderline_position_unique"),
            models.CheckConstraint(condition=Q(quantity__isnull=True) | Q(quantity__gt=0),
                                   name="orderline_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__isnull=True) | Q(unit_price__gte=0),
                                   name="orderline_price_not_negative"),
            models.CheckConstraint(condition=Q(net_amount__gte=0) & Q(tax_amount__gte=0),
                                   name="orderline_vat_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.position} {self.name}"


class OrderRevision(models.Model):
    """A frozen copy of an order as it was submitted; edits after a return make the next one."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveIntegerField()
    snapshot = models.JSONField(encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["order", "revision"]
        constraints = [models.UniqueConstraint(fields=["order", "revision"], name="orderrevision_unique")]


class OrderNumberCounter(models.Model):
    """Last number issued per day; bumped in the transaction that inserts the order, so a
    rolled-back insert gives its number back and the sequence stays gap-free (P2.2.c)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class IdempotencyKey(models.Model):
    """`Idempotency-Key` of an order-creating API call: same key and body → same order."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key_unique")]
