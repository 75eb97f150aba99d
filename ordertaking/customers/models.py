"""The customer archive (P2.1.c, P4.1.a/b): company, classification, addresses, contacts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ordertaking.catalog.models import PaymentMethod, Region
from ordertaking.common.pinyin import pinyin_key

from .validators import validate_credit_code, validate_phone


class InvoiceType(models.TextChoices):
    """The kind of VAT invoice (发票) a customer wants, and the kind finance issued (finance.Invoice)."""

    NORMAL = "normal", _("General VAT invoice")
    SPECIAL = "special", _("Special VAT invoice")


class Customer(models.Model):
    class Size(models.TextChoices):  # P4.1.b 规模
        MICRO = "micro", _("Micro")
        SMALL = "small", _("Small")
        MEDIUM = "medium", _("Medium")
        LARGE = "large", _("Large")

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    class Frequency(models.TextChoices):  # P4.1.b 购买频率: orders in the classification period, computed
        HIGH = "high", _("Frequent buyer")
        MEDIUM = "medium", _("Regular buyer")
        LOW = "low", _("Occasional buyer")
        NONE = "none", _("No purchase in the period")

    class Tier(models.TextChoices):  # P4.1.b value tier from recency, frequency and amount, computed
        KEY = "key", pgettext_lazy("value tier", "Key")  # 重点
        GROWING = "growing", _("Growing")  # 成长
        OCCASIONAL = "occasional", _("Occasional")  # 一般
        DORMANT = "dormant", _("Dormant")  # 休眠

    class Kind(models.TextChoices):  # P5.3 消费者: an individual buyer's orders go to the legal adviser
        ENTERPRISE = "enterprise", _("Enterprise")
        INDIVIDUAL = "individual", _("Individual (consumer)")

    name = models.CharField(_("company name"), max_length=200, db_index=True)
    kind = models.CharField(_("customer kind"), max_length=10, choices=Kind.choices, default=Kind.ENTERPRISE,
                            db_default=Kind.ENTERPRISE,
                            help_text=_("An individual (consumer) has no unified social credit code."))
    # The name's pinyin sort key, kept by save(): the database sorts names the way users look for them
    # (安徽 < 北京 < 上海 < 浙江), so the paged list sorts in SQL and not by code point.
    name_pinyin = models.CharField(_("pinyin of the name"), max_length=1000, blank=True, editable=False,
                                   db_index=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, null=True, blank=True,
                                   validators=[validate_credit_code],
                                   help_text=_("统一社会信用代码, 18 characters (GB 32100-2015)."))
    industry = models.CharField(_("industry"), max_length=50, blank=True)
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("province"))
    city = models.CharField(_("city"), max_length=50, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROSPECT)
    sales_rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="customers", verbose_name=_("sales rep"))
    allowed_payment_methods = models.ManyToManyField(
        PaymentMethod, blank=True, related_name="customers", verbose_name=_("allowed payment methods"),
        help_text=_("Payment methods beyond those open to all customers (P2.3.b)."))
    preferences = models.TextField(_("needs and preferences"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # 开票信息, the invoicing details (issue 11, P3.6). The taxpayer number is the unified social credit
    # code above (one field, not a copy). Phone and bank account are confidential like a contact's
    # phone (customers.selectors.invoicing_details masks them, P4.1.c).
    invoice_title = models.CharField(_("invoice title"), max_length=200, blank=True, default="", db_default="",
                                     help_text=_("发票抬头; the company name when left empty."))
    invoice_address = models.CharField(_("registered address"), max_length=255, blank=True, default="",
                                       db_default="")
    invoice_phone = models.CharField(_("registered phone"), max_length=30, blank=True, default="", db_default="")
    invoice_bank = models.CharField(_("bank"), max_length=100, blank=True, default="", db_default="")
    invoice_bank_account = models.CharField(_("bank account"), max_length=40, blank=True, default="",
                                            db_default="")
    invoice_type = models.CharField(_("invoice type wanted"), max_length=10, choices=InvoiceType.choices,
                                    default=InvoiceType.NORMAL, db_default=InvoiceType.NORMAL.value)
    # P4.1.a "updated regularly": when the archive entry was last confirmed with the customer, by whom,
    # and what was confirmed (archive.services.customer_verify; the reminder queue reads the date).
    last_verified_at = models.DateTimeField(_("last verified"), null=True, blank=True, editable=False)
    last_verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="+", editable=False,
                                         verbose_name=_("last verified by"))
    verified_items = models.JSONField(_("confirmed"), default=list, blank=True, editable=False)
    # P4.1.b classification computed from the order history by archive.services.classification_refresh
    # (never typed): orders in the period, the frequency class they give, and the value tier.
    orders_in_period = models.PositiveIntegerField(_("orders in the period"), default=0, db_default=0,
                                                   editable=False)
    purchase_frequency = models.CharField(_("purchase frequency"), max_length=10, choices=Frequency.choices,
                                          blank=True, default="", db_default="", editable=False)
    value_tier = models.CharField(_("value tier"), max_length=12, choices=Tier.choices, blank=True, default="",
                                  db_default="", editable=False)
    classified_at = models.DateTimeField(_("classified"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name_pinyin", "name"]
        constraints = [
            models.UniqueConstraint(fields=["credit_code"], condition=Q(credit_code__isnull=False),
                                    name="customer_credit_code_unique"),
        ]
        indexes = [
            models.Index(fields=["sales_rep", "name"], name="customer_rep_name"),
            models.Index(fields=["region", "industry"], name="customer_region_industry"),
            # the list's class and tier filters (P4.1.b) and the verification reminder queue (P4.1.a)
            models.Index(fields=["value_tier", "name_pinyin"], name="customer_tier_name"),
            models.Index(fields=["purchase_frequency", "name_pinyin"], name="customer_frequency_name"),
            models.Index(fields=["sales_rep", "last_verified_at"], name="customer_rep_verified"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_pinyin = name_sort_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_pinyin"}
        super().save(*args, **kwargs)


def name_sort_key(name: str) -> str:
    """The stored sort key: the name's pinyin without tones (lists order by it, then by the name itself)."""
    return pinyin_key(name or "")[0][:1000]


class CustomerAddress(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(_("label"), max_length=50, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("province"))
    city = models.CharField(_("city"), max_length=50)
    detail = models.CharField(_("street address"), max_length=255)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_default", "id"]

    def __str__(self) -> str:
        return f"{self.region}{self.city}{self.detail}"


class Contact(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("contact name"), max_length=50)
    title = models.CharField(_("title"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, validators=[validate_phone],
                             help_text=_("Mobile or landline."))
    email = models.EmailField(_("email"), blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "id"]

    def __str__(self) -> str:
        return self.name
