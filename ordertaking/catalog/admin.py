from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Category, PaymentMethod, Product, Region


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "specification", "unit", "category", "list_price", "floor_price",
                    "needs_production", "production_lead_days", "active")
    list_filter = ("active", "kind", "category", "needs_production")
    search_fields = ("code", "name", "specification")


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "transit_days", "served")
    list_filter = ("served",)
    search_fields = ("code", "name")


@admin.register(PaymentMethod)
class PaymentMethodAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "term_days", "open_to_all", "active")
    list_filter = ("kind", "active", "open_to_all")
