"""Receivables (P3.6): invoices from orders, payments received, credit notes, dunning tasks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ordertaking.catalog.models import DEFAULT_TAX_RATE, TaxRate
from ordertaking.customers.models import Customer, InvoiceType
from ordertaking.orders.models import Order, OrderLine

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}
CURRENCIES = ["CNY"]  # the company invoices and collects in renminbi only


class FapiaoStatus(models.TextChoices):
    NOT_ISSUED = "not_issued", _("Not issued")
    ISSUED = "issued", pgettext_lazy("fapiao", "Issued")
    REVERSED = "reversed", _("Reversed (red-letter)")


class Invoice(models.Model):
    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("invoice", "Open")
        PAID = "paid", pgettext_lazy("invoice", "Paid")

    number = models.CharField(_("invoice number"), max_length=40, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="invoices")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="invoices")
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    amount = models.DecimalField(_("amount"), **MONEY)  # tax-inclusive (价税合计): receivables count it
    # The sums of the invoiced lines' figures (common.money.vat_split per line, docs/conventions.md "VAT").
    net_amount = models.DecimalField(_("amount without tax"), default=Decimal("0.00"), db_default=Decimal("0.00"),
                                     **MONEY)
    tax_amount = models.DecimalField(_("tax"), default=Decimal("0.00"), db_default=Decimal("0.00"), **MONEY)
    settled_amount = models.DecimalField(_("settled"), default=Decimal("0.00"), **MONEY)
    settled_on = models.DateField(_("fully settled on"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=6, choices=State.choices, default=State.OPEN, editable=False)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The fapiao (发票) finance issued for this invoice in the tax-control system, recorded here
    # (finance.services.fapiao_record / fapiao_reverse, each an audit event).
    fapiao_status = models.CharField(_("fapiao status"), max_length=12, choices=FapiaoStatus.choices,
                                     default=FapiaoStatus.NOT_ISSUED,
                                     db_default=FapiaoStatus.NOT_ISSUED.value, editable=False)
    fapiao_type = models.CharField(_("fapiao type"), max_length=10, choices=InvoiceType.choices, blank=True,
                                   default="", db_default="", editable=False)
    fapiao_number = models.CharField(_("fapiao number"), max_length=20, blank=True, default="", db_default="",
                                     editable=False)
    fapiao_date = models.DateField(_("fapiao date"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issue_date", "-id"]
        indexes = [
            models.Index(fields=["customer", "state", "due_date"], name="invoice_customer_state_due"),
            models.Index(fields=["state", "due_date"], name="invoice_state_due"),
            models.Index(fields=["fapiao_status", "issue_date"], name="invoice_fapiao_status"),
        ]
        constraints = [
            # A fapiao number is unique within its type (the tax-control system numbers each kind apart).
            models.UniqueConstraint(fields=["fapiao_type", "fapiao_number"], condition=~Q(fapiao_number=""),
                                    name="invoice_fapiao_number_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_amount_positive"),
            models.CheckConstraint(condition=Q(settled_amount__gte=0) & Q(settled_amount__lte=F("amount")),
                                   name="invoice_settled_within_amount"),
            models.CheckConstraint(condition=Q(due_date__gte=F("issue_date")), name="invoice_due_after_issue"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def open_amount(self) -> Decimal:
        return self.amount - self.settled_amount


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="invoice_lines")
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)  # tax-inclusive
    tax_rate = models.PositiveSmallIntegerField(_("VAT rate"), choices=TaxRate.choices, default=DEFAULT_TAX_RATE,
                                                db_default=DEFAULT_TAX_RATE)
    net_amount = models.DecimalField(_("amount without tax"), default=Decimal("0.00"), db_default=Decimal("0.00"),
                                     **MONEY)
    tax_amount = models.DecimalField(_("tax"), default=Decimal("0.00"), db_default=Decimal("0.00"), **MONEY)

    class Meta:
        ordering = ["invoice", "id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="invoiceline_quantity_positive")]


class Payment(models.Model):
    """Money received (P3.6 按合同收款并记录), allocated to one or several invoices."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="payments")
    received_on = models.DateField(_("received on"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    amount = models.DecimalField(_("amount"), **MONEY)
    unallocated = models.DecimalField(_("unallocated"), default=Decimal("0.00"), **MONEY)
    reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(unallocated__gte=0) & Q(unallocated__lte=F("amount")),
                                   name="payment_unallocated_within_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.amount}"


class PaymentAllocation(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive")]


class CreditNote(models.Model):
    """A credit in the customer's favour (e.g. compensation P2.5.d), used later against invoices."""

    number = models.CharField(_("credit note number"), max_length=40, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credit_notes")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes")
    issue_date = models.DateField(_("issue date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    used_amount = models.DecimalField(_("used"), default=Decimal("0.00"), **MONEY)
    reason = models.TextField(_("reason"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="creditnote_amount_positive"),
            models.CheckConstraint(condition=Q(used_amount__gte=0) & Q(used_amount__lte=F("amount")),
                                   name="creditnote_used_within_amount"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.used_amount


class CreditNoteApplication(models.Model):
    credit_note = models.ForeignKey(CreditNote, on_delete=models.PROTECT, related_name="applications")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_applications")
    amount = models.DecimalField(_("amount"), **MONEY)
    applied_on = models.DateField(_("applied on"))

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="creditapp_amount_positive")]


class DunningTask(models.Model):
    """催收 (P5.1.c 加强货款催收): a collection task for finance or the sales rep."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="dunning_tasks")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dunning_tasks")
    due_date = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=5, choices=State.choices, default=State.OPEN, editable=False)
    note = models.TextField(_("note"), blank=True)
    # What the monitoring job asks for, as params ({"inv", "days"}), rendered in the reader's language by
    # `text`; `note` keeps what people wrote (and, for tasks from before params, the job's own text).
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dunning task")
        verbose_name_plural = _("dunning tasks")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["state", "due_date"], name="dunning_state_due")]

    @property
    def text(self) -> str:
        """The task in the reader's (active) language, followed by the notes people added."""
        if not self.params:
            return self.note
        try:
            asked = str(_("Collect %(inv)s, %(days)s days overdue.")) % self.params
        except (KeyError, TypeError, ValueError):
            return self.note
        return (asked + "\n" + self.note).strip()
