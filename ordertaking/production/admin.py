from django.contrib import admin

from .models import Workshop


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    """Workshops and lines are master data: production's planner (or the administrator) keeps them here."""

    list_display = ("code", "name", "active")
    list_filter = ("active",)
    search_fields = ("code", "name")
