from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from .models import DepartmentWebhook
from .services import department_webhook_recorded


@admin.register(DepartmentWebhook)
class DepartmentWebhookAdmin(admin.ModelAdmin):
    """The administrator keeps each department's group-chat robot (issue 10); every change is audited."""

    list_display = ("department", "url", "active", "created_at")
    list_filter = ("department", "active")
    fields = ("department", "url", "secret", "active")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = DepartmentWebhook.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        department_webhook_recorded(hook=obj, actor=request.user, before=before)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        department_webhook_recorded(hook=obj, actor=request.user, before=None, deleted=True)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            department_webhook_recorded(hook=obj, actor=request.user, before=None, deleted=True)
        super().delete_queryset(request, queryset)
