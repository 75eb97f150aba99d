from django.contrib import admin

from .models import DepartmentWebhook


@admin.register(DepartmentWebhook)
class DepartmentWebhookAdmin(admin.ModelAdmin):
    """The administrator keeps each department's group-chat robot (issue 10)."""

    list_display = ("department", "url", "active", "created_at")
    list_filter = ("department", "active")
    fields = ("department", "url", "secret", "active")
