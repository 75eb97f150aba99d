"""The working-day calendar in Django's admin too (the administrator maintains master data); writes go
through the service so the audit trail records them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import Holiday
from .services import holiday_delete, holiday_save


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    search_fields = ("name",)
    date_hierarchy = "date"

    def has_add_permission(self, request: Any) -> bool:
        return bool(request.user.has_perm("accounts.calendar_manage"))

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return bool(request.user.has_perm("accounts.calendar_manage"))

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return bool(request.user.has_perm("accounts.calendar_manage"))

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return bool(request.user.has_perm("accounts.calendar_manage"))

    def save_model(self, request: Any, obj: Holiday, form: Any, change: bool) -> None:
        saved = holiday_save(actor=request.user, day=obj.date, kind=obj.kind, name=obj.name,
                             holiday=Holiday(pk=obj.pk) if change else None)
        obj.pk = saved.pk

    def delete_model(self, request: Any, obj: Holiday) -> None:
        holiday_delete(actor=request.user, holiday=obj)
