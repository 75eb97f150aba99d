"""The administrator maintains the catalog and price policy here (P2.3.b); django-simple-history
keeps every change ("History" button), so a reviewer can see which rule was in force when."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Category, PaymentMethod, Product, Region

admin.site.site_header = _("Order management administration")
admin.site.site_title = _("Order management")
admin.site.index_title = _("Master data and users")


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "specification", "unit", "kind", "category", "list_price", "floor_price",
                    "needs_production", "production_lead_days", "active")
    list_filter = ("active", "kind", "category", "needs_production")
    search_fields = ("code", "name", "specification")
    list_select_related = ("category",)
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("code", "name", "specification", "unit", "kind", "category", "active")}),
        (_("Price policy"), {"fields": ("list_price", "floor_price"),
                             "description": _("The floor price is the lowest unit price allowed without "
                                              "special approval (P2.3.b, P2.3.c).")}),
        (_("Production"), {"fields": ("needs_production", "production_lead_days")}),
    )


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "transit_days", "served")
    list_filter = ("served",)
    search_fields = ("code", "name")


@admin.register(PaymentMethod)
class PaymentMethodAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "term_days", "open_to_all", "active")
    list_filter = ("kind", "active", "open_to_all")
    search_fields = ("code", "name")
