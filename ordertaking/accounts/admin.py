from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, User
from .services import api_token_revoke, user_active_recorded, user_roles_recorded


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Role grants and revocations and (de)activations made here are audit events with the
    administrator as actor (P3, issue 8), as through the console and the pages."""

    fieldsets = (*BaseUserAdmin.fieldsets, ("ordertaking", {"fields": ("display_name", "phone", "region", "leader")}))  # type: ignore[misc]
    list_display = ("username", "display_name", "email", "region", "leader", "is_active")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        old = User.objects.filter(pk=obj.pk).values_list("is_active", flat=True).first() if change else None
        request._ot_roles_before = sorted(obj.groups.values_list("name", flat=True)) if change else []  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)
        if old is not None:
            user_active_recorded(user=obj, was_active=old, actor=request.user)  # type: ignore[arg-type]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        user_roles_recorded(user=form.instance, before=getattr(request, "_ot_roles_before", []),
                            actor=request.user)  # type: ignore[arg-type]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued on the profile page or by the console; here they can only be read and revoked
    (through the service, so the revocation is audited). A token never moves to another user and a
    revoked token stays revoked."""

    list_display = ("user", "name", "hint", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "key_hash", "hint", "created_at", "expires_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected API tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            api_token_revoke(token=token, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, _("API tokens revoked."))
