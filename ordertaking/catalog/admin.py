"""The administrator maintains the catalog and price policy here (P2.3.b). Every save goes through
catalog/services.py, which checks `catalog_manage` and writes the audit event: the audit trail is the
one history of these rows, shown on each change page ("Changes"). Rows are retired (active / served
off), never deleted: orders and the audit trail refer to them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from ordertaking.audit.labels import describe_events
from ordertaking.audit.selectors import timeline_for

from . import services
from .models import Category, PaymentMethod, Product, Region

admin.site.site_header = _("Order management administration")
admin.site.site_title = _("Order management")
admin.site.index_title = _("Master data and users")


class ServiceAdmin(admin.ModelAdmin):
    """Saves through the catalog services; only holders of `catalog_manage` may add or change."""

    create: Callable[..., models.Model]
    update: Callable[..., models.Model]
    subject_arg: str
    readonly_fields = ("changes",)

    def _may_manage(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("accounts.catalog_manage"))  # the service's own check

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_manage(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_manage(request) and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """The form has run the model's validation already (beside each field); the service runs it
        again under its lock, saves and writes the audit event."""
        names = services.FIELDS[self.model]
        if not change:
            saved = self.create(actor=request.user, **{n: form.cleaned_data[n] for n in names
                                                       if n in form.cleaned_data})
            obj.pk = saved.pk
        else:
            current = self.model._default_manager.get(pk=obj.pk)
            self.update(actor=request.user, fields={n: form.cleaned_data[n] for n in form.changed_data if n in names},
                        **{self.subject_arg: current})
        obj.refresh_from_db()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retire instead: orders, customers and the audit trail refer to these rows

    @admin.display(description=_("Changes"))
    def changes(self, obj: Any) -> SafeString | str:
        if obj is None or obj.pk is None:
            return ""
        return render_to_string("audit/_timeline.html", {"events": describe_events(timeline_for(obj))})


@admin.register(Category)
class CategoryAdmin(ServiceAdmin):
    create = staticmethod(services.category_create)
    update = staticmethod(services.category_update)
    subject_arg = "category"
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Product)
class ProductAdmin(ServiceAdmin):
    create = staticmethod(services.product_create)
    update = staticmethod(services.product_update)
    subject_arg = "product"
    list_display = ("code", "name", "specification", "unit", "kind", "category", "list_price", "floor_price",
                    "tax_rate", "needs_production", "production_lead_days", "involves_ip", "active")
    list_filter = ("active", "kind", "tax_rate", "category", "needs_production", "involves_ip")
    search_fields = ("code", "name", "specification")
    list_select_related = ("category",)
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("code", "name", "specification", "unit", "kind", "category", "active")}),
        (_("Price policy"), {"fields": ("list_price", "floor_price", "tax_rate"),
                             "description": _("The floor price is the lowest unit price allowed without "
                                              "special approval (P2.3.b, P2.3.c). Prices include VAT at "
                                              "the product's rate (含税).")}),
        (_("Production"), {"fields": ("needs_production", "production_lead_days")}),
        (_("Legal"), {"fields": ("involves_ip",),
                      "description": _("An order with a product involving intellectual property goes to the legal "
                                       "adviser before approval (P5.3).")}),
        (_("Changes"), {"fields": ("changes",)}),
    )


@admin.register(Region)
class RegionAdmin(ServiceAdmin):
    create = staticmethod(services.region_create)
    update = staticmethod(services.region_update)
    subject_arg = "region"
    list_display = ("code", "name", "transit_days", "served")
    list_filter = ("served",)
    search_fields = ("code", "name")


@admin.register(PaymentMethod)
class PaymentMethodAdmin(ServiceAdmin):
    create = staticmethod(services.payment_method_create)
    update = staticmethod(services.payment_method_update)
    subject_arg = "payment_method"
    list_display = ("code", "name", "kind", "term_days", "open_to_all", "active")
    list_filter = ("kind", "active", "open_to_all")
    search_fields = ("code", "name")
