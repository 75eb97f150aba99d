"""The customer in the admin: which payment methods beyond the open ones it may use (P2.3.b).

Basic information, contacts and addresses are read-only here: they change through the
customer pages and the API, whose services write the audit events. The payment-method grants
are master data kept by the administrator; each change is written to the customer's timeline.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ordertaking.audit.services import event_record

from .models import Contact, Customer, CustomerAddress


class PaymentMethodInline(admin.TabularInline):
    model = Customer.allowed_payment_methods.through
    extra = 1
    verbose_name = _("allowed payment method")
    verbose_name_plural = _("allowed payment methods (beyond those open to all)")
    autocomplete_fields = ("paymentmethod",)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "paymentmethod":
            kwargs["label"] = _("payment method")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ("name", "title", "phone", "email", "is_primary")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AddressInline(admin.TabularInline):
    model = CustomerAddress
    extra = 0
    fields = ("label", "region", "city", "detail", "is_default")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "region", "city", "industry", "size", "status", "sales_rep")
    list_filter = ("status", "size", "region")
    search_fields = ("name", "credit_code")
    list_select_related = ("region", "sales_rep")
    readonly_fields = ("name", "kind", "credit_code", "industry", "size", "region", "city", "status", "sales_rep",
                       "preferences", "notes", "created_by", "created_at", "updated_at",
                       # invoicing details 开票信息: changed on the customer page, through the service with its event
                       "invoice_title", "invoice_address", "invoice_phone", "invoice_bank", "invoice_bank_account",
                       "invoice_type")
    exclude = ("allowed_payment_methods",)
    inlines = (PaymentMethodInline, ContactInline, AddressInline)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # customers are created on the customer pages, where the service records it

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # orders and the audit trail refer to customers: never deleted

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        customer = form.instance
        before = sorted(customer.allowed_payment_methods.values_list("code", flat=True))
        super().save_related(request, form, formsets, change)
        after = sorted(customer.allowed_payment_methods.values_list("code", flat=True))
        if before != after:
            with transaction.atomic():
                event_record(actor=request.user, action="customer.payment_methods_changed", subject=customer,
                             clause="P2.3.b", before={"allowed_payment_methods": before},
                             after={"allowed_payment_methods": after})
