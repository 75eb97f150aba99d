"""Customer inquiries by every channel (P2.1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ordertaking.catalog.models import Product, Region
from ordertaking.customers.models import Customer
from ordertaking.customers.validators import validate_phone
from ordertaking.orders.models import Order


class Inquiry(models.Model):
    class Channel(models.TextChoices):  # P2.1.a
        PHONE = "phone", _("Phone")
        EMAIL = "email", pgettext_lazy("inquiry channel", "Email")
        ONLINE = "online", _("Online customer service")
        VISIT = "visit", _("On-site visit")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        HANDED_OVER = "handed_over", _("Handed over")
        CONVERTED = "converted", _("Converted to order")
        CLOSED = "closed", _("Closed")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN,
                             editable=False)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="inquiries", verbose_name=_("customer"))
    # A prospect not yet in the archive (P2.1.c basic information).
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True, validators=[validate_phone])
    contact_email = models.EmailField(_("contact email"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("province"))
    # Needs (P2.1.c)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("product or service"))
    specification = models.CharField(_("specification"), max_length=300, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, null=True, blank=True)
    service_requirements = models.TextField(_("service requirements"), blank=True)
    wanted_delivery_date = models.DateField(_("wanted delivery date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    needs_analysis = models.TextField(_("preliminary needs analysis"), blank=True)
    special_needs = models.BooleanField(_("special or complex needs"), default=False)  # P2.1.b
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("received by"))
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="assigned_inquiries", verbose_name=_("sales rep"))
    order = models.OneToOneField(Order, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="source_inquiry", editable=False, verbose_name=_("order"))
    close_reason = models.TextField(_("reason for closing"), blank=True, editable=False)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["assigned_to", "state", "-received_at"], name="inquiry_assignee_state"),
            models.Index(fields=["state", "-received_at"], name="inquiry_state_received"),
            models.Index(fields=["received_by", "-received_at"], name="inquiry_receiver"),
        ]

    def __str__(self) -> str:
        return f"INQ-{self.pk}"

    @property
    def display_name(self) -> str:
        """Who asked: the archived customer, else the prospect's company."""
        return self.customer.name if self.customer_id and self.customer else self.company_name
